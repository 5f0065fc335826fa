import TernBytecode

extension VM {
  /// Calls a script closure from Swift: pushes a frame above the current top and runs the
  /// loop until that frame returns (a nested loop: the only Swift recursion, bounded by the
  /// room left on the thread's stack, `StackGuard`).
  func call(closure: ClosureObject, arguments: [Value], named: [(String, Value)] = []) throws(RuntimeError) -> Value {
    // Each such call runs a nested dispatch loop on the Swift stack: bounded, so deep
    // recursion through built-ins (`map` calling a function that calls `map` …, a getter
    // or operator method recursing) is a catchable error rather than a crash of the host.
    guard stackGuard.hasRoom(depth: nativeCallDepth) else {
      throw RuntimeError(
        typeName: "StackOverflow",
        message: "calls through built-in functions, getters or operator methods nested too deeply "
          + "(\(nativeCallDepth) deep)")
    }
    nativeCallDepth += 1
    let caller = fiber
    caller.nativeLoops += 1
    defer {
      nativeCallDepth -= 1
      caller.nativeLoops -= 1
    }
    let base = fiber.top + 1
    var arguments = arguments
    if arguments.count != closure.fastArity || !named.isEmpty {
      arguments = try bindArguments(closure.function, positional: arguments, named: named)
    }
    if !fiber.reserveFrame() { throw stackOverflow() }
    fiber.ensureStack(base + max(arguments.count, closure.registerCount) + 1)
    fiber.stack[base - 1] = .object(closure)
    for (index, argument) in arguments.enumerated() { fiber.stack[base + index] = argument }
    let frameIndex = fiber.frameCount
    fiber.frames[frameIndex] = CallFrame(
      closure: Unmanaged.passUnretained(closure), base: base, stopsLoop: true)
    fiber.frameCount += 1
    return try interpret()
  }

  /// Calls anything that is not a script closure: natives and bound methods.
  @inline(never)
  func callValue(_ callee: Value, arguments values: [Value]) throws(RuntimeError) -> Value {
    let count = values.count
    if callee.tag == .object {
      switch callee.objectKind {
      case .native:
        let native = callee.object as! NativeFunctionObject
        guard native.arity.contains(count) else {
          throw RuntimeError(
            typeName: "TypeError",
            message: "\(native.name) expects \(Self.describeArity(native.arity)) but got \(count)")
        }
        let result = try native.body(self, values)
        try raiseDeferredError()
        return result
      case .boundMethod:
        let bound = callee.object as! BoundMethodObject
        if let method = bound.method { return try call(closure: method, arguments: [bound.receiver] + values) }
        return try callMethod(bound.receiver, name: bound.name, arguments: values)
      case .classObject:
        return try construct(callee.object as! ClassObject, arguments: values)
      case .closure:
        return try call(closure: callee.object as! ClosureObject, arguments: values)
      default:
        break
      }
    }
    throw RuntimeError(typeName: "TypeError", message: "cannot call a value of type \(typeName(of: callee))")
  }

  static func describeArity(_ arity: ClosedRange<Int>) -> String {
    let plural = arity.upperBound == 1 ? "argument" : "arguments"
    if arity.lowerBound == arity.upperBound { return "\(arity.lowerBound) \(plural)" }
    if arity.upperBound == Int.max {
      return "at least \(arity.lowerBound) \(arity.lowerBound == 1 ? "argument" : "arguments")"
    }
    return "\(arity.lowerBound) to \(arity.upperBound) arguments"
  }

  func arityError(_ function: FunctionObject, got: Int) -> RuntimeError {
    let receiver = function.isMethod ? 1 : 0
    let expected =
      (function.requiredCount - receiver)...(function.hasRest ? Int.max : function.parameterCount - receiver)
    return RuntimeError(
      typeName: "TypeError",
      message: "\(function.name) expects \(Self.describeArity(expected)) but got \(got - receiver)")
  }

