import TernSyntax
import Testing

@Suite struct DiagnosticTests {
  @Test func rendersLocationSourceLineCaretAndHint() {
    let source = SourceFile(name: "demo.tern", text: "let a = 1\nif a = 1 {\n}\n")
    let diagnostics = Parser.parse(source).diagnostics
    #expect(
      DiagnosticRenderer().render(diagnostics, in: source) == """
        demo.tern:2:6: error: assignment is not allowed in a condition
         2 | if a = 1 {
           |      ^
           = hint: did you mean `==`?

        """)
  }

  @Test func caretSpansTheWholeToken() {
    let source = SourceFile(name: "x.tern", text: "\tlet s = \"abc")
    let diagnostics = Parser.parse(source).diagnostics
    let rendered = DiagnosticRenderer().render(diagnostics, in: source)
    #expect(rendered.contains(" 1 | \tlet s = \"abc\n   | \t        ^~~~\n"))
  }

  @Test func colorsOnlyWhenAsked() {
    let source = SourceFile(name: "x.tern", text: "let = 1")
    let diagnostics = Parser.parse(source).diagnostics
    #expect(!DiagnosticRenderer(colors: false).render(diagnostics, in: source).contains("\u{1B}["))
    #expect(DiagnosticRenderer(colors: true).render(diagnostics, in: source).contains("\u{1B}[1;31m"))
  }

  @Test func unclosedBlockNamesWhereItOpened() {
    let source = SourceFile(name: "x.tern", text: "fn f() {\n  print(1)\n")
    let diagnostics = Parser.parse(source).diagnostics
    #expect(diagnostics.count == 1)
    #expect(diagnostics.first?.hint == "unclosed `{` opened at 1:8")
  }

  /// One diagnostic per independent mistake: the parser recovers at statement boundaries.
  @Test func recoversAndReportsEveryIndependentError() {
    let text = """
      let a = 1 +
      let b = 2
      fn f(x, x) { }
      class C {
        x = 1
        fn ok() { }
      }
      print(1 2)
      let fine = [1, 2, 3]
      if fine = 1 { }
      match fine { 1 2 }
      let last = 3
      """
    let source = SourceFile(name: "x.tern", text: text)
    let lines = Parser.parse(source).diagnostics.map { source.location(of: $0.range.start).line }
    #expect(lines == [2, 3, 5, 8, 10, 11])
  }

  @Test func everyNodeRangeLiesInsideTheFile() throws {
    for script in ["examples/tour.tern"] {
      let path = RepositoryFiles.root + "/" + script
      guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
      let source = SourceFile(name: script, text: text)
      let (program, _) = Parser.parse(source)
      var stack = [program.dump()]
      while let node = stack.popLast() {
        #expect(node.range.start >= 0 && node.range.end <= source.bytes.count)
        stack += node.children
      }
    }
  }
}

enum RepositoryFiles {
  static let root: String = {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)
    return parts.joined(separator: "/")
  }()
}
