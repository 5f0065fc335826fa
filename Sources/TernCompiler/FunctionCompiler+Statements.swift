import TernBytecode
import TernSyntax

extension FunctionCompiler {
  /// Compiles a function body; with `implicitReturn`, the last expression is returned.
  func compileBody(_ statements: [Stmt], implicitReturn: Bool) {
    for (index, statement) in statements.enumerated() {
      let isLast = index == statements.count - 1
      if implicitReturn, isLast, case .expression(let expr) = statement.kind, !expr.isAssignment {
        compileReturn(expr)
      } else {
        compileStatement(statement)
      }
    }
  }

  /// Compiles `return value` (a call in this position is a proper tail call).
  func compileReturn(_ value: Expr?) {
    if finallyDepth > 0 {
      error("`return` cannot leave a `finally` block", hint: "it would silently discard an error in flight")
      return
    }
    if !finallyContexts.isEmpty {
      // Compute the value, run the finally blocks, then return it.
      let mark = freeRegister
      let register = allocateRegister()
      if let value {
        compileExpression(value, into: register)
      } else {
        emit(Instruction.abc(.loadNil, register, 0, 0))
      }
      leaveThroughFinally(crossing: finallyContexts[...]) {
        emit(Instruction.abc(.returnValue, register, 1, 0))
      }
      freeRegister = mark
      return
    }
    guard let value else {
      emit(Instruction.abc(.returnValue, 0, 0, 0))
      return
    }
    // A call in tail position stays one through `if`, `match` and blocks.
    if !isModuleLevel && !isInitializer {
      switch value.kind {
      case .ifExpr(let condition, let thenBlock, let elseBranch):
        let skipThen = compileCondition(condition, jumpWhen: false)
        compileTailBlock(thenBlock)
        for jump in skipThen { patchJumpHere(jump) }
        compileReturn(elseBranch)
        return
      case .block(let block):
        compileTailBlock(block)
        return
      case .match(let subject, let arms):
        let mark = freeRegister
        compileMatch(subject: subject, arms: arms, into: allocateRegister(), range: value.range, inTailPosition: true)
        freeRegister = mark
        return
      default:
        break
      }
    }
    currentRange = value.range
    if case .resume(let arguments) = value.kind, !isModuleLevel, !isInitializer {
      // `resume` in tail position ends this frame first, so a clause that ends by resuming
      // does not stay on the stack under the rest of the computation.
      let mark = freeRegister
      let register = allocateRegister()
      compileContinue(arguments, discontinue: false, into: register, range: value.range, isTail: true)
      emit(Instruction.abc(.returnValue, register, 1, 0))
      freeRegister = mark
      return
    }
    if case .call(let callee, let arguments) = value.kind, !isModuleLevel, !isInitializer,
      !arguments.contains(where: \.isSpecial), case .member(let object, let name, false) = callee.kind,
      !isBuiltinFiberEmit(callee, arguments)
    {
      // `return obj.method(…)`: a script method replaces this frame too.
      let base = compileInvokeSetup(object: object, isOptional: false, arguments: arguments)
      currentRange = value.range
      emit(Instruction.abc(.tailInvoke, base, arguments.count, memberConstant(name.name)))
      emit(Instruction.abc(.returnValue, base, 1, 0))
      freeRegister = base
      return
    }
    if case .call(let callee, let arguments) = value.kind, !isModuleLevel, !isInitializer,
      !arguments.contains(where: \.isSpecial),
      !callee.isMemberAccess, !isBuiltinDiscontinue(callee)
    {
      let base = compileCallSetup(callee: callee, arguments: arguments)
      currentRange = value.range
      emit(Instruction.abc(.tailCall, base, arguments.count, 0))
      // Reached only when the callee was not a script function (see the VM's `tailCall`).
      emit(Instruction.abc(.returnValue, base, 1, 0))
      freeRegister = base
      return
    }
    let mark = freeRegister
    let register = registerFor(value)
    emit(Instruction.abc(.returnValue, register, 1, 0))
    freeRegister = mark
  }

