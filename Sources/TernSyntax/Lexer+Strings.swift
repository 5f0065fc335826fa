extension Lexer {
  // MARK: - String literals

  mutating func lexString() {
    let start = position
    if matches("\"\"\"") {
      lexMultilineString()
      return
    }
    position += 1
    var builder = StringBuilder()
    while true {
      guard position < bytes.count, bytes[position] != UInt8(ascii: "\n"),
        bytes[position] != UInt8(ascii: "\r")
      else {
        report(
          "unterminated string literal", start, position,
          hint: "close the string with `\"` on the same line, or use `\"\"\"` for a multi-line string")
        break
      }
      let byte = bytes[position]
      if byte == UInt8(ascii: "\"") {
        position += 1
        break
      }
      if byte == UInt8(ascii: "\\") {
        if !lexEscape(into: &builder, singleLine: true) { break }
        continue
      }
      appendSourceCharacter(to: &builder)
    }
    emit(.string, from: start, to: position, payload: .string(builder.finish()))
  }

  /// Copies one (possibly multi-byte) character of the source into the string.
  mutating func appendSourceCharacter(to builder: inout StringBuilder) {
    let (scalar, length) = decodeScalar(at: position)
    if let scalar {
      builder.text.unicodeScalars.append(scalar)
    } else {
      report("invalid UTF-8 byte in string literal", position, position + 1)
    }
    position += length
  }

  /// Lexes an escape starting at `\`. Returns false when the string cannot continue
  /// (an interpolation ran into the end of the line or file).
  mutating func lexEscape(into builder: inout StringBuilder, singleLine: Bool) -> Bool {
    let start = position
    guard let next = peek(1) else {
      position += 1
      return true
    }
    position += 2
    switch next {
    case UInt8(ascii: "n"): builder.text += "\n"
    case UInt8(ascii: "t"): builder.text += "\t"
    case UInt8(ascii: "r"): builder.text += "\r"
    case UInt8(ascii: "0"): builder.text += "\0"
    case UInt8(ascii: "\""): builder.text += "\""
    case UInt8(ascii: "'"): builder.text += "'"
    case UInt8(ascii: "\\"): builder.text += "\\"
    case UInt8(ascii: "u"):
      lexUnicodeEscape(from: start, into: &builder)
    case UInt8(ascii: "("):
      return lexInterpolation(from: start, into: &builder, singleLine: singleLine)
    default:
      position = start + 1
      let (scalar, length) = decodeScalar(at: position)
      position += length
      let shown = scalar.map { String($0) } ?? "?"
      report(
        "invalid escape sequence `\\\(shown)` in string", start, position,
        hint: "valid escapes are \\n \\t \\r \\0 \\\" \\' \\\\ \\u{…} and \\( … ); write `\\\\` for a backslash")
    }
    return true
  }

  mutating func lexUnicodeEscape(from start: Int, into builder: inout StringBuilder) {
    guard position < bytes.count, bytes[position] == UInt8(ascii: "{") else {
      report("expected `{` after `\\u`", start, position, hint: "write a Unicode escape as `\\u{1F600}`")
      return
    }
    position += 1
    var value: UInt32 = 0
    var count = 0
    while position < bytes.count, let digit = Lexer.digitValue(bytes[position]) {
      value = value &* 16 &+ UInt32(digit)
      count += 1
      position += 1
    }
    guard position < bytes.count, bytes[position] == UInt8(ascii: "}") else {
      report("expected `}` to end the Unicode escape", start, position, hint: "write a Unicode escape as `\\u{1F600}`")
      return
    }
    position += 1
    guard count >= 1, count <= 8, let scalar = Unicode.Scalar(value) else {
      report(
        "invalid Unicode scalar in escape", start, position,
        hint: "use 1 to 8 hex digits naming a valid scalar (not a surrogate, at most 10FFFF)")
      return
    }
    builder.text.unicodeScalars.append(scalar)
  }

  /// Lexes `\( … )` with a nested lexer and records its tokens as one segment.
  mutating func lexInterpolation(from start: Int, into builder: inout StringBuilder, singleLine: Bool) -> Bool {
    guard interpolationDepth < Lexer.maximumInterpolationDepth else {
      report("string interpolation is nested too deeply", start, start + 2)
      position = bytes.count
      return false
    }
    var inner = Lexer(
      source: source, start: position, mode: .interpolation(singleLine: singleLine),
      brackets: [.leftParen], memo: memo)
    inner.interpolationDepth = interpolationDepth + 1
    inner.run()
    if case .trial = mode { hadError = hadError || inner.hadError } else { diagnostics += inner.diagnostics }
    hadError = hadError || inner.hadError
    position = inner.position
    guard inner.closedInterpolation else {
      if !singleLine {
        report("unterminated interpolation: expected `)`", start, start + 2)
      }
      return false
    }
    var innerTokens = inner.tokens
    let closer = innerTokens.removeLast()  // the `)` that ended the interpolation
    innerTokens.append(Token(kind: .endOfFile, range: closer.range, payload: .none, isAdjacentToPrevious: false))
    builder.flush()
    builder.segments.append(.interpolation(innerTokens, SourceRange(start: start, end: position)))
    return true
  }

  // MARK: - Multi-line strings

  /// `"""` + newline, lines, then a line of indentation and `"""`. The closing line's
  /// indentation is removed from every line (Swift's rule).
  mutating func lexMultilineString() {
    let start = position
    position += 3
    while position < bytes.count, bytes[position] == UInt8(ascii: " ") || bytes[position] == UInt8(ascii: "\t") {
      position += 1
    }
    if position < bytes.count, bytes[position] == UInt8(ascii: "\r") { position += 1 }
    guard position < bytes.count, bytes[position] == UInt8(ascii: "\n") else {
      report("multi-line string content must start on a new line after `\"\"\"`", start, start + 3)
      // Recover: skip to the closing `\"\"\"` line if there is one, else to the end of the line.
      while position < bytes.count, bytes[position] != UInt8(ascii: "\n") { position += 1 }
      if let (closingLineStart, indentation) = findMultilineEnd(from: min(position + 1, bytes.count)) {
        position = closingLineStart + indentation.count + 3
      }
      emit(.error, from: start, to: position)
      return
    }
    position += 1
    guard let (closingLineStart, indentation) = findMultilineEnd(from: position) else {
      report(
        "unterminated multi-line string literal", start, start + 3,
        hint: "end it with `\"\"\"` on a line of its own")
      position = bytes.count
      emit(.error, from: start, to: position)
      return
    }
    var builder = StringBuilder()
    var firstLine = true
    var joinNext = false
    while position < closingLineStart {
      if !firstLine && !joinNext { builder.text += "\n" }
      firstLine = false
      joinNext = false
      let lineStart = position
      if !isBlankLine(at: position) {
        if matchesIndentation(indentation, at: position) {
          position += indentation.count
        } else {
          report(
            "insufficient indentation of line in multi-line string", lineStart, lineStart + 1,
            hint: "indent every line at least as far as the closing `\"\"\"`")
        }
      } else {
        // Blank lines may be shorter than the indentation.
        while position < closingLineStart,
          bytes[position] == UInt8(ascii: " ") || bytes[position] == UInt8(ascii: "\t")
        {
          position += 1
        }
      }
      while position < closingLineStart, bytes[position] != UInt8(ascii: "\n") {
        if bytes[position] == UInt8(ascii: "\r"), peek(1) == UInt8(ascii: "\n") {
          position += 1
          continue
        }
        if bytes[position] == UInt8(ascii: "\\") {
          if let next = peek(1), next == UInt8(ascii: "\n") || next == UInt8(ascii: "\r") {
            joinNext = true
            position += 1
            continue
          }
          if !lexEscape(into: &builder, singleLine: false) { break }
          continue
        }
        appendSourceCharacter(to: &builder)
      }
      if position < closingLineStart { position += 1 }  // the newline
    }
    position = closingLineStart + indentation.count + 3
    emit(.string, from: start, to: position, payload: .string(builder.finish()))
  }

  /// Finds the line holding only indentation and `"""`; returns its start and indentation.
  func findMultilineEnd(from start: Int) -> (Int, [UInt8])? {
    var lineStart = start
    while lineStart <= bytes.count {
      var index = lineStart
      while index < bytes.count, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t") {
        index += 1
      }
      if index + 3 <= bytes.count, bytes[index] == UInt8(ascii: "\""), bytes[index + 1] == UInt8(ascii: "\""),
        bytes[index + 2] == UInt8(ascii: "\"")
      {
        return (lineStart, Array(bytes[lineStart..<index]))
      }
      guard let newline = bytes[lineStart...].firstIndex(of: UInt8(ascii: "\n")) else { return nil }
      lineStart = newline + 1
    }
    return nil
  }

  func isBlankLine(at index: Int) -> Bool {
    var index = index
    while index < bytes.count, bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t") {
      index += 1
    }
    return index >= bytes.count || bytes[index] == UInt8(ascii: "\n") || bytes[index] == UInt8(ascii: "\r")
  }

  func matchesIndentation(_ indentation: [UInt8], at index: Int) -> Bool {
    guard index + indentation.count <= bytes.count else { return false }
    return bytes[index..<index + indentation.count].elementsEqual(indentation)
  }
}

/// Accumulates the segments of a string literal.
struct StringBuilder {
  var text = ""
  var segments: [StringSegment] = []

  mutating func flush() {
    if !text.isEmpty { segments.append(.text(text)) }
    text = ""
  }

  mutating func finish() -> [StringSegment] {
    if !text.isEmpty || segments.isEmpty { segments.append(.text(text)) }
    return segments
  }
}
