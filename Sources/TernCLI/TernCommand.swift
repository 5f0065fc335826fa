import ArgumentParser
import Foundation
import TernSyntax

/// The `tern` command-line tool.
@main
struct TernCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tern",
    abstract: "Tern: a fast, embeddable scripting language for Swift programs.",
    version: "tern \(TernVersion.current)",
    subcommands: [ParseCommand.self]
  )
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