  /// The final arguments of a call to `function`: named ones placed by parameter name,
  /// missing optional ones `undefined` (the callee's prologue computes their defaults), and
  /// extra ones collected in the rest list.
  func bindArguments(_ function: FunctionObject, positional: [Value], named: [(String, Value)]) throws(RuntimeError)
    -> [Value]
  {
    let total = function.parameterCount
    if positional.count > total && !function.hasRest { throw arityError(function, got: positional.count) }
    var bound = Array(repeating: Value.undefined, count: total)
    for index in 0..<min(total, positional.count) { bound[index] = positional[index] }
    for (name, value) in named {
      guard let index = function.parameterNames.firstIndex(of: name), index < total else {
        throw RuntimeError(typeName: "TypeError", message: "\(function.name) has no parameter named '\(name)'")
      }
      if bound[index].tag != .undefined {
        throw RuntimeError(
          typeName: "TypeError", message: "\(function.name) got multiple values for parameter '\(name)'")
      }
      bound[index] = value
    }
    for index in 0..<total where bound[index].tag == .undefined && !function.parameterHasDefault[index] {
      if named.isEmpty { throw arityError(function, got: positional.count) }
      throw RuntimeError(
        typeName: "TypeError", message: "\(function.name) is missing argument '\(function.parameterNames[index])'")
    }
    if function.hasRest {
      let extra = positional.count > total ? Array(positional[total...]) : []
      let mark = temporaryRoots.count
      temporaryRoots += positional
      temporaryRoots += named.map(\.1)
      bound.append(.object(heap.allocate(ListObject(extra))))
      temporaryRoots.removeSubrange(mark...)
    }
    return bound
  }

  /// Adjusts the arguments of a call on the stack (at `start`) to what `closure` takes.
  @inline(never)
  func adjustArguments(_ closure: ClosureObject, at start: Int, count: Int) throws(RuntimeError) -> Int {
    let positional = Array(UnsafeBufferPointer(start: fiber.stack + start, count: count))
    let bound = try bindArguments(closure.function, positional: positional, named: [])
    fiber.ensureStack(start + max(bound.count, closure.registerCount) + 1)
    for (index, value) in bound.enumerated() { fiber.stack[start + index] = value }
    return bound.count
  }

  /// A call with spread or named arguments (`Opcode.callGeneral`): for a closure, binds the
  /// arguments on the stack and returns their count; for anything else, makes the call and
  /// stores the result, returning nil.
  @inline(never)
  func callGeneral(at calleeIndex: Int, count: Int, shape constant: Value) throws(RuntimeError) -> Int? {
    let callee = fiber.stack[calleeIndex]
    let shape = (stringValue(constant) ?? "").split(separator: ",")
    var positional: [Value] = []
    var named: [(String, Value)] = []
    for (index, entry) in shape.enumerated() {
      let value = fiber.stack[calleeIndex + 1 + index]
      if entry == "s" {
        try forEachElement(of: value) { (element) throws(RuntimeError) in positional.append(element) }
      } else if entry.hasPrefix("n:") {
        named.append((String(entry.dropFirst(2)), value))
      } else {
        positional.append(value)
      }
    }
    if let cls = callee.object(as: ClassObject.self), let initializer = cls.initializer, !named.isEmpty {
      let instance = heap.makeInstance(of: cls)
      try withRoot(.object(instance)) { () throws(RuntimeError) in
        _ = try call(closure: initializer, arguments: [.object(instance)] + positional, named: named)
      }
      fiber.stack[calleeIndex] = .object(instance)
      return nil
    }
    if let closure = callee.object(as: ClosureObject.self) {
      let bound = try bindArguments(closure.function, positional: positional, named: named)
      fiber.ensureStack(calleeIndex + 1 + max(bound.count, closure.registerCount) + 1)
      for (index, value) in bound.enumerated() { fiber.stack[calleeIndex + 1 + index] = value }
      return bound.count
    }
    if let bound = callee.object(as: BoundMethodObject.self), bound.method == nil, bound.name == "with",
      let instance = bound.receiver.object(as: InstanceObject.self)
    {
      fiber.stack[calleeIndex] = try recordCopy(instance, named: named, positionalCount: positional.count)
      return nil
    }
    if let bound = callee.object(as: BoundMethodObject.self), bound.method == nil, bound.name == "resume",
      let target = bound.receiver.object(as: FiberObject.self), positional.count <= 1,
      named.count == 1, named[0].0 == "fuel"
    {
      // `f.resume(v, fuel: n)`: refuel, then resume.
      try setBudget(target.state, named[0].1, caller: "resume")
      fiber.stack[calleeIndex] = try resume(target.state, with: positional.first ?? .null)
      return nil
    }
    if let bound = callee.object(as: BoundMethodObject.self), let method = bound.method {
      let result = try call(closure: method, arguments: [bound.receiver] + positional, named: named)
      fiber.stack[calleeIndex] = result
      return nil
    }
    if let native = callee.object(as: NativeFunctionObject.self) {
      // A native's named arguments go to their positions; skipped ones are nil.
      var placed: [(index: Int, name: String, value: Value)] = []
      for (name, value) in named {
        guard let index = native.parameterNames.firstIndex(of: name) else {
          throw RuntimeError(typeName: "TypeError", message: "\(native.name) has no parameter named '\(name)'")
        }
        placed.append((index, name, value))
      }
      for (index, name, value) in placed.sorted(by: { $0.index < $1.index }) {
        if index < positional.count {
          throw RuntimeError(
            typeName: "TypeError", message: "\(native.name) got multiple values for parameter '\(name)'")
        }
        positional += Array(repeating: .null, count: index - positional.count) + [value]
      }
      named = []
    }
    if let (name, _) = named.first {
      throw RuntimeError(typeName: "TypeError", message: "\(describe(callee)) has no parameter named '\(name)'")
    }
    let mark = temporaryRoots.count
    temporaryRoots += positional
    defer { temporaryRoots.removeSubrange(mark...) }
    let result = try callValue(callee, arguments: positional)
    fiber.stack[calleeIndex] = result
    return nil
  }

