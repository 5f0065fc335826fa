import Synchronization
import Tern
import Testing

/// The host's hooks into the `random` and `time` modules (the scripts in
/// `Tests/Scripts/stdlib` test the modules themselves).
@Suite struct LibraryModuleTests {
  static let draws = """
    import random
    print(random.random(), random.int(0, 1_000_000), random.choice("abcdefgh"))
    """

  @Test func hostSeedMakesRunsReproducible() throws {
    var options = VM.Options()
    options.randomSeed = 2024
    let first = try output(of: Self.draws, options: options)
    #expect(try output(of: Self.draws, options: options) == first)
    options.randomSeed = 2025
    #expect(try output(of: Self.draws, options: options) != first)
  }

  @Test func seedWithoutArgumentReturnsToTheHostSeed() throws {
    var options = VM.Options()
    options.randomSeed = 7
    let source = """
      import random
      let first = [random.random(), random.random()]
      random.seed(123)
      random.random()
      random.seed()
      print([random.random(), random.random()] == first)
      """
    #expect(try output(of: source, options: options) == "true\n")
  }

  @Test func eachVMHasItsOwnGenerator() throws {
    var options = VM.Options()
    options.randomSeed = 1
    let a = VM(options: options)
    let b = VM(options: options)
    var outputs = ["", ""]
    a.output = { outputs[0] += $0 }
    b.output = { outputs[1] += $0 }
    try a.run("import random")
    try b.run("import random")
    // Interleaved draws: neither VM's sequence is disturbed by the other's.
    for _ in 0..<3 {
      try a.run("print(random.int(0, 1_000_000))")
      try b.run("print(random.int(0, 1_000_000))")
    }
    #expect(outputs[0] == outputs[1])
  }

  @Test func fixedTimeSource() throws {
    var options = VM.Options()
    options.timeSource = .fixed(at: 1_700_000_000.25)
    let source = "import time\nprint(time.now(), time.monotonic())"
    #expect(try output(of: source, options: options) == "1700000000.25 0.0\n")
  }

  @Test func hostMonotonicClockIsHeldFromGoingBack() throws {
    let readings = Mutex([5.0, 3.0, 8.0])
    var options = VM.Options()
    options.timeSource = VM.TimeSource(
      now: { 0 },
      monotonic: { readings.withLock { $0.isEmpty ? 0 : $0.removeFirst() } })
    let source = "import time\nprint(time.monotonic(), time.monotonic(), time.monotonic())"
    #expect(try output(of: source, options: options) == "5.0 5.0 8.0\n")
  }
}
