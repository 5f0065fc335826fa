extension Lexer {
  // MARK: - Identifiers and keywords

  static func isIdentifierByte(_ byte: UInt8) -> Bool {
    (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
      || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
      || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_")
  }

  /// Decodes the UTF-8 scalar at `index`, or nil (with length 1) for invalid bytes.
  func decodeScalar(at index: Int) -> (scalar: Unicode.Scalar?, length: Int) {
    let lead = bytes[index]
    let length: Int
    var value: UInt32
    switch lead {
    case 0x00...0x7F: return (Unicode.Scalar(lead), 1)
    case 0xC2...0xDF:
      length = 2
      value = UInt32(lead & 0x1F)
    case 0xE0...0xEF:
      length = 3
      value = UInt32(lead & 0x0F)
    case 0xF0...0xF4:
      length = 4
      value = UInt32(lead & 0x07)
    default: return (nil, 1)
    }
    guard index + length <= bytes.count else { return (nil, 1) }
    for offset in 1..<length {
      let byte = bytes[index + offset]
      guard byte & 0xC0 == 0x80 else { return (nil, 1) }
      value = value << 6 | UInt32(byte & 0x3F)
    }
    let minimum: UInt32 = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000
    guard value >= minimum, let scalar = Unicode.Scalar(value) else { return (nil, 1) }
    return (scalar, length)
  }

  /// Advances over identifier characters (ASCII or Unicode XID_Continue).
  mutating func skipIdentifierCharacters() {
    while position < bytes.count {
      let byte = bytes[position]
      if Lexer.isIdentifierByte(byte) {
        position += 1
      } else if byte >= 0x80, case (let scalar?, let length) = decodeScalar(at: position),
        scalar.properties.isXIDContinue
      {
        position += length
      } else {
        return
      }
    }
  }

  mutating func lexIdentifier() {
    let start = position
    skipIdentifierCharacters()
    let text = String(decoding: bytes[start..<position], as: UTF8.self)
    // After `.` every word is a member name (`gen.resume`, `p.with`, symbol `.yield`).
    if let keyword = TokenKind.keywords[text], lastKind != .dot, lastKind != .questionDot {
      emit(keyword, from: start, to: position)
    } else {
      emit(.identifier, from: start, to: position, payload: .name(text))
    }
  }

  mutating func lexNonASCII() {
    let start = position
    let (scalar, length) = decodeScalar(at: position)
    guard let scalar else {
      position += 1
      report("invalid UTF-8 byte in source", start, position)
      emit(.error, from: start, to: position)
      return
    }
    if scalar.properties.isXIDStart {
      lexIdentifier()
      return
    }
    position += length
    report("unexpected character `\(scalar)`", start, position)
    emit(.error, from: start, to: position)
  }

  // MARK: - Punctuation

  mutating func lexPunctuation() {
    let start = position
    let byte = bytes[position]
    if byte == UInt8(ascii: "."), peek(1) == UInt8(ascii: "."), peek(2) != UInt8(ascii: "."),
      peek(2) != UInt8(ascii: "<")
    {
      position += 2
      report(
        "`..` is not an operator", start, position,
        hint: "use `..<` for a half-open range or `...` for a closed range")
      emit(.closedRange, from: start, to: position)
      return
    }
    for (text, kind) in TokenKind.punctuationByLength where matches(text) {
      position += text.utf8.count
      trackBracket(kind, at: start)
      emit(kind, from: start, to: position)
      return
    }
    position += 1
    switch byte {
    case UInt8(ascii: "'"):
      // Report a single-quoted string once, as a whole, rather than each quote.
      var end = position
      while end < bytes.count, bytes[end] != UInt8(ascii: "\n"), bytes[end] != UInt8(ascii: "'") { end += 1 }
      if end < bytes.count, bytes[end] == UInt8(ascii: "'") { position = end + 1 }
      report("strings are written in double quotes", start, position, hint: "write \"text\" instead of 'text'")
    case UInt8(ascii: "#"):
      report("unexpected character `#`", start, position, hint: "comments start with `//`")
    default:
      let shown = byte < 0x20 || byte == 0x7F ? "\\u{\(String(byte, radix: 16))}" : String(UnicodeScalar(byte))
      report("unexpected character `\(shown)`", start, position)
    }
    emit(.error, from: start, to: position)
  }

  func matches(_ text: String) -> Bool {
    var index = position
    for byte in text.utf8 {
      guard index < bytes.count, bytes[index] == byte else { return false }
      index += 1
    }
    return true
  }

  mutating func trackBracket(_ kind: TokenKind, at start: Int) {
    switch kind {
    case .leftParen, .leftBrace, .leftBracket:
      brackets.append(kind)
    case .questionBracket:
      brackets.append(.leftBracket)
    case .rightParen, .rightBrace, .rightBracket:
      let opener: TokenKind = kind == .rightParen ? .leftParen : kind == .rightBrace ? .leftBrace : .leftBracket
      if let index = brackets.lastIndex(of: opener) {
        brackets.removeSubrange(index...)
      }
      if case .interpolation = mode, brackets.isEmpty {
        closedInterpolation = true
      }
    default:
      break
    }
  }

  // MARK: - Numbers

  mutating func lexNumber() {
    let start = position
    // Right after `.` (as in `t.0.1`) a number is a tuple index: never a float.
    let afterDot = (lastKind == .dot || lastKind == .questionDot) && lastTokenEnd == start
    var radix = 10
    var kindName = "decimal"
    if bytes[position] == UInt8(ascii: "0"), let marker = peek(1) {
      switch marker {
      case UInt8(ascii: "x"), UInt8(ascii: "X"):
        radix = 16
        kindName = "hexadecimal"
      case UInt8(ascii: "b"), UInt8(ascii: "B"):
        radix = 2
        kindName = "binary"
      case UInt8(ascii: "o"), UInt8(ascii: "O"):
        radix = 8
        kindName = "octal"
      default: break
      }
    }
    var digits: [UInt8] = []
    var isFloat = false
    if radix != 10 {
      position += 2
      while position < bytes.count {
        let byte = bytes[position]
        if byte == UInt8(ascii: "_") {
          position += 1
        } else if let value = Lexer.digitValue(byte), value < radix {
          digits.append(byte)
          position += 1
        } else {
          break
        }
      }
      if digits.isEmpty {
        let prefix = String(decoding: bytes[start..<start + 2], as: UTF8.self)
        report("expected \(kindName) digits after `\(prefix)`", start, position)
        finishBadNumber(from: start)
        return
      }
    } else {
      scanDecimalDigits(into: &digits)
      if !afterDot, position < bytes.count, bytes[position] == UInt8(ascii: "."),
        let next = peek(1), next >= UInt8(ascii: "0"), next <= UInt8(ascii: "9")
      {
        isFloat = true
        digits.append(UInt8(ascii: "."))
        position += 1
        scanDecimalDigits(into: &digits)
      }
      if !afterDot, position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
        var look = position + 1
        if look < bytes.count, bytes[look] == UInt8(ascii: "+") || bytes[look] == UInt8(ascii: "-") {
          look += 1
        }
        if look < bytes.count, bytes[look] >= UInt8(ascii: "0"), bytes[look] <= UInt8(ascii: "9") {
          isFloat = true
          digits.append(UInt8(ascii: "e"))
          digits.append(contentsOf: bytes[(position + 1)..<look])
          position = look
          scanDecimalDigits(into: &digits)
        } else {
          report("expected digits in the exponent of a float literal", start, look)
          position = look
          finishBadNumber(from: start)
          return
        }
      }
    }
    // A letter or digit glued to the number is a malformed literal, not a new token.
    if position < bytes.count, Lexer.isIdentifierByte(bytes[position]) {
      let bad = String(UnicodeScalar(bytes[position]))
      report(
        "`\(bad)` is not a valid digit in a \(isFloat ? "float" : kindName) literal",
        position, position + 1)
      finishBadNumber(from: start)
      return
    }
    let text = String(decoding: digits, as: UTF8.self)
    if isFloat {
      guard let value = Double(text), value.isFinite else {
        report("float literal `\(text)` is out of range", start, position)
        emit(.error, from: start, to: position)
        return
      }
      emit(.float, from: start, to: position, payload: .float(value))
    } else {
      let trimmed = String(text.drop(while: { $0 == "0" }))
      let literal = IntegerLiteral(
        value: Int64(text, radix: radix), digits: trimmed.isEmpty ? "0" : trimmed, radix: radix)
      emit(.integer, from: start, to: position, payload: .integer(literal))
    }
  }

  mutating func scanDecimalDigits(into digits: inout [UInt8]) {
    while position < bytes.count {
      let byte = bytes[position]
      if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
        digits.append(byte)
        position += 1
      } else if byte == UInt8(ascii: "_") {
        position += 1
      } else {
        return
      }
    }
  }

  mutating func finishBadNumber(from start: Int) {
    skipIdentifierCharacters()
    emit(.error, from: start, to: position)
  }

  static func digitValue(_ byte: UInt8) -> Int? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(byte - UInt8(ascii: "0"))
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return Int(byte - UInt8(ascii: "a")) + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return Int(byte - UInt8(ascii: "A")) + 10
    default: return nil
    }
  }
}
