import TernBytecode
import TernSyntax

extension FunctionCompiler {
  /// Emits the tests of a (refutable) pattern against the value in `subject`; returns the
  /// jumps taken when it does not match. Names it binds become locals of the current scope,
  /// or, with `targets`, are moved into those registers (used for `a | b` alternatives).
  func compilePatternTest(_ pattern: Pattern, subject: Int, targets: [String: Int]? = nil) -> [Int] {
    currentRange = pattern.range
    switch pattern.kind {
    case .wildcard:
      return []
    case .binding(let name):
      bindPatternName(name, from: subject, targets: targets)
      return []
    case .literal(let expr):
      if let literal = Self.comparableConstant(expr), case let index = constant(literal), index <= 255 {
        pinnedConstants.insert(index)
        emit(Instruction.abc(.skipUnlessEqualConstant, subject, index, 0))
        return [emitJump()]
      }
      let register = allocateRegister()
      compileExpression(expr, into: register)
      currentRange = pattern.range
      emit(Instruction.abc(.skipUnlessEqual, subject, register, 0))
      return [emitJump()]
    case .range(let lower, let upper, let isClosed):
      let base = allocateRegister()
      _ = allocateRegister()
      if let lower { compileExpression(lower, into: base) } else { emit(Instruction.abc(.loadNil, base, 0, 0)) }
      if let upper { compileExpression(upper, into: base + 1) } else { emit(Instruction.abc(.loadNil, base + 1, 0, 0)) }
      currentRange = pattern.range
      emit(Instruction.abc(.skipIfInRange, subject, base, isClosed ? 1 : 0))
      return [emitJump()]
    case .tuple(let elements):
      emit(Instruction.abc(.skipIfShape, subject, elements.count, 0))
      var failures = [emitJump()]
      for (index, element) in elements.enumerated() {
        failures += compilePatternTest(element, subject: elementRegister(subject, index: index), targets: targets)
      }
      return failures
    case .list(let elements, let restIndex, let restName):
      emit(Instruction.abc(.skipIfShape, subject, elements.count, restIndex == nil ? 1 : 2))
      var failures = [emitJump()]
      let before = restIndex ?? elements.count
      for (index, element) in elements.enumerated() {
        let position = index < before ? index : index - elements.count
        failures += compilePatternTest(element, subject: elementRegister(subject, index: position), targets: targets)
      }
      if let restIndex, let restName {
        bindPatternName(
          restName.name, from: restRegister(subject, restIndex: restIndex, after: elements.count - restIndex),
          targets: targets)
      }
      return failures
    case .typeTest(let binding, let type):
      let typeRegister = allocateRegister()
      compileTypePath(type, into: typeRegister)
      currentRange = pattern.range
      emit(Instruction.abc(.skipIfMatches, subject, typeRegister, 0))
      let failure = emitJump()
      if let binding { bindPatternName(binding.name, from: subject, targets: targets) }
      return [failure]
    case .path(let type):
      let valueRegister = allocateRegister()
      compileTypePath(type, into: valueRegister)
      currentRange = pattern.range
      emit(Instruction.abc(.skipIfMatches, subject, valueRegister, 1))
      return [emitJump()]
    case .dotCase(let name, nil):
      // A symbol, or a payload-free enum case of the value's own enum.
      emit(Instruction.aBx(.skipIfCase, subject, constant(.string(name.name))))
      return [emitJump()]
    case .alternatives(let options):
      // Every alternative binds the same names, into the same registers.
      let names = options.map { Set($0.boundNames.map(\.name)) }
      if let first = names.first, let other = names.first(where: { $0 != first }) {
        let missing = first.symmetricDifference(other).sorted().map { "`\($0)`" }.joined(separator: ", ")
        error(
          "the alternatives of a `|` pattern must bind the same names (\(missing) not in all of them)",
          at: pattern.range)
      }
      var shared = targets ?? [:]
      if targets == nil {
        for name in pattern.boundNames where shared[name.name] == nil {
          let register = allocateRegister()
          emit(Instruction.abc(.loadNil, register, 0, 0))
          declareLocal(name.name, isMutable: false, register: register)
          shared[name.name] = register
        }
      }
      var matched: [Int] = []
      var failures: [Int] = []
      for (index, option) in options.enumerated() {
        for jump in failures { patchJumpHere(jump) }
        failures = compilePatternTest(option, subject: subject, targets: shared)
        if index < options.count - 1 { matched.append(emitJump()) }
      }
      for jump in matched { patchJumpHere(jump) }
      return failures
    case .constructor(let type, let arguments):
      let typeRegister = allocateRegister()
      compileTypePath(type, into: typeRegister)
      currentRange = pattern.range
      emit(Instruction.abc(.skipIfMatches, subject, typeRegister, 0))
      return [emitJump()] + compileFieldPatterns(arguments, subject: subject, targets: targets)
    case .dotCase(let name, let arguments?):
      emit(Instruction.aBx(.skipIfCase, subject, constant(.string(name.name))))
      return [emitJump()] + compileFieldPatterns(arguments, subject: subject, targets: targets)
    }
  }

