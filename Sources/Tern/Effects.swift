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

/// One operation clause of a `handle`, in a form the perform path reads without reference
/// counting: the handler record owns the buffer, and the collector marks what it refers to.
struct OperationClause {
  enum Kind: String {
    case plain, raw, fun
  }

  /// The effect's serial, or 0 for a clause naming the operation only (`ask(p) => …`).
  let effect: Int
  let operation: Int
  let closure: Unmanaged<ClosureObject>
  let kind: Kind
  /// The clause's parameter count: the operation's arguments, plus the continuation unless
  /// it is a `fun` clause.
  let parameterCount: Int
  /// A plain clause whose continuation cannot outlive it (no closure in the clause captures
  /// it): every capture may reuse the boundary's continuation object.
  let continuationIsLocal: Bool
}

/// The clauses of one `handle` expression.
final class HandlerRecord {
  let clauses: UnsafeMutableBufferPointer<OperationClause>
  /// The effect objects the clauses name, kept for the collector.
  let effects: [EffectObject]
  var returnClause: ClosureObject?
  var catchClause: ClosureObject?

  init(clauses: [OperationClause], effects: [EffectObject]) {
    self.clauses = .allocate(capacity: clauses.count)
    _ = self.clauses.initialize(from: clauses)
    self.effects = effects
  }

  deinit { clauses.deallocate() }

  func mark(_ collector: inout GarbageCollector) {
    for effect in effects { collector.mark(.object(effect)) }
    for clause in clauses { collector.mark(.object(clause.closure.takeUnretainedValue())) }
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
    classSerials += 1
    return .object(heap.allocate(EffectObject(name: parts.first ?? "?", operations: operations, serial: classSerials)))
  }

  /// `handle`: builds the handler from the clause registers above `register` and runs the
  /// body's closure on a new boundary fiber, which the dispatch loop switches to.
  func beginHandle(at register: Int, clauseCount: Int, shape: Value) throws(RuntimeError) {
    let stack = fiber.stack
    var clauses: [OperationClause] = []
    var effects: [EffectObject] = []
    var returnClause: ClosureObject?
    var catchClause: ClosureObject?
    let entries = (stringValue(shape) ?? "").split(separator: ",", omittingEmptySubsequences: false)
    for index in 0..<clauseCount {
      let effectValue = stack[register + 2 + 2 * index]
      let closure = stack[register + 3 + 2 * index].object(as: ClosureObject.self)!
      let entry = index < entries.count ? entries[index] : ""
      switch entry {
      case "return": returnClause = closure
      case "catch": catchClause = closure
      default:
        let fields = entry.split(separator: ":")
        let name = String(fields.first ?? "")
        let operation = Int(symbol(name).payload)
        var effect = 0
        if !effectValue.isNil {
          guard let declared = effectValue.object(as: EffectObject.self) else {
            throw RuntimeError(
              typeName: "TypeError",
              message: "a handler clause needs an effect before `.\(name)`, not \(typeName(of: effectValue))")
          }
          guard declared.operations[operation] != nil else {
            throw RuntimeError(typeName: "TypeError", message: "effect \(declared.name) has no operation '\(name)'")
          }
          effect = declared.serial
          effects.append(declared)
        }
        let kind = OperationClause.Kind(rawValue: String(fields.count > 1 ? fields[1] : "plain")) ?? .plain
        clauses.append(
          OperationClause(
            effect: effect, operation: operation, closure: Unmanaged.passUnretained(closure), kind: kind,
            parameterCount: closure.function.hasRest ? -1 : closure.function.parameterCount,
            continuationIsLocal: kind == .plain && fields.count > 2 && fields[2] == "local"))
      }
    }
    let body = stack[register + 1]
    let registers = body.object(as: ClosureObject.self)?.registerCount ?? 0
    let boundary = Fiber(maximumDepth: options.maximumCallDepth, stackCapacity: max(8, registers + 2), frameCapacity: 4)
    boundary.entry = body
    boundary.catches = []
    let record = HandlerRecord(clauses: clauses, effects: effects)
    record.returnClause = returnClause
    record.catchClause = catchClause
    boundary.handler = record
    boundary.handlerClauses = UnsafeBufferPointer(record.clauses)
    _ = heap.allocate(FiberObject(state: boundary))
    try prepareResume(boundary, value: .null, resultRegister: register)
  }

