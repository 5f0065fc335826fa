import Foundation

// Indexing, members and built-in methods of lists, strings, maps, tuples and ranges.

extension VM {
  func stringValue(_ value: Value) -> String? { value.object(as: StringObject.self)?.value }

  func memberName(_ constant: Value) -> String { stringValue(constant) ?? "?" }

  /// A list/string/tuple position: negative counts from the end; out of range is an error.
  func position(_ index: Value, count: Int, in kind: String) throws(RuntimeError) -> Int {
    guard index.tag == .int else {
      if isBigInteger(index) {
        // An Int too large for 64 bits is an Int like any other, and out of range.
        throw RuntimeError(
          typeName: "IndexError", message: "index \(describe(index)) out of range for \(kind) of count \(count)")
      }
      throw RuntimeError(typeName: "TypeError", message: "\(kind) index must be an Int, not \(typeName(of: index))")
    }
    let raw = index.asInt
    let adjusted = raw < 0 ? raw + Int64(count) : raw
    guard adjusted >= 0 && adjusted < Int64(count) else {
      throw RuntimeError(typeName: "IndexError", message: "index \(raw) out of range for \(kind) of count \(count)")
    }
    return Int(adjusted)
  }

  /// Start and end of a slice `xs[range]`, clamped to be a valid sub-range or an error.
  func sliceBounds(_ range: RangeObject, count: Int, in kind: String) throws(RuntimeError) -> Range<Int> {
    let lower = range.lower < 0 ? range.lower + Int64(count) : range.lower
    var upper = range.upper == .max ? Int64(count) : range.upper < 0 ? range.upper + Int64(count) : range.upper
    if range.isClosed { upper += 1 }
    guard lower >= 0, upper <= Int64(count), lower <= upper else {
      throw RuntimeError(
        typeName: "IndexError", message: "slice \(describe(.object(range))) out of range for \(kind) of count \(count)")
    }
    return Int(lower)..<Int(upper)
  }

  /// The positions a slice `xs[range]` takes: every `range.step`-th one within its bounds.
  func slicePositions(_ range: RangeObject, count: Int, in kind: String) throws(RuntimeError) -> StrideTo<Int> {
    let bounds = try sliceBounds(range, count: count, in: kind)
    return stride(from: bounds.lowerBound, to: bounds.upperBound, by: Int(clamping: range.step))
  }

  /// `range.contains(x)`: a plain range holds every number between its bounds (`2.5` is in
  /// `1...5`, as in a range pattern); a stepped one only its elements.
  func rangeContains(_ range: RangeObject, _ value: Value) -> Bool {
    guard number(value) != nil,
      isInRange(value, .int(range.lower), .int(range.upper), isClosed: range.isClosed)
    else { return false }
    if range.step == 1 { return true }
    let integer: Int64
    switch number(value) {
    case .int(let x)?: integer = x
    case .float(let x)?:
      guard let exact = Int64(exactly: x) else { return false }
      integer = exact
    default: return false
    }
    // lower <= integer, so the distance fits in 64 unsigned bits even when the subtraction
    // overflows Int64.
    return UInt64(bitPattern: integer &- range.lower) % UInt64(range.step) == 0
  }

  @inline(never)
  func getIndex(_ object: Value, _ index: Value) throws(RuntimeError) -> Value {
    if object.tag == .object {
      switch object.object {
      case let list as ListObject:
        if let range = index.object(as: RangeObject.self) {
          let positions = try slicePositions(range, count: list.count, in: "list")
          return .object(heap.allocate(ListObject(positions.map { list.elements[$0] })))
        }
        return list.elements[try position(index, count: list.count, in: "list")]
      case let string as StringObject:
        if let range = index.object(as: RangeObject.self) {
          let positions = try slicePositions(range, count: string.scalars.count, in: "string")
          let scalars = string.scalars
          var text = ""
          text.unicodeScalars.append(contentsOf: positions.lazy.map { scalars[$0] })
          return self.string(text)
        }
        let scalar = string.scalars[try position(index, count: string.scalars.count, in: "string")]
        return self.string(String(scalar))
      case let tuple as TupleObject:
        return tuple.elements[try position(index, count: tuple.elements.count, in: "tuple")]
      case let instance as InstanceObject:
        if let method = instance.cls.methods["op:[]"] { return try call(closure: method, arguments: [object, index]) }
      case let map as MapObject where map.kind == .map:
        if let value = map.get(index) { return value }
        try checkHashable(index)
        throw RuntimeError(typeName: "KeyError", message: "key \(describeQuoted(index)) not found")
      default:
        break
      }
    }
    throw RuntimeError(typeName: "TypeError", message: "\(typeName(of: object)) cannot be indexed")
  }

