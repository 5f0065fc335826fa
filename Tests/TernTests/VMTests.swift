import Testing

@testable import Tern

/// Runs source in a fresh VM and returns what it printed.
func output(of source: String, options: VM.Options = VM.Options()) throws -> String {
  let vm = VM(options: options)
  var text = ""
  vm.output = { text += $0 }
  try vm.run(source, name: "test.tern")
  return text
}

@Suite struct VMTests {
  @Test func valueIsPlainData() {
    #expect(_isPOD(Value.self))
    #expect(MemoryLayout<Value>.size <= 16)
    // A map entry packs its 32-bit hash into the key's padding.
    #expect(MemoryLayout<MapObject.Entry>.stride == 32)
  }

  @Test func properTailCallsRunInConstantStack() throws {
    let source = """
      fn even(n) { if n == 0 { return true }; return odd(n - 1) }
      fn odd(n) { if n == 0 { return false }; return even(n - 1) }
      print(even(1_000_000))
      """
    #expect(try output(of: source) == "true\n")
  }

  @Test func deepRecursionIsAStackOverflowError() {
    let vm = VM()
    vm.output = { _ in }
    do {
      try vm.run("fn down(n) { return 1 + down(n + 1) }\ndown(0)", name: "deep.tern")
      Issue.record("expected StackOverflow")
    } catch {
      #expect(error.typeName == "StackOverflow")
      #expect(error.message == "call stack exceeded 10000 frames")
      #expect(error.location?.line == 1)
      #expect(error.stackTrace.count > 100)
    }
  }

  /// A `finally` block and a `for` loop that closes its iterable both rethrow what they
  /// caught: the error still points at the line that raised it.
  @Test(arguments: [
    "fn f() {\n  try {\n    let x = 1 + nil\n  } finally {\n    print(1)\n  }\n}\nf()",
    "for x in [1] {\n  print(x)\n  let y = x + nil\n}",
  ])
  func rethrownErrorKeepsItsLocation(source: String) {
    let vm = VM()
    vm.output = { _ in }
    do {
      try vm.run(source, name: "rethrow.tern")
      Issue.record("expected a TypeError")
    } catch {
      #expect(error.typeName == "TypeError")
      #expect(error.location?.line == 3)
    }
  }

  /// Fibers resuming fibers nest without the Swift stack, up to a limit that is a catchable
  /// error, not a crash of the host.
  @Test func fiberNestingIsBounded() throws {
    let source = """
      var deepest = 0
      fn nest(depth) {
        deepest = depth
        Fiber(fn() { nest(depth + 1) }).resume()
      }
      try {
        nest(0)
      } catch e is StackOverflow {
        print(e.message, deepest)
      }
      """
    let vm = VM(options: VM.Options(maximumFiberNesting: 50))
    var printed = ""
    vm.output = { printed += $0 }
    try vm.run(source, name: "nest.tern")
    #expect(printed == "fibers resumed more than 50 deep 50\n")
  }

  /// EFF-13: a `fun` clause runs as a call and captures no continuation; a clause that
  /// resumes captures one per perform. Both give the same sum.
  @Test func tailResumptiveClausesCaptureNothing() throws {
    let program = """
      effect State {
        fn get()
        fn set(v)
      }
      fn sumdown(n) {
        var i = n
        while i > 0 {
          perform State.set(perform State.get() + i)
          i -= 1
        }
        perform State.get()
      }
      fn withFun(n) {
        var s = 0
        handle { sumdown(n) } with {
          fun State.get() => s
          fun State.set(v) => { s = v; nil }
        }
      }
      fn withCtl(n) {
        var s = 0
        handle { sumdown(n) } with {
          State.get() => resume(s)
          State.set(v) => { s = v; resume(nil) }
        }
      }
      """
    let vm = VM()
    var printed = ""
    vm.output = { printed += $0 }
    try vm.run(program, name: "state.tern")
    try vm.run("print(withFun(100000))", name: "fun.tern")
    #expect(vm.continuationsCaptured == 0)
    try vm.run("print(withCtl(100000))", name: "ctl.tern")
    #expect(vm.continuationsCaptured > 100_000)
    #expect(printed == "5000050000\n5000050000\n")
  }

  @Test func collectorFreesCyclicGarbageInBoundedMemory() throws {
    let vm = VM()
    vm.output = { _ in }
    try vm.run(
      """
      var i = 0
      while i < 200_000 {
        let a = []
        let b = [a]
        a.append(b)
        i += 1
      }
      """, name: "cycles.tern")
    let statistics = vm.heapStatistics
    #expect(statistics.collections > 0)
    #expect(statistics.freedObjects > 300_000)
    #expect(statistics.liveBytes < 4 << 20)
  }

  @Test func runtimeErrorsCarryLocationAndTrace() {
    let vm = VM()
    do {
      try vm.run("fn f(x) {\n  return x + \"a\"\n}\nf(1)\n", name: "err.tern")
      Issue.record("expected an error")
    } catch {
      #expect(
        error.description == """
          err.tern:2:10: TypeError: unsupported operand types for +: Int and String
            at f (err.tern:2)
            at <main> (err.tern:4)
          """)
    }
  }

  @Test func compileErrorsAreSyntaxErrors() {
    let vm = VM()
    do {
      try vm.run("print(undefinedThing)", name: "x.tern")
      Issue.record("expected an error")
    } catch {
      #expect(error.kind == .syntax)
      #expect(error.message == "undefined name `undefinedThing`")
    }
  }

  @Test func evaluateReturnsThePrintedValue() throws {
    let vm = VM()
    #expect(try vm.evaluate("1 + 2") == "3")
    #expect(try vm.evaluate("[1, \"a\", 2.0, nil]") == "[1, \"a\", 2.0, nil]")
    #expect(try vm.evaluate("2 ** 64") == "18446744073709551616")
  }

  /// Generated code can be huge: a very long expression is a compile error, not a crash.
  @Test func veryLongExpressionsAreDiagnosed() {
    let source = "let x = " + Array(repeating: "1", count: 20_000).joined(separator: " + ")
    let vm = VM()
    #expect(throws: ScriptError.self) { try vm.run(source, name: "long.tern") }
    let fine = "let x = " + Array(repeating: "1", count: 900).joined(separator: " + ") + "\nprint(x)"
    var printed = ""
    vm.output = { printed += $0 }
    #expect(throws: Never.self) { try vm.run(fine, name: "fine.tern") }
    #expect(printed == "900\n")
  }

  @Test func severalVMsAreIndependent() throws {
    let first = VM()
    let second = VM()
    try first.run("let shared = 1", name: "a.tern")
    #expect(throws: ScriptError.self) { try second.run("print(shared)", name: "b.tern") }
  }
}
