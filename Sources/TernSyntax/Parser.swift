/// A recursive-descent parser from tokens to the syntax tree.
///
/// Errors: each parse function throws `ParseError` after reporting a diagnostic; the
/// statement loop catches it, skips to the next statement boundary (`synchronize`) and
/// carries on, so one run reports every independent error without cascades. Every loop
/// in the parser either consumes a token or exits, so parsing always terminates.
///
/// The grammar is split by area: `Parser+Statements`, `+Declarations`, `+Expressions`,
/// `+Primary`, `+Patterns`. Each parse function's doc comment gives its grammar rule.
public struct Parser {
  var tokens: [Token]
  var index = 0
  let source: SourceFile
  var diagnostics: [Diagnostic] = []
  /// Nesting of `{ }` blocks; 0 at the top level of the module.
  var blockDepth = 0
  /// False directly inside `match`/`handle … with` bodies, where a line starting with
  /// `.name` begins a new arm instead of continuing a method chain.
  var allowsDotContinuation = true
  /// Set once an "unexpected end of file" has been reported, so that each enclosing
  /// unclosed bracket does not report it again.
  var reportedEndOfFile = false
  /// Nesting levels open above the current token: every recursive path through the parser
  /// (brackets, blocks and clause bodies, patterns, operands of prefix operators and right
  /// operands of binary ones) enters one with `enterNesting`, so hostile input cannot
  /// overflow the stack.
  var depth = 0
  static let maximumDepth = 160
  /// The most chain links (binary operators, postfix calls, members and subscripts, `is`
  /// tests) on any path down the expressions finished since the innermost enclosing chain
  /// began. Chains are parsed by loops, but each link nests the tree one level deeper, and
  /// the compiler, `tern parse` and the tree's own teardown recurse over that; bounding
  /// links per path (not per loop) also bounds a chain whose first operand is another chain.
  var chainHeight = 0
  static let maximumChain = 1000
  /// Set after the first top-level statement that is not a module attribute: an attribute
  /// on its own line before it belongs to the module (`@deterministic`).
  var seenTopLevelStatement = false
  /// True while parsing a `let`/`var`/`for`/parameter pattern, where lone names always bind.
  var capitalizedNamesBind = false
  /// True for the parser of a string interpolation, whose end of input is its `)`.
  var isInterpolation = false

  /// Parses a whole file.
  public static func parse(_ source: SourceFile) -> (program: Program, diagnostics: [Diagnostic]) {
    let (tokens, lexDiagnostics) = Lexer.tokenize(source)
    var parser = Parser(tokens: tokens, source: source)
    parser.diagnostics = lexDiagnostics
    let program = parser.parseProgram()
    let sorted = parser.diagnostics.enumerated().sorted {
      ($0.element.range.start, $0.offset) < ($1.element.range.start, $1.offset)
    }.map(\.element)
    return (program, sorted)
  }

  init(tokens: [Token], source: SourceFile) {
    self.tokens = tokens
    self.source = source
  }

  /// program := statement*
  mutating func parseProgram() -> Program {
    let statements = parseStatements(closingBrace: nil)
    let end = tokens.last?.range.end ?? 0
    return Program(statements: statements, range: SourceRange(start: 0, end: end))
  }

  // MARK: - Token access

  var current: Token { tokens[index] }

  func peek(_ offset: Int = 1) -> Token {
    let target = index + offset
    return target < tokens.count ? tokens[target] : tokens[tokens.count - 1]
  }

  func at(_ kind: TokenKind) -> Bool { tokens[index].kind == kind }

  var previousEnd: Int { index > 0 ? tokens[index - 1].range.end : 0 }

  @discardableResult
  mutating func advance() -> Token {
    let token = tokens[index]
    if token.kind != .endOfFile { index += 1 }
    return token
  }

  mutating func consume(_ kind: TokenKind) -> Bool {
    guard at(kind) else { return false }
    advance()
    return true
  }

  mutating func skipNewlines() {
    while at(.newline) { advance() }
  }

  /// True when the next non-newline token is `kind` (used for `else`, `catch`,
  /// `finally` on the line after a `}`); consumes the newlines in that case.
  mutating func skipNewlines(before kind: TokenKind) -> Bool {
    var look = index
    while tokens[look].kind == .newline { look += 1 }
    guard tokens[look].kind == kind else { return false }
    index = look
    return true
  }

  /// A range from `start` to the end of the previous token.
  func range(from start: Int) -> SourceRange {
    SourceRange(start: start, end: max(start, previousEnd))
  }

  // MARK: - Diagnostics

  struct ParseError: Error {}

  mutating func report(_ message: String, at range: SourceRange, hint: String? = nil) {
    diagnostics.append(Diagnostic(.error, message, at: range, hint: hint))
  }

  /// Reports an error at the current token and throws.
  mutating func fail(_ message: String, hint: String? = nil) throws(ParseError) -> Never {
    try fail(message, at: current.range, hint: hint)
  }

