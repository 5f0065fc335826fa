import Foundation
import TernSyntax

/// One script test: a `.tern` file under `Tests/Scripts/<area>/`.
public struct ScriptCase: Sendable, CustomStringConvertible {
  /// Path relative to `Tests/Scripts`, e.g. `strings/interpolation.tern`.
  public let relativePath: String
  /// Absolute path.
  public let path: String

  public var description: String { relativePath }

  /// The file's text.
  public func text() throws -> String {
    try String(contentsOfFile: path, encoding: .utf8)
  }
}

/// Finds the script tests. Files whose names start with `_` are modules imported by other
/// scripts, not tests of their own.
public enum ScriptCatalog {
  /// `Tests/Scripts`, located from this source file so it works from any working directory.
  public static let scriptsDirectory: String = {
    let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    return testsDirectory.appendingPathComponent("Scripts").path
  }()

  /// The repository root (for `examples/` and `bench/`).
  public static let repositoryRoot: String = {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().path
  }()

  /// Every script test, sorted by path.
  public static let all: [ScriptCase] = ternFiles(under: scriptsDirectory)
    .filter { !($0.split(separator: "/").last ?? "").hasPrefix("_") }
    .map { ScriptCase(relativePath: $0, path: scriptsDirectory + "/" + $0) }

  /// Relative paths of every `.tern` file under a directory, sorted.
  public static func ternFiles(under directory: String) -> [String] {
    guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
    var found: [String] = []
    while let next = enumerator.nextObject() as? String {
      if next.hasSuffix(".tern") { found.append(next) }
    }
    return found.sorted()
  }
}

/// What a script says about itself in its comments.
///
/// - `// expect: TEXT` — the next line of standard output.
/// - `// expect error: MESSAGE` — a compile-time diagnostic on this line.
/// - `// expect error L:C: MESSAGE` — a diagnostic at line L, column C.
/// - `// expect runtime error: TYPE: MESSAGE` — the program ends with this uncaught error.
/// - `// skip: WHY` — the test cannot run yet.
public struct ScriptExpectations: Sendable, Equatable {
  public struct ExpectedDiagnostic: Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int?
    public var message: String
    public var description: String { "\(line):\(column.map(String.init) ?? "*"): \(message)" }
  }

  public var output: [String] = []
  public var diagnostics: [ExpectedDiagnostic] = []
  public var runtimeError: String?
  public var skipReason: String?

  /// Reads the markers from a script's text.
  public init(parsing text: String) {
    for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      // The marker, not the first `// `: `1 // 0` is floor division.
      guard let range = line.range(of: "// expect") ?? line.range(of: "// skip:") else { continue }
      let commentStart = line.index(range.lowerBound, offsetBy: 3)
      let comment = line[commentStart...]
      if let rest = comment.dropPrefix("expect: ") ?? (comment == "expect:" ? "" : nil) {
        output.append(String(rest))
      } else if let rest = comment.dropPrefix("expect error: ") {
        diagnostics.append(ExpectedDiagnostic(line: index + 1, column: nil, message: String(rest)))
      } else if let rest = comment.dropPrefix("expect error "), let colon = rest.firstIndex(of: " ") {
        let position = rest[..<colon].dropLast().split(separator: ":")
        if position.count == 2, let lineNumber = Int(position[0]), let column = Int(position[1]) {
          diagnostics.append(
            ExpectedDiagnostic(line: lineNumber, column: column, message: String(rest[rest.index(after: colon)...])))
        }
      } else if let rest = comment.dropPrefix("expect runtime error: ") {
        runtimeError = String(rest)
      } else if let rest = comment.dropPrefix("skip: ") {
        skipReason = String(rest)
      }
    }
  }

  /// Compares actual diagnostics with the expected ones; returns a description of every
  /// difference (empty when they agree). With `allowingMissing`, expected diagnostics that
  /// did not appear are not reported (the parser alone cannot produce compile errors).
  public func mismatches(_ actual: [Diagnostic], in source: SourceFile, allowingMissing: Bool = false) -> [String] {
    var unmatched = diagnostics
    var problems: [String] = []
    for diagnostic in actual {
      let location = source.location(of: diagnostic.range.start)
      if let index = unmatched.firstIndex(where: {
        $0.line == location.line && ($0.column == nil || $0.column == location.column)
          && $0.message == diagnostic.message
      }) {
        unmatched.remove(at: index)
      } else {
        problems.append("unexpected diagnostic \(location): \(diagnostic.message)")
      }
    }
    for missing in unmatched where !allowingMissing {
      problems.append("missing diagnostic \(missing)")
    }
    return problems
  }
}

extension Substring {
  fileprivate func dropPrefix(_ prefix: String) -> Substring? {
    hasPrefix(prefix) ? dropFirst(prefix.count) : nil
  }
}
