import BigInt
import Foundation
import TernBytecode

// Arithmetic and comparison slow paths: floats mixed with ints, bigints, strings, errors.

extension VM {
  /// `==` with its common cases inline: `x == nil` (only nil equals nil), two ints, an
  /// object compared with itself, two strings, a string and a value that is not an object.
  /// The slow path (which may run a user `==`) saves the running instruction first, so an
  /// error it raises is reported, and caught, there.
  @inline(__always)
  func isEqual(
    _ left: Value, _ right: Value, _ fiber: Fiber, _ frameIndex: Int, _ ip: UnsafeMutablePointer<UInt32>
  ) throws(RuntimeError) -> Bool {
    if left.tag == .null || right.tag == .null { return left.tag == right.tag }
    if left.tag == .int && right.tag == .int { return left.payload == right.payload }
    if left.tag == .object {
      if right.tag == .object {
        // The same object (or the same string constant) is equal to itself.
        if left.payload == right.payload { return true }
        if left.objectKind == .string && right.objectKind == .string { return stringsEqual(left, right) }
      } else if left.objectKind == .string {
        return false
      }
    } else if right.tag == .object && right.objectKind == .string {
      return false
    }
    fiber.frames[frameIndex].ip = ip
    return try equalSlowly(left, right)
  }

  /// `valuesEqual`, raising what a user `==` it called threw.
  @inline(never)
  func equalSlowly(_ left: Value, _ right: Value) throws(RuntimeError) -> Bool {
    let equal = valuesEqual(left, right)
    try raiseDeferredError()
    return equal
  }

  /// Calls a script method from code that cannot throw (equality, hashing, printing): an
  /// error it throws is kept, the first one, and raised by `raiseDeferredError` when control
  /// is back where errors can be thrown; meanwhile the call counts as having no result.
  func callDeferringError(_ method: ClosureObject, _ arguments: [Value]) -> Value? {
    do {
      return try call(closure: method, arguments: arguments)
    } catch {
      if deferredError == nil { deferredError = error }
      return nil
    }
  }

  /// Throws the error a user `==`, `hash` or `toString` threw where it could not be, if any.
  @inline(__always)
  func raiseDeferredError() throws(RuntimeError) {
    if let error = deferredError {
      deferredError = nil
      throw error
    }
  }

  /// Two strings are equal when their scalars are (byte-wise UTF-8), not up to Unicode
  /// canonical equivalence.
  @inline(__always)
  func stringsEqual(_ left: Value, _ right: Value) -> Bool {
    let (a, aCount) = StringObject.bytes(of: left)
    let (b, bCount) = StringObject.bytes(of: right)
    return aCount == bCount && (aCount == 0 || memcmp(a, b, aCount) == 0)
  }

  /// A number in one of its three representations.
  enum Number {
    case int(Int64)
    case big(BigInt)
    case float(Double)
  }

  func number(_ value: Value) -> Number? {
    switch value.tag {
    case .int: return .int(value.asInt)
    case .float: return .float(value.asFloat)
    case .object where value.objectKind == .bigInteger: return .big((value.object as! BigIntegerObject).value)
    default: return nil
    }
  }

  func bigInt(_ number: Number) -> BigInt? {
    switch number {
    case .int(let value): return BigInt(value)
    case .big(let value): return value
    case .float: return nil
    }
  }

  func double(_ number: Number) -> Double {
    switch number {
    case .int(let value): return Double(value)
    case .big(let value): return Double(value)
    case .float(let value): return value
    }
  }

  /// An integer result: a plain int when it fits in 64 bits, else a bigint object.
  func integerValue(_ value: BigInt) -> Value {
    if let small = Int64(exactly: value) { return .int(small) }
    return .object(heap.allocate(BigIntegerObject(value)))
  }

  func makeBigInteger(_ digits: String) -> Value {
    integerValue(BigInt(digits) ?? 0)
  }

  static let operatorSymbols: [Opcode: String] = [
    .add: "+", .subtract: "-", .multiply: "*", .divide: "/", .floorDivide: "//", .remainder: "%", .power: "**",
    .bitAnd: "&", .bitOr: "|", .bitXor: "^", .shiftLeft: "<<", .shiftRight: ">>",
  ]

