import ArgumentParser
import Foundation
import Tern
import TernBytecode
import TernSyntax

/// The `tern` command-line tool.
@main
struct TernCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tern",
    abstract: "Tern: a fast, embeddable scripting language for Swift programs.",
    version: "tern \(TernVersion.current)",
    subcommands: [RunCommand.self, EvalCommand.self, ReplCommand.self, ParseCommand.self, DisasmCommand.self]
  )

  /// `tern run FILE args…` with no option before FILE goes straight to `RunCommand`: the
  /// argument parser's reflection costs more start-up time (about 10 M instructions) than
  /// compiling and running a small program. Everything after FILE is the program's either
  /// way, so the result is the same.
  static func main() {
    let arguments = CommandLine.arguments
    if arguments.count >= 3, arguments[1] == "run", arguments[2] == "-" || !arguments[2].hasPrefix("-") {
      do {
        try RunCommand.run(
          file: arguments[2], arguments: Array(arguments.dropFirst(3)), gcStress: false, deterministic: false)
      } catch {
        RunCommand.exit(withError: error)
      }
    }
    main(nil)
  }
}

/// The tool's version, printed by `tern --version`.
enum TernVersion {
  static let current = "0.1.0"
}

/// `tern parse FILE`: prints the syntax tree, or the diagnostics and exit status 65.
struct ParseCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "parse",
    abstract: "Parse a Tern file and print its syntax tree.",
    discussion: """
      Prints the tree as indented lines (each node with its line:column), as JSON with \
      --json, or one S-expression per statement with --sexpr. On syntax errors prints every diagnostic to stderr and exits with status 65.
      """
  )

  @ArgumentParser.Argument(help: "The Tern source file to parse, or - for standard input.")
  var file: String

  @Flag(help: "Print the syntax tree as JSON.")
  var json = false

  @Flag(help: "Print each statement's syntax tree as a one-line S-expression.")
  var sexpr = false

  func run() throws {
    let source = try SourceLoader.load(file)
    let (program, diagnostics) = Parser.parse(source)
    if !diagnostics.isEmpty {
      SourceLoader.printDiagnostics(diagnostics, in: source)
      throw ExitCode(65)
    }
    let tree = program.dump()
    if json {
      print(tree.json(in: source))
    } else if sexpr {
      for statement in tree.children { print(statement.sExpression) }
    } else {
      print(tree.tree(in: source), terminator: "")
    }
  }
}

/// `tern run FILE [args…]`: runs a program. Exit status 0, 1 on an uncaught error (with
/// its stack trace on stderr), 65 when the program does not compile.
struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run", abstract: "Run a Tern program.")

  @ArgumentParser.Argument(help: "The program to run, or - for standard input.")
  var file: String

  @ArgumentParser.Argument(parsing: .captureForPassthrough, help: "Arguments for the program.")
  var arguments: [String] = []

  @Flag(help: "Collect garbage on every allocation (for testing the collector).")
  var gcStress = false

  @Flag(help: "Deterministic mode, as `@deterministic` gives: virtual time, `random` seeded with 0.")
  var deterministic = false

  func run() throws {
    try Self.run(file: file, arguments: arguments, gcStress: gcStress, deterministic: deterministic)
  }

  /// Runs the program in `file` with `arguments` as `os.args`; exits the process when it
  /// succeeds, throws the exit status when it fails.
  static func run(file: String, arguments: [String], gcStress: Bool, deterministic: Bool) throws {
    let source = try SourceLoader.load(file)
    var options = VM.Options(gcStress: gcStress || ProcessInfo.processInfo.environment["TERN_GC_STRESS"] == "1")
    options.capabilities = [.os]
    options.deterministic = deterministic
    let vm = VM(options: options)
    vm.output = StandardOutput.write
    vm.byteOutput = StandardOutput.write
    vm.scriptArguments = arguments
    do {
      try vm.run(String(decoding: source.bytes, as: UTF8.self), name: source.name)
      StandardOutput.flush()
      // The process ends here: freeing every object of a large heap one by one first would
      // only cost time.
      Foundation.exit(0)
    } catch {
      StandardOutput.flush()
      SourceLoader.report(error, source: source)
      throw ExitCode(error.kind == .syntax ? 65 : 1)
    }
  }
}

/// `tern eval 'expr'`: evaluates source text and prints the value of its last expression.
struct EvalCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "eval", abstract: "Evaluate Tern source and print the value of its last expression.")

  @ArgumentParser.Argument(help: "Tern source, e.g. '1 + 2'.")
  var code: String

  func run() throws {
    let vm = VM()
    vm.output = StandardOutput.write
    let source = SourceFile(name: "<eval>", text: code)
    do {
      let value = try vm.evaluate(code, name: "<eval>")
      StandardOutput.write(value + "\n")
      StandardOutput.flush()
    } catch {
      StandardOutput.flush()
      SourceLoader.report(error, source: source)
      throw ExitCode(error.kind == .syntax ? 65 : 1)
    }
  }
}

