import TernTestSupport
import Testing

@testable import Tern

/// Generated programs nested or chained far past the limits are compile errors, never a
/// crash; programs at the limits compile and run, so the compiler's own recursion over the
/// tree fits in the stack of a debug build.
@Suite struct DeepInputTests {
  @Test(arguments: DeepSources.beyondLimits)
  func beyondTheLimitIsASyntaxError(_ deep: DeepSource) {
    let vm = VM()
    vm.output = { _ in }
    do {
      try vm.run(deep.text, name: "deep.tern")
      Issue.record("expected a syntax error")
    } catch {
      #expect(error.kind == .syntax)
      #expect(error.message == deep.expectedError)
    }
  }

  @Test(arguments: DeepSources.withinLimits)
  func withinTheLimitRuns(_ deep: DeepSource) throws {
    let vm = VM()
    var printed = ""
    vm.output = { printed += $0 }
    try vm.run(deep.text, name: "deep.tern")
    #expect(!printed.isEmpty)
  }

  /// A long comparison chain is one node, so it parses; the compiler reports the registers
  /// it would need once, not once per operand.
  @Test func registerOverflowIsReportedOnce() {
    let source = "print(" + Array(repeating: "1", count: 2000).joined(separator: " < ") + ")"
    do {
      try VM().run(source, name: "long.tern")
      Issue.record("expected a compile error")
    } catch {
      #expect(error.message == "function needs more than 255 registers")
      #expect(error.diagnostics.count == 1)
    }
  }
}
