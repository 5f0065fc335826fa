/// A generated program that nests or chains past the parser's limits (it must get a
/// diagnostic, never overflow the stack), or just inside them (it must parse, print as a
/// tree, compile and run, even in a debug build, whose frames are several times larger).
public struct DeepSource: Sendable, CustomStringConvertible {
  public let name: String
  public let text: String
  /// The first diagnostic the program must get; nil for a program within the limits.
  public let expectedError: String?
  public var description: String { name }

  init(_ name: String, _ text: String, _ expectedError: String? = nil) {
    self.name = name
    self.text = text
    self.expectedError = expectedError
  }
}

public enum DeepSources {
  public static let nestedTooDeeply = "expression is nested too deeply (more than 160 levels)"
  public static let tooLong = "expression is too long (more than 1000 operators or calls in a row)"

  static func repeated(_ text: String, _ count: Int) -> String { String(repeating: text, count: count) }
  static func nested(_ open: String, _ inner: String, _ close: String, _ count: Int) -> String {
    repeated(open, count) + inner + repeated(close, count)
  }
  static func chain(_ first: String, _ link: String, _ count: Int) -> String { first + repeated(link, count) }

  /// Every construct that recursion or a chain can drive arbitrarily deep, far past the limit.
  public static let beyondLimits: [DeepSource] = [
    DeepSource("power chain", "print(" + chain("1", " ** 1", 12_000) + ")", nestedTooDeeply),
    DeepSource("spread chain", "print([" + repeated("...", 2000) + "[1]])", nestedTooDeeply),
    DeepSource("prefix ranges", "print(" + repeated("..<", 20_000) + "1)", nestedTooDeeply),
    DeepSource("while loops", nested("while true {\n", "", "}\n", 3000), nestedTooDeeply),
    DeepSource(
      "labelled loops", (0..<3000).map { "l\($0): while true {\n" }.joined() + repeated("}\n", 3000), nestedTooDeeply),
    DeepSource("for loops", nested("for x in [1] {\n", "", "}\n", 3000), nestedTooDeeply),
    DeepSource("function declarations", nested("fn f() {\n", "", "}\n", 5000), nestedTooDeeply),
    DeepSource("methods in classes", nested("class A {\n fn m() {\n", "1\n", "}\n}\n", 3000), nestedTooDeeply),
    DeepSource("perform perform", "print(" + repeated("perform ", 3000) + "E.op())", nestedTooDeeply),
    DeepSource("perform arguments", "print(" + nested("perform E.op(", "1", ")", 3000) + ")", nestedTooDeeply),
    DeepSource("spawn spawn", "print(" + repeated("spawn ", 3000) + "f())", nestedTooDeeply),
    DeepSource("spawn blocks", nested("spawn {\n", "1\n", "}\n", 3000), nestedTooDeeply),
    DeepSource("nurseries", nested("nursery {\n", "1\n", "}\n", 3000), nestedTooDeeply),
    DeepSource(
      "handle handle", "print(" + repeated("handle ", 3000) + "f() with { return(v) => v })", nestedTooDeeply),
    DeepSource("handle blocks", nested("handle {\n", "1\n", "} with { return(v) => v }\n", 3000), nestedTooDeeply),
    DeepSource("try blocks", nested("try {\n", "1\n", "} catch e { }\n", 3000), nestedTooDeeply),
    DeepSource("blocks on one line", nested("{ ", "1", " }", 3000), nestedTooDeeply),
    DeepSource("blocks on lines", nested("{\n", "1\n", "}\n", 3000), nestedTooDeeply),
    DeepSource("if blocks", nested("if true {\n", "1\n", "}\n", 3000), nestedTooDeeply),
    DeepSource("else if", "print(if false { 1 }" + repeated(" else if false { 1 }", 20_000) + ")", nestedTooDeeply),
    DeepSource("match arms", nested("match 1 {\n_ => ", "1\n", "}\n", 3000), nestedTooDeeply),
    DeepSource("select cases", nested("select {\ncase x = f() => ", "1\n", "}\n", 3000), nestedTooDeeply),
    DeepSource("closures", "let g = " + nested("fn() { ", "1", " }", 3000), nestedTooDeeply),
    DeepSource("arrow closures", "let g = " + repeated("fn() => ", 3000) + "1", nestedTooDeeply),
    DeepSource("list patterns", "match 1 {\n" + nested("[", "x", "]", 3000) + " => 1\n}", nestedTooDeeply),
    DeepSource("constructor patterns", "match 1 {\n" + nested("Some(", "x", ")", 3000) + " => 1\n}", nestedTooDeeply),
    DeepSource("tuple patterns", "let " + nested("(", "a", ")", 3000) + " = 1", nestedTooDeeply),
    DeepSource("lists", "print(" + nested("[", "1", "]", 5000) + ")", nestedTooDeeply),
    DeepSource("calls", "print(" + nested("f(", "1", ")", 5000) + ")", nestedTooDeeply),
    DeepSource("subscripts", "print(" + nested("a[", "0", "]", 5000) + ")", nestedTooDeeply),
    DeepSource("minus", "print(" + repeated("-", 20_000) + "1)", nestedTooDeeply),
    DeepSource("not", "print(" + repeated("not ", 20_000) + "true)", nestedTooDeeply),
    DeepSource("bang", "print(" + repeated("!", 20_000) + "true)", nestedTooDeeply),
    DeepSource("await", "print(" + repeated("await ", 20_000) + "1)", nestedTooDeeply),
    DeepSource("yield", "let f = fn() { " + repeated("yield ", 20_000) + "1 }", nestedTooDeeply),
    DeepSource("coalesce", "print(" + chain("1", " ?? 1", 20_000) + ")", nestedTooDeeply),
    DeepSource(
      "precedence ladder", "print(" + nested("(1 or 2 and 3 < 4 ..< 5 | 6 ^ 7 & 8 << 9 + 10 * ", "1", ")", 160) + ")",
      nestedTooDeeply),
    DeepSource(
      "interpolations", "print(" + nested("\"\\(", "1", ")\"", 3000) + ")", "string interpolation is nested too deeply"),
    DeepSource("sum", "print(" + chain("1", " + 1", 20_000) + ")", tooLong),
    DeepSource("and", "print(" + chain("true", " and true", 20_000) + ")", tooLong),
    DeepSource("is", "print(" + chain("1", " is Int", 20_000) + ")", tooLong),
    DeepSource("is not", "print(" + chain("1", " is not Int", 20_000) + ")", tooLong),
    DeepSource("is between comparisons", "print(" + chain("1", " is Int == 1", 5000) + ")", tooLong),
    DeepSource("members", "print(" + chain("a", ".b", 20_000) + ")", tooLong),
    DeepSource("members on lines", "print(" + chain("a", "\n.b", 20_000) + ")", tooLong),
    DeepSource("calls in a row", "print(" + chain("f", "()", 20_000) + ")", tooLong),
    DeepSource("subscripts in a row", "print(" + chain("a", "[0]", 20_000) + ")", tooLong),
    DeepSource("optional members", "print(" + chain("a", "?.b", 20_000) + ")", tooLong),
    DeepSource("tuple fields", "print(" + chain("a", ".0", 20_000) + ")", tooLong),
    // Chains nested in chains: each is short, but the tree is as deep as all of them.
    DeepSource("sums of sums", "print(" + nested("(", "1", repeated(" + 1", 900) + ")", 20) + ")", tooLong),
    DeepSource("members of members", "print(" + nested("(", "a", repeated(".b", 900) + ")", 20) + ")", tooLong),
    DeepSource("sums in lists", "print(" + nested("[", "1", repeated(" + 1", 900) + "]", 20) + ")", tooLong),
  ]

