extension Parser {
  /// primary := literal | name | 'self' | 'Self' | 'super' '.' name | '.' name | group-or-tuple
  ///          | list-or-map | block | function | if | match | try | handle | perform | resume
  ///          | spawn | nursery | select | 'yield' … | 'not' …
  mutating func parsePrimary() throws(ParseError) -> Expr {
    let token = current
    let start = token.range.start
    switch token.kind {
    case .integer:
      advance()
      guard case .integer(let literal) = token.payload else { return Expr(kind: .invalid, range: token.range) }
      return Expr(kind: .integer(literal), range: token.range)
    case .float:
      advance()
      guard case .float(let value) = token.payload else { return Expr(kind: .invalid, range: token.range) }
      return Expr(kind: .float(value), range: token.range)
    case .string:
      advance()
      return try stringExpression(token)
    case .kwTrue, .kwFalse:
      advance()
      return Expr(kind: .bool(token.kind == .kwTrue), range: token.range)
    case .kwNil:
      advance()
      return Expr(kind: .nilLiteral, range: token.range)
    case .identifier:
      advance()
      return Expr(kind: .name(token.name), range: token.range)
    case .kwSelf:
      advance()
      return Expr(kind: .selfRef, range: token.range)
    case .kwSelfType:
      advance()
      return Expr(kind: .selfType, range: token.range)
    case .kwSuper:
      advance()
      guard consume(.dot) else {
        try failExpected("`.` after `super`", hint: "call the superclass with `super.init(…)` or `super.method(…)`")
      }
      let name = try parseIdentifier("a method name after `super.`")
      return Expr(kind: .superMember(name), range: range(from: start))
    case .dot:
      advance()
      guard at(.identifier), current.isAdjacentToPrevious else {
        try failExpected("a symbol name after `.`", hint: "symbols are written `.name`")
      }
      let name = advance().name
      return Expr(kind: .symbol(name), range: range(from: start))
    case .leftParen:
      return try parseParenthesized()
    case .leftBracket:
      return try parseListOrMap()
    case .leftBrace:
      let block = try parseBlock(after: "")
      return Expr(kind: .block(block), range: block.range)
    case .kwFn:
      let function = try parseFunction(named: false)
      return Expr(kind: .function(function), range: function.range)
    case .kwIf:
      return try parseIf()
    case .kwThrow:
      // `throw e` where a value is expected (a match arm, a clause body, `x ?? throw e`):
      // a block that throws, so it never gives a value.
      let start = current.range.start
      advance()
      let value = try parseExpression()
      let span = range(from: start)
      return Expr(
        kind: .block(Block(statements: [Stmt(kind: .throwStmt(value), range: span)], range: span)), range: span)
    case .kwMatch:
      return try parseMatch()
    case .kwTry:
      return try parseTry()
    case .kwHandle:
      return try parseHandle()
    case .kwPerform:
      advance()
      let call = try parseNestedPostfix()
      guard case .call(let callee, let arguments) = call.kind else {
        try fail(
          "expected an operation call after `perform`", at: call.range,
          hint: "write `perform Effect.operation(arguments)`")
      }
      return Expr(kind: .perform(operation: callee, arguments: arguments), range: range(from: start))
    case .kwResume:
      advance()
      guard at(.leftParen) else {
        try failExpected("`(` after `resume`", hint: "resume a handled computation with `resume(value)`")
      }
      return Expr(kind: .resume(try parseArguments()), range: range(from: start))
    case .kwSpawn:
      advance()
      if at(.leftBrace) {
        let block = try parseBlock(after: "")
        return Expr(kind: .spawn(Expr(kind: .block(block), range: block.range)), range: range(from: start))
      }
      let call = try parseNestedPostfix()
      guard case .call = call.kind else {
        try fail(
          "expected a call or a block after `spawn`", at: call.range,
          hint: "write `spawn work(x)` to run `work(x)` as a task, or `spawn { … }`")
      }
      return Expr(kind: .spawn(call), range: range(from: start))
    case .kwNursery:
      return try parseNursery()
    case .kwSelect:
      return try parseSelect()
    case .kwYield:
      return try parseYield()
    case .kwNot:
      return try parseBinary(.not)
    case .kwAwait, .minus, .tilde, .bang:
      return try parseUnary()
    case .halfOpenRange, .closedRange:
      return try parseBinary(.range)
    case .error:
      advance()
      throw ParseError()
    default:
      if token.kind.isKeyword && peek().kind == .equal {
        try fail(
          "\(token.kind.spelling) is a keyword and cannot be used as a name",
          hint: "choose another name, such as `\(token.kind.spelling.dropFirst().dropLast())_`")
      }
      try failExpected("an expression")
    }
  }

