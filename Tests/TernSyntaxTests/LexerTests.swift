import Testing

@testable import TernSyntax

/// Token kinds of a snippet, newlines shown as `⏎`.
func kinds(_ source: String) -> [String] {
  Lexer.tokenize(SourceFile(name: "t", text: source)).tokens.dropLast().map {
    $0.kind == .newline ? "⏎" : source.utf8Slice($0.range)
  }
}

extension String {
  fileprivate func utf8Slice(_ range: SourceRange) -> String {
    String(decoding: Array(utf8)[range.start..<range.end], as: UTF8.self)
  }
}

@Suite struct LexerTests {
  @Test func newlineEndsStatementsOnlyOutsideParenthesesAndBrackets() {
    #expect(kinds("a\nb") == ["a", "⏎", "b"])
    #expect(kinds("f(a,\nb)") == ["f", "(", "a", ",", "b", ")"])
    #expect(kinds("[a\nb]") == ["[", "a", "b", "]"])
    #expect(kinds("{a\nb}") == ["{", "a", "⏎", "b", "}"])
    #expect(kinds("f(fn() {\na\nb\n})") == ["f", "(", "fn", "(", ")", "{", "a", "⏎", "b", "⏎", "}", ")"])
  }

  @Test func lineEndingInAnOperatorContinues() {
    #expect(kinds("a +\nb") == ["a", "+", "b"])
    #expect(kinds("a =\nb") == ["a", "=", "b"])
    #expect(kinds("a.\nb") == ["a", ".", "b"])
    #expect(kinds("a ,\nb") == ["a", ",", "b"])
    #expect(kinds("a and\nb") == ["a", "and", "b"])
    #expect(kinds("a\n+ b") == ["a", "⏎", "+", "b"])
  }

  @Test func blankLinesAndCommentsCollapseToOneNewline() {
    #expect(kinds("a\n\n// c\n\nb") == ["a", "⏎", "b"])
    #expect(kinds("\n\na") == ["a"])
    #expect(kinds("a /* x\ny */ b") == ["a", "⏎", "b"])
  }

  @Test func unclosedParenthesisClosesBeforeAStatementKeyword() {
    #expect(kinds("f(1\nlet x = 2") == ["f", "(", "1", "⏎", "let", "x", "=", "2"])
  }

  @Test func slashSlashIsDivisionOrComment() {
    #expect(kinds("a // b") == ["a", "//", "b"])
    #expect(kinds("print(7 // 2)  // expect: 3") == ["print", "(", "7", "//", "2", ")"])
    #expect(kinds("x = a // the total") == ["x", "=", "a"])
    #expect(kinds("// a comment") == [])
    #expect(kinds("f(a // 2, b: 1)") == ["f", "(", "a", "//", "2", ",", "b", ":", "1", ")"])
    #expect(kinds("n // 2 // half of it") == ["n", "//", "2"])
    #expect(kinds("n // 2 // half") == ["n", "//", "2", "//", "half"])
    #expect(kinds("x //= 2") == ["x", "//=", "2"])
    #expect(kinds("} // end") == ["}"])
    #expect(kinds("gen.resume(1)   // 2") == ["gen", ".", "resume", "(", "1", ")"])
    #expect(kinds("a\t// 2") == ["a"])
  }

  @Test func keywordsAfterDotAreNames() {
    let tokens = Lexer.tokenize(SourceFile(name: "t", text: "g.resume .yield p.with")).tokens
    #expect(tokens.map(\.kind).filter { $0 == .identifier }.count == 5)
    #expect(tokens[2].name == "resume")
  }

  @Test func numbers() {
    let tokens = Lexer.tokenize(SourceFile(name: "t", text: "1_000 0x1F 0b11 0o7 2.5 1e3 99999999999999999999 t.0.1"))
      .tokens
    guard case .integer(let thousand) = tokens[0].payload else {
      Issue.record("not an integer")
      return
    }
    #expect(thousand.value == 1000)
    guard case .integer(let hex) = tokens[1].payload else {
      Issue.record("not an integer")
      return
    }
    #expect(hex.value == 31)
    guard case .float(let float) = tokens[4].payload else {
      Issue.record("not a float")
      return
    }
    #expect(float == 2.5)
    guard case .integer(let big) = tokens[6].payload else {
      Issue.record("not an integer")
      return
    }
    #expect(big.value == nil && big.digits == "99999999999999999999")
    #expect(tokens[8].kind == .dot && tokens[9].kind == .integer && tokens[11].kind == .integer)
  }

  @Test func shebangIsIgnored() {
    #expect(kinds("#!/usr/bin/env tern\nprint") == ["print"])
  }

  @Test func columnsCountUnicodeScalars() {
    let source = SourceFile(name: "t", text: "let é = \"😀\" + x")
    let offset = Array(source.bytes).count - 1
    #expect(source.location(of: offset) == SourceLocation(line: 1, column: 15))
  }

  @Test func unicodeIdentifiers() {
    #expect(kinds("let café = 1") == ["let", "café", "=", "1"])
  }
}