  func compileStatementsInScope(_ statements: [Stmt]) {
    beginScope()
    for statement in statements { compileStatement(statement) }
    endScope()
  }

  /// A block whose value is returned: its last expression is in tail position.
  func compileTailBlock(_ block: Block) {
    beginScope()
    compileBody(block.statements, implicitReturn: true)
    if let last = block.statements.last, case .expression(let expr) = last.kind, !expr.isAssignment {
    } else {
      emit(Instruction.abc(.returnValue, 0, 0, 0))
    }
    endScope()
  }

  func compileStatement(_ statement: Stmt) {
    currentRange = statement.range
    let mark = freeRegister
    // Temporaries die with the statement; a local it declared stays.
    defer { freeRegister = max(mark, (locals.last?.register ?? -1) + 1) }
    switch statement.kind {
    case .expression(let expr):
      compileEffect(expr)
    case .binding(let isMutable, let pattern, let value):
      compileBinding(isMutable: isMutable, pattern: pattern, value: value)
    case .function(let function):
      compileFunctionDeclaration(function)
    case .returnStmt(let value):
      if isModuleLevel && parent == nil {
        error("`return` outside a function")
        return
      }
      compileReturn(value)
    case .whileLoop(let label, let condition, let body):
      compileWhile(label: label?.name, condition: condition, body: body)
    case .forLoop(let label, let pattern, let sequence, let body):
      compileFor(label: label?.name, pattern: pattern, sequence: sequence, body: body)
    case .breakStmt(let label), .continueStmt(let label):
      let isBreak = if case .breakStmt = statement.kind { true } else { false }
      compileLoopExit(isBreak: isBreak, label: label)
    case .throwStmt(let value):
      let register = registerFor(value)
      emit(Instruction.abc(.throwValue, register, 0, 0))
    case .invalid:
      break
    case .importModule(let module, let alias):
      guard let name = alias?.name ?? module.defaultName else {
        error("name the imported module: `import \"\(module.specifier)\" as name`")
        return
      }
      let register = allocateRegister()
      emit(Instruction.aBx(.importModule, register, constant(.string(module.specifier))))
      emit(Instruction.aBx(.setGlobal, register, context.slot(for: name)))
    case .importNames(let module, let names):
      let moduleRegister = allocateRegister()
      emit(Instruction.aBx(.importModule, moduleRegister, constant(.string(module.specifier))))
      let member = allocateRegister()
      for imported in names {
        currentRange = imported.name.range
        emit(Instruction.abc(.importMember, member, moduleRegister, memberConstant(imported.name.name)))
        emit(Instruction.aBx(.setGlobal, member, context.slot(for: imported.alias?.name ?? imported.name.name)))
      }
    case .classDecl(let decl):
      compileClass(decl)
    case .recordDecl(let decl):
      compileRecord(decl)
    case .enumDecl(let decl):
      compileEnum(decl)
    case .effectDecl(let decl):
      compileEffectDeclaration(decl)
    case .moduleAttribute(let attribute):
      if attribute.name == "deterministic" && attribute.arguments.isEmpty {
        context.isDeterministic = true
      } else {
        error(
          "unknown module attribute `@\(attribute.name)`", at: statement.range,
          hint: "the module attribute is `@deterministic`")
      }
    }
  }

  func unsupported(_ what: String, at range: SourceRange) {
    error("\(what) is not supported by the compiler yet", at: range)
  }

  /// Evaluates an expression for its effect, discarding the value.
  func compileEffect(_ expr: Expr) {
    let mark = freeRegister
    if case .assign(let target, let op, let value) = expr.kind {
      compileAssignment(target: target, op: op, value: value, range: expr.range)
    } else if case .ifExpr(let condition, let thenBlock, let elseBranch) = expr.kind {
      // An `if` statement: branches run as statements, no value is made.
      let skipThen = compileCondition(condition, jumpWhen: false)
      compileStatementsInScope(thenBlock.statements)
      if let elseBranch {
        let end = emitJump()
        for jump in skipThen { patchJumpHere(jump) }
        compileEffect(elseBranch)
        patchJumpHere(end)
      } else {
        for jump in skipThen { patchJumpHere(jump) }
      }
    } else if case .block(let block) = expr.kind {
      compileStatementsInScope(block.statements)
    } else {
      _ = registerFor(expr)
    }
    freeRegister = mark
  }