  /// The operand of `perform`, `spawn` or `handle`: a postfix expression one level deeper,
  /// since it may itself start with one of them.
  mutating func parseNestedPostfix() throws(ParseError) -> Expr {
    try enterNesting()
    defer { depth -= 1 }
    return try parsePostfix()
  }

  /// Builds a string or interpolated-string expression, parsing each `\( … )`.
  mutating func stringExpression(_ token: Token) throws(ParseError) -> Expr {
    guard case .string(let segments) = token.payload else { return Expr(kind: .invalid, range: token.range) }
    if segments.count == 1, case .text(let text) = segments[0] {
      return Expr(kind: .string(text), range: token.range)
    }
    var parts: [InterpolationPart] = []
    for segment in segments {
      switch segment {
      case .text(let text):
        parts.append(.text(text))
      case .interpolation(let innerTokens, let segmentRange):
        var inner = Parser(tokens: innerTokens, source: source)
        inner.depth = depth
        inner.isInterpolation = true
        var expression = Expr(kind: .invalid, range: segmentRange)
        do throws(ParseError) {
          if inner.at(.endOfFile) {
            try inner.fail("expected an expression inside `\\( )`", at: segmentRange)
          }
          expression = try inner.parseExpression()
          if !inner.at(.endOfFile) {
            try inner.failExpected("`)` to end the interpolation")
          }
        } catch {}
        diagnostics += inner.diagnostics
        chainHeight = max(chainHeight, inner.chainHeight)
        parts.append(.expression(expression))
      }
    }
    return Expr(kind: .interpolated(parts), range: token.range)
  }

  /// group-or-tuple := '(' ')' | '(' expression ')' | '(' expression ',' (expression (',' expression)*)? ','? ')'
  mutating func parseParenthesized() throws(ParseError) -> Expr {
    let opener = advance()
    if consume(.rightParen) {
      return Expr(kind: .tuple([]), range: range(from: opener.range.start))
    }
    let first = try parseTupleElement()
    if !at(.comma) {
      try expectClosing(.rightParen, opener: opener, after: "to close the parenthesis")
      var grouped = first
      grouped.range = range(from: opener.range.start)
      return grouped
    }
    var elements = [first]
    while consume(.comma) {
      if at(.rightParen) || at(.newline) || at(.endOfFile) { break }
      elements.append(try parseTupleElement())
    }
    try expectClosing(.rightParen, opener: opener, after: "or `,` in the tuple")
    return Expr(kind: .tuple(elements), range: range(from: opener.range.start))
  }

  /// Inside parentheses an assignment may appear only as a tuple element target, which
  /// `parseExpressionStatement` validates; here it is a plain expression.
  mutating func parseTupleElement() throws(ParseError) -> Expr {
    if at(.newline) || at(.endOfFile) { try failExpected("an expression") }
    return try parseExpression()
  }