  @inline(never)
  func arithmetic(_ op: Opcode, _ left: Value, _ right: Value) throws(RuntimeError) -> Value {
    if left.tag == .int && right.tag == .int, let result = smallIntegerArithmetic(op, left.asInt, right.asInt) {
      return result
    }
    if op == .add && left.tag == .object && right.tag == .object && left.objectKind == .string
      && right.objectKind == .string
    {
      return concatenate(left, right)
    }
    if (left.tag == .float || left.tag == .int) && (right.tag == .float || right.tag == .int)
      && (left.tag == .float || right.tag == .float || op == .divide)
    {
      let a = left.tag == .float ? left.asFloat : Double(left.asInt)
      let b = right.tag == .float ? right.asFloat : Double(right.asInt)
      return try floatArithmetic(op, a, b, left, right)
    }
    guard let lhs = number(left), let rhs = number(right) else {
      return try nonNumericArithmetic(op, left, right)
    }
    if case .float = lhs { return try floatArithmetic(op, double(lhs), double(rhs), left, right) }
    if case .float = rhs { return try floatArithmetic(op, double(lhs), double(rhs), left, right) }
    // Both integers.
    if op == .divide { return .float(double(lhs) / double(rhs)) }
    let a = bigInt(lhs)!
    let b = bigInt(rhs)!
    switch op {
    case .add: return integerValue(a + b)
    case .subtract: return integerValue(a - b)
    case .multiply: return integerValue(a * b)
    case .floorDivide, .remainder:
      if b == 0 {
        throw RuntimeError(
          typeName: "ArithmeticError", message: op == .remainder ? "modulo by zero" : "division by zero"
        )
      }
      var (quotient, remainder) = a.quotientAndRemainder(dividingBy: b)
      // Floor, as Python and Lua: the remainder takes the divisor's sign.
      if remainder != 0 && (remainder < 0) != (b < 0) {
        quotient -= 1
        remainder += b
      }
      return integerValue(op == .floorDivide ? quotient : remainder)
    case .power:
      if b < 0 { return .float(pow(double(lhs), double(rhs))) }
      if b > BigInt(1 << 24) && a.magnitude > 1 {
        throw RuntimeError(typeName: "ArithmeticError", message: "exponent \(b) is too large")
      }
      return integerValue(a.power(Int(b)))
    case .bitAnd: return integerValue(a & b)
    case .bitOr: return integerValue(a | b)
    case .bitXor: return integerValue(a ^ b)
    case .shiftLeft, .shiftRight:
      if b < 0 { throw RuntimeError(typeName: "ArithmeticError", message: "negative shift count \(b)") }
      if op == .shiftLeft {
        if b > BigInt(1 << 24) {
          throw RuntimeError(typeName: "ArithmeticError", message: "shift count \(b) is too large")
        }
        return integerValue(a << Int(b))
      }
      if b > 1 << 30 { return .int(a < 0 ? -1 : 0) }
      // Floor, as for small ints (`-5 >> 1` is -3): BigInt shifts the magnitude, which
      // rounds a negative value toward zero, so shift the one's complement instead.
      return integerValue(a < 0 ? -((-a - 1) >> Int(b)) - 1 : a >> Int(b))
    default:
      throw RuntimeError(typeName: "TypeError", message: "invalid arithmetic operation")
    }
  }