  func compileBinding(isMutable: Bool, pattern: Pattern, value: Expr?) {
    let register = allocateRegister()
    if let value {
      compileExpression(value, into: register)
    } else {
      emit(Instruction.abc(.loadNil, register, 0, 0))
    }
    if case .binding(let name) = pattern.kind, !declaresGlobals {
      declareLocal(name, isMutable: isMutable, register: register)
      return
    }
    compileDestructure(pattern, from: register, isMutable: isMutable)
  }

  /// Binds the names of an irrefutable pattern (name, `_`, tuple, list with rest) to the
  /// parts of the value in `source`: new locals, or globals at module level.
  func compileDestructure(_ pattern: Pattern, from source: Int, isMutable: Bool) {
    currentRange = pattern.range
    switch pattern.kind {
    case .binding(let name):
      bindName(name, from: source, isMutable: isMutable)
    case .wildcard:
      break
    case .tuple(let elements):
      requireShape(source, count: elements.count, kind: 0, patternRange: pattern.range)
      for (index, element) in elements.enumerated() {
        compileDestructure(element, from: elementRegister(source, index: index), isMutable: isMutable)
      }
    case .list(let elements, let restIndex, let restName):
      requireShape(source, count: elements.count, kind: restIndex == nil ? 1 : 2, patternRange: pattern.range)
      let before = restIndex ?? elements.count
      for (index, element) in elements.enumerated() {
        // Elements after a rest are counted from the end.
        let position = index < before ? index : index - elements.count
        compileDestructure(element, from: elementRegister(source, index: position), isMutable: isMutable)
      }
      if let restIndex, let restName {
        let count = allocateRegister()
        emit(Instruction.abc(.getMember, count, source, memberConstant("count")))
        let lower = allocateRegister()
        let upper = allocateRegister()
        emit(Instruction.aSBx(.loadInt, lower, restIndex))
        emit(Instruction.abc(.subtractInt, upper, count, elements.count - restIndex))
        emit(Instruction.abc(.makeRange, lower, lower, 0))
        let rest = allocateRegister()
        emit(Instruction.abc(.getIndex, rest, source, lower))
        bindName(restName.name, from: rest, isMutable: isMutable)
      }
    default:
      // A pattern that can fail (`let Point(x, y) = p`): test it, MatchError when it fails.
      let failures = compilePatternTest(pattern, subject: source)
      if !failures.isEmpty {
        let done = emitJump()
        for jump in failures { patchJumpHere(jump) }
        emit(Instruction.aBx(.matchFailed, source, constant(.string(context.source.text(of: pattern.range)))))
        patchJumpHere(done)
      }
    }
  }

  /// A MatchError naming the pattern unless the value in `source` has the pattern's shape.
  func requireShape(_ source: Int, count: Int, kind: Int, patternRange: SourceRange) {
    emit(Instruction.abc(.skipIfShape, source, count, kind))
    let fail = emitJump()
    let done = emitJump()
    patchJumpHere(fail)
    emit(Instruction.aBx(.matchFailed, source, constant(.string(context.source.text(of: patternRange)))))
    patchJumpHere(done)
  }

  /// Binds `name` to the value in `source`: a new local, or a global at module level.
  func bindName(_ name: String, from source: Int, isMutable: Bool) {
    if declaresGlobals {
      emit(Instruction.aBx(.setGlobal, source, context.slot(for: name)))
    } else {
      let register = allocateRegister()
      emit(Instruction.abc(.move, register, source, 0))
      declareLocal(name, isMutable: isMutable, register: register)
    }
  }

