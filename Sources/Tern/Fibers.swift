// Fibers: creating, resuming, signals, and the script-visible members (`status`,
// `signal`, `resume`, `close`, `cancel`, `wrap`, `propagate`). The dispatch loop switches
// between fibers itself (see `interpret`); the helpers here keep the fiber states and the
// resume chain. A built-in that resumes a fiber runs a nested loop for it (`resume`),
// bounded like every call through a built-in (by the stack left: `StackGuard`).

extension VM {
  func installFiberBuiltins() {
    let fiberType = defineNative(
      "Fiber", arity: 1...3, instanceType: "Fiber", parameterNames: ["function", "catches", "fuel"]
    ) { vm, arguments throws(RuntimeError) in
      let fiber = try vm.makeFiber(arguments[0], catches: arguments.count > 1 ? arguments[1] : .null)
      if arguments.count > 2 && !arguments[2].isNil {
        try vm.setBudget(fiber.object(as: FiberObject.self)!.state, arguments[2], caller: "Fiber")
      }
      return fiber
    }
    defineNative("setFuel", arity: 2...2) { vm, arguments throws(RuntimeError) in
      try vm.setBudget(vm.fiberArgument(arguments[0], "setFuel"), arguments[1], caller: "setFuel")
      return .null
    }
    // `Fiber.emit(signal, value)` is normally an instruction (the compiler sees it); taken
    // as a value it is a built-in, which can throw a signal but not suspend.
    let emit = heap.allocate(
      NativeFunctionObject(name: "Fiber.emit", arity: 2...2) { vm, arguments throws(RuntimeError) in
        _ = try vm.suspendingSignal(arguments[0], arguments[1])
        throw RuntimeError(typeName: "FiberError", message: "attempt to yield across a native call boundary")
      })
    fiberType.captures = [.object(emit)]
    fiberType.staticMember = { vm, name in
      switch name {
      case "current":
        // A `handle`'s boundary fiber is an implementation detail: skip it.
        var current = vm.fiber
        while current.handler != nil, let resumer = current.resumer { current = resumer }
        return vm.fiberObject(current)
      case "emit": return .object(emit)
      default: return nil
      }
    }
    defineNative("close", arity: 1...1) { vm, arguments throws(RuntimeError) in
      guard var failure = try vm.close(vm.fiberArgument(arguments[0], "close")) else {
        return .object(vm.heap.allocate(TupleObject([.true, .null])))
      }
      return .object(vm.heap.allocate(TupleObject([.false, vm.caughtValue(&failure)])))
    }
    defineNative("cancel", arity: 2...2) { vm, arguments throws(RuntimeError) in
      try vm.cancel(vm.fiberArgument(arguments[0], "cancel"), with: arguments[1])
    }
    defineNative("propagate", arity: 2...2) { vm, arguments throws(RuntimeError) in
      // Re-emits the fiber's last signal with a new payload (SEMANTICS S6). As a built-in it
      // can throw (an error, a terminal signal) but not suspend.
      let signal = try vm.fiberArgument(arguments[1], "propagate").signal
      guard signal != .none && signal != .ok else { return arguments[0] }
      _ = try vm.suspendingSignal(vm.symbol(signal.name), arguments[0])
      throw RuntimeError(typeName: "FiberError", message: "attempt to yield across a native call boundary")
    }
    defineNative("wrap", arity: 1...1) { vm, arguments throws(RuntimeError) in
      // A function that resumes a fiber: an error inside closes it (SEMANTICS F12).
      let fiber = try vm.makeFiber(arguments[0], catches: .null)
      let state = fiber.object(as: FiberObject.self)!.state
      let resumeIt = NativeFunctionObject(name: "wrap", arity: 0...1) { vm, arguments throws(RuntimeError) in
        do throws(RuntimeError) {
          return try vm.resume(state, with: arguments.first ?? .null)
        } catch {
          state.status = .done
          throw error
        }
      }
      resumeIt.captures = [fiber]
      return .object(vm.heap.allocate(resumeIt))
    }
  }

  private func fiberArgument(_ value: Value, _ function: String) throws(RuntimeError) -> Fiber {
    guard let object = value.object(as: FiberObject.self) else {
      throw RuntimeError(typeName: "TypeError", message: "\(function) expects a Fiber, not \(typeName(of: value))")
    }
    return object.state
  }

