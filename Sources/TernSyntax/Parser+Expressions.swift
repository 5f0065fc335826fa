extension Parser {
  /// expression := yield-expr  (the full precedence table is in docs/language.md)
  mutating func parseExpression() throws(ParseError) -> Expr {
    try enterNesting()
    defer { depth -= 1 }
    return try parseYield()
  }

  /// yield-expr := 'yield' yield-expr? | or-expr
  mutating func parseYield() throws(ParseError) -> Expr {
    guard at(.kwYield) else { return try parseOr() }
    let start = advance().range.start
    if endsStatement || [.rightParen, .rightBracket, .comma, .colon].contains(current.kind) {
      return Expr(kind: .yield(nil), range: range(from: start))
    }
    let value = try parseExpression()
    return Expr(kind: .yield(value), range: range(from: start))
  }

  /// or-expr := and-expr (('or' | '||') and-expr)*
  mutating func parseOr() throws(ParseError) -> Expr {
    var left = try parseAnd()
    while at(.kwOr) || at(.pipePipe) {
      advance()
      let right = try parseAnd()
      left = Expr(kind: .binary(.or, left, right), range: left.range.union(right.range))
    }
    return left
  }

  /// and-expr := not-expr (('and' | '&&') not-expr)*
  mutating func parseAnd() throws(ParseError) -> Expr {
    var left = try parseNot()
    while at(.kwAnd) || at(.ampersandAmpersand) {
      advance()
      let right = try parseNot()
      left = Expr(kind: .binary(.and, left, right), range: left.range.union(right.range))
    }
    return left
  }

  /// not-expr := 'not' not-expr | comparison
  mutating func parseNot() throws(ParseError) -> Expr {
    guard at(.kwNot) else { return try parseComparison() }
    let start = advance().range.start
    try enterNesting()
    defer { depth -= 1 }
    let operand = try parseNot()
    return Expr(kind: .unary(.not, operand), range: range(from: start))
  }

  static let comparisonOperators: [TokenKind: ComparisonOperator] = [
    .equalEqual: .equal, .bangEqual: .notEqual, .equalEqualEqual: .identical, .bangEqualEqual: .notIdentical,
    .less: .less, .lessEqual: .lessEqual, .greater: .greater, .greaterEqual: .greaterEqual,
  ]

  /// comparison := coalesce ((comparison-op coalesce) | ('is' type-path))*
  ///
  /// Chains read as Python's: `a < b < c` is `a < b and b < c`.
  mutating func parseComparison() throws(ParseError) -> Expr {
    var first = try parseCoalesce()
    var rest: [(ComparisonOperator, Expr)] = []
    while true {
      if let op = Parser.comparisonOperators[current.kind] {
        advance()
        skipNewlines()
        rest.append((op, try parseCoalesce()))
      } else if at(.kwIs) {
        if !rest.isEmpty {
          first = Expr(kind: .comparison(first, rest), range: first.range.union(rest.last!.1.range))
          rest = []
        }
        advance()
        let negated = consume(.kwNot)
        let type = try parseTypePath("a type name after `is`")
        first = Expr(kind: .isType(first, type), range: first.range.union(type.range))
        if negated { first = Expr(kind: .unary(.not, first), range: first.range) }
      } else {
        break
      }
    }
    if rest.isEmpty { return first }
    return Expr(kind: .comparison(first, rest), range: first.range.union(rest.last!.1.range))
  }

  /// coalesce := range-expr ('??' coalesce)?
  mutating func parseCoalesce() throws(ParseError) -> Expr {
    let left = try parseRange()
    guard consume(.questionQuestion) else { return left }
    try enterNesting()
    defer { depth -= 1 }
    let right = try parseCoalesce()
    return Expr(kind: .binary(.nilCoalesce, left, right), range: left.range.union(right.range))
  }

  /// range-expr := bit-or (('..<' | '...') bit-or?)? | ('..<' | '...') bit-or
  mutating func parseRange() throws(ParseError) -> Expr {
    let start = current.range.start
    if at(.halfOpenRange) || at(.closedRange) {
      let isClosed = advance().kind == .closedRange
      let upper = try parseBitOr()
      return Expr(kind: .range(lower: nil, upper: upper, isClosed: isClosed), range: range(from: start))
    }
    let lower = try parseBitOr()
    guard at(.halfOpenRange) || at(.closedRange) else { return lower }
    let isClosed = advance().kind == .closedRange
    var upper: Expr?
    if current.kind.startsOperand && !at(.dot) {
      upper = try parseBitOr()
    }
    if at(.halfOpenRange) || at(.closedRange) {
      try fail("ranges cannot be chained", hint: "add parentheses: `(a..<b).step(2)`")
    }
    return Expr(kind: .range(lower: lower, upper: upper, isClosed: isClosed), range: range(from: start))
  }

  /// Parses one left-associative binary level.
  mutating func parseBinaryLevel(
    _ operators: [TokenKind: BinaryOperator],
    next: (inout Parser) throws(ParseError) -> Expr
  ) throws(ParseError) -> Expr {
    var left = try next(&self)
    while let op = operators[current.kind] {
      let opToken = advance()
      if opToken.kind == .plus || opToken.kind == .minus, current.kind == opToken.kind,
        current.isAdjacentToPrevious, opToken.kind == .plus || !peek().isAdjacentToPrevious
      {
        // There is no unary `+`, so `++` is always this mistake; `--` is when nothing follows.
        let spelled = opToken.kind == .plus ? "+" : "-"
        try fail(
          "Tern has no `\(spelled)\(spelled)` operator", at: opToken.range.union(current.range),
          hint: "write `x \(spelled)= 1`")
      }
      skipNewlines()
      if endsStatement || [.rightParen, .rightBracket, .comma].contains(current.kind) {
        try failExpected("an expression after \(opToken.kind.spelling)")
      }
      let right = try next(&self)
      left = Expr(kind: .binary(op, left, right), range: left.range.union(right.range))
    }
    return left
  }

  mutating func parseBitOr() throws(ParseError) -> Expr {
    try parseBinaryLevel([.pipe: .bitOr]) { (parser) throws(ParseError) in try parser.parseBitXor() }
  }

  mutating func parseBitXor() throws(ParseError) -> Expr {
    try parseBinaryLevel([.caret: .bitXor]) { (parser) throws(ParseError) in try parser.parseBitAnd() }
  }

  mutating func parseBitAnd() throws(ParseError) -> Expr {
    try parseBinaryLevel([.ampersand: .bitAnd]) { (parser) throws(ParseError) in try parser.parseShift() }
  }

  mutating func parseShift() throws(ParseError) -> Expr {
    try parseBinaryLevel([.shiftLeft: .shiftLeft, .shiftRight: .shiftRight]) { (parser) throws(ParseError) in
      try parser.parseAdditive()
    }
  }

  mutating func parseAdditive() throws(ParseError) -> Expr {
    try parseBinaryLevel([.plus: .add, .minus: .subtract]) { (parser) throws(ParseError) in
      try parser.parseMultiplicative()
    }
  }

  mutating func parseMultiplicative() throws(ParseError) -> Expr {
    try parseBinaryLevel([.star: .multiply, .slash: .divide, .slashSlash: .floorDivide, .percent: .remainder]) {
      (parser) throws(ParseError) in try parser.parseUnary()
    }
  }

  /// unary := ('-' | '~' | '!' | 'await') unary | power
  mutating func parseUnary() throws(ParseError) -> Expr {
    let start = current.range.start
    let op: UnaryOperator?
    switch current.kind {
    case .minus: op = .negate
    case .tilde: op = .bitNot
    case .bang: op = .not
    case .kwAwait: op = nil
    default: return try parsePower()
    }
    advance()
    try enterNesting()
    defer { depth -= 1 }
    let operand = try parseUnary()
    if let op {
      return Expr(kind: .unary(op, operand), range: range(from: start))
    }
    return Expr(kind: .await(operand), range: range(from: start))
  }

  /// power := postfix ('**' unary)?     (right-associative; binds tighter than prefix `-`)
  mutating func parsePower() throws(ParseError) -> Expr {
    let base = try parsePostfix()
    guard consume(.starStar) else { return base }
    skipNewlines()
    let exponent = try parseUnary()
    return Expr(kind: .binary(.power, base, exponent), range: base.range.union(exponent.range))
  }

  /// postfix := primary ('(' arguments ')' | '.' name | '.' integer | '[' arguments ']'
  ///            | '?.' name | '?[' arguments ']' | newline '.' name)*
  mutating func parsePostfix() throws(ParseError) -> Expr {
    var expr = try parsePrimary()
    var isOptionalChain = false
    while true {
      switch current.kind {
      case .leftParen:
        let arguments = try parseArguments()
        expr = Expr(kind: .call(callee: expr, arguments: arguments), range: range(from: expr.range.start))
      case .dot:
        advance()
        expr = try parseMemberSuffix(of: expr, isOptional: false)
      case .questionDot:
        advance()
        isOptionalChain = true
        if at(.leftParen) {
          try fail("optional call `?.(` is not supported", hint: "write `f?.call(…)` or check `f != nil` first")
        }
        expr = try parseMemberSuffix(of: expr, isOptional: true)
      case .leftBracket, .questionBracket:
        let isOptional = at(.questionBracket)
        if isOptional { isOptionalChain = true }
        let opener = advance()
        if at(.rightBracket) { try failExpected("an index inside `[]`") }
        var arguments: [Argument] = []
        repeat {
          if at(.rightBracket) { break }
          arguments.append(Argument(label: nil, value: try parseExpression(), isSpread: false))
        } while consume(.comma)
        try expectClosing(.rightBracket, opener: opener, after: "to close the subscript")
        expr = Expr(
          kind: .subscriptAccess(expr, arguments, isOptional: isOptional), range: range(from: expr.range.start))
      case .newline
      where allowsDotContinuation && peek().kind == .dot
        && (peek(2).kind == .identifier || peek(2).kind == .integer):
        advance()  // a line starting with `.name` continues the chain
      default:
        if isOptionalChain {
          return Expr(kind: .optionalChain(expr), range: expr.range)
        }
        return expr
      }
    }
  }

  /// member-suffix := name | integer   (after `.` or `?.`)
  mutating func parseMemberSuffix(of expr: Expr, isOptional: Bool) throws(ParseError) -> Expr {
    if at(.integer), case .integer(let literal) = current.payload, let value = literal.value, value <= Int64(Int32.max)
    {
      advance()
      return Expr(kind: .tupleIndex(expr, Int(value), isOptional: isOptional), range: range(from: expr.range.start))
    }
    guard at(.identifier) else {
      try failExpected("a member name after \(isOptional ? "`?.`" : "`.`")")
    }
    let token = advance()
    let name = Identifier(name: token.name, range: token.range)
    return Expr(kind: .member(expr, name, isOptional: isOptional), range: range(from: expr.range.start))
  }

  /// arguments := '(' (argument (',' argument)* ','?)? ')'
  /// argument := '...' expression | name ':' expression | expression
  mutating func parseArguments() throws(ParseError) -> [Argument] {
    let opener = advance()
    var arguments: [Argument] = []
    var labels: Set<String> = []
    while !at(.rightParen) {
      if at(.endOfFile) || at(.newline) { break }
      if consume(.closedRange) {
        if arguments.last?.label != nil {
          try fail("positional arguments must come before named ones", at: tokens[index - 1].range)
        }
        arguments.append(Argument(label: nil, value: try parseExpression(), isSpread: true))
      } else if at(.identifier) || current.kind.isKeyword, peek().kind == .colon {
        let labelToken = advance()
        let label = Identifier(
          name: labelToken.kind == .identifier ? labelToken.name : source.text(of: labelToken.range),
          range: labelToken.range)
        advance()  // :
        if !labels.insert(label.name).inserted {
          report("argument `\(label.name)` is passed twice", at: label.range)
        }
        arguments.append(Argument(label: label, value: try parseExpression(), isSpread: false))
      } else {
        let value = try parseExpression()
        if at(.equal), case .name(let name) = value.kind {
          try fail(
            "expected `,` or `)` after the argument, found `=`",
            hint: "named arguments are written `\(name): value`; to compare, use `==`")
        }
        if arguments.last?.label != nil {
          report("positional arguments must come before named ones", at: value.range)
        }
        arguments.append(Argument(label: nil, value: value, isSpread: false))
      }
      if !consume(.comma) { break }
    }
    try expectClosing(.rightParen, opener: opener, after: "or `,` after the argument")
    return arguments
  }
}