  /// Int64 arithmetic when the result fits; nil when it needs the bigint path (or an error).
  func smallIntegerArithmetic(_ op: Opcode, _ a: Int64, _ b: Int64) -> Value? {
    switch op {
    case .add:
      let (r, o) = a.addingReportingOverflow(b)
      return o ? nil : .int(r)
    case .subtract:
      let (r, o) = a.subtractingReportingOverflow(b)
      return o ? nil : .int(r)
    case .multiply:
      let (r, o) = a.multipliedReportingOverflow(by: b)
      return o ? nil : .int(r)
    case .divide:
      return .float(Double(a) / Double(b))
    case .floorDivide, .remainder:
      if b == 0 || (a == .min && b == -1) { return nil }
      var quotient = a / b
      var remainder = a % b
      if remainder != 0 && (remainder < 0) != (b < 0) {
        quotient -= 1
        remainder += b
      }
      return .int(op == .floorDivide ? quotient : remainder)
    case .bitAnd: return .int(a & b)
    case .bitOr: return .int(a | b)
    case .bitXor: return .int(a ^ b)
    case .shiftRight:
      if b < 0 { return nil }
      return .int(b >= 64 ? (a < 0 ? -1 : 0) : a >> b)
    case .shiftLeft:
      if b < 0 || b >= 63 { return nil }
      let shifted = a << b
      return shifted >> b == a ? .int(shifted) : nil
    case .power:
      if b < 0 { return nil }
      var result: Int64 = 1
      var base = a
      var exponent = b
      while exponent > 0 {
        if exponent & 1 == 1 {
          let (r, o) = result.multipliedReportingOverflow(by: base)
          if o { return nil }
          result = r
        }
        exponent >>= 1
        if exponent > 0 {
          let (squared, o) = base.multipliedReportingOverflow(by: base)
          if o { return nil }
          base = squared
        }
      }
      return .int(result)
    default:
      return nil
    }
  }

  func floatArithmetic(_ op: Opcode, _ a: Double, _ b: Double, _ left: Value, _ right: Value) throws(RuntimeError)
    -> Value
  {
    switch op {
    case .add: return .float(a + b)
    case .subtract: return .float(a - b)
    case .multiply: return .float(a * b)
    case .divide: return .float(a / b)
    case .floorDivide:
      if b == 0 { throw RuntimeError(typeName: "ArithmeticError", message: "division by zero") }
      return .float((a / b).rounded(.down))
    case .remainder:
      if b == 0 { throw RuntimeError(typeName: "ArithmeticError", message: "modulo by zero") }
      let remainder = fmod(a, b)
      return .float(remainder != 0 && (remainder < 0) != (b < 0) ? remainder + b : remainder)
    case .power: return .float(pow(a, b))
    default: throw operandError(op, left, right)
    }
  }

  func nonNumericArithmetic(_ op: Opcode, _ left: Value, _ right: Value) throws(RuntimeError) -> Value {
    if let method = operatorMethod(left, Self.operatorSymbols[op] ?? "") {
      return try call(closure: method, arguments: [left, right])
    }
    if op == .add, left.tag == .object, right.tag == .object {
      switch (left.objectKind, right.objectKind) {
      case (.string, .string):
        return concatenate(left, right)
      case (.list, .list):
        let joined = (left.object as! ListObject).values + (right.object as! ListObject).values
        return .object(heap.allocate(ListObject(joined)))
      default:
        break
      }
    }
    throw operandError(op, left, right)
  }

  /// `a + b` for two strings.
  func concatenate(_ left: Value, _ right: Value) -> Value {
    let (a, aCount) = StringObject.bytes(of: left)
    let (b, bCount) = StringObject.bytes(of: right)
    let count = aCount + bCount
    let storage = StringObject.allocateBytes(count, in: heap.pool)
    storage.initialize(from: a, count: aCount)
    (storage + aCount).initialize(from: b, count: bCount)
    return heap.makeString(adopting: storage, count: count)
  }

  func operandError(_ op: Opcode, _ left: Value, _ right: Value) -> RuntimeError {
    RuntimeError(
      typeName: "TypeError",
      message:
        "unsupported operand types for \(Self.operatorSymbols[op] ?? "?"): \(typeName(of: left)) and \(typeName(of: right))"
    )
  }

  @inline(never)
  func unary(_ op: Opcode, _ operand: Value) throws(RuntimeError) -> Value {
    switch op {
    case .not:
      return .bool(!operand.isTruthy)
    case .negate:
      if let method = operatorMethod(operand, "unary-") { return try call(closure: method, arguments: [operand]) }
      switch number(operand) {
      case .int(let value)?: return value == .min ? integerValue(-BigInt(value)) : .int(-value)
      case .big(let value)?: return integerValue(-value)
      case .float(let value)?: return .float(-value)
      case nil:
        throw RuntimeError(
          typeName: "TypeError", message: "unsupported operand type for -: \(typeName(of: operand))")
      }
    default:
      guard let number = number(operand), let integer = bigInt(number) else {
        throw RuntimeError(
          typeName: "TypeError", message: "unsupported operand type for ~: \(typeName(of: operand))")
      }
      return integerValue(~integer)
    }
  }

