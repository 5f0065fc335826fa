import Foundation
import Synchronization
import Testing

@testable import Tern

/// The host side of fuel: `VM.start`, `ScriptRun.resume(fuel:)` and `InterruptHandle`
/// (SEMANTICS FUEL-01, FUEL-06b, FUEL-07).
@Suite struct HostRunTests {
  /// Resumes `run` with `fuel` per slice until it finishes; gives the pauses and the value.
  func drive(_ run: ScriptRun, fuel: Int) throws -> (pauses: [ScriptRun.PauseReason], value: String) {
    var pauses: [ScriptRun.PauseReason] = []
    while true {
      switch try run.resume(fuel: fuel) {
      case .paused(let reason): pauses.append(reason)
      case .finished(let value): return (pauses, value)
      }
    }
  }

  /// FUEL-01: 10,000 backward jumps in slices of 1,000 ticks take exactly 10 slices.
  @Test func runawayLoopPausesAndResumes() throws {
    let vm = VM()
    let run = try vm.start(
      """
      var i = 0
      while i < 10000 { i = i + 1 }
      i
      """)
    let (pauses, value) = try drive(run, fuel: 1000)
    #expect(pauses.count + 1 == 10)
    #expect(value == "10000")
    #expect(run.isFinished)
    #expect(throws: ScriptError.self) { try run.resume(fuel: 10) }
  }

  /// The README's loop, as written there.
  @Test func readmeSliceLoop() throws {
    let vm = VM()
    let untrustedSource = "var n = 0\nwhile n < 50_000 { n += 1 }\nn"
    let run = try vm.start(untrustedSource, name: "plugin.tern")
    var slices = 0
    while case .paused = try run.resume(fuel: 10_000) {
      slices += 1
    }
    #expect(slices == 4)  // 50,000 back edges: four full slices pause, the fifth finishes
    #expect(run.result == .finished("50000"))
  }

  /// FUEL-01 variant: an interrupt requested before the first slice pauses it at once.
  @Test func interruptPausesTheRun() throws {
    let vm = VM()
    let run = try vm.start("var i = 0\nwhile i < 10000 { i = i + 1 }\ni")
    vm.interruptHandle.interrupt()
    #expect(try run.resume(fuel: 1000) == .paused(.interrupt))
    let (_, value) = try drive(run, fuel: 1000)
    #expect(value == "10000")
  }

  /// FUEL-06b: the host's budget wins over a script's: the pause goes to the host even
  /// though the script's fiber catches `.fuel`, and the script never sees it.
  @Test func hostBudgetWinsOverScriptBudget() throws {
    let vm = VM()
    var printed = ""
    vm.output = { printed += $0 }
    let run = try vm.start(
      """
      let child = Fiber(fn() {
        var i = 0
        while i < 25 { i += 1 }
        return "done \\(i)"
      }, catches: [.fuel])
      setFuel(child, 1000)
      while true {
        let r = child.resume()
        if child.status == .suspended and child.signal == .fuel {
          print("out of fuel")
          setFuel(child, 1000)
        } else {
          print(r)
          break
        }
      }
      """)
    let (pauses, _) = try drive(run, fuel: 15)
    #expect(!pauses.isEmpty)
    #expect(printed == "done 25\n")
  }

  /// FUEL-07: a built-in's callback cannot pause, so the budget overdraws and the pause
  /// comes after; a callback that runs away is killed with `BudgetExceeded`, which the
  /// script's own `try` does not see.
  @Test func overdraftAndHardKill() throws {
    let vm = VM(options: VM.Options(hardOverdraft: 100))
    var printed = ""
    vm.output = { printed += $0 }
    let sorting = try vm.start("print([3, 1, 2].sorted(fn(a, b) { var n = 0\nwhile n < 5 { n += 1 }\na < b }))")
    let (pauses, _) = try drive(sorting, fuel: 3)
    #expect(!pauses.isEmpty)
    #expect(printed == "[1, 2, 3]\n")

    let runaway = try vm.start(
      """
      try {
        [2, 1].sorted(fn(a, b) { while true {} })
      } catch e {
        print("caught")
      }
      """)
    do {
      _ = try drive(runaway, fuel: 3)
      Issue.record("the runaway callback was not killed")
    } catch let error as ScriptError {
      #expect(error.typeName == "BudgetExceeded")
    }
    #expect(!printed.contains("caught"))
  }

