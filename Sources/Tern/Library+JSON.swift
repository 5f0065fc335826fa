import BigInt
import Foundation

// The `json` module: `json.stringify(value, indent:)` and `json.parse(text)` (RFC 8259).
// The parser lives in `JSONParser.swift`.

extension VM {
  /// How deep arrays and objects may nest, in both directions. Both walks keep their own
  /// stack (no Swift recursion), so the limit is a policy against runaway input, not a guard
  /// for the thread's stack.
  static let maximumJSONDepth = 512

  /// `json`: `stringify` and `parse`.
  func makeJSONModule() -> ModuleObject {
    let module = heap.allocate(ModuleObject(name: "json", path: nil))
    temporaryRoots.append(.object(module))
    defer { temporaryRoots.removeLast() }
    let stringify = NativeFunctionObject(name: "json.stringify", arity: 1...2) { vm, arguments throws(RuntimeError) in
      var writer = JSONWriter(vm: vm, indent: try vm.jsonIndent(arguments.count > 1 ? arguments[1] : .null))
      try writer.write(arguments[0])
      return vm.string(bytes: writer.output)
    }
    stringify.parameterNames = ["value", "indent"]
    module.define(names: ["stringify"], values: [.object(heap.allocate(stringify))])
    let parse = NativeFunctionObject(name: "json.parse", arity: 1...1) { vm, arguments throws(RuntimeError) in
      guard let text = arguments[0].object(as: StringObject.self) else {
        throw RuntimeError(
          typeName: "TypeError", message: "json.parse expects a String, not \(vm.typeName(of: arguments[0]))")
      }
      let (bytes, count) = StringObject.bytes(of: .object(text))
      var parser = JSONParser(vm: vm, bytes: Array(UnsafeBufferPointer(start: bytes, count: count)))
      return try parser.parse()
    }
    parse.parameterNames = ["text"]
    module.define(names: ["parse"], values: [.object(heap.allocate(parse))])
    return module
  }

  /// `indent:`: nil for one line, an Int for that many spaces a level, or a String used as
  /// the indentation itself.
  private func jsonIndent(_ value: Value) throws(RuntimeError) -> [UInt8]? {
    if value.isNil { return nil }
    if value.tag == .int || isBigInteger(value) {
      guard value.tag == .int, value.asInt >= 0, value.asInt <= 100 else {
        throw RuntimeError(typeName: "ValueError", message: "json.stringify indent must be from 0 to 100")
      }
      return Array(repeating: UInt8(ascii: " "), count: Int(value.asInt))
    }
    if let text = stringValue(value) { return Array(text.utf8) }
    throw RuntimeError(
      typeName: "TypeError", message: "json.stringify indent must be an Int or a String, not \(typeName(of: value))")
  }

  /// A new string holding `bytes` (valid UTF-8), copied once.
  func string(bytes: [UInt8]) -> Value {
    let storage = StringObject.allocateBytes(bytes.count, in: heap.pool)
    bytes.withUnsafeBufferPointer { buffer in
      if let base = buffer.baseAddress { storage.initialize(from: base, count: buffer.count) }
    }
    return .object(heap.allocate(StringObject(adopting: storage, count: bytes.count, pool: heap.pool)))
  }
}

/// Writes a value as JSON text. Lists and tuples become arrays, maps with String keys
/// objects (in insertion order), ints and bigints integers, finite floats numbers in the
/// shortest form that reads back (`2.0` keeps its `.0`), strings strings; anything else
/// is a `TypeError`. Walks with an explicit stack of open containers.
struct JSONWriter {
  unowned let vm: VM
  /// One level of indentation; nil writes everything on one line with no spaces.
  let indent: [UInt8]?
  private(set) var output: [UInt8] = []

  /// An array or object being written: the container and the position of its next child
  /// (an element index, or a map entry position as `MapObject.entry(from:)` counts them).
  private struct Open {
    let object: HeapObject
    let isObject: Bool
    var position = 0
    var written = 0
  }

  private var open: [Open] = []
  /// The containers in `open`, to report a list or map that contains itself.
  private var onPath: Set<ObjectIdentifier> = []

  init(vm: VM, indent: [UInt8]?) {
    self.vm = vm
    self.indent = indent
  }

