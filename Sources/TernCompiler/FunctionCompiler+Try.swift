import TernBytecode
import TernSyntax

/// A protected code range of one `try`: the pcs it covers (in segments, because inlined
/// `finally` copies are cut out of it), where a caught error goes, and in which register.
final class ProtectedRegion {
  var segments: [(Int, Int)] = []
  var openSince: Int?
  var target = 0
  let register: Int
  let isFinally: Bool

  init(start: Int, register: Int, isFinally: Bool) {
    openSince = start
    self.register = register
    self.isFinally = isFinally
  }

  func pause(at pc: Int) {
    if let start = openSince, start < pc { segments.append((start, pc)) }
    openSince = nil
  }

  func resume(at pc: Int) {
    if openSince == nil { openSince = pc }
  }
}

/// An enclosing `try … finally` whose `finally` must run when `return`, `break` or
/// `continue` leaves it, or a `for` loop over an iterable that such an exit must close.
struct FinallyContext {
  enum Action {
    case block(Block)
    /// Close the iterable in this register (a suspended fiber is unwound).
    case closeIterator(Int)
  }
  var action: Action
  /// `loops.count` when the `try` began: leaving a loop outside it crosses this finally.
  var loopCount: Int
  /// Index in `activeRegions` of the first region this `try` opened.
  var firstRegion: Int
}

extension FunctionCompiler {
  /// `try { body } catch … finally { … }` as an expression.
  ///
  /// Layout: body, normal-exit copy of `finally`; the catch handler tests each clause's
  /// pattern and runs its body, rethrowing when none matches; a second handler covering the
  /// body and the catch clauses runs `finally` and rethrows. `return`, `break` and
  /// `continue` inside run a copy of the `finally` before they leave (finally duplication).
  func compileTry(body: Block, catches: [CatchClause], finallyBlock: Block?, into target: Int, range: SourceRange) {
    let caught = allocateRegister()
    let firstRegion = activeRegions.count
    var finallyRegion: ProtectedRegion?
    if finallyBlock != nil {
      let region = ProtectedRegion(start: proto.code.count, register: caught, isFinally: true)
      finallyRegion = region
      activeRegions.append(region)
    }
    var catchRegion: ProtectedRegion?
    if !catches.isEmpty {
      let region = ProtectedRegion(start: proto.code.count, register: caught, isFinally: false)
      catchRegion = region
      activeRegions.append(region)
    }
    if let finallyBlock {
      finallyContexts.append(
        FinallyContext(action: .block(finallyBlock), loopCount: loops.count, firstRegion: firstRegion))
    }

    compileBlock(body, into: target)
    var normalExits: [Int] = []
    if let catchRegion {
      catchRegion.pause(at: proto.code.count)
      activeRegions.removeLast()
      normalExits.append(emitJump())
      catchRegion.target = proto.code.count
      // The catch clauses, still inside the finally region.
      for clause in catches {
        let mark = freeRegister
        beginScope()
        var failures: [Int] = []
        if let pattern = clause.pattern {
          failures = compilePatternTest(pattern, subject: caught)
        }
        if let guardExpr = clause.guardExpr { failures += compileCondition(guardExpr, jumpWhen: false) }
        compileBlock(clause.body, into: target)
        endScope()
        freeRegister = mark
        normalExits.append(emitJump())
        for jump in failures { patchJumpHere(jump) }
      }
      currentRange = range
      emit(Instruction.abc(.throwValue, caught, 0, 0))
      proto.handlers.append(contentsOf: catchRegion.handlers)
    }
    guard let finallyBlock, let finallyRegion else {
      for jump in normalExits { patchJumpHere(jump) }
      return
    }
    finallyContexts.removeLast()
    finallyRegion.pause(at: proto.code.count)
    activeRegions.removeLast()
    // Normal completion (of the body or a catch clause): run finally, keep the value.
    for jump in normalExits { patchJumpHere(jump) }
    compileFinallyCopy(finallyBlock)
    let end = emitJump()
    // Completion by an error: run finally, then rethrow it.
    finallyRegion.target = proto.code.count
    compileFinallyCopy(finallyBlock)
    currentRange = range
    emit(Instruction.abc(.throwValue, caught, 0, 0))
    proto.handlers.append(contentsOf: finallyRegion.handlers)
    patchJumpHere(end)
  }

  /// What leaving `context` runs: a copy of its `finally` block, or closing its iterable.
  func compileExitAction(_ context: FinallyContext) {
    switch context.action {
    case .block(let block): compileFinallyCopy(block)
    case .closeIterator(let register): emit(Instruction.abc(.closeIterator, register, 0, 0))
    }
  }

  /// A copy of a `finally` block, evaluated for its effect.
  func compileFinallyCopy(_ block: Block) {
    finallyDepth += 1
    let mark = freeRegister
    let scratch = allocateRegister()
    compileBlock(block, into: scratch)
    freeRegister = mark
    finallyDepth -= 1
  }

  /// Runs the `finally` blocks that an exit crosses (innermost first), each outside the
  /// protection of the `try` it belongs to, then emits the exit via `exit`.
  func leaveThroughFinally(crossing contexts: ArraySlice<FinallyContext>, exit: () -> Void) {
    guard !contexts.isEmpty else {
      exit()
      return
    }
    let saved = finallyContexts
    var paused: [ProtectedRegion] = []
    for context in contexts.reversed() {
      for region in activeRegions[context.firstRegion...] where region.openSince != nil {
        region.pause(at: proto.code.count)
        paused.append(region)
      }
      finallyContexts.removeLast(
        finallyContexts.count - finallyContexts.firstIndex(where: {
          $0.firstRegion == context.firstRegion
        })!)
      compileExitAction(context)
    }
    exit()
    finallyContexts = saved
    for region in paused { region.resume(at: proto.code.count) }
  }
}

extension ProtectedRegion {
  var handlers: [ExceptionHandler] {
    segments.map {
      ExceptionHandler(start: $0.0, end: $0.1, target: target, register: register, isFinally: isFinally)
    }
  }
}