  /// `close(f)`: unwinds a suspended fiber through its `finally` blocks (not its `catch`
  /// clauses); a no-op for a fiber that is not suspended. Returns the error a finally block
  /// failed with, if one did (`close` gives `(false, error)` then; SEMANTICS F10).
  func close(_ target: Fiber) throws(RuntimeError) -> RuntimeError? {
    switch target.status {
    case .running: throw RuntimeError(typeName: "FiberError", message: "cannot close a running fiber")
    case .normal: throw RuntimeError(typeName: "FiberError", message: "cannot close a normal fiber")
    case .new, .done, .error, .terminated: return nil
    case .suspended: break
    }
    target.isClosing = true
    defer {
      target.isClosing = false
      target.status = .done
    }
    do {
      let value = try resume(target, with: .null, raising: closeCompletion)
      return target.status == .error ? thrownValue(value) : nil
    } catch {
      return error
    }
  }

  /// A `for` loop over a suspended fiber ended early: close it; a `finally` block of the
  /// fiber that fails makes the loop fail with its error.
  func closeIterator(_ target: Fiber) throws(RuntimeError) {
    if let failure = try close(target) { throw failure }
  }

  /// `cancel(f, e)`: resumes `f` by throwing `e` where it is suspended; gives what `resume`
  /// would (SEMANTICS F11). A fiber that never ran fails without running.
  func cancel(_ target: Fiber, with value: Value) throws(RuntimeError) -> Value {
    let error = thrownValue(value)
    guard target.status == .new else { return try resume(target, with: .null, raising: error) }
    target.status = .error
    target.signal = .error
    target.entry = .null
    if target.catches.contains(.error) { return value }
    throw error
  }

  /// The completion `close` raises in a fiber.
  var closeCompletion: RuntimeError {
    var error = RuntimeError(typeName: "FiberError", message: "the fiber is being closed")
    error.unwindingSignal = "close"
    return error
  }

  /// The script value for a fiber (made on first use for the main program's).
  func fiberObject(_ state: Fiber) -> Value {
    if let object = state.object { return .object(object) }
    return .object(heap.allocate(FiberObject(state: state)))
  }

  /// `Fiber(fn, catches: [.yield, .error])`. Runs nothing (SEMANTICS F1).
  func makeFiber(_ function: Value, catches: Value) throws(RuntimeError) -> Value {
    guard let closure = function.object(as: ClosureObject.self) else {
      throw RuntimeError(typeName: "TypeError", message: "Fiber expects a function, not \(typeName(of: function))")
    }
    let parameters = closure.function.parameterCount
    guard parameters <= 1, !closure.function.hasRest, !closure.function.isMethod else {
      throw RuntimeError(typeName: "TypeError", message: "fiber function must accept 0 or 1 arguments")
    }
    // Small buffers: programs make many fibers (they grow on demand).
    let state = Fiber(
      maximumDepth: options.maximumCallDepth, stackCapacity: max(8, closure.registerCount + 2), frameCapacity: 2)
    state.entry = function
    if !catches.isNil {
      state.catches = []
      try forEachElement(of: catches) { (signal) throws(RuntimeError) in
        guard signal.tag == .symbol else {
          throw RuntimeError(typeName: "TypeError", message: "catches: expects symbols such as .yield and .error")
        }
        let name = symbolNames[Int(signal.payload)]
        guard let known = Signal(emittable: name) else {
          throw RuntimeError(typeName: "ValueError", message: "unknown signal .\(name)")
        }
        state.catches.insert(known)
      }
    }
    return .object(heap.allocate(FiberObject(state: state)))
  }