  mutating func fail(_ message: String, at range: SourceRange, hint: String? = nil) throws(ParseError) -> Never {
    if current.kind == .endOfFile {
      if reportedEndOfFile { throw ParseError() }
      reportedEndOfFile = true
    }
    // The lexer already reported malformed tokens; do not pile a second error on them.
    if current.kind != .error || range != current.range {
      report(message, at: range, hint: hint)
    }
    throw ParseError()
  }

  /// Describes the current token for "expected X, found Y" messages.
  var foundDescription: String {
    switch current.kind {
    case .endOfFile: return isInterpolation ? "`)`" : "the end of the file"
    case .newline: return "the end of the line"
    case .identifier: return "`\(current.name)`"
    case .integer: return "an integer literal"
    case .float, .string: return "a \(current.kind.spelling) literal"
    default: return current.kind.spelling
    }
  }

  /// Fails with "expected WHAT, found …", adding hints for common slips.
  mutating func failExpected(_ what: String, hint: String? = nil) throws(ParseError) -> Never {
    var hint = hint
    if hint == nil {
      switch current.kind {
      case .equal: hint = "did you mean `==`? (`=` assigns and is only allowed as a statement)"
      case .identifier where Parser.foreignKeywords[current.name] != nil:
        hint = Parser.foreignKeywords[current.name]
      default: break
      }
    }
    try fail("expected \(what), found \(foundDescription)", hint: hint)
  }

  /// Consumes `kind` or fails with "expected WHAT".
  @discardableResult
  mutating func expect(_ kind: TokenKind, _ what: String, hint: String? = nil) throws(ParseError) -> Token {
    if at(kind) { return advance() }
    try failExpected(what, hint: hint)
  }

  /// Consumes the closer of a bracket opened by `opener`, or fails naming where it opened.
  @discardableResult
  mutating func expectClosing(_ closer: TokenKind, opener: Token, after what: String) throws(ParseError) -> Token {
    if at(closer) { return advance() }
    let location = source.location(of: opener.range.start)
    let hint = "unclosed \(opener.kind.spelling) opened at \(location)"
    // A missing closer is reported just after the last token, where it belongs.
    let afterLast = SourceRange(start: previousEnd, end: previousEnd)
    if at(.endOfFile) {
      try fail("expected \(closer.spelling) before the end of the file", at: afterLast, hint: hint)
    }
    if at(.newline) {
      try fail("expected \(closer.spelling) \(what)", at: afterLast, hint: hint)
    }
    try failExpected("\(closer.spelling) \(what)")
  }

  /// Words from other languages, and what to write in Tern instead.
  static let foreignKeywords: [String: String] = [
    "function": "functions are declared with `fn`", "func": "functions are declared with `fn`",
    "def": "functions are declared with `fn`", "fun": "functions are declared with `fn`",
    "elif": "write `else if`", "elsif": "write `else if`", "elseif": "write `else if`",
    "const": "use `let` for a constant binding", "local": "use `let` or `var` for a local variable",
    "then": "the body of `if` is a `{ … }` block; `then` is not needed",
    "end": "blocks are closed with `}`", "do": "the body of a loop is a `{ … }` block",
    "null": "the empty value is written `nil`", "None": "the empty value is written `nil`",
    "switch": "use `match value { pattern => … }`", "except": "use `catch`",
    "raise": "use `throw`", "new": "call the class to construct: `Point(1, 2)`",
    "this": "the receiver is `self`",
  ]

  // MARK: - Recovery

  /// Skips to the next statement boundary: a newline or `;` at the current nesting, or a
  /// `}` that closes the current block (left for the block to consume).
  mutating func synchronize() {
    var nesting = 0
    while !at(.endOfFile) {
      switch current.kind {
      case .newline, .semicolon:
        if nesting == 0 { return }
      case .leftBrace, .leftParen, .leftBracket, .questionBracket:
        nesting += 1
      case .rightBrace:
        if nesting == 0 { return }
        nesting -= 1
      case .rightParen, .rightBracket:
        if nesting > 0 { nesting -= 1 }
      default:
        break
      }
      advance()
    }
  }

  /// Guards recursion depth against pathological nesting: the caller enters one level before
  /// it recurses and leaves it (`depth -= 1`) when the nested part is parsed.
  mutating func enterNesting() throws(ParseError) {
    if depth >= Parser.maximumDepth {
      try fail(
        "expression is nested too deeply (more than \(Parser.maximumDepth) levels)",
        hint: "move inner parts into functions or variables of their own")
    }
    depth += 1
  }

  /// Adds a link to a chain whose tallest path has `height` links so far, over operands whose
  /// own chains (in `chainHeight`) are now finished: see `chainHeight`.
  mutating func addLink(_ height: inout Int) throws(ParseError) {
    height = max(height, chainHeight) + 1
    chainHeight = 0
    if height > Parser.maximumChain {
      try fail(
        "expression is too long (more than \(Parser.maximumChain) operators or calls in a row)",
        hint: "split it with intermediate variables")
    }
  }
}