  func describeQuoted(_ value: Value) -> String {
    var out = ""
    describe(value, quoted: true, into: &out, depth: 0)
    return out
  }

  @inline(never)
  func setIndex(_ object: Value, _ index: Value, _ value: Value) throws(RuntimeError) {
    if object.tag == .object {
      switch object.object {
      case let list as ListObject:
        list.elements[try position(index, count: list.count, in: "list")] = value
        return
      case let map as MapObject where map.kind == .map:
        try checkHashable(index)
        map.set(index, value)
        return
      case let instance as InstanceObject:
        if let method = instance.cls.methods["op:[]="] {
          _ = try call(closure: method, arguments: [object, index, value])
          return
        }
      case is StringObject:
        throw RuntimeError(typeName: "TypeError", message: "strings are immutable")
      case is TupleObject:
        throw RuntimeError(typeName: "TypeError", message: "tuples are immutable")
      default:
        break
      }
    }
    throw RuntimeError(typeName: "TypeError", message: "\(typeName(of: object)) does not support item assignment")
  }

  @inline(never)
  func insertMapEntry(_ map: Value, _ key: Value, _ value: Value) throws(RuntimeError) {
    try checkHashable(key)
    (map.object as! MapObject).set(key, value)
  }

  /// Appends every element of an iterable (`[...a, ...b]`).
  @inline(never)
  func appendSpread(_ list: Value, _ iterable: Value) throws(RuntimeError) {
    let target = list.object as! ListObject
    try forEachElement(of: iterable) { (element) throws(RuntimeError) in target.append(element) }
  }

  /// A range value; an omitted bound (`xs[2...]`, `xs[..<3]`) runs to the start or end.
  @inline(never)
  func makeRange(_ lower: Value, _ upper: Value, isClosed: Bool) throws(RuntimeError) -> Value {
    if lower.isNil || upper.isNil, lower.tag == .int || lower.isNil, upper.tag == .int || upper.isNil {
      let range = RangeObject(
        lower: lower.isNil ? 0 : lower.asInt, upper: upper.isNil ? .max : upper.asInt,
        isClosed: upper.isNil ? false : isClosed)
      return .object(heap.allocate(range))
    }
    guard lower.tag == .int, upper.tag == .int else { throw rangeBoundsError(lower, upper) }
    return .object(heap.allocate(RangeObject(lower: lower.asInt, upper: upper.asInt, isClosed: isClosed)))
  }

  /// True for an Int too large for 64 bits (a bigint object).
  func isBigInteger(_ value: Value) -> Bool { value.tag == .object && value.objectKind == .bigInteger }

  /// Why `lower` and `upper` cannot bound a range: a bound that is not an Int (or nil) is a
  /// TypeError; ranges hold 64-bit Ints, so a bigint bound is a ValueError.
  func rangeBoundsError(_ lower: Value, _ upper: Value) -> RuntimeError {
    let bounds = [lower, upper]
    if bounds.allSatisfy({ $0.isNil || $0.tag == .int || isBigInteger($0) }),
      let big = bounds.first(where: { isBigInteger($0) })
    {
      return RuntimeError(typeName: "ValueError", message: "range bound \(describe(big)) does not fit in 64 bits")
    }
    return RuntimeError(
      typeName: "TypeError",
      message: "range bounds must be Ints, not \(typeName(of: lower)) and \(typeName(of: upper))")
  }