  /// `fiber.resume(value)` called by a built-in (a `for` loop's step, `cancel`, `close`,
  /// `wrap`, a resume taken as a value): runs a dispatch loop whose entry is `target` until
  /// it stops, and gives the payload of the signal it stopped with: the yielded value, the
  /// return value, or the error value with `catches: [.error]`. An uncaught error or
  /// terminal signal is thrown here, in the resumer (SEMANTICS F2–F6, S5, X2). A `resume`
  /// written in script does not come here: the loop switches fibers itself.
  func resume(_ target: Fiber, with value: Value, raising injected: RuntimeError? = nil) throws(RuntimeError)
    -> Value
  {
    guard stackGuard.hasRoom(depth: nativeCallDepth) else {
      throw RuntimeError(
        typeName: "StackOverflow", message: "fibers resumed by built-ins nested too deeply (\(nativeCallDepth) deep)")
    }
    let resumer = fiber
    try prepareResume(target, value: value, resultRegister: nil)
    fiber.injectedError = injected
    nativeCallDepth += 1
    defer {
      nativeCallDepth -= 1
      switchFiber(to: resumer)
      resumer.status = .running
      target.resumer = nil
    }
    let payload: Value
    do {
      payload = try interpret()
    } catch {
      return try fiberFailed(target, error)
    }
    if target.status == .running {
      target.status = .done
      target.signal = .ok
    }
    return payload
  }

  /// `fiber.resume(value)` written in script (the receiver is a fiber): readies the fiber
  /// so the dispatch loop switches to it, and gives true; false when the method called is
  /// not `resume`. Compares the name's bytes and reaches the fiber unretained: this is the
  /// hot half of every generator round trip.
  @inline(never)
  func resumeInLoop(_ receiver: Value, name: Value, value: Value, resultRegister: Int) throws(RuntimeError) -> Bool {
    let isResume = name.withObject(as: StringObject.self) { string in
      guard string.byteCount == 6 else { return false }
      let expected = Self.resumeName.utf8Start
      for index in 0..<6 where string.bytes[index] != expected[index] { return false }
      return true
    }
    guard isResume else { return false }
    let target = receiver.withObject(as: FiberObject.self) { Unmanaged.passUnretained($0.state) }
    try target.withGuaranteedRef { (target) throws(RuntimeError) in
      try prepareResume(target, value: value, resultRegister: resultRegister)
    }
    return true
  }

  static let resumeName: StaticString = "resume"

  /// A fiber's frames ended with an error or an unwinding signal: records how it ended and
  /// gives what its resumer's `resume` returns, or throws what goes on up.
  func fiberFailed(_ target: Fiber, _ error: RuntimeError) throws(RuntimeError) -> Value {
    noteDiscardedClauses(of: target, from: 0)
    target.closeUpvalues(from: 0)
    target.frameCount = 0
    let error = finalizeDiscardedClauses() ?? error
    switch error.unwindingSignal {
    case "interrupt"?:
      // The host interrupted a plain run: nothing in script can catch it.
      target.status = .error
      target.signal = .error
      throw error
    case "budget"?:
      // Killed for overdrawing a budget: the budget's owner fails with an error its
      // resumer can catch; the fibers inside it fail uncatchably.
      target.status = .error
      target.signal = .error
      guard target.killedForFuel else { throw error }
      target.killedForFuel = false
      var failure = error
      failure.unwindingSignal = nil
      throw failure
    case "close"?:
      target.status = .done
      target.signal = .ok
      target.isClosing = false
      // Closing a fiber that waits on a child closed the child first; now the fiber.
      if target.resumer?.isClosing == true { throw error }
      return .null
    case let name?:
      let signal = Signal(emittable: name) ?? .error
      target.status = .terminated
      target.signal = signal
      if target.catches.contains(signal) { return error.thrown ?? .null }
      throw error
    case nil:
      target.status = .error
      target.signal = .error
      guard target.catches.contains(.error) else { throw error }
      var caught = error
      if caught.trace == nil { (caught.location, caught.trace) = captureTrace() }
      return caughtValue(&caught)
    }
  }

  /// A fiber the loop resumed failed: its resumer runs again and gets the outcome at its
  /// `resume` call (a value, or an error thrown there).
  /// Gives nil when a `handle`'s `catch` clause took the error: it runs on the resumer.
  func failResumed(_ failed: Fiber, _ error: RuntimeError) throws(RuntimeError) -> Value? {
    if error.unwindingSignal == nil, let catchClause = failed.handler?.catchClause {
      // The handled body failed: its `catch` clause runs where the `handle` waits (H5).
      var caught = error
      let value = caughtValue(&caught)
      try withRoot(value) { () throws(RuntimeError) in
        _ = try? fiberFailed(failed, caught)
        switchToResumer(of: failed)
        try pushDeliveringFrame(catchClause, argument: value)
      }
      return nil
    }
    defer { switchToResumer(of: failed) }
    return try fiberFailed(failed, error)
  }