  /// list-or-map := '[' ']' | '[' ':' ']' | '[' element (',' element)* ','? ']'
  ///              | '[' expression ':' expression (',' expression ':' expression)* ','? ']'
  /// element := '...' expression | expression
  mutating func parseListOrMap() throws(ParseError) -> Expr {
    let opener = advance()
    if consume(.rightBracket) {
      return Expr(kind: .list([]), range: range(from: opener.range.start))
    }
    if at(.colon), peek().kind == .rightBracket {
      advance()
      advance()
      return Expr(kind: .map([]), range: range(from: opener.range.start))
    }
    var elements: [Element] = []
    var entries: [MapEntry] = []
    var isMap: Bool?
    repeat {
      if at(.rightBracket) { break }
      if consume(.closedRange) {
        if isMap == true { try fail("a map literal cannot contain `...` spreads", at: tokens[index - 1].range) }
        isMap = false
        elements.append(.spread(try parseExpression()))
        continue
      }
      if at(.newline) || at(.endOfFile) { break }
      let value = try parseExpression()
      if consume(.colon) {
        if isMap == false {
          try fail("cannot mix list elements and map entries in one literal", at: tokens[index - 1].range)
        }
        isMap = true
        entries.append(MapEntry(key: value, value: try parseExpression()))
      } else {
        if isMap == true {
          try failExpected("`:` and a value after the map key")
        }
        isMap = false
        elements.append(.value(value))
      }
    } while consume(.comma)
    try expectClosing(.rightBracket, opener: opener, after: "or `,` in the \(isMap == true ? "map" : "list") literal")
    let exprRange = range(from: opener.range.start)
    return isMap == true ? Expr(kind: .map(entries), range: exprRange) : Expr(kind: .list(elements), range: exprRange)
  }

  /// if := 'if' expression block ('else' (if | block))?
  mutating func parseIf() throws(ParseError) -> Expr {
    let start = advance().range.start
    if at(.leftBrace) { try failExpected("a condition after `if`") }
    if at(.kwLet) || at(.kwVar) {
      try fail(
        "`if \(at(.kwLet) ? "let" : "var")` is not supported",
        hint: "bind the value first, then test it: `let x = f()` and `if x != nil { … }`, or use `match`")
    }
    let condition = try parseExpression()
    guard at(.leftBrace) else {
      if at(.equal) {
        try fail("assignment is not allowed in a condition", hint: "did you mean `==`?")
      }
      try failExpected("`{` after the `if` condition")
    }
    let thenBlock = try parseBlock(after: "after the `if` condition")
    var elseBranch: Expr?
    if skipNewlines(before: .kwElse) {
      advance()
      if at(.kwIf) {
        // `else if` chains nest one level each: they count against the nesting limit.
        try enterNesting()
        defer { depth -= 1 }
        elseBranch = try parseIf()
      } else {
        let block = try parseBlock(after: "or `if` after `else`")
        elseBranch = Expr(kind: .block(block), range: block.range)
      }
    }
    return Expr(kind: .ifExpr(condition: condition, then: thenBlock, elseBranch: elseBranch), range: range(from: start))
  }

  /// match := 'match' expression '{' (arm (newline | ';' | ',')*)* '}'
  /// arm := 'case'? pattern ('if' expression)? '=>' arrow-body
  mutating func parseMatch() throws(ParseError) -> Expr {
    let start = advance().range.start
    if at(.leftBrace) { try failExpected("a value to match after `match`") }
    let subject = try parseExpression()
    guard at(.leftBrace) else { try failExpected("`{` after the matched value") }
    let opener = advance()
    var arms: [MatchArm] = []
    try parseClauses(opener: opener, what: "the `match` body", item: "arm") { (parser) throws(ParseError) in
      let armStart = parser.current.range.start
      _ = parser.consume(.kwCase)
      let pattern = try parser.parsePattern(context: "in the match arm")
      var guardExpr: Expr?
      if parser.consume(.kwIf) {
        guardExpr = try parser.parseExpression()
      }
      try parser.expect(.fatArrow, "`=>` after the match pattern", hint: "write `pattern => result`")
      let body = try parser.parseArmBody()
      arms.append(MatchArm(pattern: pattern, guardExpr: guardExpr, body: body, range: parser.range(from: armStart)))
    }
    return Expr(kind: .match(subject: subject, arms: arms), range: range(from: start))
  }

