import TernSyntax
import TernTestSupport
import Testing

/// A small deterministic generator (SplitMix64) so failures reproduce from the seed.
struct SeededGenerator: RandomNumberGenerator {
  var state: UInt64
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// The lexer and parser never crash, never hang and always consume their whole input,
/// whatever bytes they are given. (Bounded: a few thousand cases per run.)
@Suite struct FuzzTests {
  /// Parses the bytes and checks the invariants; a crash or hang fails the whole run.
  static func check(_ bytes: [UInt8]) {
    let source = SourceFile(name: "fuzz.tern", bytes: bytes)
    let (tokens, _) = Lexer.tokenize(source)
    #expect(tokens.last?.kind == .endOfFile && tokens.last?.range.start == bytes.count)
    let (program, diagnostics) = Parser.parse(source)
    for diagnostic in diagnostics {
      #expect(diagnostic.range.start >= 0 && diagnostic.range.end <= bytes.count)
    }
    _ = program.dump().sExpression
    _ = DiagnosticRenderer().render(diagnostics, in: source)
  }

  static let fragments: [String] = [
    "(", ")", "[", "]", "{", "}", "\"", "\"\"\"", "\\(", "/*", "*/", "//", "=>", "\n", ";", ",", ".", "...", "..<",
    "fn", "let", "var", "if", "else", "match", "try", "catch", "finally", "handle", "with", "class", "record", "enum",
    "effect", "perform", "resume", "yield", "spawn", "nursery", "select", "case", "import", "from", "@", "?.", "??",
    "=", "==", "+", "-", "**", "|", "x", "42", "0x", "1e", "'", "é", "\u{0}", "\\", "_", "is", "not", "return",
  ]

  @Test func randomBytes() {
    var generator = SeededGenerator(state: 0x7E27)
    for _ in 0..<2000 {
      let count = Int.random(in: 0..<200, using: &generator)
      let bytes = (0..<count).map { _ in
        // Mostly printable ASCII, sometimes any byte (invalid UTF-8 included).
        Bool.random(using: &generator)
          ? UInt8.random(in: 0x20...0x7E, using: &generator) : UInt8.random(in: 0...255, using: &generator)
      }
      Self.check(bytes)
    }
  }

  @Test func randomFragments() {
    var generator = SeededGenerator(state: 0xF4A6)
    for _ in 0..<2000 {
      let count = Int.random(in: 0..<60, using: &generator)
      let text = (0..<count).map { _ in Self.fragments.randomElement(using: &generator)! }
        .joined(separator: Bool.random(using: &generator) ? " " : "")
      Self.check(Array(text.utf8))
    }
  }

  @Test func mutatedValidPrograms() throws {
    var corpus = try ScriptCatalog.all.prefix(400).map { Array(try $0.text().utf8) }
    corpus += parseCases.map { Array($0.source.utf8) }
    var generator = SeededGenerator(state: 0xBEEF)
    for round in 0..<3000 {
      var bytes = corpus[round % corpus.count]
      for _ in 0..<Int.random(in: 1...4, using: &generator) {
        let position = bytes.isEmpty ? 0 : Int.random(in: 0...bytes.count, using: &generator)
        switch Int.random(in: 0..<4, using: &generator) {
        case 0:  // delete a span
          let end = min(bytes.count, position + Int.random(in: 1...20, using: &generator))
          if position < end { bytes.removeSubrange(position..<end) }
        case 1:  // insert a fragment
          bytes.insert(contentsOf: Array(Self.fragments.randomElement(using: &generator)!.utf8), at: position)
        case 2:  // duplicate a span
          let end = min(bytes.count, position + Int.random(in: 1...40, using: &generator))
          if position < end { bytes.insert(contentsOf: bytes[position..<end], at: position) }
        default:  // truncate
          bytes.removeSubrange(position..<bytes.count)
        }
      }
      Self.check(bytes)
    }
  }

  @Test func deepNestingIsAnErrorNotACrash() {
    for (open, close) in [("(", ")"), ("[", "]"), ("{", "}"), ("-", ""), ("\"\\(", ")\""), ("not ", ""), ("[[", "]]")] {
      let text = String(repeating: open, count: 5000) + "x" + String(repeating: close, count: 5000)
      let diagnostics = Parser.parse(SourceFile(name: "deep.tern", text: text)).diagnostics
      #expect(!diagnostics.isEmpty, "\(open)…\(close) nested 5000 deep was accepted")
    }
    let nestedPatterns =
      "let " + String(repeating: "(", count: 3000) + "a" + String(repeating: ")", count: 3000) + " = 1"
    #expect(!Parser.parse(SourceFile(name: "deep.tern", text: nestedPatterns)).diagnostics.isEmpty)
  }
}
