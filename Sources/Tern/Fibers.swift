// Fibers: creating, resuming, and the script-visible members (`status`, `signal`,
// `resume`). A resume runs the target fiber in a nested dispatch loop (as Lua's
// `lua_resume` does): a `yield` returns from that loop, leaving the fiber's frames in its
// own buffers, and the next resume enters the loop again at the saved pc. Nesting is
// bounded like every call through a built-in (`maximumNativeCallDepth`).

extension VM {
  func installFiberBuiltins() {
    defineNative("Fiber", arity: 1...2, instanceType: "Fiber", parameterNames: ["function", "catches"]) {
      vm, arguments throws(RuntimeError) in
      try vm.makeFiber(arguments[0], catches: arguments.count > 1 ? arguments[1] : .null)
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
      guard Self.signalNames.contains(signal) else { return arguments[0] }
      _ = try vm.suspendingSignal(vm.symbol(signal), arguments[0])
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
    target.signal = "error"
    target.entry = .null
    if target.catches.contains("error") { return value }
    throw error
  }

  /// The completion `close` raises in a fiber.
  var closeCompletion: RuntimeError {
    var error = RuntimeError(typeName: "FiberError", message: "the fiber is being closed")
    error.unwindingSignal = "close"
    return error
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
    let state = Fiber(maximumDepth: options.maximumCallDepth, stackCapacity: 64, frameCapacity: 8)
    state.entry = function
    if !catches.isNil {
      state.catches = []
      try forEachElement(of: catches) { (signal) throws(RuntimeError) in
        guard signal.tag == .symbol else {
          throw RuntimeError(typeName: "TypeError", message: "catches: expects symbols such as .yield and .error")
        }
        let name = symbolNames[Int(signal.payload)]
        guard Self.signalNames.contains(name) else {
          throw RuntimeError(typeName: "ValueError", message: "unknown signal .\(name)")
        }
        state.catches.insert(name)
      }
    }
    return .object(heap.allocate(FiberObject(state: state)))
  }

  /// The script object for a fiber (made on demand for the main program).
  func fiberObject(_ state: Fiber) -> Value {
    if let object = state.object { return .object(object) }
    return .object(heap.allocate(FiberObject(state: state)))
  }

  /// Every signal a fiber can emit (SEMANTICS S1).
  static let signalNames: Set<String> = [
    "yield", "error", "debug", "fuel", "await", "user0", "user1", "user2", "user3", "user4", "user5", "user6", "user7",
  ]
  static let terminalSignals: Set<String> = ["user0", "user1", "user2", "user3", "user4"]

  /// `fiber.resume(value)`: runs `target` until it stops, and gives the payload of the signal
  /// it stopped with when its resumer catches it: the yielded value, the return value, or the
  /// error value with `catches: [.error]`. A signal the resumer does not catch goes on up:
  /// an error or terminal signal is thrown here, a resumable one suspends the resumer too
  /// (SEMANTICS F2–F6, S3, S5, X2).
  func resume(_ target: Fiber, with value: Value, raising injected: RuntimeError? = nil) throws(RuntimeError)
    -> Value
  {
    guard nativeCallDepth < Self.maximumNativeCallDepth else {
      throw RuntimeError(
        typeName: "StackOverflow", message: "fibers resumed more than \(Self.maximumNativeCallDepth) deep")
    }
    try prepareResume(target, value: value)
    nativeCallDepth += 1
    let resumer = fiber
    fiber = target
    defer {
      nativeCallDepth -= 1
      fiber = resumer
      resumer.status = .running
      target.resumer = nil
    }
    let payload: Value
    do {
      payload = try runResumed(target, value: value, raising: injected)
    } catch {
      target.closeUpvalues(from: 0)
      target.frameCount = 0
      switch error.unwindingSignal {
      case "close"?:
        target.status = .done
        target.signal = "ok"
        return .null
      case let signal?:
        target.status = .terminated
        target.signal = signal
        if target.catches.contains(signal) { return error.thrown ?? .null }
        throw error
      case nil:
        target.status = .error
        target.signal = "error"
        guard target.catches.contains("error") else { throw error }
        var caught = error
        if caught.trace == nil { (caught.location, caught.trace) = captureTrace() }
        return caughtValue(&caught)
      }
    }
    if target.status == .running {
      target.status = .done
      target.signal = "ok"
      return payload
    }
    if target.catches.contains(target.signal) { return payload }
    // Nobody here catches it: the resumer suspends too, and resuming it resumes `target`.
    resumer.child = target
    var passing = RuntimeError(typeName: "FiberError", message: "no fiber catches signal .\(target.signal)")
    passing.passingSignal = target.signal
    passing.thrown = payload
    throw passing
  }

  /// Runs a resumed fiber until it stops; a fiber suspended by its child's signal resumes
  /// the child first, and gets the child's next value at its pending `resume` call (S4).
  private func runResumed(_ target: Fiber, value: Value, raising injected: RuntimeError?) throws(RuntimeError)
    -> Value
  {
    target.injectedError = injected
    if let child = target.child {
      target.child = nil
      if injected?.unwindingSignal == "close" {
        // Closing unwinds the innermost fiber first, then this one.
        _ = try close(child)
      } else {
        target.injectedError = nil
        do {
          target.stack[target.yieldRegister] = try resume(child, with: value, raising: injected)
        } catch {
          guard let signal = error.passingSignal else {
            target.injectedError = error
            return try interpret(stopDepth: 0)
          }
          // The child stopped again with a signal for a fiber above: pass it on again.
          target.status = .suspended
          target.signal = signal
          return error.thrown ?? .null
        }
      }
    }
    return try interpret(stopDepth: 0)
  }

  /// Checks that `target` can be resumed by the running fiber and readies it: the value
  /// goes to its pending `yield` or, on the first resume, becomes its function's argument.
  private func prepareResume(_ target: Fiber, value: Value) throws(RuntimeError) {
    switch target.status {
    case .done:
      throw RuntimeError(typeName: "FiberError", message: "cannot resume dead fiber")
    case .error:
      throw RuntimeError(typeName: "FiberError", message: "cannot resume fiber with status .error")
    case .running:
      throw RuntimeError(typeName: "FiberError", message: "cannot resume running fiber")
    case .normal:
      throw RuntimeError(typeName: "FiberError", message: "cannot resume normal fiber")
    case .new:
      let closure = target.entry.object(as: ClosureObject.self)!
      target.ensureStack(2 + closure.registerCount)
      target.stack[0] = target.entry
      if closure.function.parameterCount == 1 { target.stack[1] = value }
      target.frames[0] = CallFrame(closure: Unmanaged.passUnretained(closure), pc: 0, base: 1)
      target.frameCount = 1
      target.entry = .null
    case .terminated:
      throw RuntimeError(
        typeName: "FiberError", message: "cannot resume fiber terminated by signal .\(target.signal)")
    case .suspended:
      if target.child == nil { target.stack[target.yieldRegister] = value }
    }
    target.status = .running
    target.resumer = fiber
    fiber.status = .normal
  }

  /// Checks a signal the running fiber emits (`yield`, `Fiber.emit(signal, payload)`) and
  /// returns its name when the fiber suspends with it. An `.error` is thrown; a terminal
  /// signal unwinds the fiber (as a throw only `finally` blocks see). A resumable signal
  /// suspends this fiber and every fiber up to the first whose resumer catches it; each must
  /// be running in the loop its resume started, not one nested by a built-in's callback
  /// (SEMANTICS F8, F9, S1–S3).
  @inline(never)
  func suspendingSignal(_ signal: Value?, _ payload: Value) throws(RuntimeError) -> String {
    var name = "yield"
    if let signal {
      guard signal.tag == .symbol else {
        throw RuntimeError(
          typeName: "TypeError", message: "Fiber.emit expects a signal symbol, not \(typeName(of: signal))")
      }
      name = symbolNames[Int(signal.payload)]
    }
    if name == "error" { throw thrownValue(payload) }
    if Self.terminalSignals.contains(name) {
      // It unwinds like an error (through built-ins too) up to the first fiber whose
      // resumer catches it; with none, it is an error here.
      var current: Fiber? = fiber
      while let emitter = current, emitter !== mainFiber, !emitter.catches.contains(name) { current = emitter.resumer }
      if current == nil || current === mainFiber {
        throw RuntimeError(typeName: "FiberError", message: "no fiber catches signal .\(name)")
      }
      var error = RuntimeError(typeName: "FiberError", message: "no fiber catches signal .\(name)")
      error.unwindingSignal = name
      error.thrown = payload
      throw error
    }
    guard ["yield", "debug", "user5", "user6", "user7"].contains(name) else {
      throw RuntimeError(typeName: "ValueError", message: "a script cannot emit signal .\(name)")
    }
    if fiber.isClosing {
      throw RuntimeError(typeName: "FiberError", message: "a fiber cannot yield while it is being closed")
    }
    var current = fiber
    while true {
      if current === mainFiber {
        throw RuntimeError(typeName: "FiberError", message: "no fiber catches signal .\(name)")
      }
      if current.loopDepth != 1 {
        throw RuntimeError(typeName: "FiberError", message: "attempt to yield across a native call boundary")
      }
      if current.catches.contains(name) { return name }
      guard let resumer = current.resumer else {
        throw RuntimeError(typeName: "FiberError", message: "no fiber catches signal .\(name)")
      }
      current = resumer
    }
  }

  /// The next element of `for x in fiber`: each resume's yielded value, until the fiber
  /// stops yielding (its return value is not iterated; SEMANTICS F12).
  func nextYield(of target: Fiber) throws(RuntimeError) -> Value? {
    if target.status != .new && target.status != .suspended { return nil }
    let value = try resume(target, with: .null)
    return target.status == .suspended ? value : nil
  }

  /// `fiber.status`, `fiber.signal`.
  func fiberProperty(_ state: Fiber, _ name: String) -> Value? {
    switch name {
    case "status": return symbol(state.status.rawValue)
    case "signal": return symbol(state.signal)
    default: return nil
    }
  }
}
