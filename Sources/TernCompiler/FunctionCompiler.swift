import TernBytecode
import TernSyntax

/// Compiles one function body to a `Prototype`.
///
/// Registers: parameters occupy R[0…], then locals in declaration order, then temporaries
/// above `freeRegister`. An expression is compiled either *into* a chosen register or, when
/// it is already a local, used in place (`registerFor`), which avoids most moves.
final class FunctionCompiler {
  struct Local {
    var name: String
    var register: Int
    var depth: Int
    var isMutable: Bool
    var isCaptured = false
  }

  /// An enclosing loop: where `continue` goes and the jumps `break` left to patch.
  struct Loop {
    var label: String?
    var scopeDepth: Int
    var firstRegister: Int
    var continueJumps: [Int] = []
    var breakJumps: [Int] = []
  }

  let context: ModuleContext
  let parent: FunctionCompiler?
  var proto: Prototype
  var locals: [Local] = []
  var scopeDepth = 0
  var freeRegister = 0
  var loops: [Loop] = []
  var isModuleLevel = false
  /// The node being compiled, for the line table.
  var currentRange = SourceRange(start: 0, end: 0)
  var constantIndex: [Constant: Int] = [:]
  /// Constants an 8-bit operand refers to: they keep their index (see `smallConstant`).
  var pinnedConstants: Set<Int> = []
  var reportedTooManyConstants = false
  /// The `try` regions being compiled, outermost first.
  var activeRegions: [ProtectedRegion] = []
  /// Enclosing `try … finally` blocks, outermost first.
  var finallyContexts: [FinallyContext] = []
  /// > 0 while compiling a `finally` block, where `return`, `break` and `continue` are errors.
  var finallyDepth = 0
  /// Where `self`, `Self` and `super` mean something.
  enum ClassContext {
    case none, instanceMethod, staticMethod
  }
  var classContext = ClassContext.none
  /// True in `init`, whose frame returns the new instance: no tail calls there.
  var isInitializer = false
  /// Jumps out of the `?.` chains being compiled, innermost last.
  var optionalExits: [[Int]] = []
  /// Set once "needs more than 255 registers" is reported: once is enough for a function,
  /// and a generated chain of thousands of operands would otherwise report it thousands of
  /// times (rendering them took minutes).
  var reportedRegisterOverflow = false

  init(context: ModuleContext, parent: FunctionCompiler?, name: String, line: Int) {
    self.context = context
    self.parent = parent
    self.proto = Prototype(name: name, sourceName: context.source.name)
    self.proto.line = line
  }

  func finish() -> Prototype {
    emit(Instruction.abc(.returnValue, 0, 0, 0))
    return proto
  }

  // MARK: - Emitting

  @discardableResult
  func emit(_ word: UInt32) -> Int {
    let location = context.source.location(of: currentRange.start)
    proto.code.append(word)
    proto.lines.append(Int32(location.line))
    proto.columns.append(Int32(location.column))
    return proto.code.count - 1
  }

  func emitJump() -> Int { emit(Instruction.sJ(.jump, 0)) }

  /// Points the jump at `index` to the next instruction to be emitted.
  func patchJumpHere(_ index: Int) { patchJump(index, to: proto.code.count) }

  func patchJump(_ index: Int, to target: Int) {
    proto.code[index] = Instruction.patchJump(proto.code[index], offset: target - index - 1)
  }

  func emitJump(back target: Int) {
    emit(Instruction.sJ(.loop, target - proto.code.count - 1))
  }

  func constant(_ value: Constant) -> Int {
    if let index = constantIndex[value] { return index }
    let index = proto.constants.count
    if index > Instruction.maximumBx {
      if !reportedTooManyConstants { error("too many constants in one function (at most 65,536)") }
      reportedTooManyConstants = true
      return 0
    }
    proto.constants.append(value)
    constantIndex[value] = index
    return index
  }

  /// A constant for an 8-bit operand (a member name, a call shape, a literal `==`): its
  /// index is below 256. In a function with more constants than that, one only ever loaded
  /// by a 16-bit `Bx` operand trades places with it, and the code emitted so far is patched.
  func smallConstant(_ value: Constant) -> Int {
    var index = constant(value)
    if index > 255, let low = (0...255).first(where: { !pinnedConstants.contains($0) }) {
      swapConstants(low, index)
      index = low
    }
    guard index <= 255 else {
      if !reportedTooManyConstants { error("too many member names and literals in one function (at most 256)") }
      reportedTooManyConstants = true
      return 0
    }
    pinnedConstants.insert(index)
    return index
  }