  @inline(never)
  func stackOverflow() -> RuntimeError {
    RuntimeError(typeName: "StackOverflow", message: "call stack exceeded \(options.maximumCallDepth) frames")
  }

  @inline(never)
  func undefinedGlobal(_ slot: Int, in closure: Unmanaged<ClosureObject>) -> RuntimeError {
    let names = closure.takeUnretainedValue().module.names
    let name = slot < names.count ? names[slot] : "?"
    return RuntimeError(typeName: "NameError", message: "`\(name)` is used before it is defined")
  }

  // MARK: - Closures and upvalues

  @inline(never)
  func makeClosure(_ index: Int, in enclosing: Unmanaged<ClosureObject>, base: Int) -> Value {
    let parent = enclosing.takeUnretainedValue()
    let function = parent.function.prototypes[index]
    var upvalues: [UpvalueObject] = []
    upvalues.reserveCapacity(function.upvalues.count)
    for descriptor in function.upvalues {
      if descriptor.fromParentRegister {
        upvalues.append(fiber.captureUpvalue(base + descriptor.index, heap: heap))
        // The frame making the closure (the top one) must close the register on return.
        fiber.frames[fiber.frameCount - 1].flags.insert(.capturesRegisters)
      } else {
        upvalues.append(parent.upvalues[descriptor.index])
      }
    }
    // The captured upvalues are reachable only from this array until the closure exists.
    let closure = ClosureObject(function: function, upvalues: upvalues)
    return .object(heap.allocate(closure))
  }

  func readUpvalue(_ upvalue: UpvalueObject) -> Value {
    upvalue.isOpen ? upvalue.fiber.stack[upvalue.stackIndex] : upvalue.closedValue
  }

  func writeUpvalue(_ upvalue: UpvalueObject, _ value: Value) {
    if upvalue.isOpen { upvalue.fiber.stack[upvalue.stackIndex] = value } else { upvalue.closedValue = value }
  }

  // MARK: - Errors