/// `tern repl`: reads statements and prints their values. Input continues over several
/// lines while brackets are open; errors are reported and the session goes on. On a
/// terminal, lines can be edited and earlier ones recalled (`LineEditor`).
struct ReplCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "repl", abstract: "Start an interactive session.")

  func run() throws {
    let vm = VM()
    vm.output = StandardOutput.write
    let editor = LineEditor()
    var pending = ""
    while true {
      StandardOutput.flush()
      let prompt = editor.isInteractive ? (pending.isEmpty ? "> " : "... ") : ""
      guard let line = editor.readLine(prompt: prompt) else { break }
      pending += pending.isEmpty ? line : "\n" + line
      if pending.trimmingCharacters(in: .whitespaces).isEmpty {
        pending = ""
        continue
      }
      if ReplInput.isIncomplete(pending) { continue }
      let source = SourceFile(name: "<repl>", text: pending)
      do {
        let value = try vm.evaluate(pending, name: "<repl>")
        if value != "nil" { StandardOutput.write(value + "\n") }
      } catch {
        StandardOutput.flush()
        SourceLoader.report(error, source: source)
      }
      StandardOutput.flush()
      pending = ""
    }
    StandardOutput.flush()
  }
}

/// Decides when REPL input is complete.
enum ReplInput {
  /// True when the only problems are that the input ends too early (an open bracket, an
  /// unfinished string): the session should read another line.
  static func isIncomplete(_ text: String) -> Bool {
    let diagnostics = Parser.parse(SourceFile(name: "<repl>", text: text)).diagnostics
    return !diagnostics.isEmpty
      && diagnostics.allSatisfy {
        $0.message.contains("end of the file") || $0.message.hasPrefix("unterminated multi-line")
      }
  }
}

/// `tern disasm FILE`: prints the bytecode the compiler produces.
struct DisasmCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "disasm", abstract: "Print the bytecode of a Tern file.")

  @ArgumentParser.Argument(help: "The Tern source file, or - for standard input.")
  var file: String

  func run() throws {
    let source = try SourceLoader.load(file)
    let vm = VM()
    do {
      let module = try vm.compile(String(decoding: source.bytes, as: UTF8.self), name: source.name)
      print(Disassembler.disassemble(module), terminator: "")
    } catch {
      SourceLoader.report(error, source: source)
      throw ExitCode(65)
    }
  }
}

/// Buffered standard output (a script that prints a lot should not pay a system call a line).
enum StandardOutput {
  nonisolated(unsafe) static var buffer: [UInt8] = []

  static func write(_ text: String) {
    buffer.append(contentsOf: text.utf8)
    if buffer.count >= 1 << 16 { flush() }
  }

  static func write(_ bytes: [UInt8]) {
    buffer.append(contentsOf: bytes)
    if buffer.count >= 1 << 16 { flush() }
  }

  static func flush() {
    guard !buffer.isEmpty else { return }
    buffer.withUnsafeBytes { bytes in
      var offset = 0
      while offset < bytes.count {
        let written = Foundation.write(STDOUT_FILENO, bytes.baseAddress! + offset, bytes.count - offset)
        if written <= 0 { break }
        offset += written
      }
    }
    buffer.removeAll(keepingCapacity: true)
  }
}

/// Reading source files and reporting diagnostics, shared by the subcommands.
enum SourceLoader {
  /// Reads a file (or standard input for `-`); an unreadable file exits with status 66.
  static func load(_ path: String) throws -> SourceFile {
    if path == "-" {
      let data = FileHandle.standardInput.readDataToEndOfFile()
      return SourceFile(name: "<stdin>", bytes: Array(data))
    }
    guard let data = FileManager.default.contents(atPath: path) else {
      var isDirectory: ObjCBool = false
      let reason =
        FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        ? (isDirectory.boolValue ? "is a directory" : "cannot be read") : "no such file"
      writeToStandardError("tern: error: cannot open '\(path)': \(reason)\n")
      throw ExitCode(66)
    }
    return SourceFile(name: path, bytes: Array(data))
  }

  /// Prints a compile error's diagnostics, or a runtime error with its stack trace.
  static func report(_ error: ScriptError, source: SourceFile) {
    if error.kind == .syntax {
      printDiagnostics(error.diagnostics, in: source)
    } else {
      writeToStandardError(error.description + "\n")
    }
  }

  static func printDiagnostics(_ diagnostics: [Diagnostic], in source: SourceFile) {
    let renderer = DiagnosticRenderer(colors: wantsColor)
    var text = renderer.render(diagnostics, in: source)
    let count = diagnostics.count
    text += "\(count) error\(count == 1 ? "" : "s") in \(source.name)\n"
    writeToStandardError(text)
  }

  /// Colour only when stderr is a terminal and NO_COLOR is unset (https://no-color.org).
  static var wantsColor: Bool {
    isatty(STDERR_FILENO) != 0 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
  }

  static func writeToStandardError(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
  }
}
