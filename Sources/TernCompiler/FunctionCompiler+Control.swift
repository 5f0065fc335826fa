import TernBytecode
import TernSyntax

extension FunctionCompiler {
  /// Compiles a condition as jumps: returns the jumps taken when the condition's truth is
  /// `jumpWhen`; otherwise control falls through. Comparisons become compare-and-skip pairs,
  /// `and`/`or`/`not` short-circuit without materialising booleans.
  func compileCondition(_ expr: Expr, jumpWhen: Bool) -> [Int] {
    let saved = currentRange
    currentRange = expr.range
    defer { currentRange = saved }
    let mark = freeRegister
    defer { freeRegister = mark }
    switch expr.kind {
    case .unary(.not, let operand):
      return compileCondition(operand, jumpWhen: !jumpWhen)
    case .binary(.and, let left, let right), .binary(.or, let left, let right):
      let isAnd = if case .binary(.and, _, _) = expr.kind { true } else { false }
      if isAnd != jumpWhen {
        // and→false / or→true: either side decides.
        return compileCondition(left, jumpWhen: jumpWhen) + compileCondition(right, jumpWhen: jumpWhen)
      }
      let skip = compileCondition(left, jumpWhen: !jumpWhen)
      let jumps = compileCondition(right, jumpWhen: jumpWhen)
      for jump in skip { patchJumpHere(jump) }
      return jumps
    case .bool(let value):
      return value == jumpWhen ? [emitJump()] : []
    case .comparison(let first, let rest):
      // `x == nil` and `x != nil`: one nil test and jump.
      if rest.count == 1, rest[0].0 == .equal || rest[0].0 == .notEqual, case .nilLiteral = rest[0].1.kind {
        let register = registerFor(first)
        currentRange = expr.range
        let jumpsWhenNil = (rest[0].0 == .equal) == jumpWhen
        return [emit(Instruction.aSBx(jumpsWhenNil ? .jumpIfNil : .jumpIfNotNil, register, 0))]
      }
      return compileComparisonChain(first, rest, jumpWhen: jumpWhen)
    default:
      let register = registerFor(expr)
      currentRange = expr.range
      emit(Instruction.abc(.skipUnlessTruthy, register, 0, jumpWhen ? 1 : 0))
      return [emitJump()]
    }
  }

  /// `a < b <= c` as jumps, each middle operand evaluated once.
  func compileComparisonChain(_ first: Expr, _ rest: [(ComparisonOperator, Expr)], jumpWhen: Bool) -> [Int] {
    var left = first
    var leftRegister = registerFor(first)
    var falseJumps: [Int] = []
    var result: [Int] = []
    for (index, (op, right)) in rest.enumerated() {
      let isLast = index == rest.count - 1
      // Every link but the last jumps away when false; the last decides `jumpWhen`.
      let wantJumpWhen = isLast ? jumpWhen : false
      let jump = compileComparison(
        op, left: left, leftRegister: leftRegister, right: right, jumpWhen: wantJumpWhen, needsRight: !isLast)
      if isLast { result.append(jump.jump) } else { falseJumps.append(jump.jump) }
      left = right
      leftRegister = jump.rightRegister
    }
    if jumpWhen == false {
      return result + falseJumps
    }
    for jump in falseJumps { patchJumpHere(jump) }
    return result
  }

  /// One comparison as a compare-and-skip plus a jump taken when `(left op right) == jumpWhen`.
  /// `needsRight`: the right operand is the next link's left, so it must end up in a register.
  func compileComparison(
    _ op: ComparisonOperator, left: Expr, leftRegister: Int, right: Expr, jumpWhen: Bool, needsRight: Bool
  ) -> (jump: Int, rightRegister: Int) {
    var k = jumpWhen ? 1 : 0
    if case .integer(let literal) = right.kind, let value = literal.value, value >= -128, value <= 127,
      op != .identical, op != .notIdentical
    {
      let opcode: Opcode
      switch op {
      case .less: opcode = .skipUnlessLessInt
      case .lessEqual: opcode = .skipUnlessLessEqualInt
      case .greater: opcode = .skipUnlessGreaterInt
      case .greaterEqual: opcode = .skipUnlessGreaterEqualInt
      case .equal: opcode = .skipUnlessEqualInt
      default:
        opcode = .skipUnlessEqualInt
        k = 1 - k
      }
      var register = -1
      if needsRight {
        register = allocateRegister()
        compileExpression(right, into: register)
      }
      currentRange = left.range.union(right.range)
      emit(Instruction.abc(opcode, leftRegister, Int(value) & 0xFF, k))
      return (emitJump(), register)
    }
    if op == .equal || op == .notEqual, !needsRight, let literal = Self.comparableConstant(right) {
      // `x == "text"` (or a float or symbol literal): compared with the constant in place.
      let index = constant(literal)
      if index <= 255 {
        pinnedConstants.insert(index)
        currentRange = left.range.union(right.range)
        emit(Instruction.abc(.skipUnlessEqualConstant, leftRegister, index, op == .equal ? k : 1 - k))
        return (emitJump(), -1)
      }
    }
    let rightRegister = registerFor(right)
    currentRange = left.range.union(right.range)
    switch op {
    case .less: emit(Instruction.abc(.skipUnlessLess, leftRegister, rightRegister, k))
    case .lessEqual: emit(Instruction.abc(.skipUnlessLessEqual, leftRegister, rightRegister, k))
    case .greater: emit(Instruction.abc(.skipUnlessLess, rightRegister, leftRegister, k))
    case .greaterEqual: emit(Instruction.abc(.skipUnlessLessEqual, rightRegister, leftRegister, k))
    case .equal: emit(Instruction.abc(.skipUnlessEqual, leftRegister, rightRegister, k))
    case .notEqual: emit(Instruction.abc(.skipUnlessEqual, leftRegister, rightRegister, 1 - k))
    case .identical, .notIdentical:
      let register = allocateRegister()
      emit(Instruction.abc(.identical, register, leftRegister, rightRegister))
      emit(Instruction.abc(.skipUnlessTruthy, register, 0, op == .identical ? k : 1 - k))
    }
    return (emitJump(), rightRegister)
  }

