import BigInt
import Foundation

// The core built-in functions and the methods of the built-in types.

extension VM {
  func installBuiltins() {
    defineNative("print", arity: 0...Int.max) { vm, arguments throws(RuntimeError) in
      var line = ""
      for (index, argument) in arguments.enumerated() {
        if index > 0 { line += " " }
        vm.describe(argument, quoted: false, into: &line, depth: 0)
      }
      // A `toString` that threw: nothing is printed.
      try vm.raiseDeferredError()
      vm.write(line + "\n")
      return .null
    }
    defineNative("debug", arity: 1...Int.max) { vm, arguments in
      // Like print, but to standard error and with strings quoted; returns its first argument.
      let text = arguments.map { vm.describeQuoted($0) }.joined(separator: " ")
      FileHandle.standardError.write(Data(("[debug] " + text + "\n").utf8))
      return arguments[0]
    }
    defineNative("String", arity: 1...1, instanceType: "String") { vm, arguments in
      vm.string(vm.describe(arguments[0]))
    }
    defineNative("type", arity: 1...1) { vm, arguments in vm.string(vm.typeName(of: arguments[0])) }
    defineNative("Int", arity: 1...1, instanceType: "Int") { vm, arguments throws(RuntimeError) in
      try vm.convertToInt(arguments[0])
    }
    defineNative("Float", arity: 1...1, instanceType: "Float") { vm, arguments throws(RuntimeError) in
      try vm.convertToFloat(arguments[0])
    }
    for name in Self.errorTypes {
      defineNative(name, arity: 0...1, instanceType: name) { vm, arguments in
        let message = arguments.first.map { vm.describe($0) } ?? ""
        return .object(vm.heap.allocate(ErrorObject(typeName: name, message: message)))
      }
    }
    for (name, type) in [
      ("Bool", "Bool"), ("List", "List"), ("Map", "Map"), ("Tuple", "Tuple"), ("Symbol", "Symbol"),
      ("Function", "Function"), ("Range", "Range"), ("Nil", "Nil"),
    ] {
      defineNative(name, arity: 0...1, instanceType: type) { vm, arguments throws(RuntimeError) in
        try vm.convert(arguments.first ?? .null, to: type)
      }
    }
    defineNative("Set", arity: 0...1, instanceType: "Set") { vm, arguments throws(RuntimeError) in
      let set = vm.heap.allocate(MapObject(vm: vm, isSet: true))
      if let iterable = arguments.first {
        try vm.withRoot(.object(set)) { () throws(RuntimeError) in
          try vm.forEachElement(of: iterable) { (element) throws(RuntimeError) in
            try vm.checkHashable(element)
            set.set(element, .null)
          }
        }
      }
      return .object(set)
    }
    defineNative("assert", arity: 1...2) { vm, arguments throws(RuntimeError) in
      if !arguments[0].isTruthy {
        let message = arguments.count > 1 ? vm.describe(arguments[1]) : "assertion failed"
        throw RuntimeError(typeName: "AssertionError", message: message)
      }
      return .null
    }
  }

  /// The built-in error types; each is a function making an error of that type, and all
  /// are subtypes of `Error`.
  static let errorTypes = [
    "Error", "TypeError", "KeyError", "IndexError", "ArithmeticError", "MatchError", "StackOverflow", "NameError",
    "ValueError", "AssertionError", "BudgetExceeded", "Cancelled", "FiberError",
    "UnhandledEffect", "ContinuationAlreadyResumed", "ImportError",
  ]

  /// `Bool(x)`, `List(x)`, … conversions.
  func convert(_ value: Value, to type: String) throws(RuntimeError) -> Value {
    switch type {
    case "Bool": return .bool(value.isTruthy)
    case "List":
      if value.isNil { return .object(heap.allocate(ListObject())) }
      let list = heap.allocate(ListObject())
      return try withRoot(.object(list)) { () throws(RuntimeError) -> Value in
        try forEachElement(of: value) { (element) throws(RuntimeError) in list.append(element) }
        return .object(list)
      }
    case "Map" where value.isNil: return .object(heap.allocate(MapObject(vm: self)))
    case "Tuple":
      if value.isNil { return .object(heap.allocate(TupleObject([]))) }
      var elements: [Value] = []
      try forEachElement(of: value) { (element) throws(RuntimeError) in elements.append(element) }
      return .object(heap.allocate(TupleObject(elements)))
    default:
      if isInstance(value, of: type) { return value }
      throw RuntimeError(typeName: "TypeError", message: "cannot convert \(typeName(of: value)) to \(type)")
    }
  }

