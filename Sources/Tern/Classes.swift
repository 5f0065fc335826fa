import TernBytecode

// Classes and instances: making classes, constructing, fields, methods, `super`, operator
// methods, getters and setters.

extension VM {
  @inline(never)
  func makeClass(name constant: Value, superclass: Value?) throws(RuntimeError) -> Value {
    let name = stringValue(constant) ?? "?"
    var superclassObject: ClassObject?
    var errorBase: String?
    if let superclass {
      if let cls = superclass.object(as: ClassObject.self) {
        superclassObject = cls
      } else if let native = superclass.object(as: NativeFunctionObject.self), let type = native.instanceType,
        Self.errorTypes.contains(type)
      {
        errorBase = type
      } else {
        throw RuntimeError(typeName: "TypeError", message: "\(name) cannot inherit from \(describe(superclass))")
      }
    }
    classSerials += 1
    let cls = ClassObject(name: name, superclass: superclassObject, errorBase: errorBase, serial: classSerials)
    return .object(heap.allocate(cls))
  }

  @inline(never)
  func defineMethod(_ classValue: Value, _ method: Value, key constant: Value) {
    guard let cls = classValue.object(as: ClassObject.self), let closure = method.object(as: ClosureObject.self) else {
      return
    }
    closure.owner = cls
    cls.methods[stringValue(constant) ?? "?"] = closure
  }

  /// Calling a class: a new instance, initialised by `init` (or, for error classes without
  /// one, by the built-in error initialiser taking the message).
  func construct(_ cls: ClassObject, arguments: [Value]) throws(RuntimeError) -> Value {
    let instance = heap.makeInstance(of: cls)
    return try withRoot(.object(instance)) { () throws(RuntimeError) -> Value in
      if let initializer = cls.methods["init"] {
        _ = try call(closure: initializer, arguments: [.object(instance)] + arguments)
      } else if cls.errorBase != nil {
        if arguments.count > 1 {
          throw RuntimeError(
            typeName: "TypeError", message: "\(cls.name) expects 0 to 1 arguments but got \(arguments.count)")
        }
        instance.fields[0] = arguments.first.map { string(describe($0)) } ?? string("")
      } else if !arguments.isEmpty {
        throw RuntimeError(
          typeName: "TypeError", message: "\(cls.name) expects 0 arguments but got \(arguments.count)")
      }
      return .object(instance)
    }
  }

  /// `instance.name`: a field, a getter, or a method bound to the instance.
  func instanceMember(_ instance: InstanceObject, _ name: String) throws(RuntimeError) -> Value? {
    if let index = instance.cls.fieldIndex[name] { return instance.fields[index] }
    if let getter = instance.cls.methods["get:" + name] {
      return try call(closure: getter, arguments: [.object(instance)])
    }
    if let method = instance.cls.methods[name] {
      return .object(heap.allocate(BoundMethodObject(receiver: .object(instance), name: name, method: method)))
    }
    if name == "(class)" { return .object(instance.cls) }
    if name == "with" && instance.cls.flavor == .record {
      return .object(heap.allocate(BoundMethodObject(receiver: .object(instance), name: "with")))
    }
    return nil
  }

  func setInstanceMember(_ instance: InstanceObject, _ name: String, _ value: Value) throws(RuntimeError) {
    if instance.cls.isValueType {
      let kind = instance.cls.flavor == .record ? "record" : "enum case"
      throw RuntimeError(
        typeName: "TypeError", message: "cannot assign to field '\(name)' of \(kind) \(qualifiedName(instance.cls))")
    }
    if let index = instance.cls.fieldIndex[name] {
      instance.fields[index] = value
      return
    }
    if let setter = instance.cls.methods["set:" + name] {
      _ = try call(closure: setter, arguments: [.object(instance), value])
      return
    }
    throw RuntimeError(typeName: "TypeError", message: "\(qualifiedName(instance.cls)) has no field '\(name)'")
  }