  /// Exchanges constants `i` and `j` (neither used by an 8-bit operand yet) in the table and
  /// in every instruction that loads one by its `Bx` operand.
  private func swapConstants(_ i: Int, _ j: Int) {
    proto.constants.swapAt(i, j)
    constantIndex[proto.constants[i]] = i
    constantIndex[proto.constants[j]] = j
    for (position, word) in proto.code.enumerated() {
      guard let op = Opcode(rawValue: Instruction.opcodeByte(word)), op.bxIsConstant else { continue }
      let bx = Instruction.bx(word)
      if bx == i || bx == j {
        proto.code[position] = Instruction.aBx(op, Instruction.a(word), bx == i ? j : i)
      }
    }
  }

  func error(_ message: String, at range: SourceRange? = nil, hint: String? = nil) {
    context.error(message, at: range ?? currentRange, hint: hint)
  }

  // MARK: - Registers

  func allocateRegister() -> Int {
    let register = freeRegister
    freeRegister += 1
    if freeRegister > Instruction.maximumRegister {
      if !reportedRegisterOverflow {
        reportedRegisterOverflow = true
        error(
          "function needs more than \(Instruction.maximumRegister) registers", hint: "split it into smaller functions")
      }
      freeRegister = Instruction.maximumRegister
    }
    proto.registerCount = max(proto.registerCount, freeRegister)
    return register
  }

  // MARK: - Scopes and names

  func beginScope() { scopeDepth += 1 }

  /// Ends a scope: its locals go away and any captured ones are closed.
  func endScope() {
    let first = locals.lastIndex(where: { $0.depth < scopeDepth }).map { $0 + 1 } ?? 0
    let ending = locals[first...]
    if let lowest = ending.first, ending.contains(where: \.isCaptured) {
      emit(Instruction.abc(.closeUpvalues, lowest.register, 0, 0))
    }
    if let lowest = ending.first { freeRegister = lowest.register }
    locals.removeSubrange(first...)
    scopeDepth -= 1
  }

  /// Declares a local in the next free register (the caller compiled its value there).
  @discardableResult
  func declareLocal(_ name: String, isMutable: Bool, register: Int) -> Int {
    locals.append(Local(name: name, register: register, depth: scopeDepth, isMutable: isMutable))
    freeRegister = max(freeRegister, register + 1)
    proto.registerCount = max(proto.registerCount, freeRegister)
    return register
  }

  enum Resolved {
    case local(Int, isMutable: Bool)
    case upvalue(Int, isMutable: Bool)
    case global(Int, isMutable: Bool)

    var isMutable: Bool {
      switch self {
      case .local(_, let isMutable), .upvalue(_, let isMutable), .global(_, let isMutable): return isMutable
      }
    }
  }

  func resolveLocal(_ name: String) -> Int? {
    locals.lastIndex(where: { $0.name == name })
  }

  /// Finds `name`: a local here, a captured local of an enclosing function, or a global.
  func resolve(_ name: String) -> Resolved? {
    if let index = resolveLocal(name) {
      return .local(locals[index].register, isMutable: locals[index].isMutable)
    }
    if let (index, isMutable) = resolveUpvalue(name) { return .upvalue(index, isMutable: isMutable) }
    if context.isGlobal(name) {
      return .global(context.slot(for: name), isMutable: !context.constantMembers.contains(name))
    }
    return nil
  }

  func resolveUpvalue(_ name: String) -> (Int, Bool)? {
    guard let parent else { return nil }
    if let index = parent.resolveLocal(name) {
      parent.locals[index].isCaptured = true
      let local = parent.locals[index]
      return (addUpvalue(fromParentRegister: true, index: local.register, name: name), local.isMutable)
    }
    if let (index, isMutable) = parent.resolveUpvalue(name) {
      return (addUpvalue(fromParentRegister: false, index: index, name: name), isMutable)
    }
    return nil
  }

  func addUpvalue(fromParentRegister: Bool, index: Int, name: String) -> Int {
    if let existing = proto.upvalues.firstIndex(where: {
      $0.fromParentRegister == fromParentRegister && $0.index == index
    }) {
      return existing
    }
    proto.upvalues.append(UpvalueDescriptor(fromParentRegister: fromParentRegister, index: index, name: name))
    if proto.upvalues.count > 255 { error("function captures more than 255 variables") }
    return proto.upvalues.count - 1
  }

  /// True when names declared here become globals (top level of the module, outside blocks).
  var declaresGlobals: Bool { isModuleLevel && scopeDepth == 0 }
}
