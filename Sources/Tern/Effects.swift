import TernBytecode

// Algebraic effects (SEMANTICS §1.5 and §3.5), on top of fibers.
//
// `handle` runs its body on a fresh *boundary* fiber that carries the clauses (a
// `HandlerRecord`) and catches no signal, so yields and fuel pass through it. `perform`
// walks the resume chain from the running fiber for the nearest boundary with a clause for
// the operation:
// - a `fun` clause is called right there, like a function, with no capture (H13);
// - any other clause captures: every fiber from the performer up to the boundary suspends
//   (linked by `child`, as a signal would leave them), the boundary is detached from its
//   resumer, and the clause runs on that resumer, above the `handle` (or the `resume`) that
//   waits there. The continuation is that detached chain; resuming it is resuming the
//   boundary, whose child links lead back to the perform (H3, H4).
// A clause frame's value goes to the waiting instruction's register. A clause that ends
// without using its continuation finalises it first: the body is closed, running its
// `finally` blocks (H10).

/// The clauses of one `handle` expression.
final class HandlerRecord {
  enum Kind: String {
    case plain, raw, fun
  }

  struct Clause {
    /// nil for a clause naming the operation without its effect (`ask(p) => …`).
    let effect: EffectObject?
    let operation: Int
    let closure: ClosureObject
    let kind: Kind
  }

  var clauses: [Clause] = []
  var returnClause: ClosureObject?
  var catchClause: ClosureObject?

  func clause(for effect: EffectObject, operation: Int) -> Clause? {
    for clause in clauses where clause.operation == operation && (clause.effect == nil || clause.effect === effect) {
      return clause
    }
    return nil
  }

  func mark(_ collector: inout GarbageCollector) {
    for clause in clauses {
      if let effect = clause.effect { collector.mark(.object(effect)) }
      collector.mark(.object(clause.closure))
    }
    if let returnClause { collector.mark(.object(returnClause)) }
    if let catchClause { collector.mark(.object(catchClause)) }
  }
}

extension VM {
  /// `effect Name { … }`, from its description `"Name|op:arity|…"`.
  func makeEffect(_ description: Value) -> Value {
    let parts = (stringValue(description) ?? "").split(separator: "|").map(String.init)
    var operations: [Int: (name: String, arity: Int)] = [:]
    for entry in parts.dropFirst() {
      let fields = entry.split(separator: ":")
      operations[Int(symbol(String(fields[0])).payload)] = (String(fields[0]), Int(fields[1]) ?? 0)
    }
    return .object(heap.allocate(EffectObject(name: parts.first ?? "?", operations: operations)))
  }

  /// `handle`: builds the handler from the clause registers above `register` and runs the
  /// body's closure on a new boundary fiber, which the dispatch loop switches to.
  func beginHandle(at register: Int, clauseCount: Int, shape: Value) throws(RuntimeError) {
    let stack = fiber.stack
    let record = HandlerRecord()
    let entries = (stringValue(shape) ?? "").split(separator: ",", omittingEmptySubsequences: false)
    for index in 0..<clauseCount {
      let effectValue = stack[register + 2 + 2 * index]
      let closure = stack[register + 3 + 2 * index].object(as: ClosureObject.self)!
      let entry = index < entries.count ? entries[index] : ""
      switch entry {
      case "return": record.returnClause = closure
      case "catch": record.catchClause = closure
      default:
        let fields = entry.split(separator: ":")
        let name = String(fields.first ?? "")
        let operation = Int(symbol(name).payload)
        var effect: EffectObject?
        if !effectValue.isNil {
          guard let declared = effectValue.object(as: EffectObject.self) else {
            throw RuntimeError(
              typeName: "TypeError",
              message: "a handler clause needs an effect before `.\(name)`, not \(typeName(of: effectValue))")
          }
          guard declared.operations[operation] != nil else {
            throw RuntimeError(typeName: "TypeError", message: "effect \(declared.name) has no operation '\(name)'")
          }
          effect = declared
        }
        let kind = HandlerRecord.Kind(rawValue: String(fields.count > 1 ? fields[1] : "plain")) ?? .plain
        record.clauses.append(.init(effect: effect, operation: operation, closure: closure, kind: kind))
      }
    }
    let body = stack[register + 1]
    let registers = body.object(as: ClosureObject.self)?.registerCount ?? 0
    let boundary = Fiber(maximumDepth: options.maximumCallDepth, stackCapacity: max(8, registers + 2), frameCapacity: 4)
    boundary.entry = body
    boundary.catches = []
    boundary.handler = record
    _ = heap.allocate(FiberObject(state: boundary))
    try prepareResume(boundary, value: .null, inLoop: true)
    boundary.resultRegister = register
  }