  /// A new temporary holding `source[index]`.
  func elementRegister(_ source: Int, index: Int) -> Int {
    let indexRegister = allocateRegister()
    emit(Instruction.aSBx(.loadInt, indexRegister, index))
    let element = allocateRegister()
    emit(Instruction.abc(.getIndex, element, source, indexRegister))
    return element
  }

  func compileFunctionDeclaration(_ function: FunctionDecl) {
    guard let name = function.name?.name else { return }
    if declaresGlobals {
      let register = allocateRegister()
      compileFunction(function, into: register)
      emit(Instruction.aBx(.setGlobal, register, context.slot(for: name)))
      freeRegister = register
      return
    }
    // Declared before its body is compiled, so the function can call itself.
    let register = allocateRegister()
    declareLocal(name, isMutable: false, register: register)
    compileFunction(function, into: register)
  }

  // MARK: - Loops

  /// `while`: the condition is tested at the bottom (one jump into it first), so each
  /// iteration dispatches a compare-and-branch and no extra jump.
  func compileWhile(label: String?, condition: Expr, body: Block) {
    let enter = emitJump()
    let bodyStart = proto.code.count
    loops.append(Loop(label: label, scopeDepth: scopeDepth, firstRegister: freeRegister))
    compileLoopBody(body)
    let loop = loops.removeLast()
    let conditionStart = proto.code.count
    for jump in loop.continueJumps { patchJump(jump, to: conditionStart) }
    patchJump(enter, to: conditionStart)
    currentRange = condition.range
    for jump in compileCondition(condition, jumpWhen: true) { patchJump(jump, to: bodyStart) }
    for jump in loop.breakJumps { patchJumpHere(jump) }
  }

  /// The body of a loop: a scope of its own per iteration, closed at its end so closures
  /// made in the body keep that iteration's variables.
  func compileLoopBody(_ body: Block, loopVariable: Pattern? = nil, register: Int = 0) {
    beginScope()
    if let loopVariable {
      if case .binding(let name) = loopVariable.kind {
        declareLocal(name, isMutable: false, register: register)
      } else {
        declareLocal("(for element)", isMutable: false, register: register)
        compileDestructure(loopVariable, from: register, isMutable: false)
      }
    }
    for statement in body.statements { compileStatement(statement) }
    let first = locals.lastIndex(where: { $0.depth < scopeDepth }).map { $0 + 1 } ?? 0
    let captured = locals[first...].contains(where: \.isCaptured)
    let lowest = locals[first...].first?.register
    // `continue` lands here, so captured variables are closed on that path too.
    if captured, let lowest {
      let closeAt = proto.code.count
      for jump in loops[loops.count - 1].continueJumps { patchJump(jump, to: closeAt) }
      loops[loops.count - 1].continueJumps = []
      emit(Instruction.abc(.closeUpvalues, lowest, 0, 0))
      for index in first..<locals.count { locals[index].isCaptured = false }
    }
    endScope()
  }

