extension Parser {
  /// A pattern that binds names: in `let`, `var`, `for` and parameters, where every lone
  /// name binds, capitalized or not (`let PI = 3.14`).
  mutating func parseBindingPattern(context: String) throws(ParseError) -> Pattern {
    let saved = capitalizedNamesBind
    capitalizedNamesBind = true
    defer { capitalizedNamesBind = saved }
    return try parsePattern(context: context)
  }

  /// pattern := pattern-primary ('|' pattern-primary)*
  mutating func parsePattern(context: String) throws(ParseError) -> Pattern {
    try enterNesting()
    defer { depth -= 1 }
    let first = try parsePatternPrimary(context: context)
    guard at(.pipe) else { return first }
    var alternatives = [first]
    while consume(.pipe) {
      alternatives.append(try parsePatternPrimary(context: "after `|`"))
    }
    let patternRange = first.range.union(alternatives.last!.range)
    return Pattern(kind: .alternatives(alternatives), range: patternRange)
  }

  /// pattern-primary := '_' | name | name 'is' type-path | 'is' type-path
  ///   | Name ('.' name)* ('(' pattern-arguments ')')? | '.' name ('(' pattern-arguments ')')?
  ///   | literal (('..<' | '...') literal)? | ('..<' | '...') literal
  ///   | '(' ')' | '(' pattern ')' | '(' pattern ',' … ')' | '[' list-pattern ']'
  ///
  /// A lowercase name binds; in `match` and `catch` a capitalized name (or a dotted path)
  /// names a type, record, enum case or constant, so `catch KeyError { … }` tests the type
  /// instead of binding.
  mutating func parsePatternPrimary(context: String) throws(ParseError) -> Pattern {
    let start = current.range.start
    switch current.kind {
    case .identifier:
      let name = current.name
      if name == "_" {
        advance()
        return Pattern(kind: .wildcard, range: range(from: start))
      }
      if peek().kind == .kwIs {
        let binding = try parseIdentifier("a name")
        advance()
        let type = try parseTypePath("a type name after `is`")
        return Pattern(kind: .typeTest(binding: binding, type), range: range(from: start))
      }
      let isCapitalized = !capitalizedNamesBind && (name.first?.isUppercase ?? false)
      if peek().kind == .dot || peek().kind == .leftParen || isCapitalized {
        let path = try parseTypePath("a name")
        if at(.leftParen) {
          let arguments = try parsePatternArguments()
          return Pattern(kind: .constructor(path, arguments), range: range(from: start))
        }
        if path.components.count == 1 && !isCapitalized {
          return Pattern(kind: .binding(name), range: path.range)
        }
        return Pattern(kind: .path(path), range: range(from: start))
      }
      advance()
      return Pattern(kind: .binding(name), range: range(from: start))
    case .kwIs:
      advance()
      let type = try parseTypePath("a type name after `is`")
      return Pattern(kind: .typeTest(binding: nil, type), range: range(from: start))
    case .dot:
      advance()
      guard at(.identifier) else { try failExpected("a case or symbol name after `.`") }
      let name = try parseIdentifier("a name")
      var arguments: [PatternArgument]?
      if at(.leftParen) { arguments = try parsePatternArguments() }
      return Pattern(kind: .dotCase(name, arguments), range: range(from: start))
    case .leftParen:
      let opener = advance()
      if consume(.rightParen) { return Pattern(kind: .tuple([]), range: range(from: start)) }
      let first = try parsePattern(context: "in the tuple pattern")
      if !at(.comma) {
        try expectClosing(.rightParen, opener: opener, after: "to close the pattern")
        return first
      }
      var elements = [first]
      while consume(.comma) {
        if at(.rightParen) { break }
        elements.append(try parsePattern(context: "in the tuple pattern"))
      }
      try expectClosing(.rightParen, opener: opener, after: "or `,` in the tuple pattern")
      return Pattern(kind: .tuple(elements), range: range(from: start))
    case .leftBracket:
      return try parseListPattern()
    case .halfOpenRange, .closedRange:
      let isClosed = advance().kind == .closedRange
      let upper = try parseLiteralForPattern()
      return Pattern(kind: .range(lower: nil, upper: upper, isClosed: isClosed), range: range(from: start))
    case .integer, .float, .string, .minus, .kwNil, .kwTrue, .kwFalse:
      let literal = try parseLiteralForPattern()
      if at(.halfOpenRange) || at(.closedRange) {
        let isClosed = advance().kind == .closedRange
        var upper: Expr?
        if [.integer, .float, .string, .minus].contains(current.kind) {
          upper = try parseLiteralForPattern()
        }
        return Pattern(kind: .range(lower: literal, upper: upper, isClosed: isClosed), range: range(from: start))
      }
      return Pattern(kind: .literal(literal), range: range(from: start))
    default:
      if current.kind.isKeyword && current.kind != .kwSelfType {
        _ = try parseIdentifier("a pattern")
      }
      try failExpected("a pattern \(context)")
    }
  }