  /// `perform Effect.op(args)` with the effect at `register` and the arguments above it.
  /// Either pushes a `fun` clause's frame on the running fiber, or captures the computation
  /// and leaves the clause running on the handler's fiber; the loop then carries on with
  /// whatever fiber runs.
  func perform(at register: Int, count: Int, operation: Value) throws(RuntimeError) {
    let performer = fiber
    let effectValue = performer.stack[register]
    guard let effect = effectValue.object(as: EffectObject.self) else {
      throw RuntimeError(
        typeName: "TypeError", message: "perform expects an operation of an effect, not \(typeName(of: effectValue))")
    }
    let operationID = Int(operation.payload)
    guard let declared = effect.operations[operationID] else {
      throw RuntimeError(
        typeName: "TypeError", message: "effect \(effect.name) has no operation '\(symbolNames[operationID])'")
    }
    let name = "\(effect.name).\(declared.name)"
    guard declared.arity == count else {
      throw RuntimeError(
        typeName: "TypeError",
        message: "\(name) expects \(Self.describeArity(declared.arity...declared.arity)) but got \(count)")
    }
    guard let (boundary, clause) = findEffectHandler(effect, operationID) else {
      throw RuntimeError(typeName: "UnhandledEffect", message: "no handler for \(name)")
    }
    let function = clause.closure.function
    let expected = count + (clause.kind == .fun ? 0 : 1)
    guard function.parameterCount == expected, !function.hasRest else {
      let declaredCount = function.parameterCount - expected + count
      throw RuntimeError(
        typeName: "TypeError",
        message: "the handler clause for \(name) takes \(Self.describeArity(declaredCount...declaredCount)) "
          + "but \(name) has \(Self.describeArity(count...count))")
    }
    if clause.kind == .fun {
      // Tail-resumptive: a call at the perform, whose value is the perform's (H13).
      performer.stack[register] = .object(clause.closure)
      try pushFrame(clause.closure, base: register + 1, kind: .tail)
      performer.tailClauses.append((performer.frameCount - 1, boundary))
      return
    }
    continuationsCaptured += 1
    let arguments = Array(UnsafeBufferPointer(start: performer.stack + register + 1, count: count))
    let continuation = heap.allocate(ContinuationObject(boundary: boundary.object!, isRaw: clause.kind == .raw))
    // Suspend the handled computation up to the boundary, then detach it.
    performer.yieldRegister = register
    suspendChain(upTo: boundary)
    boundary.status = .suspended
    switchToResumer(of: boundary)
    try pushDeliveringFrame(
      clause.closure, arguments: arguments + [.object(continuation)], continuation: .object(continuation))
  }

  /// The nearest boundary up the resume chain with a clause for the operation. The search
  /// skips the computation a running `fun` clause belongs to (its performs go outward, H3a)
  /// and stops at a native boundary: a built-in's callback or a fiber a built-in resumed
  /// (H9).
  private func findEffectHandler(_ effect: EffectObject, _ operation: Int) -> (Fiber, HandlerRecord.Clause)? {
    var current = fiber
    if current.nativeLoops != 0 { return nil }
    while true {
      if let boundary = innermostTailClause(of: current) {
        guard boundary.resumedInLoop, let resumer = boundary.resumer, resumer.nativeLoops == 0 else { return nil }
        current = resumer
        continue
      }
      if let clause = current.handler?.clause(for: effect, operation: operation) { return (current, clause) }
      guard current.resumedInLoop, let resumer = current.resumer, resumer.nativeLoops == 0 else { return nil }
      current = resumer
    }
  }

  private func innermostTailClause(of target: Fiber) -> Fiber? {
    while let last = target.tailClauses.last {
      if last.frame < target.frameCount && target.frames[last.frame].clause == .tail { return last.boundary }
      target.tailClauses.removeLast()
    }
    return nil
  }

  /// `resume(k, v)` / `discontinue(k, e)`: the continuation's computation runs again from
  /// its perform, whose value is `v` (or which throws `e`); what the handled computation
  /// gives from then on comes back to `resultRegister` (H4).
  func continueComputation(_ value: Value, with argument: Value, throwing: Bool, resultRegister: Int)
    throws(RuntimeError)
  {
    guard let continuation = value.object(as: ContinuationObject.self) else {
      throw RuntimeError(
        typeName: "TypeError",
        message: "\(throwing ? "discontinue" : "resume") expects a continuation, not \(typeName(of: value))")
    }
    guard !continuation.isUsed else {
      throw RuntimeError(typeName: "ContinuationAlreadyResumed", message: "continuation already resumed")
    }
    let injected = throwing ? thrownValue(argument) : nil
    try prepareResume(continuation.boundary.state, value: argument, inLoop: true)
    continuation.isUsed = true
    continuation.boundary.state.resultRegister = resultRegister
    fiber.injectedError = injected
  }