  // MARK: - Equality and ordering

  /// Structural equality: numbers by value across int/bigint/float, strings by text,
  /// tuples, lists and maps by contents; other objects by identity.
  func valuesEqual(_ left: Value, _ right: Value) -> Bool {
    if left.tag == right.tag && left.tag != .object && left.tag != .float { return left.payload == right.payload }
    if left.tag == .object && right.tag == .object && left.objectKind == .string && right.objectKind == .string {
      return left.payload == right.payload || stringsEqual(left, right)
    }
    if let lhs = number(left), let rhs = number(right) { return numbersEqual(lhs, rhs) }
    guard left.tag == .object, right.tag == .object else { return false }
    if left.payload == right.payload { return true }
    // Structures can contain themselves: past this depth two values count as different
    // rather than recursing until the stack runs out.
    guard structureDepth < Self.maximumStructureDepth else {
      // Not a silent `false`: the comparison could not be made (raised where it can be).
      if deferredError == nil {
        deferredError = RuntimeError(
          typeName: "ValueError", message: "comparison nested too deeply (a structure contains itself?)")
      }
      return false
    }
    structureDepth += 1
    defer { structureDepth -= 1 }
    switch (left.objectKind, right.objectKind) {
    case (.tuple, .tuple):
      return elementsEqual((left.object as! TupleObject).elements, (right.object as! TupleObject).elements)
    case (.list, .list):
      return elementsEqual((left.object as! ListObject).values, (right.object as! ListObject).values)
    case (.set, .set):
      let (a, b) = (left.object as! MapObject, right.object as! MapObject)
      return a.count == b.count && a.keys.allSatisfy { b.get($0) != nil }
    case (.map, .map):
      let (a, b) = (left.object as! MapObject, right.object as! MapObject)
      guard a.count == b.count else { return false }
      for (key, value) in zip(a.keys, a.values) {
        guard let other = b.get(key), valuesEqual(value, other) else { return false }
      }
      return true
    case (.instance, .instance) where (left.object as! InstanceObject).cls.isValueType:
      let (a, b) = (left.object as! InstanceObject, right.object as! InstanceObject)
      if let method = a.cls.methods["op:=="] {
        return callDeferringError(method, [left, right])?.isTruthy ?? false
      }
      guard a.cls === b.cls else { return false }
      for index in 0..<a.fieldCount where !valuesEqual(a.fields[index], b.fields[index]) { return false }
      return true
    case (.instance, _):
      guard let method = operatorMethod(left, "==") else { return false }
      return callDeferringError(method, [left, right])?.isTruthy ?? false
    case (.range, .range):
      let (a, b) = (left.object as! RangeObject, right.object as! RangeObject)
      return a.lower == b.lower && a.upper == b.upper && a.isClosed == b.isClosed && a.step == b.step
    default:
      return false
    }
  }

  func elementsEqual(_ a: [Value], _ b: [Value]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { valuesEqual($0, $1) }
  }

  func numbersEqual(_ a: Number, _ b: Number) -> Bool {
    switch (a, b) {
    case (.int(let x), .int(let y)): return x == y
    case (.float(let x), .float(let y)): return x == y
    case (.float(let x), _): return exactInteger(x).map { $0 == bigInt(b)! } ?? false
    case (_, .float(let y)): return exactInteger(y).map { $0 == bigInt(a)! } ?? false
    default: return bigInt(a)! == bigInt(b)!
    }
  }

  /// The integer a float equals exactly, if any.
  func exactInteger(_ value: Double) -> BigInt? {
    guard value.isFinite, value.rounded(.towardZero) == value else { return nil }
    return BigInt(exactly: value)
  }