  /// The script's stack trace at the saved pc of every frame, innermost first.
  /// The trace spans fibers: after the running fiber's frames come those of the fiber that
  /// resumed it, and so on down the resume chain (SEMANTICS X2).
  func captureTrace() -> (location: (file: String, line: Int, column: Int)?, trace: [ScriptError.Frame]) {
    var trace: [ScriptError.Frame] = []
    var location: (file: String, line: Int, column: Int)?
    var current: Fiber? = fiber
    while let running = current {
      var index = running.frameCount - 1
      while index >= 0 {
        let frame = running.frames[index]
        let function = frame.closure.takeUnretainedValue().function
        let pc = max(0, frame.pc - 1)
        let line = pc < function.lines.count ? Int(function.lines[pc]) : 0
        if location == nil {
          let column = pc < function.columns.count ? Int(function.columns[pc]) : 0
          location = (function.sourceName, line, column)
        }
        trace.append(ScriptError.Frame(function: function.name, file: function.sourceName, line: line))
        index -= 1
      }
      current = running.resumer
    }
    return (location, trace)
  }

  /// Pops frames above index `depth`, closing their captured variables.
  func unwind(to depth: Int) {
    if depth < fiber.frameCount {
      noteDiscardedClauses(of: fiber, from: depth)
      fiber.closeUpvalues(from: fiber.frames[depth].base)
      fiber.frameCount = depth
    }
  }

  /// Finds the innermost `try` handler for an error raised at the saved pcs, searching frames
  /// from the top down to `stopDepth`. On success the frames above the handler's are popped
  /// and the handler's frame index, target pc and register are returned.
  func findHandler(stopDepth: Int, finallyOnly: Bool) -> (frame: Int, target: Int, register: Int, isFinally: Bool)? {
    var index = fiber.frameCount - 1
    while index >= stopDepth {
      let frame = fiber.frames[index]
      let function = frame.closure.takeUnretainedValue().function
      let pc = frame.pc - 1
      if let handler = function.handlers.first(where: {
        $0.start <= pc && pc < $0.end && ($0.isFinally || !finallyOnly)
      }) {
        unwind(to: index + 1)
        return (index, handler.target, handler.register, handler.isFinally)
      }
      index -= 1
    }
    return nil
  }

  /// The value a `catch` receives: the thrown value, or an error object for a VM error.
  func caughtValue(_ error: inout RuntimeError) -> Value {
    if error.unwindingSignal != nil { return unwindMarker }
    if let thrown = error.thrown { return thrown }
    let object = heap.allocate(
      ErrorObject(typeName: error.typeName, message: error.message, stackTrace: Self.describe(error.trace ?? [])))
    error.thrown = .object(object)
    return .object(object)
  }

  static func describe(_ trace: [ScriptError.Frame]) -> String {
    ScriptError.traceLines(trace).joined(separator: "\n")
  }

  /// The public form of an uncaught error.
  func scriptError(_ error: RuntimeError) -> ScriptError {
    if error.unwindingSignal == "interrupt" {
      return ScriptError(
        kind: .interrupted, typeName: error.typeName, message: error.message, location: error.location,
        stackTrace: error.trace ?? [])
    }
    var typeName = error.typeName
    var message = error.message
    if let thrown = error.thrown {
      if let instance = thrown.object(as: InstanceObject.self), let text = errorInstanceMessage(instance) {
        typeName = instance.cls.name
        message = text
      } else if let object = thrown.object(as: ErrorObject.self) {
        typeName = object.typeName
        message = object.message
      } else {
        typeName = "Error"
        message = describe(thrown)
      }
    }
    return ScriptError(
      kind: .runtime, typeName: typeName, message: message, location: error.location, stackTrace: error.trace ?? [])
  }

  @inline(never)
  func thrownValue(_ value: Value) -> RuntimeError {
    // A `finally` rethrowing what it caught carries on with the same error (its location,
    // or the signal it is unwinding for).
    if let unwinding = fiber.unwinding,
      value.isIdentical(to: unwinding.unwindingSignal != nil ? unwindMarker : unwinding.thrown ?? .null)
    {
      fiber.unwinding = nil
      return unwinding
    }
    var error = RuntimeError(typeName: "Error", message: "")
    error.thrown = value
    if let object = value.object(as: ErrorObject.self), object.stackTrace.isEmpty {
      object.stackTrace = Self.describe(captureTrace().trace)
    }
    if let instance = value.object(as: InstanceObject.self), instance.cls.errorBase != nil, instance.fields[1].isNil {
      instance.fields[1] = string(Self.describe(captureTrace().trace))
    }
    return error
  }
}
