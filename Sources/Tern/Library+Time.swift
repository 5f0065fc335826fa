import Foundation

// The `time` module: the wall clock and a monotonic clock, both read through the host's
// `VM.Options.timeSource`.

extension VM {
  /// Where the `time` module reads the time (`VM.Options.timeSource`).
  ///
  /// `.system` reads the machine's clocks. A host that needs reproducible runs (tests,
  /// replays, SEMANTICS' deterministic mode, where time is virtual) supplies its own: both
  /// functions are called on the VM's thread, each time a script asks.
  public struct TimeSource: Sendable {
    /// Seconds since 1970-01-01 00:00 UTC (`time.now()`).
    public var now: @Sendable () -> Double
    /// Seconds since an arbitrary fixed point (`time.monotonic()`). It must never decrease.
    public var monotonic: @Sendable () -> Double

    /// A time source from two functions.
    public init(now: @escaping @Sendable () -> Double, monotonic: @escaping @Sendable () -> Double) {
      self.now = now
      self.monotonic = monotonic
    }

    /// The machine's clocks: the wall clock, and the time since the system started (a
    /// clock that `settimeofday` and NTP adjustments do not move).
    public static let system = TimeSource(
      now: { Date().timeIntervalSince1970 }, monotonic: { ProcessInfo.processInfo.systemUptime })

    /// A clock that stands still: `time.now()` is always `seconds` and `time.monotonic()`
    /// always 0.
    public static func fixed(at seconds: Double) -> TimeSource {
      TimeSource(now: { seconds }, monotonic: { 0 })
    }
  }

  /// `time`: `now()` and `monotonic()`, in seconds as Floats.
  func makeTimeModule() -> ModuleObject {
    let module = heap.allocate(ModuleObject(name: "time", path: nil))
    temporaryRoots.append(.object(module))
    defer { temporaryRoots.removeLast() }
    let source = options.deterministic ? TimeSource.fixed(at: 0) : options.timeSource
    let latest = MonotonicReading()
    let now = NativeFunctionObject(name: "time.now", arity: 0...0) { _, _ in .float(source.now()) }
    let monotonic = NativeFunctionObject(name: "time.monotonic", arity: 0...0) { _, _ in
      // Held to never decrease, whatever the host's function does.
      latest.seconds = max(latest.seconds, source.monotonic())
      return .float(latest.seconds)
    }
    // One at a time: each is reachable through the module before the next allocation.
    module.define(names: ["now"], values: [.object(heap.allocate(now))])
    module.define(names: ["monotonic"], values: [.object(heap.allocate(monotonic))])
    return module
  }
}

/// The last `time.monotonic()` reading of one VM.
private final class MonotonicReading {
  var seconds = -Double.infinity
}
