/// A uniform view of the syntax tree for printing: `tern parse` shows it as an indented
/// tree or as JSON, and tests compare its one-line S-expression form.
public struct DumpNode: Sendable {
  /// The node type (`let`, `binary`, `call`, …).
  public var kind: String
  /// Its detail, if any: an operator, a name, a literal.
  public var value: String?
  /// The field this node fills in its parent (`condition`, `body`, …), if named.
  public var role: String?
  public var range: SourceRange
  public var children: [DumpNode]

  init(_ kind: String, _ value: String? = nil, range: SourceRange, _ children: [DumpNode] = []) {
    self.kind = kind
    self.value = value
    self.range = range
    self.children = children
  }

  func role(_ role: String) -> DumpNode {
    var copy = self
    copy.role = role
    return copy
  }

  /// One-line form for tests. Operators, names and literals print as their value
  /// (`(+ a 1)`); other nodes print their kind first (`(fn f (params a) (body))`).
  public var sExpression: String {
    let head: String
    if let value {
      head = DumpNode.valueIsHead.contains(kind) ? value : "\(kind) \(value)"
    } else {
      head = kind
    }
    if children.isEmpty { return value != nil && DumpNode.valueIsHead.contains(kind) ? head : "(\(head))" }
    return "(" + ([head] + children.map(\.sExpression)).joined(separator: " ") + ")"
  }

  /// Kinds whose value stands for the whole node in S-expressions.
  static let valueIsHead: Set<String> = [
    "int", "float", "string", "bool", "symbol", "name", "bind", "wildcard", "unary", "binary", "compare",
    "range", "range-pattern", "member", "index", "super", "type", "path", "dot-case", "constructor", "module",
    "named", "field", "assign", "clause", "case", "operation", "attribute", "operator",
  ]

  /// Indented tree, one node a line, with each node's start `line:column`.
  public func tree(in source: SourceFile, indent: String = "") -> String {
    var line = indent
    if let role { line += "\(role): " }
    line += kind
    if let value { line += " \(value)" }
    line += "  @\(source.location(of: range.start))"
    var out = line + "\n"
    for child in children { out += child.tree(in: source, indent: indent + "  ") }
    return out
  }

  /// JSON with kind, value, role, start/end positions and children.
  public func json(in source: SourceFile) -> String {
    var fields = ["\"kind\":\(jsonString(kind))"]
    if let value { fields.append("\"value\":\(jsonString(value))") }
    if let role { fields.append("\"role\":\(jsonString(role))") }
    let start = source.location(of: range.start)
    let end = source.location(of: range.end)
    fields.append("\"start\":{\"line\":\(start.line),\"column\":\(start.column)}")
    fields.append("\"end\":{\"line\":\(end.line),\"column\":\(end.column)}")
    if !children.isEmpty {
      fields.append("\"children\":[" + children.map { $0.json(in: source) }.joined(separator: ",") + "]")
    }
    return "{" + fields.joined(separator: ",") + "}"
  }
}

