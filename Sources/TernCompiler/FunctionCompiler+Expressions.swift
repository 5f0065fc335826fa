import TernBytecode
import TernSyntax

extension FunctionCompiler {
  /// The register holding `expr`'s value: a local's own register, or a new temporary.
  func registerFor(_ expr: Expr) -> Int {
    if case .name(let name) = expr.kind, let index = resolveLocal(name) {
      return locals[index].register
    }
    if case .selfRef = expr.kind, let index = resolveLocal("self") {
      return locals[index].register
    }
    let register = allocateRegister()
    compileExpression(expr, into: register)
    return register
  }

  /// Compiles `expr` so its value ends up in `target`.
  func compileExpression(_ expr: Expr, into target: Int) {
    let saved = currentRange
    currentRange = expr.range
    defer { currentRange = saved }
    let mark = max(freeRegister, target + 1)
    freeRegister = mark
    defer { freeRegister = mark }
    // Each group of cases is a function of its own: in a debug build a function's frame
    // holds the locals of all its cases, and this function recurses once per level of the
    // tree (a chain `a + b + c …` of a thousand links is a thousand levels).
    switch expr.kind {
    case .integer, .float, .string, .symbol, .nilLiteral, .bool:
      compileLiteral(expr, into: target)
    case .name(let name):
      compileNameLoad(name, into: target, range: expr.range)
    case .interpolated, .list, .map, .tuple:
      compileCollection(expr, into: target)
    case .unary, .binary, .comparison, .isType, .range:
      compileOperator(expr, into: target)
    case .optionalChain, .member, .subscriptAccess, .tupleIndex, .call:
      compilePostfix(expr, into: target)
    case .function, .selfRef, .selfType, .superMember:
      compileContextual(expr, into: target)
    case .block, .ifExpr, .tryExpr, .match, .yield, .handle, .perform, .resume:
      compileControl(expr, into: target)
    case .assign:
      error("assignment is not allowed inside an expression", hint: "did you mean `==`?")
    case .invalid:
      break
    default:
      unsupported(expr.kindName, at: expr.range)
    }
  }

  /// A literal constant.
  func compileLiteral(_ expr: Expr, into target: Int) {
    switch expr.kind {
    case .integer(let literal):
      if let value = literal.value {
        if value >= -32767 && value <= 32767 {
          emit(Instruction.aSBx(.loadInt, target, Int(value)))
        } else {
          emit(Instruction.aBx(.loadConstant, target, constant(.integer(value))))
        }
      } else {
        let digits = literal.radix == 10 ? literal.digits : Self.decimalDigits(literal)
        emit(Instruction.aBx(.loadConstant, target, constant(.bigInteger(digits))))
      }
    case .float(let value):
      emit(Instruction.aBx(.loadConstant, target, constant(.float(value))))
    case .string(let text):
      emit(Instruction.aBx(.loadConstant, target, constant(.string(text))))
    case .symbol(let name):
      emit(Instruction.aBx(.loadConstant, target, constant(.symbol(name))))
    case .nilLiteral:
      emit(Instruction.abc(.loadNil, target, 0, 0))
    case .bool(let value):
      emit(Instruction.abc(value ? .loadTrue : .loadFalse, target, 0, 0))
    default:
      unsupported(expr.kindName, at: expr.range)
    }
  }

  /// An interpolated string, list, map or tuple literal.
  func compileCollection(_ expr: Expr, into target: Int) {
    switch expr.kind {
    case .interpolated(let parts):
      let base = freeRegister
      for part in parts {
        let register = allocateRegister()
        switch part {
        case .text(let text): emit(Instruction.aBx(.loadConstant, register, constant(.string(text))))
        case .expression(let inner): compileExpression(inner, into: register)
        }
      }
      currentRange = expr.range
      emit(Instruction.abc(.interpolate, target, base, parts.count))
    case .list(let elements):
      emit(Instruction.abc(.newList, target, min(elements.count, 255), 0))
      for element in elements {
        let mark = freeRegister
        switch element {
        case .value(let value):
          emit(Instruction.abc(.appendList, target, registerFor(value), 0))
        case .spread(let value):
          emit(Instruction.abc(.appendSpread, target, registerFor(value), 0))
        }
        freeRegister = mark
      }
    case .map(let entries):
      emit(Instruction.abc(.newMap, target, min(entries.count, 255), 0))
      for entry in entries {
        let mark = freeRegister
        let key = registerFor(entry.key)
        let value = registerFor(entry.value)
        emit(Instruction.abc(.insertMap, target, key, value))
        freeRegister = mark
      }
    case .tuple(let elements):
      let base = freeRegister
      for element in elements { compileExpression(element, into: allocateRegister()) }
      currentRange = expr.range
      emit(Instruction.abc(.newTuple, target, base, elements.count))
    default:
      unsupported(expr.kindName, at: expr.range)
    }
  }