  /// The constant a literal `==` compares with in place: strings, floats and symbols.
  static func comparableConstant(_ expr: Expr) -> Constant? {
    switch expr.kind {
    case .string(let text): return .string(text)
    case .float(let value): return .float(value)
    case .symbol(let name): return .symbol(name)
    default: return nil
    }
  }

  /// A condition used as a value: `true` or `false` in `target`.
  func compileConditionValue(_ expr: Expr, into target: Int) {
    let falseJumps = compileCondition(expr, jumpWhen: false)
    emit(Instruction.abc(.loadTrue, target, 0, 0))
    let end = emitJump()
    for jump in falseJumps { patchJumpHere(jump) }
    emit(Instruction.abc(.loadFalse, target, 0, 0))
    patchJumpHere(end)
  }

  // MARK: - Calls

  /// Puts the callee and arguments in consecutive registers; returns the callee's register.
  func compileCallSetup(callee: Expr, arguments: [Argument], reusing target: Int? = nil) -> Int {
    let base = target.flatMap { canBuildCallIn($0) ? $0 : nil } ?? allocateRegister()
    compileExpression(callee, into: base)
    for argument in arguments {
      let register = allocateRegister()
      compileExpression(argument.value, into: register)
    }
    return base
  }

  func compileCall(callee: Expr, arguments: [Argument], into target: Int, range: SourceRange) {
    if arguments.contains(where: \.isSpecial) {
      compileGeneralCall(callee: callee, arguments: arguments, into: target, range: range)
      return
    }
    if arguments.count > 200 {
      error("too many arguments in one call")
      return
    }
    let base: Int
    if case .member(let object, let name, let isOptional) = callee.kind {
      base = compileInvokeSetup(
        object: object, isOptional: isOptional, arguments: arguments, reusing: canBuildCallIn(target) ? target : nil)
      currentRange = range
      emit(Instruction.abc(.invoke, base, arguments.count, memberConstant(name.name)))
    } else {
      base = compileCallSetup(callee: callee, arguments: arguments, reusing: target)
      currentRange = range
      emit(Instruction.abc(.call, base, arguments.count, 0))
    }
    if base != target { emit(Instruction.abc(.move, target, base, 0)) }
  }

  /// `obj.method(args)`: the receiver goes in the callee's slot (returned) and `invoke`
  /// finds the method.
  func compileInvokeSetup(object: Expr, isOptional: Bool, arguments: [Argument], reusing target: Int? = nil) -> Int {
    let base = target ?? allocateRegister()
    compileExpression(object, into: base)
    if isOptional { exitIfNil(base) }
    for argument in arguments { compileExpression(argument.value, into: allocateRegister()) }
    // A script method takes the receiver as its first argument: the VM shifts the
    // arguments up one register, so keep one free.
    _ = allocateRegister()
    return base
  }

  /// A call can be built directly in `target` (callee there, arguments above) when nothing
  /// live sits above it and it is not a variable the arguments might still read.
  func canBuildCallIn(_ target: Int) -> Bool {
    target == freeRegister - 1 && !locals.contains(where: { $0.register == target })
  }

  /// A call with named or spread arguments: the argument shape goes in a constant, as
  /// comma-separated entries `p` (positional), `s` (spread) and `n:name` (named).
  func compileGeneralCall(callee: Expr, arguments: [Argument], into target: Int, range: SourceRange) {
    let base = allocateRegister()
    if case .member(let object, let name, false) = callee.kind {
      // Method calls with named or spread arguments look the method up first.
      compileExpression(object, into: base)
      emit(Instruction.abc(.getMember, base, base, memberConstant(name.name)))
    } else {
      compileExpression(callee, into: base)
    }
    var shape: [String] = []
    for argument in arguments {
      compileExpression(argument.value, into: allocateRegister())
      shape.append(argument.isSpread ? "s" : argument.label.map { "n:" + $0.name } ?? "p")
    }
    let shapeConstant = smallConstant(.string(shape.joined(separator: ",")))
    currentRange = range
    emit(Instruction.abc(.callGeneral, base, arguments.count, shapeConstant))
    if base != target { emit(Instruction.abc(.move, target, base, 0)) }
  }

