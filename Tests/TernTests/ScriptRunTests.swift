import Foundation
import Tern
import TernSyntax
import TernTestSupport
import Testing

/// Runs a script in a fresh VM; returns its output lines and the uncaught error, if any.
func runScript(_ script: ScriptCase, gcStress: Bool = false) throws -> (output: [String], error: ScriptError?) {
  let vm = VM(options: VM.Options(gcStress: gcStress))
  var output = ""
  vm.output = { output += $0 }
  var failure: ScriptError?
  let text = try script.text()
  do {
    try vm.run(text, name: script.path)
  } catch {
    failure = error
  }
  var lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
  if lines.last == "" { lines.removeLast() }
  return (lines, failure)
}

/// Scripts the VM cannot run yet (features of later issues); each line is a path relative to
/// `Tests/Scripts`. Everything else must run and print exactly its `// expect:` lines.
let pendingScripts: Set<String> = {
  let path = ScriptCatalog.scriptsDirectory + "/pending.txt"
  let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
  return Set(
    text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
      !$0.isEmpty && !$0.hasPrefix("#")
    })
}()

/// The scripts that must run: not skipped, not pending, and not compile-error tests.
let runnableScripts: [ScriptCase] = ScriptCatalog.all.filter { script in
  guard !pendingScripts.contains(script.relativePath), let text = try? script.text() else { return false }
  let expectations = ScriptExpectations(parsing: text)
  return expectations.skipReason == nil && expectations.diagnostics.isEmpty
}

/// Checks a script's run against its `// expect` lines; returns the differences.
func mismatches(_ script: ScriptCase, gcStress: Bool = false) throws -> [String] {
  let expectations = ScriptExpectations(parsing: try script.text())
  let (output, error) = try runScript(script, gcStress: gcStress)
  var problems: [String] = []
  if output != expectations.output {
    problems.append(
      "output:\n" + output.joined(separator: "\n") + "\nexpected:\n" + expectations.output.joined(separator: "\n"))
  }
  switch (expectations.runtimeError, error) {
  case (nil, nil):
    break
  case (let expected?, let actual?):
    if "\(actual.typeName): \(actual.message)" != expected {
      problems.append("error \(actual.typeName): \(actual.message), expected \(expected)")
    }
  case (let expected?, nil):
    problems.append("expected runtime error \(expected), but the script finished")
  case (nil, let actual?):
    problems.append("unexpected error: \(actual)")
  }
  return problems
}

@Suite struct ScriptRunTests {
  @Test(arguments: runnableScripts)
  func scriptRuns(_ script: ScriptCase) throws {
    let problems = try mismatches(script)
    #expect(problems.isEmpty, "\(script.relativePath):\n\(problems.joined(separator: "\n"))")
  }

  /// The same scripts with a collection on every allocation: the collector never frees
  /// anything a running program can still reach.
  @Test(arguments: runnableScripts)
  func scriptRunsUnderGCStress(_ script: ScriptCase) throws {
    let problems = try mismatches(script, gcStress: true)
    #expect(problems.isEmpty, "\(script.relativePath):\n\(problems.joined(separator: "\n"))")
  }

  /// Scripts that expect compile errors get exactly those (from the parser and compiler).
  @Test(
    arguments: ScriptCatalog.all.filter { script in
      (try? ScriptExpectations(parsing: script.text()).diagnostics.isEmpty) == false
    })
  func scriptCompileErrors(_ script: ScriptCase) throws {
    let text = try script.text()
    let expectations = ScriptExpectations(parsing: text)
    let source = SourceFile(name: script.relativePath, text: text)
    let vm = VM()
    var diagnostics: [Diagnostic] = []
    do {
      _ = try vm.compile(text, name: script.relativePath)
    } catch {
      diagnostics = error.diagnostics
    }
    let problems = expectations.mismatches(diagnostics, in: source)
    #expect(problems.isEmpty, "\(script.relativePath):\n\(problems.joined(separator: "\n"))")
  }

  @Test func pendingListNamesRealScripts() {
    let all = Set(ScriptCatalog.all.map(\.relativePath))
    #expect(pendingScripts.subtracting(all).isEmpty, "stale entries: \(pendingScripts.subtracting(all).sorted())")
  }
}