  /// Parses the items of a `{ … }` body that holds clauses or members (match arms, handler
  /// clauses, select cases, class/record/enum members, effect operations), each separated by
  /// newlines, `;` or `,`, recovering item by item. In arm bodies (`dotStartsClause`), a line
  /// starting with `.name` begins the next arm instead of continuing a method chain.
  mutating func parseClauses(
    opener: Token, what: String, item: String, dotStartsClause: Bool = true,
    _ clause: (inout Parser) throws(ParseError) -> Void
  ) throws(ParseError) {
    if depth >= Parser.maximumDepth {
      // Too deep: report at the `{` and leave it unconsumed, so recovery skips the body.
      while tokens[index].range.start > opener.range.start { index -= 1 }
    }
    try enterNesting()
    let savedDot = allowsDotContinuation
    allowsDotContinuation = !dotStartsClause
    blockDepth += 1
    defer {
      allowsDotContinuation = savedDot
      blockDepth -= 1
      depth -= 1
    }
    while true {
      while at(.newline) || at(.semicolon) || at(.comma) { advance() }
      if at(.rightBrace) || at(.endOfFile) { break }
      let before = index
      do throws(ParseError) {
        try clause(&self)
        if !(at(.newline) || at(.semicolon) || at(.comma) || at(.rightBrace) || at(.endOfFile)) {
          try failExpected("a newline or `,` before the next \(item)")
        }
      } catch {
        synchronize()
      }
      if index == before { advance() }
    }
    allowsDotContinuation = savedDot
    try expectClosing(.rightBrace, opener: opener, after: "to close \(what)")
  }

  /// The body of an arm or clause after `=>`, where `.name` on the next line starts the
  /// next arm rather than continuing a chain.
  mutating func parseArmBody() throws(ParseError) -> Expr {
    skipNewlines()
    let saved = allowsDotContinuation
    allowsDotContinuation = false
    defer { allowsDotContinuation = saved }
    return try parseArrowBody()
  }

  /// try := 'try' block ('catch' (pattern ('if' expression)?)? block)* ('finally' block)?
  mutating func parseTry() throws(ParseError) -> Expr {
    let tryToken = advance()
    let body = try parseBlock(after: "after `try`")
    var catches: [CatchClause] = []
    var finallyBlock: Block?
    while skipNewlines(before: .kwCatch) {
      let catchStart = advance().range.start
      var pattern: Pattern?
      var guardExpr: Expr?
      if !at(.leftBrace) {
        pattern = try parsePattern(context: "after `catch`")
        if consume(.kwIf) { guardExpr = try parseExpression() }
      }
      let block = try parseBlock(after: "to begin the `catch` body")
      catches.append(CatchClause(pattern: pattern, guardExpr: guardExpr, body: block, range: range(from: catchStart)))
    }
    if skipNewlines(before: .kwFinally) {
      advance()
      finallyBlock = try parseBlock(after: "after `finally`")
      if skipNewlines(before: .kwCatch) {
        try fail("`catch` must come before `finally`")
      }
    }
    if catches.isEmpty && finallyBlock == nil {
      try fail(
        "`try` needs a `catch` or `finally` clause", at: tryToken.range,
        hint: "write `try { … } catch e { … }`")
    }
    return Expr(
      kind: .tryExpr(body: body, catches: catches, finally: finallyBlock), range: range(from: tryToken.range.start))
  }

  /// handle := 'handle' (block | postfix) 'with' '{' clause* '}'
  /// clause := ('raw' | 'fun')? (name '.')? name '(' parameters ')' '=>' arrow-body
  ///         | 'return' '(' parameters ')' '=>' arrow-body | 'catch' '(' parameters ')' '=>' arrow-body
  mutating func parseHandle() throws(ParseError) -> Expr {
    let start = advance().range.start
    let body: Block
    if at(.leftBrace) {
      body = try parseBlock(after: "after `handle`")
    } else {
      let expression = try parseNestedPostfix()
      body = Block(statements: [Stmt(kind: .expression(expression), range: expression.range)], range: expression.range)
    }
    guard skipNewlines(before: .kwWith) else {
      try failExpected(
        "`with` and the handler clauses after the `handle` body",
        hint: "write `handle { … } with { Effect.op(x) => resume(…) }`")
    }
    advance()
    guard at(.leftBrace) else { try failExpected("`{` to begin the handler clauses after `with`") }
    let opener = advance()
    var clauses: [HandlerClause] = []
    try parseClauses(opener: opener, what: "the handler clauses", item: "clause") { (parser) throws(ParseError) in
      clauses.append(try parser.parseHandlerClause())
    }
    return Expr(kind: .handle(body: body, clauses: clauses), range: range(from: start))
  }