  /// A chain of 990 calls: near the chain limit, to stand at the bottom of deep nesting.
  static let calls = chain("f", "()", 990)

  /// Programs at the limits, which must work: the deepest nesting of each kind with a long
  /// chain inside, so the compiler and the tree printer recurse as deep as input can make them.
  public static let withinLimits: [DeepSource] = [
    DeepSource("sum", "print(" + chain("1", " + 1", 998) + ")"),
    DeepSource("calls in a row", "fn f() { f }\nprint(" + calls + ")"),
    DeepSource("method calls", "let s = \"ab\"\nprint(s" + repeated(".upper()", 450) + ")"),
    DeepSource("parentheses", "fn f() { f }\nprint(" + nested("(", calls, ")", 150) + ")"),
    DeepSource("lists", "fn f() { f }\nprint(" + nested("[", calls, "]", 150) + ")"),
    DeepSource("not", "fn f() { f }\nprint(" + repeated("not ", 150) + calls + ")"),
    DeepSource("minus", "print(" + repeated("- ", 150) + "1)"),
    DeepSource("power", "print(" + chain("1", " ** 1", 150) + ")"),
    DeepSource(
      "function declarations", "fn f() { f }\n" + nested("fn g() {\n", calls + "\n", "}\n", 150) + "print(g())"),
    DeepSource("arrow closures", "fn f() { f }\nprint(" + repeated("fn() => ", 150) + calls + ")"),
    DeepSource("closures", "fn f() { f }\nprint(" + nested("fn() { ", calls, " }", 75) + ")"),
    DeepSource(
      "while loops",
      "fn f() { f }\nvar i = 0\n" + nested("while i < 1 {\n", "i += 1\nprint(" + calls + ")\n", "}\n", 150)),
    DeepSource("if blocks", "fn f() { f }\n" + nested("if true {\n", "print(" + calls + ")\n", "}\n", 75)),
    DeepSource(
      "methods in classes", "fn f() { f }\n" + nested("class A {\n fn m() {\n", calls + "\n", "}\n}\n", 75) + "print(A)"
    ),
    DeepSource("match arms", "fn f() { f }\nprint(" + nested("match 1 { _ => ", calls, " }", 50) + ")"),
    DeepSource("try blocks", "fn f() { f }\n" + nested("try {\n", "print(" + calls + ")\n", "} catch e { }\n", 75)),
    DeepSource(
      "handle blocks",
      "fn f() { f }\n" + nested("handle {\n", "print(" + calls + ")\n", "} with { return(v) => v }\n", 75)),
    DeepSource(
      "list patterns", "match [1] {\n" + nested("[", "x", "]", 120) + " => print(x)\n_ => print(\"no\")\n}"),
  ]
}
