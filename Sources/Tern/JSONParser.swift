import BigInt
import Foundation

/// `json.parse`: strict RFC 8259 JSON to Tern values. Objects become maps (keys in the
/// order they appear; a repeated key keeps its first position and its last value), arrays
/// lists, integers Ints (bigints when they do not fit in 64 bits), numbers with a fraction
/// or exponent Floats, `true`/`false` Bools, `null` nil.
///
/// Any input gives a value or a `ValueError` ("json.parse: … at line L column C", the
/// column counted in characters); never a trap. Nesting is tracked on an explicit stack of
/// open containers, not by recursion, and is limited to `VM.maximumJSONDepth`.
///
/// GC: every container still open, and an object's key waiting for its value, sits in
/// `vm.temporaryRoots` (pushed and popped in stack order), so allocating the next value
/// cannot free them.
struct JSONParser {
  unowned let vm: VM
  let bytes: [UInt8]
  private var index = 0

  /// An open array or object; for an object, whether a key is rooted waiting for its value.
  private struct Open {
    let list: ListObject?
    let map: MapObject?
    var key: Value = .null
  }

  private var open: [Open] = []

  init(vm: VM, bytes: [UInt8]) {
    self.vm = vm
    self.bytes = bytes
  }

  mutating func parse() throws(RuntimeError) -> Value {
    let rootMark = vm.temporaryRoots.count
    defer { vm.temporaryRoots.removeSubrange(rootMark...) }
    while true {
      guard var value = try startValue() else { continue }
      // Store the value in the innermost open container; close the containers that end.
      while true {
        guard var top = open.last else {
          skipWhitespace()
          guard index == bytes.count else { throw failure("unexpected text after the JSON value") }
          return value
        }
        if let list = top.list {
          list.append(value)
        } else if let map = top.map {
          map.set(top.key, value)
          vm.temporaryRoots.removeLast()  // the key
        }
        skipWhitespace()
        if peek == UInt8(ascii: ",") {
          index += 1
          if top.map != nil {
            top.key = try objectKey()
            open[open.count - 1] = top
          }
          break  // to the next element's value
        }
        guard peek == (top.list != nil ? UInt8(ascii: "]") : UInt8(ascii: "}")) else {
          if index == bytes.count { throw failure("unexpected end of input") }
          throw failure(
            top.list != nil ? "expected ',' or ']' after an array element" : "expected ',' or '}' after an object value"
          )
        }
        index += 1
        open.removeLast()
        value = vm.temporaryRoots.removeLast()  // the container itself
      }
    }
  }

  private var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

  private mutating func skipWhitespace() {
    while let byte = peek, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
  }

