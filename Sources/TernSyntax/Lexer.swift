/// Turns source bytes into tokens, deciding where newlines end statements.
///
/// The lexer keeps a stack of open brackets: a newline is a statement terminator only
/// when the innermost open bracket is `{` (or none), and only when the line does not end
/// in a token that obviously continues (see `TokenKind.continuesLine`). String
/// interpolations are lexed by a nested lexer, so `"a \("b \(c)")"` nests to any depth.
/// `//` is floor division or a comment depending on context; see `isFloorDivision(at:)`.
///
/// Every loop advances `position`, so lexing always terminates and consumes all input.
public struct Lexer {
  /// What a lexer instance is lexing: a whole file, an interpolation `\( … )` (which stops
  /// at its closing parenthesis), or a trial look-ahead for the `//` decision (which stops
  /// at the end of the line and reports nothing).
  enum Mode {
    case file
    case interpolation(singleLine: Bool)
    case trial
  }

  /// Remembers `//` decisions by offset, shared by the main lexer and its trial lexers,
  /// so every decision is made once and lexing stays near-linear.
  final class FloorDivisionMemo {
    var decisions: [Int: Bool] = [:]
  }

  let source: SourceFile
  let bytes: [UInt8]
  let mode: Mode
  var position: Int
  var tokens: [Token] = []
  var diagnostics: [Diagnostic] = []
  var hadError = false
  /// Open brackets, innermost last: `.leftParen`, `.leftBracket` or `.leftBrace`.
  var brackets: [TokenKind]
  /// Set when a newline was crossed since the last token.
  var crossedNewline = false
  var lastTokenEnd = -1
  var lastKind: TokenKind?
  let memo: FloorDivisionMemo
  /// In interpolation mode: set when the closing `)` was found.
  var closedInterpolation = false
  /// How many interpolations enclose this lexer; bounded so nesting cannot exhaust the stack.
  var interpolationDepth = 0
  static let maximumInterpolationDepth = 32

  /// Statement keywords that cannot appear inside parentheses or brackets. When a line
  /// inside `(`/`[` starts with one, the bracket was almost certainly left unclosed: the
  /// lexer closes it there so the parser reports it and recovers at the right line.
  static let statementOnlyKeywords: Set<TokenKind> = [
    .kwLet, .kwVar, .kwClass, .kwRecord, .kwEnum, .kwEffect, .kwImport, .kwFrom, .kwExport,
    .kwReturn, .kwWhile, .kwFor, .kwBreak, .kwContinue, .kwThrow,
  ]

  /// Lexes a whole file. Diagnostics for malformed tokens are returned alongside.
  public static func tokenize(_ source: SourceFile) -> (tokens: [Token], diagnostics: [Diagnostic]) {
    var lexer = Lexer(source: source, start: 0, mode: .file, brackets: [], memo: FloorDivisionMemo())
    lexer.run()
    return (lexer.tokens, lexer.diagnostics)
  }

  init(source: SourceFile, start: Int, mode: Mode, brackets: [TokenKind], memo: FloorDivisionMemo) {
    self.source = source
    self.bytes = source.bytes
    self.position = start
    self.mode = mode
    self.brackets = brackets
    self.memo = memo
  }

  // MARK: - Main loop

