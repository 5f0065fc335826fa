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
      try vm.close(vm.fiberArgument(arguments[0], "close"))
    }
    defineNative("cancel", arity: 2...2) { vm, arguments throws(RuntimeError) in
      try vm.cancel(vm.fiberArgument(arguments[0], "cancel"), with: arguments[1])
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
  /// clauses). Gives `(true, nil)`, or `(false, error)` when a finally block failed
  /// (SEMANTICS F10).
  func close(_ target: Fiber) throws(RuntimeError) -> Value {
    switch target.status {
    case .running: throw RuntimeError(typeName: "FiberError", message: "cannot close a running fiber")
    case .normal: throw RuntimeError(typeName: "FiberError", message: "cannot close a normal fiber")
    case .new, .done, .error: return .object(heap.allocate(TupleObject([.true, .null])))
    case .suspended: break
    }
    target.isClosing = true
    defer {
      target.isClosing = false
      target.status = .done
    }
    var failure: Value = .null
    do {
      let value = try resume(target, with: .null, raising: closeCompletion)
      if target.status == .error { failure = value }
    } catch {
      var error = error
      failure = caughtValue(&error)
    }
    return .object(heap.allocate(TupleObject([.bool(failure.isNil), failure])))
  }

  /// `cancel(f, e)`: resumes `f` by throwing `e` where it is suspended; gives what `resume`
  /// would (SEMANTICS F11). A fiber that never ran fails without running.
  func cancel(_ target: Fiber, with value: Value) throws(RuntimeError) -> Value {
    let error = thrownValue(value)
    guard target.status == .new else { return try resume(target, with: .null, raising: error) }
    target.status = .error
    target.signal = "error"
    target.entry = .null
    if target.catchesError { return value }
    throw error
  }

  /// The completion `close` raises in a fiber.
  var closeCompletion: RuntimeError {
    var error = RuntimeError(typeName: "FiberError", message: "the fiber is being closed")
    error.isClose = true
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
      state.catchesYield = false
      try forEachElement(of: catches) { (signal) throws(RuntimeError) in
        guard signal.tag == .symbol else {
          throw RuntimeError(typeName: "TypeError", message: "catches: expects symbols such as .yield and .error")
        }
        switch symbolNames[Int(signal.payload)] {
        case "yield": state.catchesYield = true
        case "error": state.catchesError = true
        default: break
        }
      }
    }
    return .object(heap.allocate(FiberObject(state: state)))
  }

  /// The script object for a fiber (made on demand for the main program).
  func fiberObject(_ state: Fiber) -> Value {
    if let object = state.object { return .object(object) }
    return .object(heap.allocate(FiberObject(state: state)))
  }

  /// `fiber.resume(value)`: runs `target` until it yields, returns or fails, and gives the
  /// yielded or returned value. A failure is thrown here, in the resumer, unless the fiber
  /// catches errors, in which case the error value is returned (SEMANTICS F2–F6, X2).
  func resume(_ target: Fiber, with value: Value, raising injected: RuntimeError? = nil) throws(RuntimeError)
    -> Value
  {
    guard nativeCallDepth < Self.maximumNativeCallDepth else {
      throw RuntimeError(
        typeName: "StackOverflow", message: "fibers resumed more than \(Self.maximumNativeCallDepth) deep")
    }
    try prepareResume(target, value: value)
    target.injectedError = injected
    nativeCallDepth += 1
    let resumer = fiber
    fiber = target
    defer {
      nativeCallDepth -= 1
      fiber = resumer
      resumer.status = .running
      target.resumer = nil
    }
    do {
      let result = try interpret(stopDepth: 0)
      if target.status == .running {
        target.status = .done
        target.signal = "ok"
      }
      return result
    } catch {
      target.closeUpvalues(from: 0)
      target.frameCount = 0
      if error.isClose {
        target.status = .done
        target.signal = "ok"
        return .null
      }
      target.status = .error
      target.signal = "error"
      guard target.catchesError else { throw error }
      var caught = error
      if caught.trace == nil { (caught.location, caught.trace) = captureTrace() }
      return caughtValue(&caught)
    }
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
    case .suspended:
      target.stack[target.yieldRegister] = value
    }
    target.status = .running
    target.resumer = fiber
    fiber.status = .normal
  }

  /// Why a `yield` in the running fiber cannot suspend it, or nil when it can: the fiber's
  /// resumer must catch yields, and the loop that runs the yield must be the one its resume
  /// started (`insideResumeLoop`), not one nested by a call through a built-in (F8, F9).
  @inline(never)
  func yieldError(insideResumeLoop: Bool) -> RuntimeError? {
    if fiber.isClosing {
      return RuntimeError(typeName: "FiberError", message: "a fiber cannot yield while it is being closed")
    }
    if fiber === mainFiber || !fiber.catchesYield {
      return RuntimeError(typeName: "FiberError", message: "no fiber catches signal .yield")
    }
    if !insideResumeLoop {
      return RuntimeError(typeName: "FiberError", message: "attempt to yield across a native call boundary")
    }
    return nil
  }

  /// The next element of `for x in fiber`: each resume's yielded value, until the fiber
  /// stops yielding (its return value is not iterated; SEMANTICS F12).
  func nextYield(of target: Fiber) throws(RuntimeError) -> Value? {
    if target.status == .done || target.status == .error { return nil }
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