  /// `perform Effect.op(args)` with the effect at `register` and the arguments above it.
  /// Either pushes a `fun` clause's frame on the running fiber, or captures the computation
  /// and leaves the clause running on the handler's fiber; the loop then carries on with
  /// whatever fiber runs. `cache` remembers the effect this instruction last checked its
  /// operation and arguments against.
  func perform(at register: Int, count: Int, operation: Value, cache: UnsafeMutablePointer<MemberCache>)
    throws(RuntimeError)
  {
    let effectValue = fiber.stack[register]
    let operationID = Int(operation.payload)
    guard effectValue.tag == .object && effectValue.objectKind == .effect,
      case let serial = effectValue.withObject(as: EffectObject.self, { $0.serial }),
      serial == cache.pointee.classSerial
    else {
      try checkPerform(effectValue, operationID, count: count)
      cache.pointee.classSerial = effectValue.withObject(as: EffectObject.self) { $0.serial }
      return try perform(at: register, count: count, operation: operation, cache: cache)
    }
    guard let (boundaryLink, clause) = findEffectHandler(serial, operationID) else {
      throw RuntimeError(
        typeName: "UnhandledEffect", message: "no handler for \(operationName(effectValue, operationID))")
    }
    let expected = count + (clause.kind == .fun ? 0 : 1)
    guard clause.parameterCount == expected else {
      let name = operationName(effectValue, operationID)
      let declared = clause.parameterCount - expected + count
      throw RuntimeError(
        typeName: "TypeError",
        message: "the handler clause for \(name) takes \(Self.describeArity(declared...declared)) "
          + "but \(name) has \(Self.describeArity(count...count))")
    }
    if clause.kind == .fun {
      // Tail-resumptive: a call at the perform, whose value is the perform's (H13).
      fiber.stack[register] = Value(payload: UInt64(UInt(bitPattern: clause.closure.toOpaque())), tag: .object)
      try pushFrame(clause.closure, on: fiber, base: register + 1, count: count, kind: .tail)
      fiber.tailClauses.append((fiber.frameCount - 1, boundaryLink))
      return
    }
    // A capture needs the computation suspendable up to its boundary, and the boundary
    // started or resumed by the loop (not by `close`), so that the clause can run where the
    // `handle` waits (SEMANTICS H9d).
    guard boundaryLink._withUnsafeGuaranteedRef({ canSuspendChain(upTo: $0, topInLoop: true) }) else {
      throw RuntimeError(
        typeName: "FiberError", message: "cannot capture a continuation during close/finalization")
    }
    continuationsCaptured &+= 1
    let continuation = boundaryLink._withUnsafeGuaranteedRef { boundary in
      // A continuation that cannot escape its clause is one object per boundary, reset
      // here: one-shot checks still hold, since the clause that had it before can only use
      // it again after everything that followed (this capture included) has used it up.
      if clause.continuationIsLocal, let reused = boundary.localContinuation {
        reused._withUnsafeGuaranteedRef { $0.isUsed = false }
        return Value(payload: UInt64(UInt(bitPattern: reused.toOpaque())), tag: .object)
      }
      let made = heap.allocate(ContinuationObject(boundary: boundary.object!, isRaw: clause.kind == .raw))
      if clause.continuationIsLocal { boundary.localContinuation = Unmanaged.passUnretained(made) }
      return Value.object(made)
    }
    // Suspend the handled computation up to the boundary, detach it, and run the clause on
    // the fiber that waits for the handle, with the arguments and the continuation.
    let arguments = fiber.stack + register + 1
    fiber.yieldRegister = register
    boundaryLink._withUnsafeGuaranteedRef { boundary in
      suspendChain(upTo: boundary)
      boundary.status = .suspended
      switchToResumer(of: boundary)
    }
    try Unmanaged.passUnretained(fiber).withGuaranteedRef { (running) throws(RuntimeError) in
      let base = running.top + 1
      running.ensureStack(base + max(count + 1, clause.closure._withUnsafeGuaranteedRef { $0.registerCount }) + 1)
      running.stack[base - 1] = continuation
      // The performer's stack did not move: it is suspended, and only the running fiber's grows.
      (running.stack + base).update(from: arguments, count: count)
      running.stack[base + count] = continuation
      try pushFrame(clause.closure, on: running, base: base, count: count + 1, kind: .delivering)
    }
  }

