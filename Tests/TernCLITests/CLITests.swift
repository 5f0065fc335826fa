import Foundation
import TernTestSupport
import Testing

/// Runs the built `tern` executable, as a user would.
struct TernProcess {
  /// `tern` sits beside the test bundle in the build products directory.
  static let executable: URL = {
    let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    let candidates = [products, products.deletingLastPathComponent()].map { $0.appendingPathComponent("tern") }
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
  }()

  struct Result {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  static func run(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:]) throws -> Result {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let output = Pipe()
    let errors = Pipe()
    let input = Pipe()
    process.standardOutput = output
    process.standardError = errors
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try input.fileHandleForWriting.close()
    let outData = output.fileHandleForReading.readDataToEndOfFile()
    let errData = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Result(
      status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
      stderr: String(decoding: errData, as: UTF8.self))
  }
}

@Suite struct CLITests {
  @Test func parsePrintsTheTreeAndExitsZero() throws {
    let result = try TernProcess.run(["parse", ScriptCatalog.repositoryRoot + "/examples/tour.tern"])
    #expect(result.status == 0)
    #expect(result.stdout.hasPrefix("program  @1:1\n"))
    #expect(result.stderr.isEmpty)
  }

  @Test func parseReadsStandardInput() throws {
    let result = try TernProcess.run(["parse", "--sexpr", "-"], stdin: "let x = 1 + 2\nprint(x)\n")
    #expect(result.status == 0)
    #expect(result.stdout == "(let x (+ 1 2))\n(call print x)\n")
  }

  @Test func parseJSONIsValidJSON() throws {
    let result = try TernProcess.run(["parse", "--json", "-"], stdin: "fn f(a) => a * 2\n")
    #expect(result.status == 0)
    let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
    #expect(object?["kind"] as? String == "program")
    let children = object?["children"] as? [[String: Any]]
    #expect(children?.first?["kind"] as? String == "fn")
    #expect((children?.first?["start"] as? [String: Int])?["line"] == 1)
  }

  @Test func syntaxErrorsGoToStandardErrorWithStatus65() throws {
    let result = try TernProcess.run(
      ["parse", "-"], stdin: "let x = (1,\nlet y = 2\nif y = 2 { }\n", environment: ["NO_COLOR": "1"])
    #expect(result.status == 65)
    #expect(result.stdout.isEmpty)
    #expect(result.stderr.hasPrefix("<stdin>:1:12: error: expected `)` or `,` in the tuple\n"))
    #expect(result.stderr.contains("<stdin>:3:6: error: assignment is not allowed in a condition\n"))
    #expect(result.stderr.contains("= hint: did you mean `==`?"))
    #expect(result.stderr.hasSuffix("2 errors in <stdin>\n"))
    #expect(!result.stderr.contains("\u{1B}["), "no colour when stderr is not a terminal")
  }

  @Test func missingFileIsAClearError() throws {
    let result = try TernProcess.run(["parse", "/nonexistent/file.tern"])
    #expect(result.status == 66)
    #expect(result.stderr == "tern: error: cannot open '/nonexistent/file.tern': no such file\n")
  }

  @Test func versionAndHelp() throws {
    let version = try TernProcess.run(["--version"])
    #expect(version.status == 0)
    #expect(version.stdout.hasPrefix("tern "))
    let help = try TernProcess.run(["--help"])
    #expect(help.status == 0)
    #expect(help.stdout.contains("parse"))
  }

  @Test func unknownSubcommandIsAUsageError() throws {
    let result = try TernProcess.run(["frobnicate"])
    #expect(result.status == 64)
  }

  @Test func shebangLineIsAccepted() throws {
    let result = try TernProcess.run(["parse", "--sexpr", "-"], stdin: "#!/usr/bin/env tern\nprint(1)\n")
    #expect(result.status == 0)
    #expect(result.stdout == "(call print 1)\n")
  }
}