  /// Calls `body` with each element of an iterable, in order.
  func forEachElement(of iterable: Value, _ body: (Value) throws(RuntimeError) -> Void) throws(RuntimeError) {
    var state = [iterable, .null, .null, .null]
    try state.withUnsafeMutableBufferPointer { (buffer) throws(RuntimeError) in
      while let element = try nextElement(buffer.baseAddress!) {
        temporaryRoots.append(element)
        defer { temporaryRoots.removeLast() }
        try body(element)
      }
    }
  }

  /// `value is type` for the built-in type names.
  func isInstance(_ value: Value, of type: String) -> Bool {
    if let base = value.object(as: InstanceObject.self)?.cls.errorBase {
      return type == "Error" || type == base
    }
    if type == "Error" { return value.object(as: ErrorObject.self) != nil }
    if Self.errorTypes.contains(type) { return value.object(as: ErrorObject.self)?.typeName == type }
    if type == "Number" { return number(value) != nil }
    return typeName(of: value) == type
  }

  func convertToInt(_ value: Value) throws(RuntimeError) -> Value {
    switch number(value) {
    case .int?, .big?: return value
    case .float(let x)?:
      guard x.isFinite else {
        throw RuntimeError(typeName: "ArithmeticError", message: "cannot convert \(describe(value)) to Int")
      }
      return integerValue(BigInt(x.rounded(.towardZero)))
    case nil:
      if let text = stringValue(value) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let parsed = BigInt(trimmed) { return integerValue(parsed) }
        return .null
      }
      throw RuntimeError(typeName: "TypeError", message: "cannot convert \(typeName(of: value)) to Int")
    }
  }

  func convertToFloat(_ value: Value) throws(RuntimeError) -> Value {
    if let number = number(value) { return .float(double(number)) }
    if let text = stringValue(value) {
      return Double(text.trimmingCharacters(in: .whitespaces)).map { .float($0) } ?? .null
    }
    throw RuntimeError(typeName: "TypeError", message: "cannot convert \(typeName(of: value)) to Float")
  }

  // MARK: - Methods

  func argumentCount(_ arguments: [Value], _ expected: ClosedRange<Int>, _ name: String) throws(RuntimeError) {
    guard expected.contains(arguments.count) else {
      throw RuntimeError(
        typeName: "TypeError", message: "\(name) expects \(Self.describeArity(expected)) but got \(arguments.count)")
    }
  }

  func stringArgument(_ value: Value, _ name: String) throws(RuntimeError) -> String {
    guard let text = stringValue(value) else {
      throw RuntimeError(typeName: "TypeError", message: "\(name) expects a String, not \(typeName(of: value))")
    }
    return text
  }

  func callFunction(_ function: Value, _ arguments: [Value]) throws(RuntimeError) -> Value {
    try callValue(function, arguments: arguments)
  }

  /// Keeps `value` reachable while a built-in allocates, then runs `body`.
  func withRoot<R>(_ value: Value, _ body: () throws(RuntimeError) -> R) throws(RuntimeError) -> R {
    temporaryRoots.append(value)
    defer { temporaryRoots.removeLast() }
    return try body()
  }

  func builtinMethod(_ receiver: Value, _ name: String, _ arguments: [Value]) throws(RuntimeError) -> Value {
    if receiver.tag == .int || receiver.tag == .float || isBigInteger(receiver) {
      return try toFixed(receiver, arguments)
    }
    // Dispatch on the kind byte, not on dynamic casts (this runs for every built-in call).
    let object = receiver.object
    switch receiver.objectKind {
    case .list: return try listMethod(unsafeDowncast(object, to: ListObject.self), receiver, name, arguments)
    case .string: return try stringMethod(unsafeDowncast(object, to: StringObject.self), name, arguments)
    case .set: return try setMethod(unsafeDowncast(object, to: MapObject.self), name, arguments)
    case .map:
      let map = unsafeDowncast(object, to: MapObject.self)
      try argumentCount(arguments, 1...1, name)
      switch name {
      case "get": return map.get(arguments[0]) ?? .null
      case "remove": return map.remove(arguments[0]) ?? .null
      default: return .bool(map.get(arguments[0]) != nil)
      }
    case .range where name == "step":
      let range = unsafeDowncast(object, to: RangeObject.self)
      try argumentCount(arguments, 1...1, name)
      let step: Int64
      if arguments[0].tag == .int, arguments[0].asInt > 0 {
        step = arguments[0].asInt
      } else if case .big(let big)? = number(arguments[0]), big > 0 {
        // Past any 64-bit bound anyway: only the first element is left.
        step = .max
      } else {
        throw RuntimeError(typeName: "ValueError", message: "step must be a positive Int")
      }
      return .object(
        heap.allocate(RangeObject(lower: range.lower, upper: range.upper, isClosed: range.isClosed, step: step)))
    case .range:
      let range = unsafeDowncast(object, to: RangeObject.self)
      try argumentCount(arguments, 1...1, name)
      return .bool(rangeContains(range, arguments[0]))
    case .continuation:
      // `k.finalize()`: ends the captured computation, running its `finally` blocks (H11).
      try argumentCount(arguments, 0...0, name)
      let continuation = unsafeDowncast(object, to: ContinuationObject.self)
      guard !continuation.isUsed else {
        throw RuntimeError(typeName: "ContinuationAlreadyResumed", message: "continuation already resumed")
      }
      continuation.isUsed = true
      if let failure = try close(continuation.boundaryObject.state) { throw failure }
      return .null
    case .fiber:
      try argumentCount(arguments, 0...1, name)
      return try resume(unsafeDowncast(object, to: FiberObject.self).state, with: arguments.first ?? .null)
    default:
      throw RuntimeError(typeName: "TypeError", message: "\(typeName(of: receiver)) has no method '\(name)'")
    }
  }

  /// `x.toFixed(digits)`: an Int prints exactly (its digits, then `.` and zeros), a float
  /// rounded to `digits` decimals; nan and the infinities print as `print` shows them.
  func toFixed(_ receiver: Value, _ arguments: [Value]) throws(RuntimeError) -> Value {
    try argumentCount(arguments, 1...1, "toFixed")
    guard arguments[0].tag == .int, arguments[0].asInt >= 0, arguments[0].asInt <= 100 else {
      throw RuntimeError(typeName: "TypeError", message: "toFixed expects a number of digits from 0 to 100")
    }
    let digits = Int(arguments[0].asInt)
    guard receiver.tag == .float else {
      return string(describe(receiver) + (digits > 0 ? "." + String(repeating: "0", count: digits) : ""))
    }
    let x = receiver.asFloat
    guard x.isFinite else { return string(describe(receiver)) }
    return string(String(format: "%.\(digits)f", x))
  }

  func setMethod(_ set: MapObject, _ name: String, _ arguments: [Value]) throws(RuntimeError) -> Value {
    try argumentCount(arguments, 1...1, name)
    let argument = arguments[0]
    switch name {
    case "insert":
      try insert(argument, into: set)
      return .null
    case "remove": return .bool(set.remove(argument) != nil)
    case "contains": return .bool(set.get(argument) != nil)
    default: break
    }
    var other: [Value] = []
    try forEachElement(of: argument) { (element) throws(RuntimeError) in
      try checkHashable(element)
      other.append(element)
    }
    let otherSet = MapObject(vm: self, isSet: true)
    for element in other { otherSet.set(element, .null) }
    switch name {
    case "isSubset": return .bool(set.keys.allSatisfy { otherSet.get($0) != nil })
    case "isSuperset": return .bool(other.allSatisfy { set.get($0) != nil })
    default: break
    }
    let result = heap.allocate(MapObject(vm: self, isSet: true))
    switch name {
    case "union":
      for key in set.keys + other { result.set(key, .null) }
    case "intersection":
      for key in set.keys where otherSet.get(key) != nil { result.set(key, .null) }
    case "subtracting":
      for key in set.keys where otherSet.get(key) == nil { result.set(key, .null) }
    default:
      for key in set.keys where otherSet.get(key) == nil { result.set(key, .null) }
      for key in other where set.get(key) == nil { result.set(key, .null) }
    }
    return .object(result)
  }

  func listMethod(_ list: ListObject, _ receiver: Value, _ name: String, _ arguments: [Value]) throws(RuntimeError)
    -> Value
  {
    switch name {
    case "append":
      try argumentCount(arguments, 1...1, name)
      list.append(arguments[0])
      return .null
    case "insert":
      try argumentCount(arguments, 2...2, name)
      list.insert(arguments[1], at: try insertPosition(arguments[0], count: list.count))
      return .null
    case "remove":
      try argumentCount(arguments, 1...1, name)
      return list.remove(at: try position(arguments[0], count: list.count, in: "list"))
    case "pop":
      try argumentCount(arguments, 0...0, name)
      return try popLast(list)
    case "contains":
      try argumentCount(arguments, 1...1, name)
      return .bool(list.values.contains { valuesEqual($0, arguments[0]) })
    case "indexOf":
      try argumentCount(arguments, 1...1, name)
      return list.values.firstIndex { valuesEqual($0, arguments[0]) }.map { .int(Int64($0)) } ?? .null
    case "joined":
      try argumentCount(arguments, 0...1, name)
      let separator = arguments.isEmpty ? "" : try stringArgument(arguments[0], name)
      return string(list.values.map { describe($0) }.joined(separator: separator))
    case "reversed":
      try argumentCount(arguments, 0...0, name)
      return .object(heap.allocate(ListObject(list.values.reversed())))
    case "sorted", "sort":
      try argumentCount(arguments, 0...1, name)
      let sorted = try sortValues(list.values, by: arguments.first)
      if name == "sort" {
        for (index, value) in sorted.enumerated() { list.elements[index] = value }
        return .null
      }
      return .object(heap.allocate(ListObject(sorted)))
    case "map", "filter":
      try argumentCount(arguments, 1...1, name)
      let result = heap.allocate(ListObject(capacity: list.count))
      return try withRoot(.object(result)) { () throws(RuntimeError) -> Value in
        var index = 0
        while index < list.count {
          let element = list.elements[index]
          let mapped = try callFunction(arguments[0], [element])
          if name == "map" {
            result.append(mapped)
          } else if mapped.isTruthy {
            result.append(element)
          }
          index += 1
        }
        return .object(result)
      }
    case "reduce":
      try argumentCount(arguments, 2...2, name)
      var accumulator = arguments[0]
      var index = 0
      while index < list.count {
        accumulator = try withRoot(accumulator) { () throws(RuntimeError) -> Value in
          try callFunction(arguments[1], [accumulator, list.elements[index]])
        }
        index += 1
      }
      return accumulator
    case "iterate":
      // A list is its own iterable (as `iterate()` on a class may return any iterable).
      try argumentCount(arguments, 0...0, name)
      return receiver
    case "slice":
      try argumentCount(arguments, 2...2, name)
      guard arguments[0].tag == .int, arguments[1].tag == .int else {
        if arguments.allSatisfy({ $0.tag == .int || isBigInteger($0) }) {
          throw RuntimeError(
            typeName: "IndexError",
            message:
              "slice \(describe(arguments[0]))..<\(describe(arguments[1])) out of range for list of count \(list.count)"
          )
        }
        throw RuntimeError(typeName: "TypeError", message: "slice expects two Ints")
      }
      let range = RangeObject(lower: arguments[0].asInt, upper: arguments[1].asInt, isClosed: false)
      let bounds = try sliceBounds(range, count: list.count, in: "list")
      return .object(heap.allocate(ListObject(Array(list.values[bounds]))))
    default:
      throw RuntimeError(typeName: "TypeError", message: "List has no method '\(name)'")
    }
  }

  /// Where `list.insert(index, value)` puts the value: 0 through `count` (`count` appends);
  /// a negative index counts from the end, -1 appending.
  func insertPosition(_ index: Value, count: Int) throws(RuntimeError) -> Int {
    if index.tag == .int {
      let raw = index.asInt
      let adjusted = raw < 0 ? raw + Int64(count) + 1 : raw
      if adjusted >= 0 && adjusted <= Int64(count) { return Int(adjusted) }
    } else if !isBigInteger(index) {
      return try position(index, count: count + 1, in: "list")  // its TypeError
    }
    throw RuntimeError(
      typeName: "IndexError", message: "index \(describe(index)) out of range for list of count \(count)")
  }

  /// A stable sort, by `<` or by a "comes before" function.
  func sortValues(_ values: [Value], by comesBefore: Value?) throws(RuntimeError) -> [Value] {
    var failure: RuntimeError?
    let sorted = values.enumerated().sorted { lhs, rhs in
      if failure != nil { return false }
      do throws(RuntimeError) {
        let before: Bool
        if let comesBefore {
          before = try callFunction(comesBefore, [lhs.element, rhs.element]).isTruthy
          let after = before ? false : try callFunction(comesBefore, [rhs.element, lhs.element]).isTruthy
          return before || (!after && lhs.offset < rhs.offset)
        }
        before = try compare(lhs.element, rhs.element, orEqual: false)
        let after = before ? false : try compare(rhs.element, lhs.element, orEqual: false)
        return before || (!after && lhs.offset < rhs.offset)
      } catch {
        failure = error
        return false
      }
    }
    if let failure { throw failure }
    return sorted.map(\.element)
  }

  // MARK: - Loops

  /// Sets up `for x in a..<b`: false when the range is empty.
  @inline(never)
  func prepareRangeLoop(_ state: UnsafeMutablePointer<Value>) throws(RuntimeError) -> Bool {
    let isClosed = state[2].asInt != 0
    guard state[0].tag == .int, state[1].tag == .int else { throw rangeBoundsError(state[0], state[1]) }
    let start = state[0].asInt
    let end = state[1].asInt
    if !isClosed && end == .min { return false }
    let last = isClosed ? end : end - 1
    guard start <= last else { return false }
    state[1] = .int(last)
    return true
  }

  /// `for x in object` iterates what the object's `iterate()` method returns.
  /// What a `for` loop over an instance iterates: its `iterate()`, and while that is an
  /// instance too, that one's `iterate()` (a bounded number of times, so an `iterate()`
  /// returning `self` is an error, not an endless recursion).
  func iterator(of instance: InstanceObject) throws(RuntimeError) -> Value {
    var current = instance
    for _ in 0..<Self.maximumIteratorChain {
      guard let iterate = current.cls.methods["iterate"] else {
        throw RuntimeError(
          typeName: "TypeError", message: "\(current.cls.name) is not iterable (it has no iterate method)")
      }
      let result = try call(closure: iterate, arguments: [.object(current)])
      guard let next = result.object(as: InstanceObject.self) else { return result }
      current = next
    }
    throw RuntimeError(
      typeName: "TypeError",
      message:
        "\(instance.cls.name).iterate() does not lead to an iterable: more than \(Self.maximumIteratorChain) "
        + "iterate() calls returned objects")
  }

  static let maximumIteratorChain = 1000

  /// The next element of a generic `for` loop, or nil when done. `state[1]` is the position.
  @inline(never)
  func nextElement(_ state: UnsafeMutablePointer<Value>) throws(RuntimeError) -> Value? {
    let iterable = state[0]
    let position = state[1].tag == .int ? Int(state[1].asInt) : 0
    guard iterable.tag == .object else {
      throw RuntimeError(typeName: "TypeError", message: "\(typeName(of: iterable)) is not iterable")
    }
    if let instance = iterable.object(as: InstanceObject.self) {
      // Only `forEachElement` gets here: its state is a Swift buffer that the call cannot
      // move (the loop's `iterate` asks for the iterator itself, since the call may grow
      // the stack its state lives in).
      state[0] = try iterator(of: instance)
      state[1] = .null
      return try nextElement(state)
    }
    var element: Value?
    switch iterable.object {
    case let list as ListObject:
      element = position < list.count ? list.elements[position] : nil
    case let tuple as TupleObject:
      element = position < tuple.elements.count ? tuple.elements[position] : nil
    case let text as StringObject:
      element = position < text.scalars.count ? string(String(text.scalars[position])) : nil
    case let map as MapObject:
      // Positions index the entry arrays, skipping removed entries.
      guard let entry = map.entry(from: position) else {
        state[1] = .int(Int64(position))
        return nil
      }
      state[1] = .int(Int64(entry.next))
      if map.kind == .set { return entry.key }
      return .object(heap.allocate(TupleObject([entry.key, entry.value])))
    case let target as FiberObject:
      return try nextYield(of: target.state)
    case let range as RangeObject:
      let count = rangeCount(range)
      element = Int64(position) < count ? .int(range.lower + Int64(position) * range.step) : nil
    default:
      throw RuntimeError(typeName: "TypeError", message: "\(typeName(of: iterable)) is not iterable")
    }
    state[1] = .int(Int64(position + 1))
    return element
  }
}