  /// A prefix, binary or comparison operator, `is`, or a range.
  func compileOperator(_ expr: Expr, into target: Int) {
    switch expr.kind {
    case .unary(let op, let operand):
      if op == .negate, case .integer(let literal) = operand.kind, let value = literal.value, value <= 32767 {
        emit(Instruction.aSBx(.loadInt, target, -Int(value)))
        return
      }
      let register = registerFor(operand)
      currentRange = expr.range
      let opcode: Opcode = op == .negate ? .negate : op == .not ? .not : .bitNot
      emit(Instruction.abc(opcode, target, register, 0))
    case .binary(.and, let left, let right), .binary(.or, let left, let right):
      let isAnd = if case .binary(.and, _, _) = expr.kind { true } else { false }
      compileExpression(left, into: target)
      // `a and b` is a when a is falsy, else b; `a or b` is a when a is truthy, else b.
      emit(Instruction.abc(.skipUnlessTruthy, target, 0, isAnd ? 0 : 1))
      let end = emitJump()
      compileExpression(right, into: target)
      patchJumpHere(end)
    case .binary(.nilCoalesce, let left, let right):
      compileExpression(left, into: target)
      let skip = emit(Instruction.aSBx(.jumpIfNotNil, target, 0))
      compileExpression(right, into: target)
      patchJumpHere(skip)
    case .binary(let op, let left, let right):
      compileArithmetic(op, left, right, into: target, range: expr.range)
    case .comparison(let first, let rest):
      if rest.count == 1, let opcode = Self.valueComparison[rest[0].0] {
        let (a, b) = (registerFor(first), registerFor(rest[0].1))
        currentRange = expr.range
        let swap = rest[0].0 == .greater || rest[0].0 == .greaterEqual
        emit(Instruction.abc(opcode, target, swap ? b : a, swap ? a : b))
      } else {
        compileConditionValue(expr, into: target)
      }
    case .range(let lower, let upper, let isClosed):
      let base = allocateRegister()
      let upperRegister = allocateRegister()
      if let lower { compileExpression(lower, into: base) } else { emit(Instruction.abc(.loadNil, base, 0, 0)) }
      if let upper {
        compileExpression(upper, into: upperRegister)
      } else {
        emit(Instruction.abc(.loadNil, upperRegister, 0, 0))
      }
      currentRange = expr.range
      emit(Instruction.abc(.makeRange, target, base, isClosed ? 1 : 0))
    case .isType(let value, let type):
      let valueRegister = registerFor(value)
      let typeRegister = allocateRegister()
      compileTypePath(type, into: typeRegister)
      currentRange = expr.range
      emit(Instruction.abc(.isInstance, target, valueRegister, typeRegister))
    default:
      unsupported(expr.kindName, at: expr.range)
    }
  }