  /// A literal in a pattern: a number (optionally negative), string, nil or bool.
  mutating func parseLiteralForPattern() throws(ParseError) -> Expr {
    let start = current.range.start
    if consume(.minus) {
      guard at(.integer) || at(.float) else { try failExpected("a number after `-` in the pattern") }
      let number = try parsePrimary()
      return Expr(kind: .unary(.negate, number), range: range(from: start))
    }
    guard [.integer, .float, .string, .kwNil, .kwTrue, .kwFalse].contains(current.kind) else {
      try failExpected("a literal in the pattern")
    }
    let literal = try parsePrimary()
    if case .interpolated = literal.kind {
      try fail("a pattern cannot contain an interpolated string", at: literal.range)
    }
    return literal
  }

  /// pattern-arguments := '(' ((name ':')? pattern (',' …)* ','?)? ')'
  mutating func parsePatternArguments() throws(ParseError) -> [PatternArgument] {
    let opener = advance()
    var arguments: [PatternArgument] = []
    while !at(.rightParen) {
      if at(.endOfFile) || at(.newline) { break }
      var label: Identifier?
      if at(.identifier), peek().kind == .colon {
        label = try parseIdentifier("a field name")
        advance()
      }
      arguments.append(PatternArgument(label: label, pattern: try parsePattern(context: "as an argument")))
      if !consume(.comma) { break }
    }
    try expectClosing(.rightParen, opener: opener, after: "or `,` in the pattern")
    return arguments
  }

  /// list-pattern := '[' (pattern | '...' name?) (',' …)* ','? ']'   (at most one `...`)
  mutating func parseListPattern() throws(ParseError) -> Pattern {
    let opener = advance()
    var elements: [Pattern] = []
    var restIndex: Int?
    var restName: Identifier?
    while !at(.rightBracket) {
      if at(.endOfFile) || at(.newline) { break }
      if at(.closedRange) {
        let dots = advance()
        if restIndex != nil {
          report("a list pattern can have only one `...`", at: dots.range)
        }
        restIndex = elements.count
        if at(.identifier) {
          let name = try parseIdentifier("a name")
          restName = name.name == "_" ? nil : name
        }
      } else {
        elements.append(try parsePattern(context: "in the list pattern"))
      }
      if !consume(.comma) { break }
    }
    try expectClosing(.rightBracket, opener: opener, after: "or `,` in the list pattern")
    return Pattern(
      kind: .list(elements, restIndex: restIndex, restName: restName), range: range(from: opener.range.start))
  }

  /// Turns the left side of `case v = ch.receive()` into a binding pattern.
  mutating func patternFromTarget(_ expr: Expr) throws(ParseError) -> Pattern {
    switch expr.kind {
    case .name(let name):
      return Pattern(kind: name == "_" ? .wildcard : .binding(name), range: expr.range)
    case .tuple(let elements):
      var patterns: [Pattern] = []
      for element in elements { patterns.append(try patternFromTarget(element)) }
      return Pattern(kind: .tuple(patterns), range: expr.range)
    default:
      try fail("expected a name to bind before `=`", at: expr.range)
    }
  }
}

extension Pattern {
  /// The names this pattern binds, in order of appearance.
  public var boundNames: [Identifier] {
    switch kind {
    case .binding(let name): return [Identifier(name: name, range: range)]
    case .typeTest(let binding, _): return binding.map { [$0] } ?? []
    case .tuple(let elements): return elements.flatMap(\.boundNames)
    case .list(let elements, _, let restName): return elements.flatMap(\.boundNames) + (restName.map { [$0] } ?? [])
    case .constructor(_, let arguments): return arguments.flatMap(\.pattern.boundNames)
    case .dotCase(_, let arguments): return (arguments ?? []).flatMap(\.pattern.boundNames)
    case .alternatives(let options): return options.first?.boundNames ?? []
    case .wildcard, .literal, .range, .path: return []
    }
  }
}