  /// A fiber the loop resumed returned: its resumer runs again with the result (a `handle`'s
  /// body: its `return` clause runs there first).
  func finishResumed(_ finished: Fiber, result: Value) throws(RuntimeError) {
    finished.status = .done
    finished.signal = .ok
    let resumer = switchToResumer(of: finished)
    if let returnClause = finished.handler?.returnClause {
      try pushDeliveringFrame(returnClause, argument: result)
      return
    }
    resumer._withUnsafeGuaranteedRef { $0.stack[finished.resultRegister] = result }
  }

  /// A fiber the loop resumed emitted a resumable signal (its pending register is set). If
  /// its resumer catches the signal, the resumer runs again with the payload; otherwise the
  /// resumer suspends too, waiting on it, and the signal goes on up (SEMANTICS S3). Returns
  /// true when the loop carries on with the running fiber, false when the signal reached a
  /// fiber that a built-in resumed, which has suspended and must leave the loop.
  func suspendResumed(_ stopped: Fiber, signal: Signal, payload: Value) -> Bool {
    enum Step {
      case caught, leave
      case passUp(Unmanaged<Fiber>)
    }
    // Unmanaged links, so the walk does no reference counting (this is every yield).
    var current = Unmanaged.passUnretained(stopped)
    while true {
      let step = current._withUnsafeGuaranteedRef { current in
        current.status = .suspended
        current.signal = signal
        return switchToResumer(of: current)._withUnsafeGuaranteedRef { resumer -> Step in
          if current.catches.contains(signal) {
            resumer.stack[current.resultRegister] = payload
            return .caught
          }
          resumer.child = current
          resumer.yieldRegister = current.resultRegister
          if !resumer.resumedInLoop {
            resumer.status = .suspended
            resumer.signal = signal
            return .leave
          }
          return .passUp(Unmanaged.passUnretained(resumer))
        }
      }
      switch step {
      case .caught: return true
      case .leave: return false
      case .passUp(let resumer): current = resumer
      }
    }
  }

  /// Suspends the running fiber and every fiber above it on the chain, up to `top`, which
  /// then runs; each waits on the one below through `child`, so that resuming `top` later
  /// re-enters the innermost (SEMANTICS S4). A fuel pause and a capturing `perform` do this.
  func suspendChain(upTo top: Fiber) {
    let topLink = Unmanaged.passUnretained(top).toOpaque()
    var current = Unmanaged.passUnretained(fiber)
    while current.toOpaque() != topLink {
      current = current._withUnsafeGuaranteedRef { current in
        current.status = .suspended
        return switchToResumer(of: current)._withUnsafeGuaranteedRef { resumer in
          resumer.child = current
          return Unmanaged.passUnretained(resumer)
        }
      }
    }
  }

  /// Whether the running fiber and every fiber above it up to `top` can suspend where they
  /// are, as `suspendChain` leaves them: none is inside a built-in's callback or unwinding
  /// for a close, a finalisation or a kill, and each below `top` was resumed by the loop
  /// itself (`topInLoop` asks that of `top` too). A fuel pause and a capturing `perform`
  /// check this first. Walks unmanaged links: a perform runs it every time.
  func canSuspendChain(upTo top: Fiber, topInLoop: Bool) -> Bool {
    enum Step {
      case yes, no
      case up(Unmanaged<Fiber>)
    }
    var current = Unmanaged.passUnretained(fiber)
    while true {
      let step = current._withUnsafeGuaranteedRef { current -> Step in
        if current.nativeLoops != 0 || current.isClosing || current.unwinding?.unwindingSignal != nil { return .no }
        if current === top { return !topInLoop || current.resumedInLoop ? .yes : .no }
        guard current.resumedInLoop else { return .no }
        return current.resumerLink.map(Step.up) ?? .no
      }
      switch step {
      case .yes: return true
      case .no: return false
      case .up(let resumer): current = resumer
      }
    }
  }

