import TernSyntax
import TernTestSupport
import Testing

/// Input nested or chained past the parser's limits gets a diagnostic instead of overflowing
/// the stack; input at the limits parses and prints (`tern parse` recurses over the tree).
@Suite struct NestingLimitTests {
  /// Parses, then prints the tree in all three forms, as `tern parse` and the tests do.
  static func parseAndPrint(_ text: String) -> [Diagnostic] {
    let source = SourceFile(name: "deep.tern", text: text)
    let (program, diagnostics) = Parser.parse(source)
    let tree = program.dump()
    _ = tree.sExpression
    _ = tree.tree(in: source)
    _ = tree.json(in: source)
    return diagnostics
  }

  @Test(arguments: DeepSources.beyondLimits)
  func beyondTheLimitIsADiagnostic(_ deep: DeepSource) {
    let diagnostics = Self.parseAndPrint(deep.text)
    #expect(diagnostics.first?.message == deep.expectedError, "\(diagnostics.prefix(3).map(\.message))")
  }

  @Test(arguments: DeepSources.withinLimits)
  func withinTheLimitParses(_ deep: DeepSource) {
    let diagnostics = Self.parseAndPrint(deep.text)
    #expect(diagnostics.isEmpty, "\(diagnostics.prefix(3).map(\.message))")
  }

  /// The limits are where the documentation says: 160 levels, 1000 links on any path.
  @Test func limitsAreExact() {
    func messages(_ text: String) -> [String] {
      Parser.parse(SourceFile(name: "t.tern", text: text)).diagnostics.map(\.message)
    }
    let minus = { (count: Int) in "x = " + String(repeating: "-", count: count) + "1" }
    #expect(messages(minus(159)).isEmpty)
    #expect(messages(minus(160)) == [DeepSources.nestedTooDeeply])
    let blocks = { (count: Int) in
      String(repeating: "while true {\n", count: count) + String(repeating: "}\n", count: count)
    }
    #expect(messages(blocks(160)).isEmpty)
    #expect(messages(blocks(161)) == [DeepSources.nestedTooDeeply])
    let members = { (count: Int) in "a" + String(repeating: ".b", count: count) }
    #expect(messages(members(1000)).isEmpty)
    #expect(messages(members(1001)) == [DeepSources.tooLong])
    // A chain inside parentheses that starts another chain: one path down the tree.
    #expect(messages("(" + members(600) + ")" + String(repeating: ".c", count: 400)).isEmpty)
    #expect(messages("(" + members(600) + ")" + String(repeating: ".c", count: 401)) == [DeepSources.tooLong])
    // Side by side they are separate paths.
    #expect(messages("[" + members(900) + ", " + members(900) + "]").isEmpty)
  }

  /// The error recovers like any other: the too-deep body is skipped as a whole (no stray
  /// `}` errors) and the statements after it are still parsed.
  @Test(arguments: ["fn f() {\n", "class A {\n fn m() {\n", "match x {\n_ => ", "while true {\n"])
  func parsingRecoversAfterTheLimit(_ opener: String) {
    let closer = opener.hasPrefix("class") ? "}\n}\n" : "}\n"
    let text = String(repeating: opener, count: 200) + "1\n" + String(repeating: closer, count: 200) + "let = 1\n"
    let diagnostics = Parser.parse(SourceFile(name: "t.tern", text: text)).diagnostics
    #expect(diagnostics.map(\.message) == [DeepSources.nestedTooDeeply, "expected a pattern after `let`, found `=`"])
    #expect(diagnostics.first?.hint == "move inner parts into functions or variables of their own")
  }
}
