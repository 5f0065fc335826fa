extension Parser {
  /// statements := (statement (newline | ';'))*   — up to `}` when `closingBrace` is set.
  mutating func parseStatements(closingBrace: Token?) -> [Stmt] {
    var statements: [Stmt] = []
    while true {
      while at(.newline) || at(.semicolon) { advance() }
      if at(.endOfFile) { break }
      if at(.rightBrace) {
        if closingBrace != nil { break }
        report("unexpected `}`", at: current.range, hint: "there is no open `{` for it to close")
        advance()
        continue
      }
      let start = index
      do throws(ParseError) {
        let statement = try parseStatement()
        statements.append(statement)
        if blockDepth == 0, case .moduleAttribute = statement.kind {
        } else if blockDepth == 0 {
          seenTopLevelStatement = true
        }
        if !(at(.newline) || at(.semicolon) || at(.rightBrace) || at(.endOfFile)) {
          try failExpected(
            "a newline or `;` after the statement",
            hint: "consecutive statements on a line must be separated by `;`")
        }
      } catch {
        synchronize()
        statements.append(Stmt(kind: .invalid, range: range(from: tokens[start].range.start)))
      }
      if index == start { advance() }
    }
    return statements
  }

  /// block := '{' statements '}'
  mutating func parseBlock(after what: String) throws(ParseError) -> Block {
    guard at(.leftBrace) else {
      try failExpected("`{` \(what)")
    }
    try enterNesting()
    let opener = advance()
    let savedDot = allowsDotContinuation
    allowsDotContinuation = true
    blockDepth += 1
    defer {
      blockDepth -= 1
      depth -= 1
      allowsDotContinuation = savedDot
    }
    let statements = parseStatements(closingBrace: opener)
    try expectClosing(.rightBrace, opener: opener, after: "to close the block")
    return Block(statements: statements, range: range(from: opener.range.start))
  }

  /// statement := declaration | 'return' expr? | 'break' label? | 'continue' label?
  ///            | 'throw' expr | loop | label ':' loop | attribute* declaration
  ///            | expression-statement
  mutating func parseStatement() throws(ParseError) -> Stmt {
    let start = current.range.start
    switch current.kind {
    case .at:
      return try parseAttributedStatement()
    case .kwExport:
      let exportToken = advance()
      if blockDepth > 0 {
        try fail("`export` is only allowed at the top level of a module", at: exportToken.range)
      }
      guard [.kwFn, .kwClass, .kwRecord, .kwEnum, .kwEffect, .kwLet, .kwVar].contains(current.kind) else {
        try failExpected("a declaration after `export`")
      }
      var statement = try parseStatement()
      statement.isExported = true
      statement.range = range(from: start)
      return statement
    case .kwLet, .kwVar:
      return try parseBinding()
    case .kwFn where peek().kind != .leftParen:
      let function = try parseFunction(named: true)
      return Stmt(kind: .function(function), range: range(from: start))
    case .kwClass:
      return Stmt(kind: .classDecl(try parseClass()), range: range(from: start))
    case .kwRecord:
      return Stmt(kind: .recordDecl(try parseRecord()), range: range(from: start))
    case .kwEnum:
      return Stmt(kind: .enumDecl(try parseEnum()), range: range(from: start))
    case .kwEffect:
      return Stmt(kind: .effectDecl(try parseEffect()), range: range(from: start))
    case .kwImport, .kwFrom:
      return try parseImport()
    case .kwReturn:
      advance()
      let value = endsStatement ? nil : try parseExpression()
      return Stmt(kind: .returnStmt(value), range: range(from: start))
    case .kwBreak, .kwContinue:
      let isBreak = advance().kind == .kwBreak
      var label: Identifier?
      if at(.identifier) {
        let token = advance()
        label = Identifier(name: token.name, range: token.range)
      }
      let kind: StmtKind = isBreak ? .breakStmt(label: label) : .continueStmt(label: label)
      return Stmt(kind: kind, range: range(from: start))
    case .kwThrow:
      advance()
      if endsStatement { try failExpected("a value to throw after `throw`") }
      return Stmt(kind: .throwStmt(try parseExpression()), range: range(from: start))
    case .kwWhile, .kwFor:
      return try parseLoop(label: nil)
    case .identifier where peek().kind == .colon:
      let labelToken = advance()
      advance()
      skipNewlines()
      guard at(.kwWhile) || at(.kwFor) else {
        try failExpected("a `while` or `for` loop after the label `\(labelToken.name):`")
      }
      return try parseLoop(label: Identifier(name: labelToken.name, range: labelToken.range))
    case .kwElse:
      try fail("`else` without a matching `if`")
    case .kwCatch, .kwFinally:
      try fail("`\(current.kind == .kwCatch ? "catch" : "finally")` without a matching `try`")
    case .kwCase:
      try fail("`case` is only allowed in a `match` or `select` body")
    case .kwInit:
      try fail("`init` is only allowed in a class body")
    case .kwStatic:
      try fail("`static` is only allowed before `fn` in a class body")
    case .identifier
    where Parser.foreignKeywords[current.name] != nil && peek().kind == .identifier
      && !peek().isAdjacentToPrevious:
      try fail("unknown keyword `\(current.name)`", hint: Parser.foreignKeywords[current.name])
    default:
      let expression = try parseExpressionStatement()
      return Stmt(kind: .expression(expression), range: expression.range)
    }
  }

  /// True at a token that ends a statement (so an optional operand is absent).
  var endsStatement: Bool {
    at(.newline) || at(.semicolon) || at(.rightBrace) || at(.endOfFile)
  }

  /// expression-statement := expression (assignment-operator expression)?
  ///
  /// Also used for `=>` bodies, which may be assignments.
  mutating func parseExpressionStatement() throws(ParseError) -> Expr {
    let target = try parseExpression()
    guard let op = Parser.assignmentOperators[current.kind] else { return target }
    let opToken = advance()
    try checkAssignable(target, compound: op != nil, operatorToken: opToken)
    if endsStatement { try failExpected("a value after \(opToken.kind.spelling)") }
    let value = try parseExpression()
    if at(.equal) {
      try fail("assignments cannot be chained", hint: "assign each variable in its own statement")
    }
    return Expr(kind: .assign(target: target, op: op, value: value), range: target.range.union(value.range))
  }

  static let assignmentOperators: [TokenKind: BinaryOperator?] = [
    .equal: nil, .plusEqual: .add, .minusEqual: .subtract, .starEqual: .multiply,
    .slashEqual: .divide, .slashSlashEqual: .floorDivide, .percentEqual: .remainder,
    .starStarEqual: .power, .ampersandEqual: .bitAnd, .pipeEqual: .bitOr, .caretEqual: .bitXor,
    .shiftLeftEqual: .shiftLeft, .shiftRightEqual: .shiftRight, .questionQuestionEqual: .nilCoalesce,
  ]

  /// Assignment targets: a name, `a.b`, `a[i]`, or (for `=`) a tuple of targets.
  mutating func checkAssignable(_ target: Expr, compound: Bool, operatorToken: Token) throws(ParseError) {
    switch target.kind {
    case .name, .member(_, _, isOptional: false), .subscriptAccess(_, _, isOptional: false),
      .tupleIndex(_, _, isOptional: false):
      return
    case .tuple(let elements) where !compound && !elements.isEmpty:
      for element in elements { try checkAssignable(element, compound: false, operatorToken: operatorToken) }
    case .comparison, .binary(.and, _, _), .binary(.or, _, _):
      try fail("cannot assign to this expression", at: target.range, hint: "did you mean `==`?")
    case .optionalChain, .member(_, _, isOptional: true), .subscriptAccess(_, _, isOptional: true):
      try fail("cannot assign through `?.`", at: target.range, hint: "check for nil first with `if x != nil { … }`")
    case .tuple:
      try fail("compound assignment needs a single target", at: target.range)
    default:
      try fail(
        "cannot assign to this expression", at: target.range,
        hint: "only variables, fields `a.b`, elements `a[i]` and tuples of them can be assigned")
    }
  }

  /// binding := ('let' | 'var') pattern ('=' expression)?
  mutating func parseBinding() throws(ParseError) -> Stmt {
    let start = current.range.start
    let isMutable = advance().kind == .kwVar
    let keyword = isMutable ? "var" : "let"
    let pattern = try parseBindingPattern(context: "after `\(keyword)`")
    var value: Expr?
    if consume(.equal) {
      skipNewlines()
      value = try parseExpression()
    } else if isMutable, case .binding = pattern.kind, endsStatement {
      value = nil
    } else if !isMutable && endsStatement {
      try fail(
        "`let` needs a value: expected `=` after the name", at: current.range,
        hint: "use `var \(source.text(of: pattern.range))` for a variable that starts as nil")
    } else {
      try failExpected(
        "`=` after the \(keyword) pattern",
        hint: at(.colon) ? "Tern has no type annotations; write `\(keyword) name = value`" : nil)
    }
    return Stmt(kind: .binding(isMutable: isMutable, pattern: pattern, value: value), range: range(from: start))
  }

  /// loop := 'while' expression block | 'for' pattern 'in' expression block
  mutating func parseLoop(label: Identifier?) throws(ParseError) -> Stmt {
    let start = label?.range.start ?? current.range.start
    if consume(.kwWhile) {
      if at(.leftBrace) { try failExpected("a condition after `while`") }
      let condition = try parseExpression()
      let body = try parseBlock(after: "to begin the `while` body")
      return Stmt(kind: .whileLoop(label: label, condition: condition, body: body), range: range(from: start))
    }
    advance()  // for
    let pattern = try parseBindingPattern(context: "after `for`")
    try expect(.kwIn, "`in` after the loop variable", hint: "write `for x in sequence { … }`")
    if at(.leftBrace) { try failExpected("a sequence to loop over after `in`") }
    let sequence = try parseExpression()
    let body = try parseBlock(after: "to begin the `for` body")
    return Stmt(
      kind: .forLoop(label: label, pattern: pattern, sequence: sequence, body: body),
      range: range(from: start))
  }

  /// attributed := ('@' name ('(' arguments ')')?)+ declaration | '@' name (module attribute)
  mutating func parseAttributedStatement() throws(ParseError) -> Stmt {
    let start = current.range.start
    var attributes: [Attribute] = []
    while at(.at) {
      let atToken = advance()
      guard at(.identifier), current.isAdjacentToPrevious else {
        try fail("expected an attribute name after `@`", at: atToken.range)
      }
      let name = advance().name
      var arguments: [Argument] = []
      if at(.leftParen), current.isAdjacentToPrevious {
        arguments = try parseArguments()
      }
      attributes.append(Attribute(name: name, arguments: arguments, range: range(from: atToken.range.start)))
      if at(.newline) || at(.endOfFile) {
        // On its own line: attached to a declaration that follows, else a module attribute.
        var look = index
        while tokens[look].kind == .newline { look += 1 }
        let declarationFollows = Parser.declarationStarts.contains(tokens[look].kind)
        // Before the first statement, `@deterministic` is the module's even when a
        // declaration follows; any other attribute there belongs to that declaration.
        let isModuleAttribute = !declarationFollows || (!seenTopLevelStatement && name == "deterministic")
        if blockDepth == 0 && attributes.count == 1 && isModuleAttribute {
          return Stmt(kind: .moduleAttribute(attributes[0]), range: range(from: start))
        }
        skipNewlines()
      }
    }
    guard startsDeclaration else {
      try failExpected(
        "a declaration after the attribute",
        hint: "attributes stand before `fn`, `class`, `record`, `enum`, `effect`, `let` or `var`")
    }
    var statement = try parseStatement()
    statement.attributes = attributes + statement.attributes
    statement.range = range(from: start)
    return statement
  }

  var startsDeclaration: Bool { Parser.declarationStarts.contains(current.kind) }

  static let declarationStarts: Set<TokenKind> = [
    .kwFn, .kwClass, .kwRecord, .kwEnum, .kwEffect, .kwLet, .kwVar, .kwExport, .at,
  ]

  /// import := 'import' module ('as' name)? | 'from' module 'import' name ('as' name)? (',' …)*
  /// module := name ('.' name)* | string
  mutating func parseImport() throws(ParseError) -> Stmt {
    let start = current.range.start
    let keyword = advance()
    if blockDepth > 0 {
      try fail(
        "`\(keyword.kind == .kwImport ? "import" : "from")` is only allowed at the top level of a module",
        at: keyword.range)
    }
    let module = try parseModuleRef(after: keyword.kind == .kwImport ? "`import`" : "`from`")
    if keyword.kind == .kwImport {
      var alias: Identifier?
      if consume(.kwAs) { alias = try parseIdentifier("a name after `as`") }
      return Stmt(kind: .importModule(module, alias: alias), range: range(from: start))
    }
    try expect(.kwImport, "`import` after the module name", hint: "write `from module import name`")
    var names: [ImportedName] = []
    repeat {
      let name = try parseIdentifier(names.isEmpty ? "a name to import" : "a name to import after `,`")
      var alias: Identifier?
      if consume(.kwAs) { alias = try parseIdentifier("a name after `as`") }
      names.append(ImportedName(name: name, alias: alias))
    } while consume(.comma)
    return Stmt(kind: .importNames(module, names: names), range: range(from: start))
  }

  mutating func parseModuleRef(after what: String) throws(ParseError) -> ModuleRef {
    if at(.string) {
      let token = advance()
      guard case .string(let segments) = token.payload, segments.count <= 1 else {
        try fail("a module path cannot contain interpolation", at: token.range)
      }
      var path = ""
      if case .text(let text)? = segments.first { path = text }
      return .path(path, token.range)
    }
    var components = [try parseIdentifier("a module name or a path string after \(what)")]
    while consume(.dot) {
      components.append(try parseIdentifier("a module name after `.`"))
    }
    return .named(components)
  }

  mutating func parseIdentifier(_ what: String) throws(ParseError) -> Identifier {
    if at(.identifier) {
      let token = advance()
      return Identifier(name: token.name, range: token.range)
    }
    if current.kind.isKeyword {
      try fail(
        "\(current.kind.spelling) is a keyword and cannot be used as a name",
        hint: "choose another name, such as `\(current.kind.spelling.dropFirst().dropLast())_`")
    }
    try failExpected(what)
  }
}