  /// A call, member, subscript or tuple field, or a `?.` chain.
  func compilePostfix(_ expr: Expr, into target: Int) {
    switch expr.kind {
    case .optionalChain(let inner):
      // Each `?.` link jumps to `nilExit` when its object is nil; the chain's value is nil.
      optionalExits.append([])
      compileExpression(inner, into: target)
      let exits = optionalExits.removeLast()
      let end = emitJump()
      for jump in exits { patchJumpHere(jump) }
      emit(Instruction.abc(.loadNil, target, 0, 0))
      patchJumpHere(end)
    case .member(let object, let name, isOptional: true):
      let register = registerFor(object)
      exitIfNil(register)
      currentRange = expr.range
      emit(Instruction.abc(.getMember, target, register, memberConstant(name.name)))
    case .subscriptAccess(let object, let arguments, isOptional: true) where arguments.count == 1:
      let objectRegister = registerFor(object)
      exitIfNil(objectRegister)
      let index = registerFor(arguments[0].value)
      currentRange = expr.range
      emit(Instruction.abc(.getIndex, target, objectRegister, index))
    case .call(let callee, let arguments) where isBuiltinFiberEmit(callee, arguments):
      // `Fiber.emit(signal, value)` is an instruction, like `yield`, so that the fiber can
      // suspend without a native call on the Swift stack.
      let payload = allocateRegister()
      let signal = allocateRegister()
      compileExpression(arguments[0].value, into: signal)
      compileExpression(arguments[1].value, into: payload)
      currentRange = expr.range
      emit(Instruction.abc(.emitSignal, target, payload, 1))
    case .call(let callee, let arguments) where isBuiltinDiscontinue(callee):
      compileContinue(arguments, discontinue: true, into: target, range: expr.range)
    case .call(let callee, let arguments):
      compileCall(callee: callee, arguments: arguments, into: target, range: expr.range)
    case .member(let object, let name, isOptional: false):
      let register = registerFor(object)
      currentRange = expr.range
      emit(Instruction.abc(.getMember, target, register, memberConstant(name.name)))
    case .subscriptAccess(let object, let arguments, isOptional: false) where arguments.count == 1:
      let objectRegister = registerFor(object)
      let index = registerFor(arguments[0].value)
      currentRange = expr.range
      emit(Instruction.abc(.getIndex, target, objectRegister, index))
    case .tupleIndex(let object, let position, isOptional: true):
      let objectRegister = registerFor(object)
      exitIfNil(objectRegister)
      let index = allocateRegister()
      emit(Instruction.aSBx(.loadInt, index, min(position, 32767)))
      emit(Instruction.abc(.getIndex, target, objectRegister, index))
    case .tupleIndex(let object, let position, false):
      let objectRegister = registerFor(object)
      let index = allocateRegister()
      emit(Instruction.aSBx(.loadInt, index, min(position, 32767)))
      currentRange = expr.range
      emit(Instruction.abc(.getIndex, target, objectRegister, index))
    default:
      unsupported(expr.kindName, at: expr.range)
    }
  }

  /// A function literal, `self`, `Self` or `super.name`.
  func compileContextual(_ expr: Expr, into target: Int) {
    switch expr.kind {
    case .function(let function):
      compileFunction(function, into: target, isExpression: true)
    case .selfRef:
      guard classContext == .instanceMethod else {
        error("`self` is only available inside a method")
        return
      }
      compileNameLoad("self", into: target, range: expr.range)
    case .selfType:
      switch classContext {
      case .staticMethod: compileNameLoad("Self", into: target, range: expr.range)
      case .instanceMethod:
        let receiver = allocateRegister()
        compileNameLoad("self", into: receiver, range: expr.range)
        emit(Instruction.abc(.getMember, target, receiver, memberConstant("(class)")))
      case .none: error("`Self` is only available inside a class")
      }
    case .superMember(let name):
      guard classContext != .none else {
        error("`super` is only available inside a method")
        return
      }
      // In a static method the receiver is the class (`Self`).
      let receiver = allocateRegister()
      compileNameLoad(classContext == .staticMethod ? "Self" : "self", into: receiver, range: expr.range)
      emit(Instruction.abc(.getSuper, target, receiver, memberConstant(name.name)))
    default:
      unsupported(expr.kindName, at: expr.range)
    }
  }

  /// A block, `if`, `match`, `try`, `yield`, `handle`, `perform` or `resume`.
  func compileControl(_ expr: Expr, into target: Int) {
    switch expr.kind {
    case .block(let block):
      compileBlock(block, into: target)
    case .ifExpr(let condition, let thenBlock, let elseBranch):
      let skipThen = compileCondition(condition, jumpWhen: false)
      compileBlock(thenBlock, into: target)
      let end = emitJump()
      for jump in skipThen { patchJumpHere(jump) }
      if let elseBranch {
        compileExpression(elseBranch, into: target)
      } else {
        emit(Instruction.abc(.loadNil, target, 0, 0))
      }
      patchJumpHere(end)
    case .tryExpr(let body, let catches, let finallyBlock):
      compileTry(body: body, catches: catches, finallyBlock: finallyBlock, into: target, range: expr.range)
    case .match(let subject, let arms):
      compileMatch(subject: subject, arms: arms, into: target, range: expr.range)
    case .yield(let value):
      let register = allocateRegister()
      if let value {
        compileExpression(value, into: register)
      } else {
        emit(Instruction.abc(.loadNil, register, 0, 0))
      }
      currentRange = expr.range
      emit(Instruction.abc(.emitSignal, target, register, 0))
    case .handle(let body, let clauses):
      compileHandle(body: body, clauses: clauses, into: target, range: expr.range)
    case .perform(let operation, let arguments):
      compilePerform(operation: operation, arguments: arguments, into: target, range: expr.range)
    case .resume(let arguments):
      compileContinue(arguments, discontinue: false, into: target, range: expr.range)
    default:
      unsupported(expr.kindName, at: expr.range)
    }
  }

