import TernSyntax
import TernTestSupport
import Testing

/// Every script under `Tests/Scripts` parses, with exactly the diagnostics its
/// `// expect error` lines name (none for the rest), or cleanly when they are compile errors.
@Suite struct ScriptParseTests {
  @Test func catalogIsNotEmpty() {
    #expect(ScriptCatalog.all.count >= 100, "found only \(ScriptCatalog.all.count) scripts")
  }

  @Test(arguments: ScriptCatalog.all)
  func scriptParsesAsExpected(_ script: ScriptCase) throws {
    let text = try script.text()
    let source = SourceFile(name: script.relativePath, text: text)
    let expectations = ScriptExpectations(parsing: text)
    let (_, diagnostics) = Parser.parse(source)
    // Compile errors come later (TernTests checks parse and compile diagnostics together);
    // here every parse diagnostic must be expected, and expected ones may be missing only
    // when the file parsed cleanly.
    let problems = expectations.mismatches(diagnostics, in: source, allowingMissing: diagnostics.isEmpty)
    #expect(problems.isEmpty, "\(script.relativePath):\n\(problems.joined(separator: "\n"))")
  }

  /// Helper modules (`_name.tern`) must parse cleanly too.
  @Test func helperModulesParse() throws {
    let helpers = ScriptCatalog.ternFiles(under: ScriptCatalog.scriptsDirectory)
      .filter { ($0.split(separator: "/").last ?? "").hasPrefix("_") }
    for helper in helpers {
      let source = SourceFile(
        name: helper, text: try String(contentsOfFile: ScriptCatalog.scriptsDirectory + "/" + helper, encoding: .utf8))
      #expect(Parser.parse(source).diagnostics.isEmpty, "\(helper) has syntax errors")
    }
  }

  /// The examples a newcomer runs, and the benchmark programs, parse cleanly.
  @Test(arguments: ["examples", "bench"])
  func bundledProgramsParse(_ folder: String) throws {
    let directory = ScriptCatalog.repositoryRoot + "/" + folder
    let files = ScriptCatalog.ternFiles(under: directory)
    #expect(!files.isEmpty, "no .tern files in \(folder)/")
    for file in files {
      let source = SourceFile(name: file, text: try String(contentsOfFile: directory + "/" + file, encoding: .utf8))
      let diagnostics = Parser.parse(source).diagnostics
      #expect(
        diagnostics.isEmpty,
        "\(folder)/\(file):\n\(DiagnosticRenderer().render(diagnostics, in: source))")
    }
  }
}
