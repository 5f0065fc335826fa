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
  func resume(_ target: Fiber, with value: Value) throws(RuntimeError) -> Value {
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
    do {
      let result = try interpret(stopDepth: 0)
      if target.status == .running {
        target.status = .done
        target.signal = "ok"
      }
      return result
    } catch {
      target.status = .error
      target.signal = "error"
      target.closeUpvalues(from: 0)
      target.frameCount = 0
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
