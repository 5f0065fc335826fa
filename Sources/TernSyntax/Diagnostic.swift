/// A problem found in source text: what is wrong, where, and how to fix it.
public struct Diagnostic: Sendable, Hashable {
  /// How serious a diagnostic is.
  public enum Severity: String, Sendable, Hashable {
    case error
    case warning
  }

  /// Error or warning.
  public var severity: Severity
  /// One line saying what is wrong, in lower case, with code in backticks.
  public var message: String
  /// The span the caret line underlines.
  public var range: SourceRange
  /// An optional suggestion ("did you mean `==`?").
  public var hint: String?

  /// Creates a diagnostic.
  public init(_ severity: Severity = .error, _ message: String, at range: SourceRange, hint: String? = nil) {
    self.severity = severity
    self.message = message
    self.range = range
    self.hint = hint
  }
}

/// Formats diagnostics the way compilers do:
///
///     demo.tern:3:9: error: expected an expression after `=`
///        3 | let x =
///          |         ^
///          = hint: …
public struct DiagnosticRenderer: Sendable {
  /// Whether to use ANSI colours (callers decide: only for a TTY with NO_COLOR unset).
  public var colors: Bool

  /// Creates a renderer.
  public init(colors: Bool = false) {
    self.colors = colors
  }

  /// Renders one diagnostic against its source, ending with a newline.
  public func render(_ diagnostic: Diagnostic, in source: SourceFile) -> String {
    let location = source.location(of: diagnostic.range.start)
    let severityText = diagnostic.severity.rawValue
    let severityColor = diagnostic.severity == .error ? "\u{1B}[1;31m" : "\u{1B}[1;33m"
    var out = style("\(source.name):\(location): ", "\u{1B}[1m")
    out += style("\(severityText):", severityColor)
    out += style(" \(diagnostic.message)", "\u{1B}[1m") + "\n"

    // Very long lines (minified or generated code) show a window around the caret.
    var scalars = Array(source.lineText(location.line).unicodeScalars)
    var caretColumn = location.column
    var prefix = ""
    if scalars.count > DiagnosticRenderer.maximumLineWidth {
      let first = max(0, min(caretColumn - 1 - DiagnosticRenderer.maximumLineWidth / 3, scalars.count - 1))
      let last = min(scalars.count, first + DiagnosticRenderer.maximumLineWidth)
      if first > 0 { prefix = "…" }
      scalars = Array(scalars[first..<last])
      caretColumn -= first - prefix.count
    }
    var lineText = prefix
    lineText.unicodeScalars.append(contentsOf: scalars)
    let gutter = String(location.line)
    let pad = String(repeating: " ", count: gutter.count)
    out += style(" \(gutter) | ", "\u{1B}[34m") + lineText + "\n"

    // The caret line copies tabs from the source line so the caret lines up.
    let shown = Array(lineText.unicodeScalars)
    var caretLine = ""
    for index in 0..<min(caretColumn - 1, shown.count) {
      caretLine += shown[index] == "\t" ? "\t" : " "
    }
    let endLocation = source.location(of: diagnostic.range.end)
    var width = 1
    if endLocation.line == location.line {
      width = max(1, min(endLocation.column - location.column, shown.count - (caretColumn - 1)))
    } else {
      width = max(1, shown.count - (caretColumn - 1))
    }
    caretLine += style("^" + String(repeating: "~", count: width - 1), severityColor)
    out += style(" \(pad) | ", "\u{1B}[34m") + caretLine + "\n"
    if let hint = diagnostic.hint {
      out += style(" \(pad) = hint: ", "\u{1B}[36m") + hint + "\n"
    }
    return out
  }

  /// Renders several diagnostics, in order.
  public func render(_ diagnostics: [Diagnostic], in source: SourceFile) -> String {
    diagnostics.map { render($0, in: source) }.joined()
  }

  /// Source lines longer than this many scalars are shown as a window around the caret.
  static let maximumLineWidth = 160

  private func style(_ text: String, _ code: String) -> String {
    colors ? code + text + "\u{1B}[0m" : text
  }
}