  /// A block's value is the value of its last expression statement, else nil.
  func compileBlock(_ block: Block, into target: Int) {
    beginScope()
    var producedValue = false
    for (index, statement) in block.statements.enumerated() {
      if index == block.statements.count - 1, case .expression(let expr) = statement.kind, !expr.isAssignment {
        currentRange = statement.range
        compileExpression(expr, into: target)
        producedValue = true
      } else {
        compileStatement(statement)
      }
    }
    if !producedValue { emit(Instruction.abc(.loadNil, target, 0, 0)) }
    endScope()
  }

  func compileNameLoad(_ name: String, into target: Int, range: SourceRange) {
    switch resolve(name) {
    case .local(let register, _):
      if register != target { emit(Instruction.abc(.move, target, register, 0)) }
    case .upvalue(let index, _):
      emit(Instruction.abc(.getUpvalue, target, index, 0))
    case .global(let slot, _):
      emit(Instruction.aBx(.getGlobal, target, slot))
    case nil:
      error("undefined name `\(name)`", at: range)
    }
  }

  static let valueComparison: [ComparisonOperator: Opcode] = [
    .equal: .equal, .notEqual: .notEqual, .identical: .identical, .notIdentical: .notIdentical,
    .less: .less, .lessEqual: .lessEqual, .greater: .less, .greaterEqual: .lessEqual,
  ]

  static let arithmetic: [BinaryOperator: Opcode] = [
    .add: .add, .subtract: .subtract, .multiply: .multiply, .divide: .divide, .floorDivide: .floorDivide,
    .remainder: .remainder, .power: .power, .bitAnd: .bitAnd, .bitOr: .bitOr, .bitXor: .bitXor,
    .shiftLeft: .shiftLeft, .shiftRight: .shiftRight,
  ]

  func compileArithmetic(_ op: BinaryOperator, _ left: Expr, _ right: Expr, into target: Int, range: SourceRange) {
    // The left operand may be built in the target itself when the target is a temporary:
    // a chain `a + b + c …` then uses one register, not one per link.
    let leftRegister: Int
    if case .name = left.kind {
      leftRegister = registerFor(left)
    } else if !locals.contains(where: { $0.register == target }) {
      compileExpression(left, into: target)
      leftRegister = target
    } else {
      leftRegister = registerFor(left)
    }
    if op == .add || op == .subtract, case .integer(let literal) = right.kind, let value = literal.value,
      value >= -127 && value <= 127
    {
      currentRange = range
      emit(Instruction.abc(op == .add ? .addInt : .subtractInt, target, leftRegister, Int(value)))
      return
    }
    let rightRegister = registerFor(right)
    currentRange = range
    guard let opcode = Self.arithmetic[op] else { return }
    emit(Instruction.abc(opcode, target, leftRegister, rightRegister))
  }

  /// In a `?.` chain: leave the chain with nil when `register` holds nil.
  func exitIfNil(_ register: Int) {
    let jump = emit(Instruction.aSBx(.jumpIfNil, register, 0))
    if optionalExits.isEmpty {
      optionalExits.append([])
    }
    optionalExits[optionalExits.count - 1].append(jump)
  }

  /// Member names are constants addressed by a byte in `getMember`/`invoke`.
  func memberConstant(_ name: String) -> Int { smallConstant(.string(name)) }