  mutating func parseHandlerClause() throws(ParseError) -> HandlerClause {
    let start = current.range.start
    let kind: HandlerClause.Kind
    if consume(.kwReturn) {
      kind = .returnClause
    } else if consume(.kwCatch) {
      kind = .catchClause
    } else {
      var modifier = HandlerClause.Modifier.plain
      if at(.identifier), current.name == "raw" || current.name == "fun", peek().kind == .identifier {
        modifier = advance().name == "raw" ? .raw : .fun
      }
      guard at(.identifier) else {
        try failExpected("a handler clause such as `Effect.op(x) => …`, `return(v) => …` or `catch(e) => …`")
      }
      var name = try parseIdentifier("an operation name")
      var effect: Identifier?
      if consume(.dot) {
        effect = name
        name = try parseIdentifier("an operation name after `.`")
      }
      kind = .operation(effect: effect, name: name, modifier: modifier)
    }
    let parameters = try parseParameterList(after: "in the handler clause")
    switch kind {
    case .returnClause where parameters.count != 1:
      report("a `return` clause takes exactly one parameter (the body's value)", at: range(from: start))
    case .catchClause where parameters.count != 1:
      report("a `catch` clause takes exactly one parameter (the error)", at: range(from: start))
    default:
      break
    }
    try expect(.fatArrow, "`=>` after the clause parameters")
    let body = try parseArmBody()
    return HandlerClause(kind: kind, parameters: parameters, body: body, range: range(from: start))
  }

  /// nursery := 'nursery' '{' (name '=>')? statements '}'
  mutating func parseNursery() throws(ParseError) -> Expr {
    let start = advance().range.start
    guard at(.leftBrace) else {
      try failExpected("`{` after `nursery`", hint: "write `nursery { n => n.spawn(work) }`")
    }
    try enterNesting()
    defer { depth -= 1 }
    let opener = advance()
    var parameter: Identifier?
    skipNewlines()
    if at(.identifier), peek().kind == .fatArrow {
      parameter = try parseIdentifier("a name")
      advance()
    }
    blockDepth += 1
    let savedDot = allowsDotContinuation
    allowsDotContinuation = true
    let statements = parseStatements(closingBrace: opener)
    allowsDotContinuation = savedDot
    blockDepth -= 1
    try expectClosing(.rightBrace, opener: opener, after: "to close the nursery")
    let body = Block(statements: statements, range: range(from: opener.range.start))
    return Expr(kind: .nursery(parameter: parameter, body: body), range: range(from: start))
  }

  /// select := 'select' '{' (('case' (pattern '=')? postfix | 'default') '=>' arrow-body)* '}'
  mutating func parseSelect() throws(ParseError) -> Expr {
    let start = advance().range.start
    guard at(.leftBrace) else { try failExpected("`{` after `select`") }
    let opener = advance()
    var clauses: [SelectClause] = []
    var sawDefault = false
    try parseClauses(opener: opener, what: "the `select` body", item: "case") { (parser) throws(ParseError) in
      let clauseStart = parser.current.range.start
      if parser.at(.identifier), parser.current.name == "default", parser.peek().kind == .fatArrow {
        let defaultToken = parser.advance()
        if sawDefault { parser.report("a `select` can have only one `default` clause", at: defaultToken.range) }
        sawDefault = true
        parser.advance()
        let body = try parser.parseArmBody()
        clauses.append(SelectClause(kind: .defaultClause, body: body, range: parser.range(from: clauseStart)))
        return
      }
      try parser.expect(
        .kwCase, "`case` or `default` in the `select` body",
        hint: "write `case v = ch.receive() => …`")
      var binding: Pattern?
      var operation = try parser.parseExpression()
      if parser.consume(.equal) {
        binding = try parser.patternFromTarget(operation)
        operation = try parser.parseExpression()
      }
      try parser.expect(.fatArrow, "`=>` after the select case")
      let body = try parser.parseArmBody()
      clauses.append(
        SelectClause(
          kind: .operation(binding: binding, operation: operation), body: body,
          range: parser.range(from: clauseStart)))
    }
    return Expr(kind: .select(clauses), range: range(from: start))
  }
}