/// Escapes a string as a JSON string literal.
func jsonString(_ text: String) -> String {
  var out = "\""
  for scalar in text.unicodeScalars {
    switch scalar {
    case "\"": out += "\\\""
    case "\\": out += "\\\\"
    case "\n": out += "\\n"
    case "\r": out += "\\r"
    case "\t": out += "\\t"
    default:
      if scalar.value < 0x20 {
        let hex = String(scalar.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      } else {
        out.unicodeScalars.append(scalar)
      }
    }
  }
  return out + "\""
}

/// Quotes a string the way Tern source would write it (`"a\"b\n"`): used by `tern parse`
/// and by the VM when it prints strings inside collections.
public func ternQuoted(_ text: String) -> String {
  var out = "\""
  for scalar in text.unicodeScalars {
    switch scalar {
    case "\"": out += "\\\""
    case "\\": out += "\\\\"
    case "\n": out += "\\n"
    case "\t": out += "\\t"
    case "\r": out += "\\r"
    case "\0": out += "\\0"
    case _ where scalar.value < 0x20 || (scalar.value >= 0x7F && scalar.value < 0xA0):
      // Other control characters would act on the terminal: written as `\u{…}`.
      out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
    default: out.unicodeScalars.append(scalar)
    }
  }
  return out + "\""
}

extension Program {
  /// The tree view of this program.
  public func dump() -> DumpNode {
    DumpNode("program", range: range, statements.map { $0.dump() })
  }
}

extension Block {
  func dump(_ kind: String = "block") -> DumpNode {
    DumpNode(kind, range: range, statements.map { $0.dump() })
  }
}

extension Identifier {
  func dump(_ kind: String = "name") -> DumpNode { DumpNode(kind, name, range: range) }
}

extension TypePath {
  func dump() -> DumpNode { DumpNode("type", dotted, range: range) }
}

extension Attribute {
  func dump() -> DumpNode { DumpNode("attribute", "@" + name, range: range, arguments.map { $0.dump() }) }
}

extension Stmt {
  func dump() -> DumpNode {
    var node = dumpKind()
    if !attributes.isEmpty || isExported {
      var extras = attributes.map { $0.dump() }
      if isExported { extras.insert(DumpNode("export", range: range), at: 0) }
      node.children = extras + node.children
    }
    return node
  }

  private func dumpKind() -> DumpNode {
    switch kind {
    case .expression(let expr):
      return expr.dump()
    case .binding(let isMutable, let pattern, let value):
      return DumpNode(isMutable ? "var" : "let", range: range, [pattern.dump()] + (value.map { [$0.dump()] } ?? []))
    case .function(let function):
      return function.dump("fn")
    case .classDecl(let decl):
      var children = [decl.name.dump()]
      if let superclass = decl.superclass { children.append(superclass.dump().role("superclass")) }
      return DumpNode("class", range: range, children + decl.members.map { $0.dump() })
    case .recordDecl(let decl):
      let fields = DumpNode("fields", range: decl.range, decl.fields.map { $0.dump() })
      return DumpNode("record", range: range, [decl.name.dump(), fields] + decl.members.map { $0.dump() })
    case .enumDecl(let decl):
      let cases = decl.cases.map { enumCase in
        DumpNode("case", enumCase.name.name, range: enumCase.range, (enumCase.fields ?? []).map { $0.dump() })
      }
      return DumpNode("enum", range: range, [decl.name.dump()] + cases + decl.members.map { $0.dump() })
    case .effectDecl(let decl):
      let operations = decl.operations.map { op in
        DumpNode("operation", op.name.name, range: op.range, op.parameters.map { $0.dump() })
      }
      return DumpNode("effect", range: range, [decl.name.dump()] + operations)
    case .importModule(let module, let alias):
      return DumpNode("import", range: range, [module.dump()] + (alias.map { [$0.dump("as")] } ?? []))
    case .importNames(let module, let names):
      let imported = names.map { name in
        DumpNode("name", name.name.name, range: name.name.range, name.alias.map { [$0.dump("as")] } ?? [])
      }
      return DumpNode("from", range: range, [module.dump()] + imported)
    case .returnStmt(let value):
      return DumpNode("return", range: range, value.map { [$0.dump()] } ?? [])
    case .breakStmt(let label):
      return DumpNode("break", label?.name, range: range)
    case .continueStmt(let label):
      return DumpNode("continue", label?.name, range: range)
    case .throwStmt(let value):
      return DumpNode("throw", range: range, [value.dump()])
    case .whileLoop(let label, let condition, let body):
      return DumpNode(
        "while", label?.name, range: range, [condition.dump().role("condition"), body.dump().role("body")])
    case .forLoop(let label, let pattern, let sequence, let body):
      return DumpNode(
        "for", label?.name, range: range,
        [pattern.dump(), sequence.dump().role("sequence"), body.dump().role("body")])
    case .moduleAttribute(let attribute):
      return attribute.dump()
    case .invalid:
      return DumpNode("invalid", range: range)
    }
  }
}

extension ModuleRef {
  func dump() -> DumpNode {
    switch self {
    case .named(let components):
      let start = components.first?.range.start ?? 0
      let end = components.last?.range.end ?? 0
      return DumpNode(
        "module", components.map(\.name).joined(separator: "."), range: SourceRange(start: start, end: end))
    case .path(let path, let range):
      return DumpNode("path", ternQuoted(path), range: range)
    }
  }
}

extension FunctionDecl {
  func dump(_ kind: String) -> DumpNode {
    let parameters = DumpNode("params", range: range, self.parameters.map { $0.dump() })
    let bodyNode: DumpNode
    switch body {
    case .block(let block): bodyNode = block.dump("body")
    case .expression(let expr): bodyNode = DumpNode("=>", range: expr.range, [expr.dump()])
    }
    return DumpNode(kind, name?.name, range: range, [parameters, bodyNode])
  }
}

extension Parameter {
  func dump() -> DumpNode {
    if isRest { return DumpNode("rest", pattern.boundNames.first?.name, range: range) }
    if let defaultValue { return DumpNode("default", range: range, [pattern.dump(), defaultValue.dump()]) }
    return pattern.dump()
  }
}

extension ClassMember {
  func dump() -> DumpNode {
    let kindName: String
    switch kind {
    case .method: kindName = "method"
    case .staticMethod: kindName = "static"
    case .getter: kindName = "get"
    case .setter: kindName = "set"
    case .initializer: kindName = "init"
    case .operatorMethod: kindName = "operator"
    }
    var node = function.dump(kindName)
    node.children = attributes.map { $0.dump() } + node.children
    return node
  }
}

extension Argument {
  func dump() -> DumpNode {
    if isSpread { return DumpNode("spread", range: value.range, [value.dump()]) }
    if let label { return DumpNode("named", label.name, range: label.range.union(value.range), [value.dump()]) }
    return value.dump()
  }
}