  /// Compiles an assignment statement (`=` and compound forms).
  func compileAssignment(target: Expr, op: BinaryOperator?, value: Expr, range: SourceRange) {
    switch target.kind {
    case .name(let name):
      // A local is assigned in place; anything else is computed, then stored.
      if case .local(let register, let isMutable)? = resolve(name) {
        if !isMutable {
          error(
            "cannot assign to `\(name)`: it is a constant", at: target.range,
            hint: "declare it with `var` to reassign it")
        }
        compileAssignedValue(target, op: op, value: value, into: register, range: range)
      } else {
        let register = allocateRegister()
        compileAssignedValue(target, op: op, value: value, into: register, range: range)
        store(register, into: target, range: range)
      }
    case .subscriptAccess(let object, let arguments, false) where arguments.count == 1:
      let objectRegister = registerFor(object)
      let index = registerFor(arguments[0].value)
      let register = storedValueRegister(value, op: op, range: range) {
        Instruction.abc(.getIndex, $0, objectRegister, index)
      }
      currentRange = range
      emit(Instruction.abc(.setIndex, objectRegister, index, register))
    case .member(let object, let name, false):
      let objectRegister = registerFor(object)
      let member = memberConstant(name.name)
      let register = storedValueRegister(value, op: op, range: range) {
        Instruction.abc(.getMember, $0, objectRegister, member)
      }
      currentRange = range
      emit(Instruction.abc(.setMember, objectRegister, member, register))
    case .tuple(let elements) where op == nil:
      // `(a, b) = (b, a)`: the whole right side is evaluated before any target is assigned.
      let source = allocateRegister()
      compileExpression(value, into: source)
      requireShape(source, count: elements.count, kind: 0, patternRange: target.range)
      for (index, element) in elements.enumerated() {
        let mark = freeRegister
        let part = elementRegister(source, index: index)
        store(part, into: element, range: range)
        freeRegister = mark
      }
    case .tupleIndex(let object, let position, false):
      let objectRegister = registerFor(object)
      let index = allocateRegister()
      emit(Instruction.aSBx(.loadInt, index, min(position, 32767)))
      let register = allocateRegister()
      compileExpression(value, into: register)
      currentRange = range
      emit(Instruction.abc(.setIndex, objectRegister, index, register))
    default:
      unsupported("this assignment target", at: target.range)
    }
  }

  /// Assigns the value in `register` to a target of a tuple assignment.
  func store(_ register: Int, into target: Expr, range: SourceRange) {
    switch target.kind {
    case .name(let name):
      guard let resolved = resolve(name) else {
        error("undefined name `\(name)`", at: target.range)
        return
      }
      if !resolved.isMutable {
        error(
          "cannot assign to `\(name)`: it is a constant", at: target.range, hint: "declare it with `var` to reassign it"
        )
      }
      switch resolved {
      case .local(let local, _): emit(Instruction.abc(.move, local, register, 0))
      case .upvalue(let index, _): emit(Instruction.abc(.setUpvalue, register, index, 0))
      case .global(let slot, _): emit(Instruction.aBx(.setGlobal, register, slot))
      }
    case .subscriptAccess(let object, let arguments, false) where arguments.count == 1:
      let objectRegister = registerFor(object)
      let index = registerFor(arguments[0].value)
      currentRange = range
      emit(Instruction.abc(.setIndex, objectRegister, index, register))
    case .member(let object, let name, false):
      let objectRegister = registerFor(object)
      currentRange = range
      emit(Instruction.abc(.setMember, objectRegister, memberConstant(name.name), register))
    default:
      unsupported("this assignment target", at: target.range)
    }
  }

  /// `target = value` or `target op= value`, leaving the new value in `register`.
  func compileAssignedValue(_ target: Expr, op: BinaryOperator?, value: Expr, into register: Int, range: SourceRange) {
    guard let op else {
      compileValue(value, replacing: register)
      return
    }
    if op == .nilCoalesce {
      compileExpression(target, into: register)
      let skip = emit(Instruction.aSBx(.jumpIfNotNil, register, 0))
      compileValue(value, replacing: register)
      patchJumpHere(skip)
      return
    }
    compileArithmetic(op, target, value, into: register, range: range)
  }

  /// Compiles `value` into `register`, which holds a variable `value` may read: in place
  /// when the value's code writes its target only at its end, else into a fresh register
  /// and then moved (a list literal, `and`/`or`, an `if`… write the target part-way).
  func compileValue(_ value: Expr, replacing register: Int) {
    if Self.writesTargetLast(value) {
      compileExpression(value, into: register)
      return
    }
    let mark = freeRegister
    let temporary = allocateRegister()
    compileExpression(value, into: temporary)
    emit(Instruction.abc(.move, register, temporary, 0))
    freeRegister = mark
  }