  /// Makes the fiber that resumed `stopped` the running one (the main program's when none
  /// did) and unlinks `stopped` from it.
  @discardableResult
  func switchToResumer(of stopped: Fiber) -> Unmanaged<Fiber> {
    let resumer = stopped.resumerLink ?? Unmanaged.passUnretained(mainFiber)
    resumer._withUnsafeGuaranteedRef { resumer in
      resumer.status = .running
      // Switch while `stopped` is still linked: the switch settles fuel on its chain.
      switchFiber(to: resumer)
    }
    stopped.resumerLink = nil
    return resumer
  }

  /// Checks that `target` can be resumed by the running fiber and readies it: the value
  /// goes to its pending `yield` or, on the first resume, becomes its function's argument.
  /// A fiber waiting on a child (a signal passed up from it) resumes the innermost fiber of
  /// that chain instead, which gets the value (SEMANTICS S4). Makes the fiber that runs next
  /// the running one. `resultRegister` is where, in the running fiber's stack, the outcome
  /// goes when this loop runs the target itself; nil when a built-in resumes it in a loop of
  /// its own (`resume`).
  func prepareResume(_ target: Fiber, value: Value, resultRegister: Int?) throws(RuntimeError) {
    switch target.status {
    case .done:
      throw RuntimeError(typeName: "FiberError", message: "cannot resume dead fiber")
    case .error:
      throw RuntimeError(typeName: "FiberError", message: "cannot resume fiber with status .error")
    case .terminated:
      throw RuntimeError(
        typeName: "FiberError", message: "cannot resume fiber with status .\(target.signal.name)")
    case .running:
      throw RuntimeError(typeName: "FiberError", message: "cannot resume running fiber")
    case .normal:
      throw RuntimeError(typeName: "FiberError", message: "cannot resume normal fiber")
    case .new, .suspended:
      break
    }
    guard fiber.nesting < options.maximumFiberNesting else {
      throw RuntimeError(
        typeName: "StackOverflow", message: "fibers resumed more than \(options.maximumFiberNesting) deep")
    }
    if target.status == .new {
      let closure = target.entry.object(as: ClosureObject.self)!
      target.ensureStack(2 + closure.registerCount)
      target.stack[0] = target.entry
      if closure.function.parameterCount == 1 { target.stack[1] = value }
      target.frames[0] = CallFrame(closure: Unmanaged.passUnretained(closure), base: 1)
      target.frameCount = 1
      target.entry = .null
    }
    let inLoop = resultRegister != nil
    target.resumerLink = Unmanaged.passUnretained(fiber)
    target.resumedInLoop = inLoop
    if let resultRegister { target.resultRegister = resultRegister }
    // A built-in's resume runs a loop of its own, which the fiber's return leaves.
    target.frames[0].stopsLoop = !inLoop
    target.nesting = fiber.nesting + 1
    fiber.status = .normal
    if target.child == nil {
      // The common case, kept free of reference counting: the target itself runs.
      if target.pausedForFuel {
        target.pausedForFuel = false
      } else if target.status == .suspended {
        target.stack[target.yieldRegister] = value
      }
      target.status = .running
      switchFiber(to: target)
      return
    }
    var running = target
    while let child = running.child {
      running.child = nil
      running.status = .normal
      child.resumer = running
      child.isClosing = target.isClosing
      child.nesting = running.nesting + 1
      running = child
    }
    if running.pausedForFuel {
      running.pausedForFuel = false
    } else if running !== target || target.status == .suspended {
      running.stack[running.yieldRegister] = value
    }
    running.status = .running
    switchFiber(to: running)
  }