@Suite struct RunCommandTests {
  /// `tern run FILE args…` (which skips the argument parser) and `tern run --option FILE`
  /// (which goes through it) behave alike: everything after FILE is the program's.
  @Test func runPassesArgumentsAndOptions() throws {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("tern-cli-args-\(getpid()).tern")
    try "import os\nimport random\nprint(os.args, random.int(1, 1000000))\n".write(
      to: file, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: file) }
    let plain = try TernProcess.run(["run", file.path, "a", "--help", "-x"])
    #expect(plain.status == 0)
    #expect(plain.stdout.hasPrefix("[\"a\", \"--help\", \"-x\"] "))
    let first = try TernProcess.run(["run", "--deterministic", file.path, "b"])
    let second = try TernProcess.run(["run", "--deterministic", "--gc-stress", file.path, "b"])
    #expect(first.status == 0)
    #expect(first.stdout.hasPrefix("[\"b\"] "))
    #expect(first.stdout == second.stdout)
    let missing = try TernProcess.run(["run", "/nonexistent/file.tern", "arg"])
    #expect(missing.status == 66)
    #expect(missing.stderr == "tern: error: cannot open '/nonexistent/file.tern': no such file\n")
  }

  @Test func runPrintsOutputAndExitsZero() throws {
    let result = try TernProcess.run(["run", "-"], stdin: "let xs = [1, 2, 3]\nprint(xs.map(fn(x) => x * 2))\n")
    #expect(result.status == 0)
    #expect(result.stdout == "[2, 4, 6]\n")
  }

  @Test func uncaughtErrorExitsOneWithLocationAndTrace() throws {
    let result = try TernProcess.run(["run", "-"], stdin: "fn f(x) {\n  return x + \"a\"\n}\nf(1)\n")
    #expect(result.status == 1)
    #expect(
      result.stderr == """
        <stdin>:2:10: TypeError: unsupported operand types for +: Int and String
          at f (<stdin>:2)
          at <main> (<stdin>:4)

        """)
  }

  @Test func compileErrorExits65() throws {
    let result = try TernProcess.run(["run", "-"], stdin: "print(nowhere)\n", environment: ["NO_COLOR": "1"])
    #expect(result.status == 65)
    #expect(result.stderr.hasPrefix("<stdin>:1:7: error: undefined name `nowhere`\n"))
  }

  @Test func runsAFileWithRelativeImports() throws {
    let result = try TernProcess.run([
      "run", ScriptCatalog.repositoryRoot + "/Tests/Scripts/modules/module_runs_once.tern",
    ])
    #expect(result.status == 0)
    #expect(result.stdout == "counter module loaded\n3\n3\ntrue\n")
  }

  @Test func shebangScriptsRun() throws {
    let result = try TernProcess.run(["run", "-"], stdin: "#!/usr/bin/env tern run\nprint(\"hi\")\n")
    #expect(result.stdout == "hi\n")
  }

  @Test func evalPrintsTheValue() throws {
    let result = try TernProcess.run(["eval", "2 ** 70 + 1"])
    #expect(result.status == 0)
    #expect(result.stdout == "1180591620717411303425\n")
  }

  @Test func replPrintsValuesAndSurvivesErrors() throws {
    let input = "let x = 20\nfn double(a) {\n  a * 2\n}\ndouble(x + 1)\nmissing()\n[1,\n 2]\n"
    let result = try TernProcess.run(["repl"], stdin: input, environment: ["NO_COLOR": "1"])
    #expect(result.status == 0)
    #expect(result.stdout == "42\n[1, 2]\n")
    #expect(result.stderr.contains("undefined name `missing`"))
  }

  /// The bytecode the compiler emits is pinned by golden files (`Tests/Golden`): a change
  /// to code generation (or to the built-ins, which shift global slot numbers) shows up here
  /// as a reviewable diff. Regenerate with `TERN_UPDATE_GOLDEN=1 swift test --filter Golden`.
  @Test(arguments: ["fib", "closures_and_loops", "errors_and_match", "effects_and_fibers"])
  func disassemblyMatchesGolden(_ name: String) throws {
    let directory = ScriptCatalog.repositoryRoot + "/Tests/Golden/"
    let result = try TernProcess.run(["disasm", directory + name + ".tern"])
    #expect(result.status == 0)
    if ProcessInfo.processInfo.environment["TERN_UPDATE_GOLDEN"] != nil {
      try result.stdout.write(toFile: directory + name + ".disasm", atomically: true, encoding: .utf8)
    }
    let expected = try String(contentsOfFile: directory + name + ".disasm", encoding: .utf8)
    #expect(
      result.stdout.replacingOccurrences(of: directory, with: "")
        == expected.replacingOccurrences(of: directory, with: ""))
  }
}
