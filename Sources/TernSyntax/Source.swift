/// A source file held in memory, with the line table needed to turn byte offsets into
/// `line:column` positions for diagnostics.
///
/// Offsets are UTF-8 byte offsets into `bytes`. Lines and columns are 1-based; a column
/// counts Unicode scalars from the start of the line (a tab counts as one), which is what
/// an editor shows for the caret position.
public struct SourceFile: Sendable {
  /// The name shown in diagnostics (usually the path as given by the user).
  public let name: String
  /// The UTF-8 bytes of the file.
  public let bytes: [UInt8]
  /// Byte offset where each line starts; `lineStarts[0] == 0`.
  let lineStarts: [Int]
  /// Per line: whether it is all ASCII, so a column is a subtraction (no rescan of a long
  /// line for each position the compiler records).
  let lineIsASCII: [Bool]

  /// Creates a source file from its text.
  public init(name: String, text: String) {
    self.init(name: name, bytes: Array(text.utf8))
  }

  /// Creates a source file from raw bytes. Invalid UTF-8 is reported by the lexer, not here.
  public init(name: String, bytes: [UInt8]) {
    self.name = name
    self.bytes = bytes
    var starts = [0]
    var isASCII: [Bool] = []
    var lineIsASCII = true
    for (offset, byte) in bytes.enumerated() {
      if byte >= 0x80 { lineIsASCII = false }
      if byte == UInt8(ascii: "\n") {
        starts.append(offset + 1)
        isASCII.append(lineIsASCII)
        lineIsASCII = true
      }
    }
    isASCII.append(lineIsASCII)
    self.lineStarts = starts
    self.lineIsASCII = isASCII
  }

  /// The 1-based line and column of a byte offset (clamped to the file).
  public func location(of offset: Int) -> SourceLocation {
    let offset = max(0, min(offset, bytes.count))
    // Binary search for the last line start <= offset.
    var low = 0
    var high = lineStarts.count - 1
    while low < high {
      let mid = (low + high + 1) / 2
      if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
    }
    let start = lineStarts[low]
    if lineIsASCII[low] { return SourceLocation(line: low + 1, column: offset - start + 1) }
    var column = 1
    var index = start
    while index < offset {
      // Count scalars: every byte that is not a UTF-8 continuation byte starts one.
      if bytes[index] & 0xC0 != 0x80 { column += 1 }
      index += 1
    }
    return SourceLocation(line: low + 1, column: column)
  }

  /// The text of a 1-based line, without its line terminator.
  public func lineText(_ line: Int) -> String {
    guard line >= 1, line <= lineStarts.count else { return "" }
    let start = lineStarts[line - 1]
    var end = line < lineStarts.count ? lineStarts[line] - 1 : bytes.count
    if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
    return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
  }

  /// The number of lines (a trailing newline does not start an extra counted line's text).
  public var lineCount: Int { lineStarts.count }

  /// The source text of a range, decoded leniently.
  public func text(of range: SourceRange) -> String {
    let start = max(0, min(range.start, bytes.count))
    let end = max(start, min(range.end, bytes.count))
    return String(decoding: bytes[start..<end], as: UTF8.self)
  }
}

/// A half-open range of UTF-8 byte offsets in a `SourceFile`.
public struct SourceRange: Sendable, Hashable {
  /// The offset of the first byte.
  public var start: Int
  /// The offset just past the last byte.
  public var end: Int

  /// Creates a range; `end` is clamped so that it is never before `start`.
  public init(start: Int, end: Int) {
    self.start = start
    self.end = max(start, end)
  }

  /// The smallest range covering both.
  public func union(_ other: SourceRange) -> SourceRange {
    SourceRange(start: min(start, other.start), end: max(end, other.end))
  }
}

/// A 1-based line and column in a source file.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
  /// The line, starting at 1.
  public var line: Int
  /// The column in Unicode scalars, starting at 1.
  public var column: Int

  /// Creates a location.
  public init(line: Int, column: Int) {
    self.line = line
    self.column = column
  }

  /// `line:column`.
  public var description: String { "\(line):\(column)" }
}
