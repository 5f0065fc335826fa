import Foundation
import TernTestSupport
import Testing

/// Lists which scripts pass today when TERN_SURVEY is set (a tool for maintaining
/// `Tests/Scripts/pending.txt`, not a check).
@Suite struct SurveyTests {
  @Test(.enabled(if: ProcessInfo.processInfo.environment["TERN_SURVEY"] != nil))
  func survey() throws {
    var failing: [String] = []
    for script in ScriptCatalog.all {
      let expectations = ScriptExpectations(parsing: try script.text())
      if expectations.skipReason != nil || !expectations.diagnostics.isEmpty { continue }
      if try !mismatches(script).isEmpty { failing.append(script.relativePath) }
    }
    try failing.joined(separator: "\n").write(toFile: "/tmp/tern-failing.txt", atomically: true, encoding: .utf8)
  }
}