  // MARK: - Members

  /// Properties: `count`, `isEmpty`, `first`, `last`, `keys`, `values`; other names give a
  /// bound method.
  @inline(never)
  func getMember(_ object: Value, name constant: Value) throws(RuntimeError) -> Value {
    if object.tag == .object && object.objectKind == .module { return try moduleMember(object, name: constant) }
    let name = memberName(constant)
    if let instance = object.object(as: InstanceObject.self) {
      if let value = try instanceMember(instance, name) { return value }
      throw RuntimeError(typeName: "TypeError", message: "\(qualifiedName(instance.cls)) has no field '\(name)'")
    }
    if let cls = object.object(as: ClassObject.self) {
      if let value = classMember(cls, name) { return value }
      if cls.flavor == .enumType {
        throw RuntimeError(typeName: "TypeError", message: "\(cls.name) has no case '\(name)'")
      }
      throw RuntimeError(typeName: "TypeError", message: "\(cls.name) has no static member '\(name)'")
    }
    if let value = try property(object, name) { return value }
    if let native = object.object(as: NativeFunctionObject.self), let value = native.staticMember?(self, name) {
      return value
    }
    if hasMethod(object, name) {
      return .object(heap.allocate(BoundMethodObject(receiver: object, name: name)))
    }
    throw RuntimeError(typeName: "TypeError", message: "\(typeName(of: object)) has no member '\(name)'")
  }

  @inline(never)
  func setMember(_ object: Value, name constant: Value, _ value: Value) throws(RuntimeError) {
    if let instance = object.object(as: InstanceObject.self) {
      return try setInstanceMember(instance, memberName(constant), value)
    }
    throw RuntimeError(
      typeName: "TypeError", message: "cannot assign to member '\(memberName(constant))' of \(typeName(of: object))")
  }

  func property(_ object: Value, _ name: String) throws(RuntimeError) -> Value? {
    guard object.tag == .object else { return nil }
    switch (object.object, name) {
    case (let list as ListObject, "count"): return .int(Int64(list.count))
    case (let list as ListObject, "isEmpty"): return .bool(list.count == 0)
    case (let list as ListObject, "first"): return list.count > 0 ? list.elements[0] : .null
    case (let list as ListObject, "last"): return list.count > 0 ? list.elements[list.count - 1] : .null
    case (let string as StringObject, "count"): return .int(Int64(string.scalars.count))
    case (let string as StringObject, "isEmpty"): return .bool(string.value.isEmpty)
    case (let set as MapObject, "count") where set.kind == .set: return .int(Int64(set.count))
    case (let set as MapObject, "isEmpty") where set.kind == .set: return .bool(set.count == 0)
    case (let map as MapObject, "count"): return .int(Int64(map.count))
    case (let map as MapObject, "isEmpty"): return .bool(map.count == 0)
    case (let map as MapObject, "keys") where map.kind == .map: return .object(heap.allocate(ListObject(map.keys)))
    case (let map as MapObject, "values") where map.kind == .map:
      return .object(heap.allocate(ListObject(map.values)))
    case (let tuple as TupleObject, "count"): return .int(Int64(tuple.elements.count))
    case (let range as RangeObject, "count"): return .int(rangeCount(range))
    case (let error as ErrorObject, "message"): return string(error.message)
    case (let error as ErrorObject, "stackTrace"): return string(error.stackTrace)
    case (let error as ErrorObject, "name"): return string(error.typeName)
    case (let target as FiberObject, _): return fiberProperty(target.state, name)
    default: return nil
    }
  }

  func rangeCount(_ range: RangeObject) -> Int64 {
    let (span, overflow) = range.upper.subtractingReportingOverflow(range.lower)
    if overflow { return .max }
    let length = max(0, range.isClosed ? span &+ 1 : span)
    return length == 0 ? 0 : (length - 1) / range.step + 1
  }