  /// How an integer compares with a float, exactly (not by rounding the integer to a
  /// double): -1, 0 or 1 for less, equal or greater; nil when the float is nan.
  func compareInteger(_ integer: Number, toFloat float: Double) -> Int? {
    if float.isNaN { return nil }
    if float.isInfinite { return float > 0 ? -1 : 1 }
    // The float is its integral part plus a fraction in (-1, 1) of the same sign; the
    // integral part converts exactly, so compare with it first and let the fraction break a tie.
    let integral = float.rounded(.towardZero)
    let fraction = float - integral
    let order: Int
    if case .int(let x) = integer, let y = Int64(exactly: integral) {
      order = x < y ? -1 : x > y ? 1 : 0
    } else {
      let (x, y) = (bigInt(integer)!, BigInt(exactly: integral)!)
      order = x < y ? -1 : x > y ? 1 : 0
    }
    if order != 0 { return order }
    return fraction > 0 ? -1 : fraction < 0 ? 1 : 0
  }

  @inline(never)
  func compare(_ left: Value, _ right: Value, orEqual: Bool) throws(RuntimeError) -> Bool {
    if let lhs = number(left), let rhs = number(right) {
      switch (lhs, rhs) {
      case (.int(let x), .int(let y)): return orEqual ? x <= y : x < y
      case (.float(let x), .float(let y)): return orEqual ? x <= y : x < y
      case (.float(let x), _):
        // x < n exactly when n > x.
        guard let order = compareInteger(rhs, toFloat: x) else { return false }
        return orEqual ? order >= 0 : order > 0
      case (_, .float(let y)):
        guard let order = compareInteger(lhs, toFloat: y) else { return false }
        return orEqual ? order <= 0 : order < 0
      default:
        let (x, y) = (bigInt(lhs)!, bigInt(rhs)!)
        return orEqual ? x <= y : x < y
      }
    }
    if let method = operatorMethod(left, orEqual ? "<=" : "<") {
      return try call(closure: method, arguments: [left, right]).isTruthy
    }
    if orEqual, let method = operatorMethod(left, "<") {
      return try call(closure: method, arguments: [left, right]).isTruthy || valuesEqual(left, right)
    }
    if left.tag == .object, right.tag == .object {
      switch (left.objectKind, right.objectKind) {
      case (.string, .string):
        // By scalars, as `==` is (not by Swift's canonical equivalence): UTF-8 byte order
        // is scalar order.
        let (a, aCount) = StringObject.bytes(of: left)
        let (b, bCount) = StringObject.bytes(of: right)
        let common = memcmp(a, b, min(aCount, bCount))
        if common != 0 { return common < 0 }
        return orEqual ? aCount <= bCount : aCount < bCount
      case (.tuple, .tuple), (.list, .list):
        guard structureDepth < Self.maximumStructureDepth else {
          throw RuntimeError(
            typeName: "ValueError", message: "comparison nested too deeply (a structure contains itself?)")
        }
        structureDepth += 1
        defer { structureDepth -= 1 }
        let x = (left.object as? TupleObject)?.elements ?? (left.object as! ListObject).values
        let y = (right.object as? TupleObject)?.elements ?? (right.object as! ListObject).values
        for (a, b) in zip(x, y) where !valuesEqual(a, b) { return try compare(a, b, orEqual: false) }
        return orEqual ? x.count <= y.count : x.count < y.count
      default:
        break
      }
    }
    throw RuntimeError(
      typeName: "TypeError",
      message: "unsupported operand types for \(orEqual ? "<=" : "<"): \(typeName(of: left)) and \(typeName(of: right))"
    )
  }

  @inline(never)
  func compareWithImmediate(_ op: Opcode, _ left: Value, _ immediate: Int64) throws(RuntimeError) -> Bool {
    let right = Value.int(immediate)
    switch op {
    case .skipUnlessLessInt: return try compare(left, right, orEqual: false)
    case .skipUnlessLessEqualInt: return try compare(left, right, orEqual: true)
    case .skipUnlessGreaterInt: return try compare(right, left, orEqual: false)
    case .skipUnlessGreaterEqualInt: return try compare(right, left, orEqual: true)
    default: return valuesEqual(left, right)
    }
  }
}