  /// The checks a perform skips once they passed for its effect: the value is an effect
  /// that has the operation, with that many arguments.
  @inline(never)
  private func checkPerform(_ effectValue: Value, _ operationID: Int, count: Int) throws(RuntimeError) {
    guard let effect = effectValue.object(as: EffectObject.self) else {
      throw RuntimeError(
        typeName: "TypeError", message: "perform expects an operation of an effect, not \(typeName(of: effectValue))")
    }
    guard let declared = effect.operations[operationID] else {
      throw RuntimeError(
        typeName: "TypeError", message: "effect \(effect.name) has no operation '\(symbolNames[operationID])'")
    }
    guard declared.arity == count else {
      throw RuntimeError(
        typeName: "TypeError",
        message:
          "\(effect.name).\(declared.name) expects \(Self.describeArity(declared.arity...declared.arity)) but got \(count)"
      )
    }
  }

  private func operationName(_ effectValue: Value, _ operationID: Int) -> String {
    let effect = effectValue.object(as: EffectObject.self)
    return "\(effect?.name ?? "?").\(symbolNames[operationID])"
  }

  /// The nearest boundary up the resume chain with a clause for the operation. The search
  /// skips the computation a running `fun` clause belongs to (its performs go outward, H3a)
  /// and stops at a native boundary: a built-in's callback or a fiber a built-in resumed
  /// (H9). Walks unmanaged links: this runs on every perform.
  private func findEffectHandler(_ effect: Int, _ operation: Int) -> (Unmanaged<Fiber>, OperationClause)? {
    enum Step {
      case found(OperationClause)
      case next(Unmanaged<Fiber>)
      case none
    }
    if fiber.nativeLoops != 0 { return nil }
    var link = Unmanaged.passUnretained(fiber)
    while true {
      let step = link._withUnsafeGuaranteedRef { current -> Step in
        // Above this fiber's resumer, unless the link crosses a built-in's loop.
        func resumerOf(_ fiber: Fiber) -> Step {
          guard fiber.resumedInLoop, let resumer = fiber.resumerLink,
            resumer._withUnsafeGuaranteedRef({ $0.nativeLoops == 0 })
          else { return .none }
          return .next(resumer)
        }
        if let boundary = innermostTailClause(of: current) {
          return boundary._withUnsafeGuaranteedRef(resumerOf)
        }
        for clause in current.handlerClauses
        where clause.operation == operation && (clause.effect == 0 || clause.effect == effect) {
          return .found(clause)
        }
        return resumerOf(current)
      }
      switch step {
      case .found(let clause): return (link, clause)
      case .next(let resumer): link = resumer
      case .none: return nil
      }
    }
  }