  /// The built-in methods by kind (a switch over the kind, then a set: no hashing of the kind).
  static let listMethods: Set<String> = methodNames[.list]!
  static let stringMethods: Set<String> = methodNames[.string]!
  static let mapMethods: Set<String> = methodNames[.map]!

  static let methodNames: [ObjectKind: Set<String>] = [
    .list: [
      "append", "insert", "remove", "pop", "contains", "indexOf", "joined", "reversed", "sorted", "sort", "map",
      "filter", "reduce", "slice", "iterate",
    ],
    .string: [
      "upper", "lower", "contains", "startsWith", "endsWith", "split", "trim", "replace", "find", "chars", "bytes",
    ],
    .map: ["get", "remove", "contains"],
    .set: [
      "insert", "remove", "contains", "union", "intersection", "subtracting", "symmetricDifference", "isSubset",
      "isSuperset",
    ],
    .range: ["contains", "step"],
    .fiber: ["resume"],
    .continuation: ["finalize"],
  ]

  func hasMethod(_ object: Value, _ name: String) -> Bool {
    if object.tag == .int || object.tag == .float { return name == "toFixed" }
    guard object.tag == .object else { return false }
    switch object.objectKind {
    case .bigInteger: return name == "toFixed"
    case .list: return Self.listMethods.contains(name)
    case .string: return Self.stringMethods.contains(name)
    case .map: return Self.mapMethods.contains(name)
    default: return Self.methodNames[object.objectKind]?.contains(name) ?? false
    }
  }

  /// `receiver.name(arguments)`.
  @inline(never)
  func invoke(
    _ receiver: Value, name constant: Value, arguments: UnsafeMutablePointer<Value>, count: Int,
    cache: UnsafeMutablePointer<MemberCache>? = nil
  ) throws(RuntimeError) -> Value {
    if let cache, receiver.tag == .object,
      let method = FastMethod(kind: receiver.objectKind, name: memberName(constant), count: count)
    {
      cache.pointee.classSerial = FastMethod.cacheKey(receiver.objectKind)
      cache.pointee.slot = method.rawValue
      cache.pointee.method = nil
      return try fastMethod(method.rawValue, receiver, arguments)
    }
    let values = Array(UnsafeBufferPointer(start: arguments, count: count))
    if receiver.tag == .object && receiver.objectKind == .module {
      let member = try moduleMember(receiver, name: constant)
      if let cache, let slot = receiver.object(as: ModuleObject.self)?.slot(named: memberName(constant)) {
        cache.pointee.classSerial = Int(truncatingIfNeeded: receiver.payload)
        cache.pointee.slot = slot
        cache.pointee.method = nil
      }
      return try callValue(member, arguments: values)
    }
    return try callMethod(receiver, name: memberName(constant), arguments: values)
  }

  func callMethod(_ receiver: Value, name: String, arguments: [Value]) throws(RuntimeError) -> Value {
    if let instance = receiver.object(as: InstanceObject.self) {
      if let method = instance.cls.methods[name] { return try call(closure: method, arguments: [receiver] + arguments) }
      if name == "with" && instance.cls.flavor == .record {
        // `p.with()` or `p.with(1)`: no field names (those go through `callGeneral`).
        return try recordCopy(instance, named: [], positionalCount: arguments.count)
      }
      if (name == "toString" || name == "hash") && instance.cls.isValueType {
        // Records and enum cases get `toString()` and `hash()` for free.
        try argumentCount(arguments, 0...0, name)
        return name == "hash" ? .int(Int64(hashKey(receiver))) : string(describe(receiver))
      }
      if let value = try instanceMember(instance, name) { return try callValue(value, arguments: arguments) }
      throw RuntimeError(typeName: "TypeError", message: "\(qualifiedName(instance.cls)) has no method '\(name)'")
    }
    if let cls = receiver.object(as: ClassObject.self) {
      if let enumCase = cls.cases[name] { return try callValue(enumCase, arguments: arguments) }
      if let method = cls.methods["static:" + name] {
        return try call(closure: method, arguments: [receiver] + arguments)
      }
      if cls.flavor == .enumType {
        throw RuntimeError(typeName: "TypeError", message: "\(cls.name) has no case '\(name)'")
      }
      throw RuntimeError(typeName: "TypeError", message: "\(cls.name) has no static method '\(name)'")
    }
    if receiver.tag == .object && receiver.objectKind == .module {
      return try callValue(moduleMember(receiver, name: string(name)), arguments: arguments)
    }
    if arguments.isEmpty, let value = try property(receiver, name) { return value }
    guard hasMethod(receiver, name) else {
      if let value = try property(receiver, name) {
        return try callValue(value, arguments: arguments)
      }
      throw RuntimeError(typeName: "TypeError", message: "\(typeName(of: receiver)) has no method '\(name)'")
    }
    return try builtinMethod(receiver, name, arguments)
  }
}

