import Foundation

// The methods of strings. Tern strings are sequences of Unicode scalars (`count`, indexing,
// `==` and `<` all go by scalar), so every search here matches scalars too, never Swift's
// grapheme clusters or canonical equivalence: `"a\r\nb".split("\n")` splits inside the
// `\r\n` cluster, and `"e\u{301}".contains("e")` is true. Searching works on the UTF-8 bytes:
// a needle of whole scalars matches bytes exactly where it matches scalars (UTF-8 never
// starts one scalar inside another).

extension VM {
  func stringMethod(_ object: StringObject, _ name: String, _ arguments: [Value]) throws(RuntimeError) -> Value {
    if name == "upper" || name == "lower" || name == "trim" || name == "chars" || name == "bytes" {
      try argumentCount(arguments, 0...0, name)
    }
    switch name {
    case "upper": return string(object.value.uppercased())
    case "lower": return string(object.value.lowercased())
    case "trim":
      let scalars = object.scalars
      guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return string("") }
      let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
      var text = ""
      text.unicodeScalars.append(contentsOf: scalars[first...last])
      return string(text)
    case "contains", "startsWith", "endsWith", "find":
      try argumentCount(arguments, 1...1, name)
      let needle = try stringObjectArgument(arguments[0], name)
      switch name {
      case "contains": return .bool(object.occurrences(of: needle, limit: 1).count == 1)
      case "startsWith": return .bool(object.hasBytes(of: needle, at: 0))
      case "endsWith": return .bool(object.hasBytes(of: needle, at: object.byteCount - needle.byteCount))
      default:
        guard let offset = object.occurrences(of: needle, limit: 1).first else { return .null }
        return .int(Int64(object.scalarCount(beforeByte: offset)))
      }
    case "replace":
      try argumentCount(arguments, 2...2, name)
      let old = try stringObjectArgument(arguments[0], name)
      let new = try stringObjectArgument(arguments[1], name)
      let offsets = old.byteCount == 0 ? [] : object.occurrences(of: old)
      if offsets.isEmpty { return string(bytes: object.byteArray(0..<object.byteCount)) }
      var bytes: [UInt8] = []
      bytes.reserveCapacity(object.byteCount + offsets.count * (new.byteCount - old.byteCount))
      let replacement = new.byteArray(0..<new.byteCount)
      var start = 0
      for offset in offsets {
        bytes += object.byteArray(start..<offset)
        bytes += replacement
        start = offset + old.byteCount
      }
      bytes += object.byteArray(start..<object.byteCount)
      return string(bytes: bytes)
    case "split":
      try argumentCount(arguments, 0...1, name)
      guard let separatorValue = arguments.first else {
        // Runs of whitespace scalars separate the fields; there are no empty fields.
        var parts: [String] = []
        var part = ""
        for scalar in object.scalars {
          if scalar.properties.isWhitespace {
            if !part.isEmpty { parts.append(part) }
            part = ""
          } else {
            part.unicodeScalars.append(scalar)
          }
        }
        if !part.isEmpty { parts.append(part) }
        return stringList(parts)
      }
      let separator = try stringObjectArgument(separatorValue, name)
      guard separator.byteCount > 0 else { throw RuntimeError(typeName: "ValueError", message: "empty separator") }
      var parts: [String] = []
      var start = 0
      for offset in object.occurrences(of: separator) {
        parts.append(object.substring(start..<offset))
        start = offset + separator.byteCount
      }
      parts.append(object.substring(start..<object.byteCount))
      return stringList(parts)
    case "chars":
      return stringList(object.scalars.map { String($0) })
    case "bytes":
      return .object(heap.allocate(ListObject(object.byteArray(0..<object.byteCount).map { .int(Int64($0)) })))
    default:
      throw RuntimeError(typeName: "TypeError", message: "String has no method '\(name)'")
    }
  }

  func stringObjectArgument(_ value: Value, _ name: String) throws(RuntimeError) -> StringObject {
    guard let text = value.object(as: StringObject.self) else {
      throw RuntimeError(typeName: "TypeError", message: "\(name) expects a String, not \(typeName(of: value))")
    }
    return text
  }

  /// A new list of new strings, kept reachable while it is filled.
  func stringList(_ parts: [String]) -> Value {
    let list = heap.allocate(ListObject(capacity: parts.count))
    temporaryRoots.append(.object(list))
    defer { temporaryRoots.removeLast() }
    for part in parts { list.append(string(part)) }
    return .object(list)
  }
}

extension StringObject {
  /// Byte offsets of the occurrences of `needle` in this string, left to right and not
  /// overlapping, at most `limit` of them. An empty needle occurs once, at 0.
  func occurrences(of needle: StringObject, limit: Int = .max) -> [Int] {
    let count = needle.byteCount
    if count == 0 { return [0] }
    var found: [Int] = []
    var start = 0
    while found.count < limit && start + count <= byteCount {
      // The next place the needle's first byte occurs, then the rest compared.
      guard let hit = memchr(bytes + start, Int32(needle.bytes[0]), byteCount - count + 1 - start) else { break }
      let offset = bytes.distance(to: hit.assumingMemoryBound(to: UInt8.self))
      if memcmp(bytes + offset, needle.bytes, count) == 0 {
        found.append(offset)
        start = offset + count
      } else {
        start = offset + 1
      }
    }
    return found
  }

  /// True when `needle`'s bytes appear at byte `offset`.
  func hasBytes(of needle: StringObject, at offset: Int) -> Bool {
    offset >= 0 && offset + needle.byteCount <= byteCount
      && (needle.byteCount == 0 || memcmp(bytes + offset, needle.bytes, needle.byteCount) == 0)
  }

  /// How many scalars start before byte `offset` (every byte that is not a UTF-8
  /// continuation byte starts one).
  func scalarCount(beforeByte offset: Int) -> Int {
    (0..<offset).reduce(0) { count, index in bytes[index] & 0xC0 == 0x80 ? count : count + 1 }
  }

  func byteArray(_ range: Range<Int>) -> [UInt8] {
    Array(UnsafeBufferPointer(start: bytes + range.lowerBound, count: range.count))
  }

  /// The text of a byte range that starts and ends on scalar boundaries.
  func substring(_ range: Range<Int>) -> String {
    String(decoding: UnsafeBufferPointer(start: bytes + range.lowerBound, count: range.count), as: UTF8.self)
  }
}