  private func innermostTailClause(of target: Fiber) -> Unmanaged<Fiber>? {
    guard target.hasTailClauses else { return nil }
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
    guard let continuation = value.continuation else {
      throw RuntimeError(
        typeName: "TypeError",
        message: "\(throwing ? "discontinue" : "resume") expects a continuation, not \(typeName(of: value))")
    }
    try continuation.withGuaranteedRef { (continuation) throws(RuntimeError) in
      guard !continuation.isUsed else {
        throw RuntimeError(typeName: "ContinuationAlreadyResumed", message: "continuation already resumed")
      }
      func resumeBoundary() throws(RuntimeError) {
        try continuation.boundary.withGuaranteedRef { (boundary) throws(RuntimeError) in
          try prepareResume(boundary, value: argument, resultRegister: resultRegister)
        }
      }
      if throwing {
        // The error is made before the switch: a `finally` rethrow is recognised by the
        // fiber that throws it. (No optional error on the plain path: it costs a resume.)
        let injected = thrownValue(argument)
        try resumeBoundary()
        fiber.injectedError = injected
      } else {
        try resumeBoundary()
      }
      continuation.isUsed = true
    }
  }

  /// `return resume(k, v)`: pops the running frame when nothing is left for it to do, and
  /// gives the register its value would have gone to (nil: keep the frame). A clause frame
  /// whose own continuation is still unused keeps its frame, so that ending it can finalise.
  func popForTailResume(_ continuation: Value) -> Int? {
    let running = fiber
    let index = running.frameCount - 1
    let frame = running.frames[index]
    guard index > 0, !frame.stopsLoop, !frame.returnsSelf, frame.clause != .tail,
      let target = continuation.continuation,
      target._withUnsafeGuaranteedRef({ !$0.isUsed && $0.boundary._withUnsafeGuaranteedRef { $0.status == .suspended } }
      )
    else { return nil }
    let destination: Int
    if frame.clause == .delivering {
      let own = running.stack[frame.base - 1]
      let ownIsDone = own.continuation?._withUnsafeGuaranteedRef { $0.isUsed || $0.isRaw } ?? true
      guard own.payload == continuation.payload || ownIsDone else { return nil }
      destination = waitingRegister(running.frames[index - 1])
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
    if let continuation = running.stack[frame.base - 1].continuation?.takeUnretainedValue(),
      !continuation.isUsed, !continuation.isRaw
    {
      continuation.isUsed = true
      try withRoot(result) { () throws(RuntimeError) in
        if let failure = try close(continuation.boundaryObject.state) { throw failure }
      }
    }
    running.stack[waitingRegister(running.frames[running.frameCount - 1])] = result
  }

  /// Where a delivering clause's value goes: the register of the `handle`, `resume` or
  /// `discontinue` instruction that the frame below it waits at.
  private func waitingRegister(_ frame: CallFrame) -> Int {
    let word = frame.closure._withUnsafeGuaranteedRef { $0.code[frame.pc - 1] }
    return frame.base + Instruction.a(word)
  }

  /// Pushes a frame for `closure` on the running fiber at `base`, where its `count`
  /// arguments are.
  private func pushFrame(
    _ closure: Unmanaged<ClosureObject>, on running: Fiber, base: Int, count: Int, kind: ClauseFrame
  ) throws(RuntimeError) {
    let (fastArity, registerCount) = closure._withUnsafeGuaranteedRef { ($0.fastArity, $0.registerCount) }
    if count != fastArity { _ = try adjustArguments(closure.takeUnretainedValue(), at: base, count: count) }
    if running.frameCount >= running.frameCapacity && !running.reserveFrame() { throw stackOverflow() }
    running.ensureStack(base + registerCount + 1)
    running.frames[running.frameCount] = CallFrame(closure: closure, base: base, clause: kind)
    running.frameCount += 1
  }

  /// Runs a `return` or `catch` clause on the running fiber, above the instruction that
  /// waits for the handled computation.
  func pushDeliveringFrame(_ closure: ClosureObject, argument: Value) throws(RuntimeError) {
    let running = fiber
    let base = running.top + 1
    running.ensureStack(base + max(1, closure.registerCount) + 1)
    running.stack[base - 1] = .null
    running.stack[base] = argument
    try pushFrame(Unmanaged.passUnretained(closure), on: running, base: base, count: 1, kind: .delivering)
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
        if let error = try close(continuation.boundaryObject.state) { failure = error }
      } catch {
        failure = error
      }
    }
    return failure
  }
}