  /// `return resume(k, v)`: pops the running frame when nothing is left for it to do, and
  /// gives the register its value would have gone to (nil: keep the frame). A clause frame
  /// whose own continuation is still unused keeps its frame, so that ending it can finalise.
  func popForTailResume(_ continuation: Value) -> Int? {
    let running = fiber
    let index = running.frameCount - 1
    let frame = running.frames[index]
    guard index > 0, !frame.stopsLoop, !frame.returnsSelf, frame.clause != .tail,
      let target = continuation.object(as: ContinuationObject.self), !target.isUsed,
      target.boundary.state.status == .suspended
    else { return nil }
    let destination: Int
    if frame.clause == .delivering {
      let own = running.stack[frame.base - 1].object(as: ContinuationObject.self)
      guard own == nil || own === target || own!.isUsed || own!.isRaw else { return nil }
      let below = running.frames[index - 1]
      let word = below.closure._withUnsafeGuaranteedRef { $0.code[below.pc - 1] }
      destination = below.base + Instruction.a(word)
    } else {
      destination = frame.base - 1
    }
    running.closeUpvalues(from: frame.base)
    running.frameCount = index
    return destination
  }

  /// A clause frame returned `result` (already popped): a `fun` clause's value is its
  /// perform's; a delivering clause finalises its unused continuation, then gives its value
  /// to the instruction waiting below it.
  func endClause(_ frame: CallFrame, result: Value) throws(RuntimeError) {
    let running = fiber
    if frame.clause == .tail {
      if let last = running.tailClauses.last, last.frame == running.frameCount { running.tailClauses.removeLast() }
      running.stack[frame.base - 1] = result
      return
    }
    if let continuation = running.stack[frame.base - 1].object(as: ContinuationObject.self),
      !continuation.isUsed, !continuation.isRaw
    {
      continuation.isUsed = true
      try withRoot(result) { () throws(RuntimeError) in
        if let failure = try close(continuation.boundary.state) { throw failure }
      }
    }
    let below = running.frames[running.frameCount - 1]
    let word = below.closure._withUnsafeGuaranteedRef { $0.code[below.pc - 1] }
    running.stack[below.base + Instruction.a(word)] = result
  }

  /// Pushes a frame for `closure` on the running fiber at `base`, where its arguments are.
  private func pushFrame(_ closure: ClosureObject, base: Int, kind: ClauseFrame) throws(RuntimeError) {
    let running = fiber
    let count = closure.function.parameterCount
    if count != closure.fastArity { _ = try adjustArguments(closure, at: base, count: count) }
    if !running.reserveFrame() { throw stackOverflow() }
    running.ensureStack(base + closure.registerCount + 1)
    running.frames[running.frameCount] = CallFrame(
      closure: Unmanaged.passUnretained(closure), pc: 0, base: base, clause: kind)
    running.frameCount += 1
  }

  /// Runs a clause on the running fiber, above the instruction that waits for the handled
  /// computation; `continuation` goes in the frame's callee slot.
  func pushDeliveringFrame(_ closure: ClosureObject, arguments: [Value], continuation: Value) throws(RuntimeError) {
    let running = fiber
    let base = running.top + 1
    running.ensureStack(base + max(arguments.count, closure.registerCount) + 1)
    running.stack[base - 1] = continuation
    for (index, argument) in arguments.enumerated() { running.stack[base + index] = argument }
    try pushFrame(closure, base: base, kind: .delivering)
  }

  /// Notes the unused continuations of delivering clause frames an error is about to pop
  /// (from `depth` up): they are finalised once the frames are gone (H10).
  func noteDiscardedClauses(of target: Fiber, from depth: Int) {
    var index = target.frameCount - 1
    while index >= depth {
      if target.frames[index].clause == .delivering,
        let continuation = target.stack[target.frames[index].base - 1].object(as: ContinuationObject.self),
        !continuation.isUsed, !continuation.isRaw
      {
        pendingFinalizations.append(continuation)
      }
      index -= 1
    }
  }

  /// Finalises the noted continuations; gives the error a `finally` block failed with, if
  /// one did (it replaces the error that was unwinding).
  func finalizeDiscardedClauses() -> RuntimeError? {
    var failure: RuntimeError?
    while let continuation = pendingFinalizations.popLast() {
      guard !continuation.isUsed else { continue }
      continuation.isUsed = true
      do {
        if let error = try close(continuation.boundary.state) { failure = error }
      } catch {
        failure = error
      }
    }
    return failure
  }
}