  /// Reads a scalar value (returned), or opens a container: an empty one is returned at
  /// once; a non-empty one is pushed (and rooted) and nil returned, with the input at its
  /// first element (or, for an object, past its first key and colon).
  private mutating func startValue() throws(RuntimeError) -> Value? {
    skipWhitespace()
    guard let byte = peek else { throw failure("unexpected end of input") }
    switch byte {
    case UInt8(ascii: "["), UInt8(ascii: "{"):
      guard open.count < VM.maximumJSONDepth else {
        throw failure("nesting deeper than \(VM.maximumJSONDepth) levels")
      }
      index += 1
      let isObject = byte == UInt8(ascii: "{")
      let container: HeapObject =
        isObject ? vm.heap.allocate(MapObject(vm: vm)) : vm.heap.allocate(ListObject())
      skipWhitespace()
      if peek == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
        index += 1
        return .object(container)
      }
      vm.temporaryRoots.append(.object(container))
      var entry = Open(list: container as? ListObject, map: container as? MapObject)
      if isObject { entry.key = try objectKey() }
      open.append(entry)
      return nil
    case UInt8(ascii: "\""):
      return try string()
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
      return try number()
    case UInt8(ascii: "t"): return try literal("true", .true)
    case UInt8(ascii: "f"): return try literal("false", .false)
    case UInt8(ascii: "n"): return try literal("null", .null)
    default:
      throw failure("unexpected \(describeCharacter(at: index))")
    }
  }

  /// An object key, rooted until its value is stored, and the colon after it.
  private mutating func objectKey() throws(RuntimeError) -> Value {
    skipWhitespace()
    guard peek == UInt8(ascii: "\"") else {
      if index == bytes.count { throw failure("unexpected end of input") }
      throw failure("expected a string key, found \(describeCharacter(at: index))")
    }
    let key = try string()
    vm.temporaryRoots.append(key)
    skipWhitespace()
    guard peek == UInt8(ascii: ":") else {
      if index == bytes.count { throw failure("unexpected end of input") }
      throw failure("expected ':' after an object key")
    }
    index += 1
    return key
  }

  private mutating func literal(_ word: String, _ value: Value) throws(RuntimeError) -> Value {
    let start = index
    for expected in word.utf8 {
      guard peek == expected else {
        index = start
        throw failure("invalid literal (expected '\(word)')")
      }
      index += 1
    }
    return value
  }

  /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
  private mutating func number() throws(RuntimeError) -> Value {
    let start = index
    var isInteger = true
    if peek == UInt8(ascii: "-") { index += 1 }
    func isDigit(_ byte: UInt8?) -> Bool { byte.map { $0 >= 0x30 && $0 <= 0x39 } ?? false }
    guard isDigit(peek) else { throw failure("invalid number: expected a digit", at: index) }
    if peek == UInt8(ascii: "0") {
      index += 1
      if isDigit(peek) { throw failure("invalid number: leading zero", at: start) }
    } else {
      while isDigit(peek) { index += 1 }
    }
    if peek == UInt8(ascii: ".") {
      isInteger = false
      index += 1
      guard isDigit(peek) else { throw failure("invalid number: expected a digit after '.'", at: index) }
      while isDigit(peek) { index += 1 }
    }
    if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
      isInteger = false
      index += 1
      if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { index += 1 }
      guard isDigit(peek) else { throw failure("invalid number: expected a digit in the exponent", at: index) }
      while isDigit(peek) { index += 1 }
    }
    let text = String(decoding: bytes[start..<index], as: UTF8.self)
    if isInteger {
      if let small = Int64(text) { return .int(small) }
      return vm.integerValue(BigInt(text) ?? 0)
    }
    guard let x = Double(text), x.isFinite else {
      throw failure("number out of range", at: start)
    }
    return .float(x)
  }

  /// A string literal (the input at its opening quote); escapes decoded.
  private mutating func string() throws(RuntimeError) -> Value {
    index += 1
    var text: [UInt8] = []
    var runStart = index
    while true {
      guard let byte = peek else { throw failure("unterminated string") }
      switch byte {
      case UInt8(ascii: "\""):
        text += bytes[runStart..<index]
        index += 1
        return vm.string(bytes: text)
      case UInt8(ascii: "\\"):
        text += bytes[runStart..<index]
        try escape(into: &text)
        runStart = index
      case 0..<0x20:
        throw failure("control character U+\(hex4(UInt32(byte))) in a string (write it as an escape)")
      default:
        index += 1
      }
    }
  }

  /// One escape sequence (the input at its backslash), appended as UTF-8.
  /// `\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`: the byte each stands for.
  static let singleByteEscapes: [UInt8: UInt8] = [
    UInt8(ascii: "\""): UInt8(ascii: "\""), UInt8(ascii: "\\"): UInt8(ascii: "\\"),
    UInt8(ascii: "/"): UInt8(ascii: "/"),
    UInt8(ascii: "b"): 0x08, UInt8(ascii: "f"): 0x0C, UInt8(ascii: "n"): 0x0A, UInt8(ascii: "r"): 0x0D,
    UInt8(ascii: "t"): 0x09,
  ]

  private mutating func escape(into text: inout [UInt8]) throws(RuntimeError) {
    let start = index
    index += 1
    guard let letter = peek else { throw failure("unterminated string") }
    index += 1
    if let byte = Self.singleByteEscapes[letter] {
      text.append(byte)
      return
    }
    guard letter == UInt8(ascii: "u") else {
      throw failure("invalid escape '\\\(String(decoding: [letter], as: UTF8.self))'", at: start)
    }
    var code = try hexDigits(escapeStart: start)
    if (0xDC00...0xDFFF).contains(code) {
      throw failure("unpaired surrogate \\u\(hex4(code))", at: start)
    }
    if (0xD800...0xDBFF).contains(code) {
      let lowStart = index
      guard peek == UInt8(ascii: "\\"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u") else {
        throw failure("unpaired surrogate \\u\(hex4(code))", at: start)
      }
      index += 2
      let low = try hexDigits(escapeStart: lowStart)
      guard (0xDC00...0xDFFF).contains(low) else {
        throw failure("unpaired surrogate \\u\(hex4(code))", at: start)
      }
      code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
    }
    // Never nil: surrogates were handled above and the value is at most 0x10FFFF.
    text += Array(String(Unicode.Scalar(code) ?? "\u{FFFD}").utf8)
  }

  /// The four hex digits of a `\u` escape.
  private mutating func hexDigits(escapeStart: Int) throws(RuntimeError) -> UInt32 {
    var code: UInt32 = 0
    for _ in 0..<4 {
      guard let byte = peek, let digit = Self.hexValue(byte) else {
        throw failure("invalid \\u escape (expected four hex digits)", at: escapeStart)
      }
      code = code << 4 | digit
      index += 1
    }
    return code
  }

  private static func hexValue(_ byte: UInt8) -> UInt32? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
    case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
    case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
    default: nil
    }
  }

  private func hex4(_ code: UInt32) -> String {
    let digits = String(code, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
  }

  /// The character starting at byte `position`, for messages: `'x'`, or `U+XXXX` for an
  /// invisible one.
  private func describeCharacter(at position: Int) -> String {
    var end = position + 1
    while end < bytes.count && bytes[end] & 0xC0 == 0x80 { end += 1 }
    let text = String(decoding: bytes[position..<end], as: UTF8.self)
    guard let scalar = text.unicodeScalars.first else { return "end of input" }
    if scalar.value < 0x20 || scalar.value == 0x7F || scalar.properties.generalCategory == .format
      || scalar.properties.isWhitespace
    {
      return "character U+\(hex4(scalar.value))"
    }
    return "character '\(text)'"
  }

  /// A `ValueError` at byte `position` (by default where the parser is), with the line and
  /// the column in characters, both from 1.
  private func failure(_ message: String, at position: Int? = nil) -> RuntimeError {
    let position = min(position ?? index, bytes.count)
    var line = 1
    var lineStart = 0
    for offset in 0..<position where bytes[offset] == 0x0A {
      line += 1
      lineStart = offset + 1
    }
    // Characters, not bytes: count the bytes that start a UTF-8 sequence.
    let column = bytes[lineStart..<position].reduce(1) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
    return RuntimeError(typeName: "ValueError", message: "json.parse: \(message) at line \(line) column \(column)")
  }
}