  /// Checks a signal the running fiber emits (`yield`, `Fiber.emit(signal, payload)`) and
  /// returns its name when the fiber suspends with it. An `.error` is thrown; a terminal
  /// signal unwinds the fiber (as a throw only `finally` blocks see). A resumable signal
  /// suspends this fiber and every fiber up to the first whose resumer catches it; each must
  /// be running in the loop its resume started, not one nested by a built-in's callback
  /// (SEMANTICS F8, F9, S1–S3).
  @inline(never)
  func suspendingSignal(_ signal: Value?, _ payload: Value) throws(RuntimeError) -> Signal {
    var name = Signal.yield
    if let signal {
      guard signal.tag == .symbol else {
        throw RuntimeError(
          typeName: "TypeError", message: "Fiber.emit expects a signal symbol, not \(typeName(of: signal))")
      }
      guard let known = Signal(emittable: symbolNames[Int(signal.payload)]) else {
        throw RuntimeError(
          typeName: "ValueError", message: "a script cannot emit signal .\(symbolNames[Int(signal.payload)])")
      }
      name = known
    }
    if name == .error { throw thrownValue(payload) }
    if name.isTerminal {
      // It unwinds like an error (through built-ins too) up to the first fiber whose
      // resumer catches it; with none, it is an error here.
      var current: Fiber? = fiber
      while let emitter = current, emitter !== mainFiber, !emitter.catches.contains(name) { current = emitter.resumer }
      if current == nil || current === mainFiber {
        throw RuntimeError(typeName: "FiberError", message: "no fiber catches signal .\(name.name)")
      }
      var error = RuntimeError(typeName: "FiberError", message: "no fiber catches signal .\(name.name)")
      error.unwindingSignal = name.name
      error.thrown = payload
      throw error
    }
    guard name != .fuel && name != .await else {
      throw RuntimeError(typeName: "ValueError", message: "a script cannot emit signal .\(name.name)")
    }
    if fiber.isClosing {
      throw RuntimeError(typeName: "FiberError", message: "a fiber cannot yield while it is being closed")
    }
    // Every fiber up to the catcher suspends: none may be inside a built-in's callback, and
    // each must have been resumed by the loop itself, not by a built-in.
    unowned(unsafe) var current = fiber
    var crossesNative = false
    while current !== mainFiber {
      if current.nativeLoops != 0 { crossesNative = true }
      if current.catches.contains(name) {
        if crossesNative {
          throw RuntimeError(typeName: "FiberError", message: "attempt to yield across a native call boundary")
        }
        return name
      }
      if !current.resumedInLoop { crossesNative = true }
      guard let resumer = current.resumer else { break }
      current = resumer
    }
    throw RuntimeError(typeName: "FiberError", message: "no fiber catches signal .\(name.name)")
  }

  /// Whether a fiber a `for` loop resumed gave it an element: it suspended with a signal the
  /// loop catches. One that returned or failed ends the loop, and so does one out of its own
  /// fuel (it stays suspended with signal `.fuel`).
  static func yieldedElement(_ target: Fiber) -> Bool { target.status == .suspended && target.signal != .fuel }

  /// One step of `for x in fiber` in the dispatch loop. `state` is the loop's registers:
  /// the fiber, a flag set while the fiber runs for the loop, the slot its value comes back
  /// to (`resultRegister`), and the loop variable. Resumes the fiber in the loop (nil: the
  /// loop switches to it and comes back to the `iterate` instruction), or, once it is back,
  /// gives whether it yielded an element (in `state[3]`); a fiber that returned, failed or
  /// ran out of its own fuel ends the loop (SEMANTICS F12).
  func stepGenerator(_ state: UnsafeMutablePointer<Value>, resultRegister: Int) throws(RuntimeError) -> Bool? {
    let target = state[0].withObject(as: FiberObject.self) { Unmanaged.passUnretained($0.state) }
    if state[1].tag == .bool {
      state[1] = .null
      let yielded = target._withUnsafeGuaranteedRef(Self.yieldedElement)
      if yielded { state[3] = state[2] }
      return yielded
    }
    guard target._withUnsafeGuaranteedRef({ $0.status == .new || $0.status == .suspended }) else { return false }
    try target.withGuaranteedRef { (target) throws(RuntimeError) in
      try prepareResume(target, value: .null, resultRegister: resultRegister)
    }
    // `state` is in the resumer's stack, which prepareResume did not move.
    state[1] = .true
    return nil
  }

  /// The next element of `for x in fiber`: each resume's yielded value, until the fiber
  /// stops yielding (its return value is not iterated; SEMANTICS F12).
  func nextYield(of target: Fiber) throws(RuntimeError) -> Value? {
    if target.status != .new && target.status != .suspended { return nil }
    let value = try resume(target, with: .null)
    return Self.yieldedElement(target) ? value : nil
  }

  /// `fiber.status`, `fiber.signal`.
  func fiberProperty(_ state: Fiber, _ name: String) -> Value? {
    switch name {
    case "status": return symbol(state.status.rawValue)
    case "signal": return symbol(state.signal.name)
    case "fuel": return fuelLeft(state)
    default: return nil
    }
  }
}