  /// `Class.name`: an enum case, or a static method bound to the class.
  func classMember(_ cls: ClassObject, _ name: String) -> Value? {
    if let enumCase = cls.cases[name] { return enumCase }
    if let method = cls.methods["static:" + name] {
      return .object(heap.allocate(BoundMethodObject(receiver: .object(cls), name: name, method: method)))
    }
    return nil
  }

  /// `super.name` inside a method of `owner`.
  @inline(never)
  func superMember(_ receiver: Value, name constant: Value, from closure: Unmanaged<ClosureObject>) throws(RuntimeError)
    -> Value
  {
    let name = stringValue(constant) ?? "?"
    let owner = closure.takeUnretainedValue().owner
    if let superclass = owner?.superclass {
      // A method, a getter (`super.area`: its value), or from a static method a static one.
      if let method = superclass.methods[name] {
        return .object(heap.allocate(BoundMethodObject(receiver: receiver, name: name, method: method)))
      }
      if let getter = superclass.methods["get:" + name] { return try call(closure: getter, arguments: [receiver]) }
      if receiver.tag == .object && receiver.objectKind == .classObject,
        let method = superclass.methods["static:" + name]
      {
        return .object(heap.allocate(BoundMethodObject(receiver: receiver, name: name, method: method)))
      }
    }
    if name == "init", owner?.errorBase != nil, let instance = receiver.object(as: InstanceObject.self) {
      // `super.init(message)` in a subclass of a built-in error type.
      let native = NativeFunctionObject(name: "init", arity: 0...1) { vm, arguments in
        instance.fields[0] = arguments.first.map { vm.string(vm.describe($0)) } ?? vm.string("")
        return .null
      }
      return .object(heap.allocate(native))
    }
    throw RuntimeError(
      typeName: "TypeError",
      message: "\(owner?.superclass?.name ?? owner?.name ?? "class") has no method '\(name)' for super")
  }

  /// An operator method of the left operand's class, if it has one.
  func operatorMethod(_ value: Value, _ symbol: String) -> ClosureObject? {
    guard value.tag == .object, value.objectKind == .instance else { return nil }
    return (value.object as! InstanceObject).cls.methods["op:" + symbol]
  }

  /// The message of an error instance (a script class extending a built-in error type).
  func errorInstanceMessage(_ instance: InstanceObject) -> String? {
    guard instance.cls.errorBase != nil else { return nil }
    return stringValue(instance.fields[0]) ?? describe(instance.fields[0])
  }
}

extension VM {
  /// Fills the inline cache of a member instruction after a slow-path lookup.
  func cacheField(_ cache: UnsafeMutablePointer<MemberCache>, _ object: Value, _ name: Value) {
    guard let instance = object.object(as: InstanceObject.self), !instance.cls.isValueType,
      let slot = instance.cls.fieldIndex[memberName(name)]
    else { return }
    cache.pointee = MemberCache(classSerial: instance.classSerial, slot: slot, method: nil)
  }

  func cacheMethod(_ cache: UnsafeMutablePointer<MemberCache>, _ instance: InstanceObject, _ method: ClosureObject) {
    cache.pointee = MemberCache(classSerial: instance.classSerial, slot: 0, method: Unmanaged.passUnretained(method))
  }

  /// An `invoke` site's miss on an instance: the class's method `name` (nil when the name is
  /// a field or unknown), cached for the next call.
  @inline(never)
  func lookUpMethod(of receiver: Value, name: Value, cache: UnsafeMutablePointer<MemberCache>)
    -> Unmanaged<ClosureObject>?
  {
    receiver.withObject(as: InstanceObject.self) { instance in
      guard let method = instance.cls.methods[memberName(name)] else { return nil }
      cacheMethod(cache, instance, method)
      return Unmanaged.passUnretained(method)
    }
  }
}

