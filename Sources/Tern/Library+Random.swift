import Foundation

// The `random` module: a seedable pseudo-random generator, one per VM.

/// xoshiro256** (Blackman and Vigna, 2018), seeded through SplitMix64 as its authors
/// recommend. Plain 64-bit integer arithmetic only, so a seed gives the same sequence on
/// every platform and every run; Swift's own `random(in:using:)` is not used because its
/// algorithm may change between Swift releases.
struct Xoshiro256StarStar {
  private var s0: UInt64
  private var s1: UInt64
  private var s2: UInt64
  private var s3: UInt64

  init(seed: UInt64) {
    var state = seed
    func splitMix() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    // SplitMix64 never gives four zero words in a row, so the state is never all zero.
    s0 = splitMix()
    s1 = splitMix()
    s2 = splitMix()
    s3 = splitMix()
  }

  mutating func next() -> UInt64 {
    let result = Self.rotate(s1 &* 5, 7) &* 9
    let t = s1 << 17
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = Self.rotate(s3, 45)
    return result
  }

  private static func rotate(_ value: UInt64, _ count: UInt64) -> UInt64 {
    (value << count) | (value >> (64 - count))
  }

  /// A float in [0, 1): the top 53 bits, so every value is a multiple of 2⁻⁵³.
  mutating func nextUnit() -> Double {
    Double(next() >> 11) * 0x1.0p-53
  }

  /// An unbiased integer in [0, bound) (Lemire's multiply-and-reject); `bound` 0 means 2⁶⁴.
  mutating func next(below bound: UInt64) -> UInt64 {
    if bound == 0 { return next() }
    var product = next().multipliedFullWidth(by: bound)
    if product.low < bound {
      let threshold = (0 &- bound) % bound
      while product.low < threshold { product = next().multipliedFullWidth(by: bound) }
    }
    return product.high
  }
}

/// The state of one VM's `random` module, shared by its functions (the module is made once
/// per VM, so two VMs never share a generator).
final class RandomSource {
  var generator: Xoshiro256StarStar
  /// `VM.Options.randomSeed`: what `random.seed()` goes back to when the host set one.
  let hostSeed: UInt64?

  init(hostSeed: UInt64?) {
    self.hostSeed = hostSeed
    generator = Xoshiro256StarStar(seed: hostSeed ?? UInt64.random(in: .min ... .max))
  }
}