  /// A plain `run` interrupted from another thread ends with an `interrupted` error that
  /// no `catch` in the script sees.
  @Test func interruptEndsAPlainRun() throws {
    let vm = VM()
    var printed = ""
    vm.output = { printed += $0 }
    let handle = vm.interruptHandle
    let interrupter = Thread {
      Thread.sleep(forTimeInterval: 0.05)
      handle.interrupt()
    }
    interrupter.start()
    do {
      try vm.run("try { while true {} } catch e { print(\"caught\") } finally { print(\"finally\") }")
      Issue.record("the loop was not interrupted")
    } catch let error as ScriptError {
      #expect(error.kind == .interrupted)
    }
    #expect(printed == "finally\n")
  }

  /// Budgets count the same work the same way: a run paused every few ticks gives what an
  /// uninterrupted one gives.
  @Test func slicedRunMatchesUnslicedRun() throws {
    let program = """
      fn fib(n) { if n < 2 { n } else { fib(n - 1) + fib(n - 2) } }
      var log = []
      for i in 0..<12 { log.append(fib(i)) }
      log
      """
    let whole = try VM().start(program).resume()
    let (pauses, sliced) = try drive(try VM().start(program), fuel: 7)
    #expect(whole == .finished(sliced))
    #expect(pauses.count > 50)
  }
}

/// The `os` capability: absent unless the host grants it.
@Suite struct OSModuleTests {
  @Test func osIsACapability() throws {
    do {
      try VM().run("import os")
      Issue.record("os was importable without the capability")
    } catch let error as ScriptError {
      #expect(error.typeName == "ImportError")
      #expect(error.message == "module 'os' is not available: the host has not granted it")
    }
  }

  /// Also with a collection on every allocation: building the module must keep each
  /// object it makes reachable before making the next.
  @Test(arguments: [false, true]) func osWritesBytesAndSeesArguments(gcStress: Bool) throws {
    var options = VM.Options(gcStress: gcStress)
    options.capabilities = [.os]
    let vm = VM(options: options)
    vm.scriptArguments = ["first", "second"]
    var bytes: [UInt8] = []
    vm.byteOutput = { bytes += $0 }
    try vm.run(
      """
      import os
      os.stdout.write("\\(os.args.count) \\(os.args[1]) ")
      os.stdout.writeBytes([0, 255, 10])
      let missing = os.env("TERN_SURELY_UNSET_VARIABLE")
      os.stdout.write(String(missing))
      """)
    #expect(bytes == Array("2 second ".utf8) + [0, 255, 10] + Array("nil".utf8))
    #expect(throws: ScriptError.self) {
      try vm.run("import os\nos.stdout.writeBytes([256])")
    }
  }
}

/// Recursion through nested dispatch loops (getters, operator methods) stops with a
/// catchable StackOverflow before the thread's stack runs out, however small the host made
/// that stack.
@Suite struct StackGuardTests {
  @Test func endlessGetterRecursionOnASmallStackIsAnError() throws {
    let outcome = Mutex<String>("")
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
      let vm = VM()
      do {
        _ = try vm.evaluate(
          """
          class Endless { fn get forever() => self.forever }
          Endless().forever
          """, name: "<test>")
        outcome.withLock { $0 = "finished" }
      } catch {
        outcome.withLock { $0 = (error as? ScriptError)?.typeName ?? "\(error)" }
      }
      done.signal()
    }
    thread.stackSize = 512 * 1024
    thread.start()
    done.wait()
    #expect(outcome.withLock { $0 } == "StackOverflow")
  }
}