  mutating func write(_ root: Value) throws(RuntimeError) {
    var next: Value? = root
    while true {
      if let value = next {
        try start(value)
        next = nil
      }
      guard var top = open.last else { return }
      if let child = try nextChild(of: &top) {
        if top.written > 0 { output.append(UInt8(ascii: ",")) }
        newline(depth: open.count)
        if let key = child.key {
          writeString(key)
          output.append(UInt8(ascii: ":"))
          if indent != nil { output.append(UInt8(ascii: " ")) }
        }
        top.written += 1
        open[open.count - 1] = top
        next = child.value
      } else {
        open.removeLast()
        onPath.remove(ObjectIdentifier(top.object))
        newline(depth: open.count)
        output.append(UInt8(ascii: top.isObject ? "}" : "]"))
      }
    }
  }

  /// Writes a scalar, or the opening of a non-empty container (pushed onto `open`).
  private mutating func start(_ value: Value) throws(RuntimeError) {
    switch value.tag {
    case .undefined, .null: output += Array("null".utf8)
    case .bool: output += Array((value.asBool ? "true" : "false").utf8)
    case .int: output += Array(String(value.asInt).utf8)
    case .float:
      let x = value.asFloat
      guard x.isFinite else {
        throw RuntimeError(
          typeName: "ValueError",
          message: "json.stringify cannot encode \(VM.describeFloat(x)) (JSON has no such number)")
      }
      output += Array(VM.describeFloat(x).utf8)
    case .symbol:
      throw unsupported(value)
    case .object:
      let object = value.object
      switch value.objectKind {
      case .string: writeString(value)
      case .bigInteger: output += Array(String((object as? BigIntegerObject)?.value ?? 0).utf8)
      case .list, .tuple, .map:
        // The depth counts empty containers too, as the parser does.
        guard open.count < VM.maximumJSONDepth else {
          throw RuntimeError(
            typeName: "ValueError", message: "json.stringify: nesting deeper than \(VM.maximumJSONDepth) levels")
        }
        let isEmpty =
          switch object {
          case let list as ListObject: list.count == 0
          case let tuple as TupleObject: tuple.elements.isEmpty
          default: (object as? MapObject)?.count == 0
          }
        if isEmpty {
          output += Array((value.objectKind == .map ? "{}" : "[]").utf8)
          return
        }
        guard onPath.insert(ObjectIdentifier(object)).inserted else {
          throw RuntimeError(
            typeName: "ValueError", message: "json.stringify: a \(vm.typeName(of: value)) contains itself")
        }
        let isObject = value.objectKind == .map
        open.append(Open(object: object, isObject: isObject))
        output.append(UInt8(ascii: isObject ? "{" : "["))
      default:
        throw unsupported(value)
      }
    }
  }

  /// The next element (or key and value) of an open container, advancing its position.
  private func nextChild(of container: inout Open) throws(RuntimeError) -> (key: Value?, value: Value)? {
    switch container.object {
    case let list as ListObject:
      guard container.position < list.count else { return nil }
      container.position += 1
      return (nil, list.elements[container.position - 1])
    case let tuple as TupleObject:
      guard container.position < tuple.elements.count else { return nil }
      container.position += 1
      return (nil, tuple.elements[container.position - 1])
    case let map as MapObject:
      guard let entry = map.entry(from: container.position) else { return nil }
      container.position = entry.next
      guard entry.key.tag == .object, entry.key.objectKind == .string else {
        throw RuntimeError(
          typeName: "TypeError",
          message: "json.stringify: object keys must be Strings, not \(vm.typeName(of: entry.key))")
      }
      return (entry.key, entry.value)
    default:
      return nil
    }
  }

  private func unsupported(_ value: Value) -> RuntimeError {
    RuntimeError(typeName: "TypeError", message: "json.stringify cannot encode a \(vm.typeName(of: value))")
  }

  private mutating func newline(depth: Int) {
    guard let indent else { return }
    output.append(UInt8(ascii: "\n"))
    for _ in 0..<depth { output += indent }
  }

  /// A string in quotes: `"` and `\` escaped, control characters as `\n`-style escapes or
  /// `\u00XX`; everything else (non-ASCII included) as its UTF-8 bytes.
  private mutating func writeString(_ value: Value) {
    let (bytes, count) = StringObject.bytes(of: value)
    output.append(UInt8(ascii: "\""))
    for index in 0..<count {
      let byte = bytes[index]
      switch byte {
      case UInt8(ascii: "\""): output += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
      case UInt8(ascii: "\\"): output += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
      case 0x0A: output += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
      case 0x0D: output += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
      case 0x09: output += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
      case 0x08: output += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
      case 0x0C: output += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
      case 0..<0x20:
        let hex = Array("0123456789abcdef".utf8)
        output += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
      default: output.append(byte)
      }
    }
    output.append(UInt8(ascii: "\""))
  }
}
