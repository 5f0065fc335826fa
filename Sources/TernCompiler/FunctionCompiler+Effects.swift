import TernBytecode
import TernSyntax

// Algebraic effects: `effect` declarations, `handle … with { clauses }`, `perform`,
// `resume` and `discontinue`. The handled body and every clause compile to closures; the
// `handle` instruction gets them in consecutive registers and the VM runs the body on a
// fiber of its own (docs/architecture.md, "Effects").

extension FunctionCompiler {
  /// The name a plain clause's continuation has inside the clause: not a valid identifier,
  /// so scripts cannot shadow it, but closures nested in the clause capture it as usual.
  static let continuationName = "$k"

  /// `effect Name { fn op(params) … }`: binds `Name` to an effect value that knows its
  /// operations and their arities.
  func compileEffectDeclaration(_ decl: EffectDecl) {
    let name = decl.name.name
    let register = allocateRegister()
    if !declaresGlobals { declareLocal(name, isMutable: false, register: register) }
    var description = [name]
    var seen: Set<String> = []
    for operation in decl.operations {
      if !seen.insert(operation.name.name).inserted {
        error("effect \(name) declares operation `\(operation.name.name)` twice", at: operation.name.range)
      }
      if operation.parameters.contains(where: { $0.isRest || $0.defaultValue != nil }) {
        error("effect operations take plain parameters (no defaults or rest)", at: operation.range)
      }
      description.append("\(operation.name.name):\(operation.parameters.count)")
    }
    currentRange = decl.range
    emit(Instruction.aBx(.newEffect, register, constant(.string(description.joined(separator: "|")))))
    if declaresGlobals { emit(Instruction.aBx(.setGlobal, register, context.slot(for: name))) }
  }

  /// `handle { body } with { clauses }`: the body's closure, then an (effect, closure) pair
  /// per clause, described by a constant of comma-separated entries `op:plain|raw|fun`
  /// (`op:plain:local` when the clause's continuation cannot escape it), `return` and
  /// `catch`.
  func compileHandle(body: Block, clauses: [HandlerClause], into target: Int, range: SourceRange) {
    let base = allocateRegister()
    let bodyRegister = allocateRegister()
    compileClosure(name: "<handle>", parameters: [], body: .block(body), range: range, into: bodyRegister)
    var shape: [String] = []
    var hasReturn = false
    var hasCatch = false
    for clause in clauses {
      let effectRegister = allocateRegister()
      let closureRegister = allocateRegister()
      currentRange = clause.range
      switch clause.kind {
      case .operation(let effect, let name, let modifier):
        if let effect {
          compileNameLoad(effect.name, into: effectRegister, range: effect.range)
        } else {
          emit(Instruction.abc(.loadNil, effectRegister, 0, 0))
        }
        if modifier == .raw && clause.parameters.isEmpty {
          error("a `raw` clause takes the continuation as its last parameter", at: clause.range)
        }
        if clause.parameters.contains(where: { $0.isRest || $0.defaultValue != nil }) {
          error("handler clauses take plain parameters (no defaults or rest)", at: clause.range)
        }
        let captured = compileClosure(
          name: effect.map { "\($0.name).\(name.name)" } ?? name.name, parameters: clause.parameters,
          body: .expression(clause.body), range: clause.range, into: closureRegister,
          hiddenParameter: modifier == .plain ? Self.continuationName : nil)
        // A plain clause whose continuation no closure captures cannot let it outlive the
        // clause: the VM may reuse one continuation object for every capture (`:local`).
        shape.append("\(name.name):\(modifier.rawValue)" + (modifier == .plain && !captured ? ":local" : ""))
      case .returnClause, .catchClause:
        let isReturn = if case .returnClause = clause.kind { true } else { false }
        if isReturn ? hasReturn : hasCatch {
          error("a handler has at most one `\(isReturn ? "return" : "catch")` clause", at: clause.range)
        }
        if isReturn { hasReturn = true } else { hasCatch = true }
        if clause.parameters.count != 1 {
          error("a `\(isReturn ? "return" : "catch")` clause takes one parameter", at: clause.range)
        }
        emit(Instruction.abc(.loadNil, effectRegister, 0, 0))
        compileClosure(
          name: isReturn ? "return" : "catch", parameters: clause.parameters, body: .expression(clause.body),
          range: clause.range, into: closureRegister)
        shape.append(isReturn ? "return" : "catch")
      }
    }
    if clauses.count > 100 { error("too many clauses in one handler", at: range) }
    currentRange = range
    emit(Instruction.abc(.handle, base, clauses.count, memberConstant(shape.joined(separator: ","))))
    if base != target { emit(Instruction.abc(.move, target, base, 0)) }
  }

  /// `perform Effect.op(args)`: the effect in the base register, the arguments above it, as
  /// for a call (a `fun` clause runs as a call from there).
  func compilePerform(operation: Expr, arguments: [Argument], into target: Int, range: SourceRange) {
    guard case .member(let effect, let name, false) = operation.kind else {
      error("perform needs an operation of an effect, as in `perform Ask.ask(x)`", at: operation.range)
      return
    }
    if arguments.contains(where: \.isSpecial) {
      error("perform takes plain arguments (no names or spreads)", at: range)
      return
    }
    if arguments.count > 200 {
      error("too many arguments in one perform", at: range)
      return
    }
    let base = allocateRegister()
    compileExpression(effect, into: base)
    for argument in arguments { compileExpression(argument.value, into: allocateRegister()) }
    currentRange = range
    let operation = smallConstant(.symbol(name.name))
    emit(Instruction.abc(.perform, base, arguments.count, operation))
    if base != target { emit(Instruction.abc(.move, target, base, 0)) }
  }

  /// `resume(v)` in a clause (its own continuation) or `resume(k, v)`; `discontinue(e)` or
  /// `discontinue(k, e)` throws `e` at the perform instead.
  /// `isTail`: the value is returned right after, so the VM may pop the frame first
  /// (`tailResume`).
  func compileContinue(
    _ arguments: [Argument], discontinue: Bool, into target: Int, range: SourceRange, isTail: Bool = false
  ) {
    let word = discontinue ? "discontinue" : "resume"
    guard arguments.count == 1 || arguments.count == 2, !arguments.contains(where: \.isSpecial) else {
      error("\(word) takes a value, or a continuation and a value", at: range)
      return
    }
    let continuation = allocateRegister()
    let value = allocateRegister()
    if arguments.count == 2 {
      compileExpression(arguments[0].value, into: continuation)
    } else if resolve(Self.continuationName) != nil {
      compileNameLoad(Self.continuationName, into: continuation, range: range)
    } else {
      error("\(word)(v) is only valid inside a handler clause; a `raw` clause uses \(word)(k, v)", at: range)
      return
    }
    if arguments.count == 1 {
      compileExpression(arguments[0].value, into: value)
    } else {
      compileExpression(arguments[1].value, into: value)
    }
    currentRange = range
    let opcode: Opcode = discontinue ? .discontinueContinuation : isTail ? .tailResume : .resumeContinuation
    emit(Instruction.abc(opcode, target, continuation, value))
  }

  /// `discontinue(…)` names the built-in operation unless the script defines its own.
  func isBuiltinDiscontinue(_ callee: Expr) -> Bool {
    guard case .name("discontinue") = callee.kind else { return false }
    return resolve("discontinue") == nil
  }
}
