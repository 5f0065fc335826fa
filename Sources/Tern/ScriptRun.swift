import Synchronization
import TernBytecode

// Running untrusted code in slices: a host starts a script as a `ScriptRun`, resumes it
// with a fuel budget, and gets it back paused when the budget is spent (or when another
// thread interrupts it), with nothing lost (SEMANTICS B2, B3, B8). The run's main program is
// a fiber whose budget the host owns: script code cannot refill it, and its masks do not
// matter, so the host always gets the pause.

/// Requests an interrupt of whatever script a VM is running, from any thread. The running
/// `ScriptRun` pauses (`.paused(.interrupt)`) and a plain `run` fails with an
/// `interrupted` error, at the next fuel safepoint at most ~10,000 ticks later.
public final class InterruptHandle: Sendable {
  let requested = Atomic<Bool>(false)

  public func interrupt() { requested.store(true, ordering: .relaxed) }
}

/// A script started with `VM.start`, run in slices.
public final class ScriptRun {
  /// How a slice ended.
  public enum Outcome: Sendable, Equatable {
    /// The script stopped before a safepoint and can be resumed.
    case paused(PauseReason)
    /// The script ran to its end; this is how its value prints (as `tern eval` shows it).
    case finished(String)
  }

  public enum PauseReason: String, Sendable {
    /// The slice's fuel ran out.
    case fuel
    /// `InterruptHandle.interrupt()` was called.
    case interrupt
  }

  let vm: VM
  let fiber: FiberObject
  /// The last outcome, once the run has finished.
  public private(set) var result: Outcome?

  init(vm: VM, fiber: FiberObject) {
    self.vm = vm
    self.fiber = fiber
    vm.hostRuns[ObjectIdentifier(self)] = fiber
  }

  deinit { vm.hostRuns[ObjectIdentifier(self)] = nil }

  public var isFinished: Bool { if case .finished = result { true } else { false } }

  /// Runs the script until it ends, or until `fuel` ticks (one per backward jump, call,
  /// resume and perform) are spent; nil runs it without a budget. An uncaught error ends
  /// the run and is thrown; resuming a finished or failed run is an error.
  public func resume(fuel: Int? = nil) throws(ScriptError) -> Outcome {
    let state = fiber.state
    guard state.status == .new || state.status == .suspended else {
      throw ScriptError(kind: .runtime, typeName: "FiberError", message: "the script run has ended")
    }
    if let fuel, fuel < 0 {
      throw ScriptError(kind: .runtime, typeName: "ValueError", message: "fuel must be 0 or more")
    }
    vm.useFuel()
    state.fuel = fuel
    state.hostPause = nil
    do {
      let value = try vm.resume(state, with: .null)
      if state.status == .suspended {
        return .paused(state.hostPause ?? .fuel)
      }
      let outcome = Outcome.finished(vm.describe(value))
      result = outcome
      return outcome
    } catch {
      throw vm.scriptError(error)
    }
  }
}

extension VM {
  /// Compiles a script and readies it to run in slices with `ScriptRun.resume(fuel:)`.
  /// Nothing runs yet. `name` is its file path, as for `run`.
  public func start(_ text: String, name: String = "<script>") throws(ScriptError) -> ScriptRun {
    if !name.hasPrefix("<") { mainModule.path = name }
    return start(try compile(text, name: name, returnsLastExpression: true))
  }

  /// Readies a compiled module to run in slices.
  public func start(_ module: CompiledModule) -> ScriptRun {
    let function = load(module, into: mainModule)
    let closure = heap.allocate(ClosureObject(function: function, upvalues: []))
    let state = Fiber(maximumDepth: options.maximumCallDepth)
    state.entry = .object(closure)
    state.catches = []
    return ScriptRun(vm: self, fiber: heap.allocate(FiberObject(state: state)))
  }

  /// Lets another thread interrupt this VM's scripts. Asking for it makes the fuel
  /// safepoints poll the handle every few thousand ticks.
  public var interruptHandle: InterruptHandle {
    useFuel()
    return interrupts
  }

  /// Turns on the fuel accounting (budgets, interrupts): the countdown then reaches the
  /// slow path at least every `fuelChunk` ticks.
  func useFuel() {
    guard !fuelInUse else { return }
    fuelInUse = true
    fuelLoaded = fuelTicks.pointee
    settleFuel()
    reloadFuel()
  }

  static let fuelChunk = 10_000

  /// At a fuel safepoint: if an interrupt was requested, gives the host run to pause (nil
  /// when the running code belongs to none: it fails with an `interrupted` error instead).
  func takeInterrupt() throws(RuntimeError) -> Fiber? {
    guard interrupts.requested.load(ordering: .relaxed) else { return nil }
    interrupts.requested.store(false, ordering: .relaxed)
    var current: Fiber? = fiber
    while let link = current {
      if hostRuns.values.contains(where: { $0.state === link }) { return link }
      current = link.resumer
    }
    var error = RuntimeError(typeName: "Interrupted", message: "the script was interrupted")
    error.unwindingSignal = "interrupt"
    throw error
  }
}