  mutating func run(maxTokens: Int = .max) {
    if position == 0, bytes.starts(with: [UInt8(ascii: "#"), UInt8(ascii: "!")]) {
      while position < bytes.count, bytes[position] != UInt8(ascii: "\n") { position += 1 }
    }
    while position < bytes.count, tokens.count < maxTokens {
      let byte = bytes[position]
      switch byte {
      case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), 0x0C:
        position += 1
      case UInt8(ascii: "\n"):
        if case .trial = mode { return }
        if case .interpolation(singleLine: true) = mode { return }
        position += 1
        lineBreak()
      case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "*"):
        skipBlockComment()
      case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "/"):
        if peek(2) == UInt8(ascii: "="), peek(3) != UInt8(ascii: "="), lastKind?.endsOperand == true,
          !crossedNewline
        {
          emit(.slashSlashEqual, from: position, to: position + 3)
          position += 3
        } else if slashSlashIsOperator() {
          emit(.slashSlash, from: position, to: position + 2)
          position += 2
        } else {
          if case .trial = mode { return }
          while position < bytes.count, bytes[position] != UInt8(ascii: "\n") { position += 1 }
        }
      case UInt8(ascii: "\""):
        lexString()
      case UInt8(ascii: "0")...UInt8(ascii: "9"):
        lexNumber()
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
        UInt8(ascii: "_"):
        lexIdentifier()
      case 0x80...0xFF:
        lexNonASCII()
      default:
        lexPunctuation()
        if closedInterpolation { return }
      }
    }
    if case .file = mode {
      emit(.endOfFile, from: bytes.count, to: bytes.count)
    }
  }

  func peek(_ offset: Int) -> UInt8? {
    let index = position + offset
    return index < bytes.count ? bytes[index] : nil
  }

  /// A newline in the source: becomes a `.newline` token when it ends a statement.
  mutating func lineBreak() {
    crossedNewline = true
    guard brackets.last == nil || brackets.last == .leftBrace else { return }
    guard let last = lastKind, last != .newline, !last.continuesLine else { return }
    appendToken(
      Token(
        kind: .newline, range: SourceRange(start: position - 1, end: position),
        payload: .none, isAdjacentToPrevious: false))
  }

  mutating func emit(_ kind: TokenKind, from start: Int, to end: Int, payload: TokenPayload = .none) {
    if crossedNewline, let top = brackets.last, top != .leftBrace,
      Lexer.statementOnlyKeywords.contains(kind)
    {
      // An unclosed `(` or `[` followed by a statement: close it here (see statementOnlyKeywords).
      while let top = brackets.last, top != .leftBrace { brackets.removeLast() }
      if lastKind != .newline {
        appendToken(
          Token(
            kind: .newline, range: SourceRange(start: start, end: start),
            payload: .none, isAdjacentToPrevious: false))
      }
    }
    appendToken(
      Token(
        kind: kind, range: SourceRange(start: start, end: end), payload: payload,
        isAdjacentToPrevious: start == lastTokenEnd))
  }

  mutating func appendToken(_ token: Token) {
    tokens.append(token)
    lastKind = token.kind
    if token.kind != .newline {
      lastTokenEnd = token.range.end
      crossedNewline = false
    }
  }

  mutating func report(_ message: String, _ start: Int, _ end: Int, hint: String? = nil) {
    hadError = true
    if case .trial = mode { return }
    diagnostics.append(Diagnostic(.error, message, at: SourceRange(start: start, end: end), hint: hint))
  }

  // MARK: - Comments

  mutating func skipBlockComment() {
    let start = position
    var depth = 0
    while position < bytes.count {
      if bytes[position] == UInt8(ascii: "/"), peek(1) == UInt8(ascii: "*") {
        depth += 1
        position += 2
      } else if bytes[position] == UInt8(ascii: "*"), peek(1) == UInt8(ascii: "/") {
        depth -= 1
        position += 2
        if depth == 0 { return }
      } else {
        if bytes[position] == UInt8(ascii: "\n") {
          if case .trial = mode {
            position = bytes.count
            return
          }
          position += 1
          lineBreak()
          continue
        }
        position += 1
      }
    }
    report(
      "unterminated `/*` comment", start, start + 2,
      hint: "block comments nest: every `/*` needs its own `*/`")
  }

  // MARK: - `//`: floor division or comment

  /// Decides whether the `//` at `position` is the floor-division operator.
  ///
  /// It is when it follows an operand on the same line, with at most one space between,
  /// and the rest of the line reads as
  /// an operand continuing the expression: it lexes cleanly, starts like an expression,
  /// has no `:` outside brackets (unless inside a call or literal where `name:` and
  /// `key:` are legal), and never puts two operands side by side. `print(7 // 2)` is
  /// division; `print(x)  // expect: 3` and `x = a // the total` are comments.
  mutating func slashSlashIsOperator() -> Bool {
    guard let last = lastKind, last.endsOperand, !crossedNewline else { return false }
    // Two or more spaces (or a tab) before `//` align a trailing comment: `f(1)   // 2`.
    if position >= 2,
      bytes[position - 1] == UInt8(ascii: "\t")
        || (bytes[position - 1] == UInt8(ascii: " ") && bytes[position - 2] == UInt8(ascii: " "))
    {
      return false
    }
    if let known = memo.decisions[position] { return known }
    var trial = Lexer(source: source, start: position + 2, mode: .trial, brackets: brackets, memo: memo)
    trial.lastKind = .slashSlash
    trial.run(maxTokens: 256)
    let decision = !trial.hadError && Lexer.readsAsOperand(trial.tokens, enclosing: brackets)
    memo.decisions[position] = decision
    return decision
  }

  static func readsAsOperand(_ tokens: [Token], enclosing: [TokenKind]) -> Bool {
    guard let first = tokens.first, first.kind.startsOperand else { return false }
    var depth = 0
    var previousEndsOperand = false
    for token in tokens {
      switch token.kind {
      case .leftParen, .leftBracket, .leftBrace, .questionBracket:
        depth += 1
      case .rightParen, .rightBracket, .rightBrace:
        depth -= 1
      case .colon where depth <= 0:
        let index = enclosing.count + depth - 1
        let inside = index >= 0 && index < enclosing.count ? enclosing[index] : nil
        if inside != .leftParen && inside != .leftBracket { return false }
      case .identifier, .integer, .float, .string, .kwNil, .kwTrue, .kwFalse, .kwSelf:
        if previousEndsOperand && depth <= 0 { return false }
      default:
        break
      }
      previousEndsOperand = token.kind.endsOperand
    }
    return true
  }
}