  /// The fields of a record or enum case, by position or by name.
  func compileFieldPatterns(_ arguments: [PatternArgument], subject: Int, targets: [String: Int]?) -> [Int] {
    var failures: [Int] = []
    for (index, argument) in arguments.enumerated() {
      let field = allocateRegister()
      if let label = argument.label {
        emit(Instruction.abc(.getMember, field, subject, memberConstant(label.name)))
      } else {
        emit(Instruction.abc(.recordField, field, subject, index))
      }
      failures += compilePatternTest(argument.pattern, subject: field, targets: targets)
    }
    return failures
  }

  func bindPatternName(_ name: String, from source: Int, targets: [String: Int]?) {
    if let target = targets?[name] {
      emit(Instruction.abc(.move, target, source, 0))
    } else {
      bindName(name, from: source, isMutable: false)
    }
  }

  /// A new temporary holding `source[restIndex ..< count - after]`.
  func restRegister(_ source: Int, restIndex: Int, after: Int) -> Int {
    let count = allocateRegister()
    emit(Instruction.abc(.getMember, count, source, memberConstant("count")))
    let lower = allocateRegister()
    let upper = allocateRegister()
    emit(Instruction.aSBx(.loadInt, lower, restIndex))
    emit(Instruction.abc(.subtractInt, upper, count, after))
    emit(Instruction.abc(.makeRange, lower, lower, 0))
    let rest = allocateRegister()
    emit(Instruction.abc(.getIndex, rest, source, lower))
    return rest
  }

  /// Loads the value a type path names (`Int`, `KeyError`, `Shape.circle`).
  func compileTypePath(_ type: TypePath, into target: Int) {
    guard let first = type.components.first else { return }
    compileNameLoad(first.name, into: target, range: first.range)
    for component in type.components.dropFirst() {
      emit(Instruction.abc(.getMember, target, target, memberConstant(component.name)))
    }
  }

  /// `match subject { arms }`: arms tried in order; no match is a MatchError.
  func compileMatch(
    subject: Expr, arms: [MatchArm], into target: Int, range: SourceRange, inTailPosition: Bool = false
  ) {
    let subjectRegister = allocateRegister()
    compileExpression(subject, into: subjectRegister)
    var ends: [Int] = []
    for arm in arms {
      let mark = freeRegister
      beginScope()
      var failures = compilePatternTest(arm.pattern, subject: subjectRegister)
      if let guardExpr = arm.guardExpr {
        failures += compileCondition(guardExpr, jumpWhen: false)
      }
      currentRange = arm.body.range
      if inTailPosition {
        if arm.body.isAssignment {
          compileEffect(arm.body)
          emit(Instruction.abc(.returnValue, 0, 0, 0))
        } else {
          compileReturn(arm.body)
        }
      } else if arm.body.isAssignment {
        compileEffect(arm.body)
        emit(Instruction.abc(.loadNil, target, 0, 0))
      } else {
        compileExpression(arm.body, into: target)
      }
      endScope()
      freeRegister = mark
      ends.append(emitJump())
      for jump in failures { patchJumpHere(jump) }
    }
    currentRange = range
    emit(Instruction.aBx(.matchFailed, subjectRegister, constant(.string(""))))
    for jump in ends { patchJumpHere(jump) }
  }
}