extension VM {
  /// `Class.name(…)` calling a static method: the method (given the class as argument 0),
  /// or nil when `name` is an enum case or no static method (the general path reports it).
  func staticMethod(of receiver: Value, name: Value) -> Unmanaged<ClosureObject>? {
    receiver.withObject(as: ClassObject.self) { cls in
      let name = memberName(name)
      guard cls.cases[name] == nil, let method = cls.methods["static:" + name] else { return nil }
      return Unmanaged.passUnretained(method)
    }
  }
}

// The dispatch loop's fast paths on objects, as always-inlined functions: a closure written
// in the loop itself may be left out of line (the loop is too large for the optimizer to
// inline into), but one written here is inlined into these first.

extension InstanceObject {
  /// The method an `invoke` site cached for the receiver's class, if it matches.
  @inline(__always)
  static func cachedMethod(of receiver: Value, _ cache: UnsafeMutablePointer<MemberCache>)
    -> Unmanaged<ClosureObject>?
  {
    receiver.withObject(as: InstanceObject.self) { $0.classSerial == cache.pointee.classSerial }
      ? cache.pointee.method : nil
  }
}

extension MapObject {
  @inline(__always)
  static func get(_ key: Value, in map: Value) -> Value? { map.withObject(as: MapObject.self) { $0.get(key) } }

  @inline(__always)
  static func set(_ key: Value, _ value: Value, in map: Value) {
    map.withObject(as: MapObject.self) { $0.set(key, value) }
  }
}

extension NativeFunctionObject {
  @inline(__always)
  static func floatFunction(of function: Value) -> ((Double) -> Double)? {
    function.withObject(as: NativeFunctionObject.self) { $0.floatFunction }
  }
}

// MARK: - Records and enums

extension VM {
  @inline(never)
  func defineCase(_ enumValue: Value, _ caseValue: Value) {
    guard let enumType = enumValue.object(as: ClassObject.self), let caseClass = caseValue.object(as: ClassObject.self)
    else { return }
    if caseClass.fieldNames.isEmpty {
      let instance = heap.makeInstance(of: caseClass)
      enumType.cases[caseClass.name] = .object(instance)
    } else {
      enumType.cases[caseClass.name] = caseValue
    }
  }

  func positionalField(_ value: Value, _ index: Int) -> Value {
    guard let instance = value.object(as: InstanceObject.self), index < instance.fieldCount else { return .null }
    return instance.fields[index]
  }

  /// `.name` in a pattern: the symbol `.name`, or the enum case `name` of the value's enum.
  func isCase(_ value: Value, named constant: Value) -> Bool {
    let name = memberName(constant)
    if value.tag == .symbol { return symbolNames[Int(value.payload)] == name }
    guard let instance = value.object(as: InstanceObject.self) else { return false }
    return instance.cls.flavor == .enumCase && instance.cls.name == name
  }

  /// The name an enum case prints with: `Shape.circle`.
  func qualifiedName(_ cls: ClassObject) -> String {
    cls.flavor == .enumCase ? "\(cls.superclass?.name ?? "?").\(cls.name)" : cls.name
  }

  /// `record.with(field: value, …)`: a copy with those fields replaced.
  func recordCopy(_ instance: InstanceObject, named: [(String, Value)], positionalCount: Int) throws(RuntimeError)
    -> Value
  {
    if positionalCount > 0 {
      throw RuntimeError(typeName: "TypeError", message: "with takes field names: p.with(x: 1)")
    }
    let copy = heap.makeInstance(of: instance.cls)
    for index in 0..<instance.fieldCount { copy.fields[index] = instance.fields[index] }
    for (name, value) in named {
      guard let index = instance.cls.fieldIndex[name] else {
        throw RuntimeError(typeName: "TypeError", message: "\(qualifiedName(instance.cls)) has no field '\(name)'")
      }
      copy.fields[index] = value
    }
    return .object(copy)
  }
}