extension VM {
  /// `random`: `seed`, `random`, `int`, `float`, `choice`, `shuffle`, `sample`.
  func makeRandomModule() -> ModuleObject {
    let module = heap.allocate(ModuleObject(name: "random", path: nil))
    temporaryRoots.append(.object(module))
    defer { temporaryRoots.removeLast() }
    let source = RandomSource(hostSeed: options.randomSeed ?? (options.deterministic ? 0 : nil))
    func function(
      _ name: String, _ arity: ClosedRange<Int>, _ body: @escaping (VM, [Value]) throws(RuntimeError) -> Value
    ) {
      let native = NativeFunctionObject(name: "random." + name, arity: arity, body: body)
      module.define(names: [name], values: [.object(heap.allocate(native))])
    }

    // seed(n): restarts the sequence; seed() goes back to the host's seed, or to fresh entropy.
    function("seed", 0...1) { vm, arguments throws(RuntimeError) in
      let seed: UInt64
      if let argument = arguments.first, !argument.isNil {
        guard argument.tag == .int else {
          if vm.typeName(of: argument) == "Int" {  // a bigint
            throw RuntimeError(typeName: "ValueError", message: "random.seed expects an Int that fits in 64 bits")
          }
          throw RuntimeError(
            typeName: "TypeError", message: "random.seed expects an Int, not \(vm.typeName(of: argument))")
        }
        seed = UInt64(bitPattern: argument.asInt)
      } else {
        seed = source.hostSeed ?? UInt64.random(in: .min ... .max)
      }
      source.generator = Xoshiro256StarStar(seed: seed)
      return .null
    }
    function("random", 0...0) { _, _ in .float(source.generator.nextUnit()) }
    function("int", 2...2) { vm, arguments throws(RuntimeError) in
      let lower = try vm.randomBound(arguments[0], "random.int")
      let upper = try vm.randomBound(arguments[1], "random.int")
      guard lower <= upper else {
        throw RuntimeError(typeName: "ValueError", message: "random.int: lower bound \(lower) > upper bound \(upper)")
      }
      // The span fits in 64 bits unsigned; a span of 2⁶⁴ wraps to 0, which `next(below:)`
      // reads as the full range.
      let span = UInt64(bitPattern: upper &- lower) &+ 1
      return .int(lower &+ Int64(bitPattern: source.generator.next(below: span)))
    }
    function("float", 2...2) { vm, arguments throws(RuntimeError) in
      let lower = try vm.doubleArgument(arguments[0], "random.float")
      let upper = try vm.doubleArgument(arguments[1], "random.float")
      guard lower.isFinite, upper.isFinite else {
        throw RuntimeError(typeName: "ValueError", message: "random.float expects finite bounds")
      }
      guard lower <= upper else {
        throw RuntimeError(typeName: "ValueError", message: "random.float: lower bound \(lower) > upper bound \(upper)")
      }
      let unit = source.generator.nextUnit()
      let width = upper - lower
      var x = width.isFinite ? lower + width * unit : lower * (1 - unit) + upper * unit
      // Rounding can land on `upper`; the result stays in [lower, upper).
      if x >= upper && upper > lower { x = upper.nextDown }
      return .float(max(x, lower))
    }
    function("choice", 1...1) { vm, arguments throws(RuntimeError) in
      let sequence = try vm.randomSequence(arguments[0], "random.choice")
      guard sequence.count > 0 else {
        throw RuntimeError(typeName: "ValueError", message: "random.choice from an empty \(sequence.typeName)")
      }
      return vm.randomElement(of: sequence, at: Int64(bitPattern: source.generator.next(below: UInt64(sequence.count))))
    }
    function("shuffle", 1...1) { vm, arguments throws(RuntimeError) in
      guard let list = arguments[0].object(as: ListObject.self) else {
        throw RuntimeError(
          typeName: "TypeError", message: "random.shuffle expects a List, not \(vm.typeName(of: arguments[0]))")
      }
      // Fisher–Yates, from the end: the order of draws is part of the seeded sequence.
      var index = list.count - 1
      while index > 0 {
        let other = Int(source.generator.next(below: UInt64(index + 1)))
        let moved = list.elements[index]
        list.elements[index] = list.elements[other]
        list.elements[other] = moved
        index -= 1
      }
      return .null
    }
    function("sample", 2...2) { vm, arguments throws(RuntimeError) in
      let sequence = try vm.randomSequence(arguments[0], "random.sample")
      guard arguments[1].tag == .int else {
        if vm.isBigInteger(arguments[1]) {
          throw RuntimeError(
            typeName: "ValueError",
            message:
              "random.sample of \(vm.describe(arguments[1])) from a \(sequence.typeName) of \(sequence.count) elements")
        }
        throw RuntimeError(
          typeName: "TypeError", message: "random.sample expects an Int count, not \(vm.typeName(of: arguments[1]))")
      }
      let wanted = arguments[1].asInt
      guard wanted >= 0, wanted <= sequence.count else {
        throw RuntimeError(
          typeName: "ValueError",
          message: "random.sample of \(wanted) from a \(sequence.typeName) of \(sequence.count) elements")
      }
      // A partial Fisher–Yates over positions; a range is sampled without listing it.
      var swapped: [Int64: Int64] = [:]
      let result = vm.heap.allocate(ListObject(capacity: Int(min(wanted, 1 << 16))))
      return try vm.withRoot(.object(result)) { () throws(RuntimeError) -> Value in
        for index in 0..<wanted {
          let pick = index + Int64(bitPattern: source.generator.next(below: UInt64(sequence.count - index)))
          let position = swapped[pick] ?? pick
          swapped[pick] = swapped[index] ?? index
          result.append(vm.randomElement(of: sequence, at: position))
        }
        return .object(result)
      }
    }
    return module
  }

  /// A bound of `random.int`: an Int (a bigint is out of range).
  private func randomBound(_ value: Value, _ name: String) throws(RuntimeError) -> Int64 {
    guard value.tag == .int else {
      let type = typeName(of: value)
      if type == "Int" {
        throw RuntimeError(typeName: "ValueError", message: "\(name) bounds must fit in 64 bits")
      }
      throw RuntimeError(typeName: "TypeError", message: "\(name) expects Ints, not \(type)")
    }
    return value.asInt
  }

  /// What `choice` and `sample` draw from: a list, tuple, string (its characters) or range,
  /// read by position without copying a list or a range.
  fileprivate struct RandomSequence {
    let value: Value
    let count: Int64
    let typeName: String
    /// A string's characters, read once.
    let scalars: [Unicode.Scalar]
  }

  private func randomSequence(_ value: Value, _ name: String) throws(RuntimeError) -> RandomSequence {
    let type = typeName(of: value)
    if let list = value.object(as: ListObject.self) {
      return RandomSequence(value: value, count: Int64(list.count), typeName: type, scalars: [])
    }
    if let tuple = value.object(as: TupleObject.self) {
      return RandomSequence(value: value, count: Int64(tuple.elements.count), typeName: type, scalars: [])
    }
    if let text = value.object(as: StringObject.self) {
      let scalars = text.scalars
      return RandomSequence(value: value, count: Int64(scalars.count), typeName: type, scalars: scalars)
    }
    if let range = value.object(as: RangeObject.self) {
      let count = rangeCount(range)
      guard count < Int64.max else {
        throw RuntimeError(typeName: "ValueError", message: "\(name): the range is too large")
      }
      return RandomSequence(value: value, count: count, typeName: type, scalars: [])
    }
    throw RuntimeError(typeName: "TypeError", message: "\(name) expects a List, Tuple, String or Range, not \(type)")
  }

  private func randomElement(of sequence: RandomSequence, at position: Int64) -> Value {
    let object = sequence.value.object
    switch object {
    case let list as ListObject: return list.elements[Int(position)]
    case let tuple as TupleObject: return tuple.elements[Int(position)]
    case let range as RangeObject: return .int(range.lower &+ position &* range.step)
    default: return string(String(sequence.scalars[Int(position)]))
    }
  }
}
