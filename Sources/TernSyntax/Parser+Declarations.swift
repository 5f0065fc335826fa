extension Parser {
  /// function := 'fn' name? '(' parameters ')' function-body
  /// function-body := block | '=>' expression-statement
  mutating func parseFunction(named: Bool) throws(ParseError) -> FunctionDecl {
    let start = current.range.start
    advance()  // fn
    var name: Identifier?
    if at(.identifier) {
      let token = advance()
      name = Identifier(name: token.name, range: token.range)
    } else if named {
      _ = try parseIdentifier("a function name after `fn`")
    }
    let parameters = try parseParameterList(after: name.map { "after `fn \($0.name)`" } ?? "after `fn`")
    let body = try parseFunctionBody()
    return FunctionDecl(name: name, parameters: parameters, body: body, range: range(from: start))
  }

  mutating func parseFunctionBody() throws(ParseError) -> FunctionBody {
    if at(.leftBrace) {
      return .block(try parseBlock(after: "to begin the function body"))
    }
    if consume(.fatArrow) {
      skipNewlines()
      return .expression(try parseArrowBody())
    }
    try failExpected("`{` or `=>` to begin the function body")
  }

  /// The body after `=>`: an expression, or an assignment.
  mutating func parseArrowBody() throws(ParseError) -> Expr {
    if endsStatement || at(.comma) { try failExpected("an expression after `=>`") }
    return try parseExpressionStatement()
  }

  /// parameters := '(' (parameter (',' parameter)* ','?)? ')'
  /// parameter := '...' name | pattern ('=' expression)?
  mutating func parseParameterList(after what: String) throws(ParseError) -> [Parameter] {
    guard at(.leftParen) else { try failExpected("`(` to begin the parameter list \(what)") }
    let opener = advance()
    var parameters: [Parameter] = []
    var seen: Set<String> = []
    while !at(.rightParen) {
      let start = current.range.start
      if let rest = parameters.last, rest.isRest {
        try fail("`...\(source.text(of: rest.pattern.range))` must be the last parameter", at: rest.range)
      }
      var parameter: Parameter
      if consume(.closedRange) {
        let name = try parseIdentifier("a name after `...` for the rest parameter")
        parameter = Parameter(
          pattern: Pattern(kind: .binding(name.name), range: name.range), defaultValue: nil,
          isRest: true, range: range(from: start))
      } else {
        guard at(.identifier) || at(.leftParen) || at(.leftBracket) else {
          if at(.endOfFile) || at(.newline) || at(.leftBrace) {
            try expectClosing(.rightParen, opener: opener, after: "to end the parameter list")
          }
          if current.kind.isKeyword { _ = try parseIdentifier("a parameter name") }
          try failExpected("a parameter name")
        }
        let pattern = try parseBindingPattern(context: "as a parameter")
        var defaultValue: Expr?
        if consume(.equal) {
          defaultValue = try parseExpression()
        }
        parameter = Parameter(pattern: pattern, defaultValue: defaultValue, isRest: false, range: range(from: start))
      }
      for name in parameter.pattern.boundNames {
        if !seen.insert(name.name).inserted, name.name != "_" {
          report("duplicate parameter `\(name.name)`", at: name.range)
        }
      }
      parameters.append(parameter)
      if !consume(.comma) { break }
    }
    try expectClosing(.rightParen, opener: opener, after: "or `,` in the parameter list")
    return parameters
  }

  // MARK: - Classes

  /// class := 'class' name (':' type-path)? '{' member* '}'
  mutating func parseClass() throws(ParseError) -> ClassDecl {
    let start = current.range.start
    advance()
    let name = try parseIdentifier("a class name after `class`")
    var superclass: TypePath?
    if consume(.colon) {
      superclass = try parseTypePath("a superclass name after `:`")
    } else if at(.less) || at(.kwIs) || (at(.identifier) && current.name == "extends") {
      try fail("expected `{` or `:` after the class name", hint: "a superclass is written `class Dog: Animal { … }`")
    }
    let members = try parseMembers(of: "class", allowInit: true).members
    return ClassDecl(name: name, superclass: superclass, members: members, range: range(from: start))
  }

  /// members := '{' (attribute* ('static'? function | 'init' params body | 'fn' ('get'|'set') name params body
  ///            | 'fn' operator params body))* '}'
  mutating func parseMembers(of kind: String, allowInit: Bool, allowsCases: Bool = false)
    throws(ParseError) -> (members: [ClassMember], cases: [EnumCase])
  {
    guard at(.leftBrace) else { try failExpected("`{` to begin the \(kind) body") }
    let opener = advance()
    var members: [ClassMember] = []
    var cases: [EnumCase] = []
    try parseClauses(opener: opener, what: "the \(kind) body", item: "member", dotStartsClause: false) {
      (parser) throws(ParseError) in
      if allowsCases, parser.at(.identifier) || parser.at(.kwCase) {
        try parser.parseEnumCases(into: &cases)
      } else {
        members.append(try parser.parseMember(of: kind, allowInit: allowInit))
      }
    }
    return (members, cases)
  }

  mutating func parseMember(of kind: String, allowInit: Bool) throws(ParseError) -> ClassMember {
    var attributes: [Attribute] = []
    while at(.at) {
      let atToken = advance()
      let name = try parseIdentifier("an attribute name after `@`")
      var arguments: [Argument] = []
      if at(.leftParen) { arguments = try parseArguments() }
      attributes.append(Attribute(name: name.name, arguments: arguments, range: range(from: atToken.range.start)))
      skipNewlines()
    }
    let start = current.range.start
    if at(.kwInit) {
      guard allowInit else {
        try fail(
          "\(kind == "record" ? "a record" : "an enum") cannot declare `init`",
          hint: kind == "record" ? "its fields are listed after its name: `record Point(x, y)`" : nil)
      }
      let initToken = advance()
      let parameters = try parseParameterList(after: "after `init`")
      let body = try parseFunctionBody()
      let function = FunctionDecl(
        name: Identifier(name: "init", range: initToken.range), parameters: parameters,
        body: body, range: range(from: start))
      return ClassMember(kind: .initializer, function: function, attributes: attributes)
    }
    var isStatic = false
    if consume(.kwStatic) {
      isStatic = true
      guard at(.kwFn) else { try failExpected("`fn` after `static`") }
    }
    guard at(.kwFn) else {
      var hint: String?
      if at(.kwLet) || at(.kwVar) || (at(.identifier) && peek().kind == .equal) {
        hint = "fields are created by assigning `self.name = value` in `init`"
      } else if at(.identifier) && peek().kind == .leftParen {
        hint = "methods are declared with `fn`: `fn \(current.name)(…) { … }`"
      }
      try failExpected("a method (`fn`), `init` or `static fn` in the \(kind) body", hint: hint)
    }
    let fnToken = advance()
    // Accessors: `fn get name()` / `fn set name(v)` (but `fn get()` is a method named get).
    if at(.identifier), current.name == "get" || current.name == "set", peek().kind == .identifier, !isStatic {
      let isGetter = advance().name == "get"
      let name = try parseIdentifier("a property name")
      let parameters = try parseParameterList(after: "after `fn \(isGetter ? "get" : "set") \(name.name)`")
      if isGetter && !parameters.isEmpty {
        report("a getter takes no parameters", at: range(from: name.range.start))
      } else if !isGetter && parameters.count != 1 {
        report("a setter takes exactly one parameter (the new value)", at: range(from: name.range.start))
      }
      let body = try parseFunctionBody()
      let function = FunctionDecl(name: name, parameters: parameters, body: body, range: range(from: start))
      return ClassMember(kind: isGetter ? .getter : .setter, function: function, attributes: attributes)
    }
    if let (symbol, symbolRange) = try parseOperatorName() {
      if isStatic { report("operator methods cannot be `static`", at: symbolRange) }
      let parameters = try parseParameterList(after: "after `fn \(symbol)`")
      let expected: ClosedRange<Int> =
        switch symbol {
        case "-": 0...1
        case "~", "!": 0...0
        case "[]=": 2...2
        case "[]": 1...Int.max
        default: 1...1
        }
      if !expected.contains(parameters.count) {
        let count = expected.lowerBound == expected.upperBound ? "\(expected.lowerBound)" : "0 or 1"
        report(
          "operator method `\(symbol)` takes \(count) parameter\(count == "1" ? "" : "s")",
          at: range(from: symbolRange.start))
      }
      let body = try parseFunctionBody()
      let function = FunctionDecl(
        name: Identifier(name: symbol, range: symbolRange), parameters: parameters,
        body: body, range: range(from: start))
      return ClassMember(kind: .operatorMethod(symbol), function: function, attributes: attributes)
    }
    index -= 1  // back to `fn`: parse the method as a named function
    _ = fnToken
    let function = try parseFunction(named: true)
    return ClassMember(kind: isStatic ? .staticMethod : .method, function: function, attributes: attributes)
  }

  /// Operator method names: `+ - * / // % ** == < <= > >= & | ^ << >> ~ [] []=`.
  mutating func parseOperatorName() throws(ParseError) -> (String, SourceRange)? {
    let start = current.range.start
    switch current.kind {
    case .leftBracket:
      advance()
      guard at(.rightBracket) else { try failExpected("`]` in the subscript operator name `[]`") }
      advance()
      if at(.equal), current.isAdjacentToPrevious {
        advance()
        return ("[]=", range(from: start))
      }
      return ("[]", range(from: start))
    case .plus, .minus, .star, .slash, .slashSlash, .percent, .starStar, .equalEqual, .less, .lessEqual,
      .greater, .greaterEqual, .ampersand, .pipe, .caret, .shiftLeft, .shiftRight, .tilde:
      let token = advance()
      return (TokenKind.punctuation[token.kind] ?? "", token.range)
    case .bangEqual:
      try fail("`!=` cannot be overloaded", hint: "define `==`; `!=` is its negation")
    default:
      return nil
    }
  }

  // MARK: - Records, enums, effects

  /// record := 'record' name '(' fields ')' members?
  mutating func parseRecord() throws(ParseError) -> RecordDecl {
    let start = current.range.start
    advance()
    let name = try parseIdentifier("a record name after `record`")
    guard at(.leftParen) else {
      try failExpected("`(` and the record's fields after its name", hint: "write `record Point(x, y)`")
    }
    let fields = try parseParameterList(after: "after the record name")
    for field in fields {
      if field.isRest { report("a record field cannot be a rest parameter", at: field.range) }
      if case .binding = field.pattern.kind {
      } else {
        report("a record field must be a plain name", at: field.pattern.range)
      }
    }
    var members: [ClassMember] = []
    if at(.leftBrace) {
      members = try parseMembers(of: "record", allowInit: false).members
    }
    return RecordDecl(name: name, fields: fields, members: members, range: range(from: start))
  }

  /// enum := 'enum' name '{' (case (',' case)* | member)* '}'
  /// case := 'case'? name ('(' fields ')')?
  mutating func parseEnum() throws(ParseError) -> EnumDecl {
    let start = current.range.start
    advance()
    let name = try parseIdentifier("an enum name after `enum`")
    let (members, cases) = try parseMembers(of: "enum", allowInit: false, allowsCases: true)
    if cases.isEmpty {
      report("an enum needs at least one case", at: name.range, hint: "write `enum \(name.name) { first, second }`")
    }
    return EnumDecl(name: name, cases: cases, members: members, range: range(from: start))
  }

  mutating func parseEnumCases(into cases: inout [EnumCase]) throws(ParseError) {
    _ = consume(.kwCase)
    repeat {
      skipNewlines()
      let start = current.range.start
      let name = try parseIdentifier("an enum case name")
      var fields: [Parameter]?
      if at(.leftParen) {
        fields = try parseParameterList(after: "after the case name")
      }
      if cases.contains(where: { $0.name.name == name.name }) {
        report("duplicate enum case `\(name.name)`", at: name.range)
      }
      cases.append(EnumCase(name: name, fields: fields, range: range(from: start)))
    } while consume(.comma) && (at(.identifier) || at(.newline))
  }

  /// effect := 'effect' name '{' ('fn' name '(' parameters ')')* '}'
  mutating func parseEffect() throws(ParseError) -> EffectDecl {
    let start = current.range.start
    advance()
    let name = try parseIdentifier("an effect name after `effect`")
    guard at(.leftBrace) else { try failExpected("`{` to begin the effect body") }
    let opener = advance()
    var operations: [EffectOperation] = []
    try parseClauses(opener: opener, what: "the effect body", item: "operation", dotStartsClause: false) {
      (parser) throws(ParseError) in
      let operationStart = parser.current.range.start
      guard parser.consume(.kwFn) else {
        try parser.failExpected("an operation `fn name(params)` in the effect body")
      }
      let opName = try parser.parseIdentifier("an operation name after `fn`")
      let parameters = try parser.parseParameterList(after: "after the operation name")
      if parser.at(.leftBrace) || parser.at(.fatArrow) {
        try parser.fail(
          "effect operations have no body",
          hint: "the handler supplies the behaviour: `handle { … } with { \(name.name).\(opName.name)(…) => … }`")
      }
      operations.append(
        EffectOperation(name: opName, parameters: parameters, range: parser.range(from: operationStart)))
    }
    return EffectDecl(name: name, operations: operations, range: range(from: start))
  }

  /// type-path := name ('.' name)*
  mutating func parseTypePath(_ what: String) throws(ParseError) -> TypePath {
    let start = current.range.start
    var components: [Identifier] = []
    if at(.kwSelfType) {
      let token = advance()
      components.append(Identifier(name: "Self", range: token.range))
    } else {
      guard at(.identifier) else { try failExpected(what) }
      components.append(try parseIdentifier(what))
    }
    while at(.dot), peek().kind == .identifier {
      advance()
      components.append(try parseIdentifier("a name after `.`"))
    }
    return TypePath(components: components, range: range(from: start))
  }
}