  // MARK: - Functions

  /// Declares a function's parameters (after the receiver, if any) in this compiler: their
  /// registers, names, which are optional, a rest list; emits the code computing defaults
  /// for omitted arguments. Returns the destructuring parameters, which the caller binds.
  func declareParameters(_ parameters: [Parameter]) -> [(Pattern, Int)] {
    var destructured: [(Pattern, Int)] = []
    var defaults: [(Expr, Int)] = []
    for parameter in parameters {
      let register = freeRegister
      if case .binding(let parameterName) = parameter.pattern.kind {
        declareLocal(parameterName, isMutable: false, register: register)
        proto.parameterNames.append(parameterName)
      } else {
        declareLocal("(parameter \(register))", isMutable: false, register: register)
        proto.parameterNames.append("(parameter \(register))")
        destructured.append((parameter.pattern, register))
      }
      if parameter.isRest {
        proto.hasRest = true
      } else {
        proto.parameterCount += 1
        proto.parameterHasDefault.append(parameter.defaultValue != nil)
        if let defaultValue = parameter.defaultValue {
          defaults.append((defaultValue, register))
        } else {
          proto.requiredCount += 1
        }
      }
    }
    // Defaults are evaluated on each call that omits them, in order, seeing earlier parameters.
    for (defaultValue, register) in defaults {
      currentRange = defaultValue.range
      let skip = emit(Instruction.aSBx(.jumpIfDefined, register, 0))
      compileExpression(defaultValue, into: register)
      patchJumpHere(skip)
    }
    return destructured
  }

  /// Compiles a function (or, with `receiver`, a method whose parameter 0 is the receiver
  /// named `receiver`) into a closure in `target`.
  /// `isExpression`: a named function expression, which sees its own name.
  func compileFunction(
    _ function: FunctionDecl, into target: Int, receiver: String? = nil, qualifiedName: String? = nil,
    isExpression: Bool = false
  ) {
    compileClosure(
      name: qualifiedName ?? function.name?.name ?? "<anonymous>", parameters: function.parameters,
      body: function.body, range: function.range, into: target, receiver: receiver,
      isInitializer: receiver != nil && function.name?.name == "init",
      ownName: isExpression ? function.name?.name : nil)
  }

  /// Compiles a function body into a closure in `target`. `hiddenParameter` is declared after
  /// the parameters (a handler clause's continuation, `$k`); `ownName` is a named function
  /// expression's own name. Returns whether a nested closure captures the hidden parameter.
  @discardableResult
  func compileClosure(
    name: String, parameters: [Parameter], body: FunctionBody, range: SourceRange, into target: Int,
    receiver: String? = nil, isInitializer: Bool = false, ownName: String? = nil, hiddenParameter: String? = nil
  ) -> Bool {
    let line = context.source.location(of: range.start).line
    let child = FunctionCompiler(context: context, parent: self, name: name, line: line)
    child.currentRange = range
    child.classContext = receiver == nil ? classContext : (receiver == "self" ? .instanceMethod : .staticMethod)
    child.isInitializer = isInitializer
    if let receiver {
      child.declareLocal(receiver, isMutable: false, register: 0)
      child.proto.parameterNames.append(receiver)
      child.proto.parameterCount = 1
      child.proto.parameterHasDefault = [false]
      child.proto.requiredCount = 1
      child.proto.isMethod = true
    }
    let destructured = child.declareParameters(parameters)
    if let hiddenParameter {
      child.declareLocal(hiddenParameter, isMutable: false, register: child.freeRegister)
      child.proto.parameterNames.append(hiddenParameter)
      child.proto.parameterCount += 1
      child.proto.parameterHasDefault.append(false)
      child.proto.requiredCount += 1
    }
    for (pattern, register) in destructured {
      child.compileDestructure(pattern, from: register, isMutable: false)
    }
    // A named function expression (`fn f(n) => … f(n - 1)`) sees its own name.
    if let ownName, !child.locals.contains(where: { $0.name == ownName }) {
      let register = child.allocateRegister()
      child.emit(Instruction.abc(.currentClosure, register, 0, 0))
      child.declareLocal(ownName, isMutable: false, register: register)
    }
    switch body {
    case .block(let block):
      child.compileBody(block.statements, implicitReturn: true)
    case .expression(let expr):
      if expr.isAssignment {
        child.compileEffect(expr)
      } else {
        child.compileReturn(expr)
      }
    }
    child.currentRange = range
    let proto = child.finish()
    let index = self.proto.prototypes.count
    self.proto.prototypes.append(proto)
    currentRange = range
    emit(Instruction.aBx(.closure, target, index))
    return hiddenParameter.map { name in child.locals.contains { $0.name == name && $0.isCaptured } } ?? false
  }
}