/// Built-in methods an `invoke` site calls directly once it has seen its receiver's kind:
/// no name lookup and no argument array. The site's cache holds `cacheKey(kind)` (negative,
/// so it never equals a class serial) and the method's raw value.
enum FastMethod: Int {
  case listAppend = 1
  case listPop, mapGet, mapRemove, mapContains, setInsert, setRemove, setContains

  init?(kind: ObjectKind, name: String, count: Int) {
    switch (kind, name, count) {
    case (.list, "append", 1): self = .listAppend
    case (.list, "pop", 0): self = .listPop
    case (.map, "get", 1): self = .mapGet
    case (.map, "remove", 1): self = .mapRemove
    case (.map, "contains", 1): self = .mapContains
    case (.set, "insert", 1): self = .setInsert
    case (.set, "remove", 1): self = .setRemove
    case (.set, "contains", 1): self = .setContains
    default: return nil
    }
  }

  static func cacheKey(_ kind: ObjectKind) -> Int { -Int(kind.rawValue) - 1 }
}

extension VM {
  /// Runs the built-in method `method` (a `FastMethod` raw value) with its arguments at
  /// `arguments` (their count is the method's, checked when the site cached it).
  func fastMethod(_ method: Int, _ receiver: Value, _ arguments: UnsafeMutablePointer<Value>) throws(RuntimeError)
    -> Value
  {
    switch FastMethod(rawValue: method) {
    case .listAppend:
      receiver.withObject(as: ListObject.self) { $0.append(arguments[0]) }
      return .null
    case .listPop:
      return try popLast(unsafeDowncast(receiver.object, to: ListObject.self))
    case .mapGet:
      return receiver.withObject(as: MapObject.self) { $0.get(arguments[0]) } ?? .null
    case .mapRemove:
      return receiver.withObject(as: MapObject.self) { $0.remove(arguments[0]) } ?? .null
    case .mapContains:
      return .bool(receiver.withObject(as: MapObject.self) { $0.get(arguments[0]) } != nil)
    case .setInsert:
      try insert(arguments[0], into: unsafeDowncast(receiver.object, to: MapObject.self))
      return .null
    case .setRemove:
      return .bool(receiver.withObject(as: MapObject.self) { $0.remove(arguments[0]) } != nil)
    case .setContains:
      return .bool(receiver.withObject(as: MapObject.self) { $0.get(arguments[0]) } != nil)
    case nil:
      return .null
    }
  }

  /// `list.pop()`.
  func popLast(_ list: ListObject) throws(RuntimeError) -> Value {
    guard list.count > 0 else { throw RuntimeError(typeName: "IndexError", message: "pop from empty list") }
    return list.remove(at: list.count - 1)
  }

  /// `set.insert(value)`.
  func insert(_ value: Value, into set: MapObject) throws(RuntimeError) {
    try checkHashable(value)
    set.set(value, .null)
  }
}