  /// Whether an expression's code reads everything it needs before it writes its target
  /// register (so the target may be a variable the expression reads).
  static func writesTargetLast(_ expr: Expr) -> Bool {
    switch expr.kind {
    case .integer, .float, .string, .symbol, .nilLiteral, .bool, .name, .selfRef, .selfType, .superMember,
      .interpolated, .unary, .comparison, .isType, .range, .call, .member, .tupleIndex, .subscriptAccess, .function:
      return true
    case .binary(let op, _, _):
      return op != .and && op != .or && op != .nilCoalesce
    default:
      return false
    }
  }

  /// The value a subscript or member assignment stores, into `register`: `value`, or for a
  /// compound assignment the current value (which the `current` instruction reads into
  /// `register`) combined with it; `??=` keeps a current value that is not nil.
  /// The register holding what `target op= value` stores, for a subscript or member
  /// target: a plain store of a local stores straight from its register; otherwise the value
  /// is computed (reading the target first with `current(register)` for a compound one).
  func storedValueRegister(_ value: Expr, op: BinaryOperator?, range: SourceRange, current: (Int) -> UInt32) -> Int {
    if op == nil { return registerFor(value) }
    let register = allocateRegister()
    compileStoredValue(value, op: op, into: register, current: current(register), range: range)
    return register
  }

  func compileStoredValue(_ value: Expr, op: BinaryOperator?, into register: Int, current: UInt32, range: SourceRange) {
    guard let op else {
      compileExpression(value, into: register)
      return
    }
    currentRange = range
    emit(current)
    if op == .nilCoalesce {
      let skip = emit(Instruction.aSBx(.jumpIfNotNil, register, 0))
      compileExpression(value, into: register)
      patchJumpHere(skip)
      return
    }
    let rhs = registerFor(value)
    currentRange = range
    emit(Instruction.abc(Self.arithmetic[op] ?? .add, register, register, rhs))
  }

  static func decimalDigits(_ literal: IntegerLiteral) -> String {
    // Base conversion of an arbitrary-length literal by repeated multiply-add on decimal digits.
    var decimal: [UInt8] = [0]
    for character in literal.digits {
      guard let digit = character.hexDigitValue else { continue }
      var carry = digit
      for index in decimal.indices {
        let value = Int(decimal[index]) * literal.radix + carry
        decimal[index] = UInt8(value % 10)
        carry = value / 10
      }
      while carry > 0 {
        decimal.append(UInt8(carry % 10))
        carry /= 10
      }
    }
    let text = String(decimal.reversed().map { Character(String($0)) })
    return String(text.drop(while: { $0 == "0" })).isEmpty ? "0" : String(text.drop(while: { $0 == "0" }))
  }
}

extension Expr {
  var kindName: String {
    switch kind {
    case .match: return "`match`"
    case .tryExpr: return "`try`"
    case .handle: return "`handle`"
    case .perform: return "`perform`"
    case .resume: return "`resume`"
    case .yield: return "`yield`"
    case .await: return "`await`"
    case .spawn: return "`spawn`"
    case .nursery: return "`nursery`"
    case .select: return "`select`"
    case .optionalChain, .member(_, _, true), .subscriptAccess(_, _, true): return "`?.`"
    case .isType: return "`is`"
    case .range: return "a range outside `for`"
    case .superMember: return "`super`"
    case .selfRef: return "`self`"
    case .selfType: return "`Self`"
    case .tupleIndex: return "tuple fields"
    case .subscriptAccess: return "this subscript"
    default: return "this expression"
    }
  }
}

extension FunctionCompiler {
  /// A call `Fiber.emit(a, b)` where `Fiber` is the built-in (not a name the program binds).
  func isBuiltinFiberEmit(_ callee: Expr, _ arguments: [Argument]) -> Bool {
    guard case .member(let object, let name, isOptional: false) = callee.kind, name.name == "emit",
      case .name("Fiber") = object.kind, arguments.count == 2,
      arguments.allSatisfy({ $0.label == nil && !$0.isSpread }),
      case .global = resolve("Fiber"), !context.moduleMembers.contains("Fiber")
    else { return false }
    return true
  }
}
