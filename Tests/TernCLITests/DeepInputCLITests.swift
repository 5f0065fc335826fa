import TernTestSupport
import Testing

/// `tern run` and `tern parse` on generated deep input: exit status 65 with the diagnostic,
/// never a crash of the process (the main thread's stack is the one a user's run gets).
@Suite struct DeepInputCLITests {
  static let samples = DeepSources.beyondLimits.filter {
    ["power chain", "spread chain", "function declarations", "perform perform", "is", "sums of sums"].contains($0.name)
  }

  @Test(arguments: samples)
  func deepInputExits65(_ deep: DeepSource) throws {
    for command in ["run", "parse"] {
      let result = try TernProcess.run([command, "-"], stdin: deep.text, environment: ["NO_COLOR": "1"])
      #expect(result.status == 65, "tern \(command)")
      #expect(result.stderr.contains("error: \(deep.expectedError ?? "")"), "tern \(command)")
    }
  }

  @Test(arguments: DeepSources.withinLimits.filter { ["function declarations", "lists"].contains($0.name) })
  func inputAtTheLimitsRunsAndParses(_ deep: DeepSource) throws {
    #expect(try TernProcess.run(["run", "-"], stdin: deep.text).status == 0)
    #expect(try TernProcess.run(["parse", "-"], stdin: deep.text).status == 0)
    for format in ["--json", "--sexpr"] {
      #expect(try TernProcess.run(["parse", format, "-"], stdin: deep.text).status == 0, "tern parse \(format)")
    }
  }
}
