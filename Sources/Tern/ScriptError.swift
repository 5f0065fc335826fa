import TernSyntax

/// An error from compiling or running a script, with where it happened.
public struct ScriptError: Error, Sendable, CustomStringConvertible {
  /// What went wrong, broadly.
  public enum Kind: String, Sendable {
    /// The source did not compile; `diagnostics` holds the details.
    case syntax
    /// An uncaught error raised while running.
    case runtime
    /// The host interrupted the script (`VM.interruptHandle`).
    case interrupted
  }

  /// One line of a script stack trace.
  public struct Frame: Sendable, Hashable {
    public var function: String
    public var file: String
    public var line: Int
  }

  public var kind: Kind
  /// The error's type name (`TypeError`, `KeyError`, …); `SyntaxError` for compile errors.
  public var typeName: String
  public var message: String
  /// Where the error was raised (file, line, column), when known.
  public var location: (file: String, line: Int, column: Int)?
  /// Innermost call first.
  public var stackTrace: [Frame]
  /// Compile diagnostics (for `kind == .syntax`).
  public var diagnostics: [Diagnostic]

  init(
    kind: Kind, typeName: String, message: String, location: (file: String, line: Int, column: Int)? = nil,
    stackTrace: [Frame] = [], diagnostics: [Diagnostic] = []
  ) {
    self.kind = kind
    self.typeName = typeName
    self.message = message
    self.location = location
    self.stackTrace = stackTrace
    self.diagnostics = diagnostics
  }

  /// `file:line:col: Type: message` followed by the stack trace, as `tern run` prints it.
  public var description: String {
    var text = ""
    if let location { text += "\(location.file):\(location.line):\(location.column): " }
    text += "\(typeName): \(message)"
    for line in Self.traceLines(stackTrace) { text += "\n  " + line }
    return text
  }

  /// The trace as `at function (file:line)` lines. A run of identical lines (deep
  /// recursion) gives a few of them and a count, as Python does.
  static func traceLines(_ trace: [Frame]) -> [String] {
    var lines: [String] = []
    var index = 0
    while index < trace.count {
      let frame = trace[index]
      var end = index + 1
      while end < trace.count && trace[end] == frame { end += 1 }
      let shown = min(end - index, repeatedLinesShown)
      lines += Array(repeating: "at \(frame.function) (\(frame.file):\(frame.line))", count: shown)
      if end - index > shown { lines.append("[the line above repeated \(end - index - shown) more times]") }
      index = end
    }
    return lines
  }

  /// How many identical trace lines in a row print before the rest are counted.
  static let repeatedLinesShown = 3
}

/// An error travelling through the VM: raised by a built-in operation (`typeName` and
/// `message`) or thrown by a script (`thrown`). Where it was raised and the stack trace are
/// captured once, before any frame unwinds.
struct RuntimeError: Error {
  var typeName: String
  var message: String
  /// The value a script threw, or the error object made for a VM error once caught.
  var thrown: Value?
  var location: (file: String, line: Int, column: Int)?
  var trace: [ScriptError.Frame]?
  /// A fiber signal unwinding frames rather than an exception: `close` (the completion
  /// `close(fiber)` raises) or a terminal user signal (`user0`…`user4`). Only `finally`
  /// blocks see it; `thrown` is the payload.
  var unwindingSignal: String?

  init(typeName: String, message: String) {
    self.typeName = typeName
    self.message = message
  }
}