  func compileFor(label: String?, pattern: Pattern, sequence: Expr, body: Block) {
    beginScope()
    let base = allocateRegister()
    _ = allocateRegister()
    _ = allocateRegister()
    let variable = allocateRegister()
    // Hidden loop state lives in named-but-unnameable locals so nested code does not reuse it.
    declareLocal("(for state)", isMutable: false, register: base)
    declareLocal("(for end)", isMutable: false, register: base + 1)
    declareLocal("(for step)", isMutable: false, register: base + 2)
    let prepare: Int
    let isRange: Bool
    if case .range(let lower?, let upper?, let isClosed) = sequence.kind {
      isRange = true
      compileExpression(lower, into: base)
      compileExpression(upper, into: base + 1)
      emit(Instruction.aSBx(.loadInt, base + 2, isClosed ? 1 : 0))
      currentRange = sequence.range
      prepare = emit(Instruction.aSBx(.forPrepare, base, 0))
    } else {
      isRange = false
      compileExpression(sequence, into: base)
      emit(Instruction.abc(.loadNil, base + 1, 0, 0))
      currentRange = sequence.range
      prepare = emit(Instruction.aSBx(.iterate, base, 0))
    }
    let bodyStart = proto.code.count
    // Leaving a loop over an iterable early (break, return, a throw, a break of an outer
    // loop) closes the iterable, so a fiber's `finally` blocks run (SEMANTICS F12). The
    // loop's own `break` goes through a landing that closes it; the other exits treat the
    // loop like a `try … finally`.
    var closeRegion: ProtectedRegion?
    if !isRange {
      let caught = allocateRegister()
      declareLocal("(for error)", isMutable: false, register: caught)
      let region = ProtectedRegion(start: bodyStart, register: caught, isFinally: true)
      closeRegion = region
      finallyContexts.append(
        FinallyContext(action: .closeIterator(base), loopCount: loops.count, firstRegion: activeRegions.count))
      activeRegions.append(region)
    }
    loops.append(Loop(label: label, scopeDepth: scopeDepth, firstRegister: freeRegister))
    compileLoopBody(body, loopVariable: pattern, register: variable)
    let loop = loops.removeLast()
    for jump in loop.continueJumps { patchJump(jump, to: proto.code.count) }
    currentRange = sequence.range
    if isRange {
      let loopIndex = emit(Instruction.aSBx(.forLoop, base, 0))
      patchJump(loopIndex, to: bodyStart)
      patchJumpHere(prepare)
      for jump in loop.breakJumps { patchJumpHere(jump) }
    } else if let closeRegion {
      closeRegion.pause(at: proto.code.count)
      activeRegions.removeLast()
      finallyContexts.removeLast()
      emitJump(back: prepare)
      closeRegion.target = proto.code.count
      emit(Instruction.abc(.closeIterator, base, 0, 0))
      emit(Instruction.abc(.throwValue, closeRegion.register, 0, 0))
      proto.handlers.append(contentsOf: closeRegion.handlers)
      for jump in loop.breakJumps { patchJumpHere(jump) }
      emit(Instruction.abc(.closeIterator, base, 0, 0))
      patchJumpHere(prepare)
    }
    endScope()
  }

  func compileLoopExit(isBreak: Bool, label: Identifier?) {
    guard let index = label.map({ name in loops.lastIndex(where: { $0.label == name.name }) }) ?? loops.indices.last
    else {
      if let label {
        error("no enclosing loop is labelled `\(label.name)`", at: label.range)
      } else {
        error("`\(isBreak ? "break" : "continue")` outside a loop")
      }
      return
    }
    if finallyDepth > 0 {
      error("`\(isBreak ? "break" : "continue")` cannot leave a `finally` block")
      return
    }
    // Leaving scopes: close captured variables declared inside the loop.
    let firstRegister = loops[index].firstRegister
    let crossed = finallyContexts.filter { $0.loopCount > index }
    leaveThroughFinally(crossing: crossed[...]) {
      if locals.contains(where: { $0.register >= firstRegister && $0.isCaptured }) {
        emit(Instruction.abc(.closeUpvalues, firstRegister, 0, 0))
      }
      let jump = emitJump()
      if isBreak { loops[index].breakJumps.append(jump) } else { loops[index].continueJumps.append(jump) }
    }
  }
}

extension Expr {
  var isAssignment: Bool { if case .assign = kind { true } else { false } }
  var isMemberAccess: Bool { if case .member = kind { true } else { false } }
}

extension Argument {
  /// Named or spread arguments take the general calling path.
  var isSpecial: Bool { label != nil || isSpread }
}

extension Stmt {
  var kindName: String {
    switch kind {
    case .classDecl: return "`class`"
    case .recordDecl: return "`record`"
    case .enumDecl: return "`enum`"
    case .effectDecl: return "`effect`"
    case .importModule, .importNames: return "`import`"
    case .moduleAttribute: return "a module attribute"
    default: return "this statement"
    }
  }
}
