extension Parser {
  /// expression := yield-expr  (the full precedence table is in docs/language.md)
  mutating func parseExpression() throws(ParseError) -> Expr {
    try enterNesting()
    defer { depth -= 1 }
    return try parseYield()
  }

  /// yield-expr := 'yield' yield-expr? | or-expr
  mutating func parseYield() throws(ParseError) -> Expr {
    guard at(.kwYield) else { return try parseBinary(.or) }
    let start = advance().range.start
    if endsStatement || [.rightParen, .rightBracket, .comma, .colon].contains(current.kind) {
      return Expr(kind: .yield(nil), range: range(from: start))
    }
    let value = try parseExpression()
    return Expr(kind: .yield(value), range: range(from: start))
  }

  /// Binding levels of the binary operators, lowest first (docs/language.md has the table).
  enum Level: Int, Comparable {
    case or = 2
    case and, not, comparison, coalesce, range, bitOr, bitXor, bitAnd, shift, additive, multiplicative
    /// Above every binary operator: only a unary expression.
    case prefix
    static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }
    var next: Level { Level(rawValue: rawValue + 1) ?? .prefix }
  }

  static let binaryOperators: [TokenKind: (BinaryOperator, Level)] = [
    .kwOr: (.or, .or), .pipePipe: (.or, .or), .kwAnd: (.and, .and), .ampersandAmpersand: (.and, .and),
    .pipe: (.bitOr, .bitOr), .caret: (.bitXor, .bitXor), .ampersand: (.bitAnd, .bitAnd),
    .shiftLeft: (.shiftLeft, .shift), .shiftRight: (.shiftRight, .shift),
    .plus: (.add, .additive), .minus: (.subtract, .additive),
    .star: (.multiply, .multiplicative), .slash: (.divide, .multiplicative),
    .slashSlash: (.floorDivide, .multiplicative), .percent: (.remainder, .multiplicative),
  ]

  static let comparisonOperators: [TokenKind: ComparisonOperator] = [
    .equalEqual: .equal, .bangEqual: .notEqual, .equalEqualEqual: .identical, .bangEqualEqual: .notIdentical,
    .less: .less, .lessEqual: .lessEqual, .greater: .greater, .greaterEqual: .greaterEqual,
  ]

  /// binary := precedence climbing over `or` … `*` (one function for every level, so deep
  /// nesting costs few stack frames).
  ///
  /// - `not e` is a prefix at its own level: `not a == b` is `not (a == b)`.
  /// - comparisons chain like Python's: `a < b <= c` is `a < b and b <= c`; `e is Type` too.
  /// - `??` is right-associative; ranges do not associate; the rest are left-associative.
  ///
  /// Each right operand is a nesting level (it is parsed by recursion); each operator is a
  /// chain link (see `chainHeight`).
  mutating func parseBinary(_ minimum: Level) throws(ParseError) -> Expr {
    let outerHeight = chainHeight
    chainHeight = 0
    var height = 0
    defer { chainHeight = max(outerHeight, height, chainHeight) }
    var left: Expr
    let start = current.range.start
    if minimum <= .not, at(.kwNot) {
      advance()
      try enterNesting()
      defer { depth -= 1 }
      let operand = try parseBinary(.not)
      left = Expr(kind: .unary(.not, operand), range: range(from: start))
    } else if minimum <= .range, at(.halfOpenRange) || at(.closedRange) {
      let isClosed = advance().kind == .closedRange
      try enterNesting()
      defer { depth -= 1 }
      let upper = try parseBinary(.bitOr)
      left = Expr(kind: .range(lower: nil, upper: upper, isClosed: isClosed), range: range(from: start))
    } else {
      left = try parseUnary()
    }
    while true {
      if let (op, level) = Parser.binaryOperators[current.kind], level >= minimum {
        let opToken = advance()
        try checkOperandFollows(opToken)
        let right = try parseOperand(level.next)
        try addLink(&height)
        left = Expr(kind: .binary(op, left, right), range: left.range.union(right.range))
      } else if minimum <= .comparison, Parser.comparisonOperators[current.kind] != nil || at(.kwIs) {
        left = try parseComparisonChain(startingWith: left, height: &height)
      } else if minimum <= .coalesce, at(.questionQuestion) {
        let opToken = advance()
        try checkOperandFollows(opToken)
        let right = try parseOperand(.coalesce)
        try addLink(&height)
        left = Expr(kind: .binary(.nilCoalesce, left, right), range: left.range.union(right.range))
      } else if minimum <= .range, at(.halfOpenRange) || at(.closedRange) {
        let isClosed = advance().kind == .closedRange
        var upper: Expr?
        if current.kind.startsOperand && !at(.dot) {
          upper = try parseOperand(.bitOr)
        }
        if at(.halfOpenRange) || at(.closedRange) {
          try fail("ranges cannot be chained", hint: "add parentheses: `(a..<b).step(2)`")
        }
        try addLink(&height)
        left = Expr(kind: .range(lower: left, upper: upper, isClosed: isClosed), range: range(from: left.range.start))
      } else {
        return left
      }
    }
  }

  /// The right operand of a binary operator: one nesting level deeper.
  mutating func parseOperand(_ minimum: Level) throws(ParseError) -> Expr {
    try enterNesting()
    defer { depth -= 1 }
    return try parseBinary(minimum)
  }

  /// comparison-chain := operand ((comparison-op coalesce) | ('is' 'not'? type-path))+
  ///
  /// A comparison chain is one node however long; each `is` test wraps what precedes it.
  mutating func parseComparisonChain(startingWith first: Expr, height: inout Int) throws(ParseError) -> Expr {
    var first = first
    var rest: [(ComparisonOperator, Expr)] = []
    while true {
      if let op = Parser.comparisonOperators[current.kind] {
        let opToken = advance()
        try checkOperandFollows(opToken)
        rest.append((op, try parseOperand(.coalesce)))
      } else if at(.kwIs) {
        if let last = rest.last {
          try addLink(&height)
          first = Expr(kind: .comparison(first, rest), range: first.range.union(last.1.range))
          rest = []
        }
        advance()
        let negated = consume(.kwNot)
        let type = try parseTypePath("a type name after `is`")
        try addLink(&height)
        first = Expr(kind: .isType(first, type), range: first.range.union(type.range))
        if negated {
          try addLink(&height)
          first = Expr(kind: .unary(.not, first), range: first.range)
        }
      } else {
        break
      }
    }
    guard let last = rest.last else { return first }
    try addLink(&height)
    return Expr(kind: .comparison(first, rest), range: first.range.union(last.1.range))
  }

  /// After a binary operator: report `x++`/`x--` and a missing right operand clearly.
  mutating func checkOperandFollows(_ opToken: Token) throws(ParseError) {
    if opToken.kind == .plus || opToken.kind == .minus, current.kind == opToken.kind, current.isAdjacentToPrevious,
      opToken.kind == .plus || !peek().isAdjacentToPrevious
        || [.newline, .semicolon, .rightBrace, .rightParen, .endOfFile].contains(peek().kind)
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
  ///
  /// The exponent is a nesting level: `a ** b ** c …` recurses once per operator.
  mutating func parsePower() throws(ParseError) -> Expr {
    let outerHeight = chainHeight
    chainHeight = 0
    var height = 0
    defer { chainHeight = max(outerHeight, height, chainHeight) }
    let base = try parsePostfix()
    guard consume(.starStar) else { return base }
    skipNewlines()
    try enterNesting()
    defer { depth -= 1 }
    let exponent = try parseUnary()
    try addLink(&height)
    return Expr(kind: .binary(.power, base, exponent), range: base.range.union(exponent.range))
  }

  /// postfix := primary ('(' arguments ')' | '.' name | '.' integer | '[' arguments ']'
  ///            | '?.' name | '?[' arguments ']' | newline '.' name)*
  ///
  /// Each suffix is a chain link (see `chainHeight`).
  mutating func parsePostfix() throws(ParseError) -> Expr {
    let outerHeight = chainHeight
    chainHeight = 0
    var height = 0
    defer { chainHeight = max(outerHeight, height, chainHeight) }
    var expr = try parsePrimary()
    var isOptionalChain = false
    while true {
      switch current.kind {
      case .leftParen:
        let arguments = try parseArguments()
        try addLink(&height)
        expr = Expr(kind: .call(callee: expr, arguments: arguments), range: range(from: expr.range.start))
      case .dot:
        advance()
        try addLink(&height)
        expr = try parseMemberSuffix(of: expr, isOptional: false)
      case .questionDot:
        advance()
        isOptionalChain = true
        if at(.leftParen) {
          try fail("optional call `?.(` is not supported", hint: "write `f?.call(…)` or check `f != nil` first")
        }
        try addLink(&height)
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
        try addLink(&height)
        expr = Expr(
          kind: .subscriptAccess(expr, arguments, isOptional: isOptional), range: range(from: expr.range.start))
      case .newline
      where allowsDotContinuation && peek().kind == .dot
        && (peek(2).kind == .identifier || peek(2).kind == .integer):
        advance()  // a line starting with `.name` continues the chain
      default:
        if isOptionalChain {
          try addLink(&height)
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