extension VM {
  /// Mixes bits so that nearby ints spread over the table (SplitMix64's finaliser).
  static func mix(_ bits: UInt64) -> Int {
    var z = bits &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return Int(bitPattern: UInt(z ^ (z >> 31)))
  }

  /// A key's hash: equal keys (by `keysEqual`) hash alike, ints and integral floats included.
  /// An int hashes to itself (as in CPython), so runs of int keys fill consecutive slots.
  func hashKey(_ value: Value) -> Int {
    switch value.tag {
    case .int: return Int(value.asInt)
    case .float:
      // A float equal to an integer hashes as that integer, a bigint included.
      let x = value.asFloat
      if let exact = Int64(exactly: x) { return Int(exact) }
      if let exact = exactInteger(x) { return Self.hashBigInt(exact) }
      return Self.mix(x.bitPattern)
    case .object:
      switch value.objectKind {
      case .string: return value.withObject(as: StringObject.self) { $0.hash }
      case .bigInteger: return Self.hashBigInt((value.object as! BigIntegerObject).value)
      case .instance where (value.object as! InstanceObject).cls.methods["hash"] != nil:
        // A class's own `hash()` (it should agree with its `==`).
        let method = (value.object as! InstanceObject).cls.methods["hash"]!
        guard let hash = callDeferringError(method, [value]), hash.tag == .int else {
          return Self.mix(value.payload)
        }
        return Int(hash.asInt)
      case .instance where (value.object as! InstanceObject).cls.isValueType:
        let instance = value.object as! InstanceObject
        var hash = instance.classSerial
        for index in 0..<instance.fieldCount {
          hash = Self.mix(UInt64(bitPattern: Int64(hash ^ hashKey(instance.fields[index]))))
        }
        return hash
      case .tuple:
        var hash = 0x7475_706C_65
        // Deeply nested values hash by their outer levels only (equal values still agree).
        guard structureDepth < Self.maximumStructureDepth else { return hash }
        structureDepth += 1
        defer { structureDepth -= 1 }
        for element in (value.object as! TupleObject).elements {
          hash = Self.mix(UInt64(bitPattern: Int64(hash ^ hashKey(element))))
        }
        return hash
      default: return Self.mix(value.payload)
      }
    default:
      return Self.mix(value.payload ^ (UInt64(value.tag.rawValue) << 56))
    }
  }

  /// A bigint's hash, from its sign and magnitude words (the same in every run, unlike
  /// Swift's seeded `hashValue`). Bigints lie outside Int64, so none equals a small int.
  static func hashBigInt(_ value: BigInt) -> Int {
    var hash = mix(value.sign == .minus ? 0x6269_676E : 0x6269_6770)
    for word in value.magnitude.words { hash = mix(UInt64(bitPattern: Int64(hash)) ^ UInt64(word)) }
    return hash
  }

  /// Key equality: plain values by bits, everything else structurally.
  func keysEqual(_ a: Value, _ b: Value) -> Bool {
    if a.tag == b.tag && a.tag != .object && a.tag != .float { return a.payload == b.payload }
    return valuesEqual(a, b)
  }

  /// Lists, maps and sets change, so they cannot be keys.
  func checkHashable(_ value: Value) throws(RuntimeError) {
    guard value.tag == .object else { return }
    switch value.objectKind {
    case .list, .map, .set:
      throw RuntimeError(typeName: "TypeError", message: "unhashable type: \(typeName(of: value))")
    case .tuple:
      guard structureDepth < Self.maximumStructureDepth else {
        throw RuntimeError(typeName: "ValueError", message: "key nested too deeply")
      }
      structureDepth += 1
      defer { structureDepth -= 1 }
      for element in (value.object as! TupleObject).elements { try checkHashable(element) }
    case .instance:
      let instance = value.object as! InstanceObject
      if instance.cls.isValueType {
        for index in 0..<instance.fieldCount { try checkHashable(instance.fields[index]) }
      }
    default:
      break
    }
  }
}