extension VM {
  /// True when `value` is a tuple (kind 0) or list (kind 1) of `count` elements, or a list
  /// of at least `count` (kind 2).
  func hasShape(_ value: Value, count: Int, kind: Int) -> Bool {
    if kind == 0 { return value.object(as: TupleObject.self)?.elements.count == count }
    guard let actual = value.object(as: ListObject.self)?.count else { return false }
    return kind == 2 ? actual >= count : actual == count
  }

  /// The MatchError of a failed destructuring, or of a `match` with no matching arm.
  @inline(never)
  func matchFailure(_ value: Value, pattern: Value) -> RuntimeError {
    let text = stringValue(pattern) ?? ""
    let message =
      text.isEmpty
      ? "no match arm matches \(describeQuoted(value))" : "\(describeQuoted(value)) does not match pattern \(text)"
    return RuntimeError(typeName: "MatchError", message: message)
  }

  /// `value is type`, where `type` is a value naming a type (a built-in type function).
  @inline(never)
  func isInstance(_ value: Value, ofType type: Value) throws(RuntimeError) -> Bool {
    if let cls = type.object(as: ClassObject.self) {
      return value.object(as: InstanceObject.self)?.cls.isSubclass(of: cls) ?? false
    }
    if let singleton = type.object(as: InstanceObject.self), singleton.cls.flavor == .enumCase {
      // `x is Shape.empty`: a payload-free case names itself.
      return value.object(as: InstanceObject.self)?.cls === singleton.cls
    }
    guard let native = type.object(as: NativeFunctionObject.self), let name = native.instanceType else {
      throw RuntimeError(typeName: "TypeError", message: "\(describe(type)) is not a type")
    }
    return isInstance(value, of: name)
  }

  /// A capitalized or dotted name in a pattern: a type test when it names a type, else `==`.
  func matchesPath(_ value: Value, _ pattern: Value) throws(RuntimeError) -> Bool {
    if pattern.object(as: ClassObject.self) != nil { return try isInstance(value, ofType: pattern) }
    if let native = pattern.object(as: NativeFunctionObject.self), let name = native.instanceType {
      return isInstance(value, of: name)
    }
    return valuesEqual(value, pattern)
  }

  /// Range patterns: numbers against numeric bounds, strings against string bounds; values of
  /// other types never match.
  func isInRange(_ value: Value, _ lower: Value, _ upper: Value, isClosed: Bool) -> Bool {
    func ordered(_ a: Value, _ b: Value, orEqual: Bool) -> Bool? {
      let bothNumbers = number(a) != nil && number(b) != nil
      let bothStrings = stringValue(a) != nil && stringValue(b) != nil
      guard bothNumbers || bothStrings else { return nil }
      return try? compare(a, b, orEqual: orEqual)
    }
    if !lower.isNil, ordered(lower, value, orEqual: true) != true { return false }
    if !upper.isNil, ordered(value, upper, orEqual: isClosed) != true { return false }
    return true
  }
}
