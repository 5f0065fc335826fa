import Foundation
import TernBytecode
import TernCompiler
import TernSyntax

/// A Tern virtual machine: compiles and runs scripts.
///
/// Not `Sendable`: a VM belongs to one thread or task at a time, like a `lua_State`. Create
/// one per thread; several VMs in one process are independent.
public final class VM {
  /// Limits and switches.
  public struct Options: Sendable {
    /// Script call depth before a catchable `StackOverflow`.
    public var maximumCallDepth = 10_000
    /// Collect garbage on every allocation (for testing the collector).
    public var gcStress = false
    /// Fibers resuming fibers (each waiting on the next) before a catchable `StackOverflow`.
    public var maximumFiberNesting = 200_000
    /// What the host lets scripts reach beyond the core library.
    public var capabilities: Capabilities = []
    /// Ticks a fuel budget may overdraw where its fiber cannot pause (inside a built-in's
    /// callback, a `close`) before the fiber is killed with `BudgetExceeded`.
    public var hardOverdraft = 1_000_000
    /// The seed of the `random` module's generator, for reproducible runs (SEMANTICS D8:
    /// "random is seeded by the host"); nil seeds it from the system's entropy.
    public var randomSeed: UInt64?
    /// Where the `time` module reads the time (`.system` unless the host supplies its own).
    public var timeSource = TimeSource.system
    /// Deterministic mode (also turned on by a script's `@deterministic`): time is virtual
    /// (the clock stands at 0: nothing advances it until there is a scheduler) and `random`
    /// starts from `randomSeed`, or 0, so a program prints the same on every run.
    public var deterministic = false

    public init(
      maximumCallDepth: Int = 10_000, gcStress: Bool = false, maximumFiberNesting: Int = 200_000,
      hardOverdraft: Int = 1_000_000
    ) {
      self.maximumCallDepth = maximumCallDepth
      self.gcStress = gcStress
      self.maximumFiberNesting = maximumFiberNesting
      self.hardOverdraft = hardOverdraft
    }
  }

  /// Capabilities a host grants its scripts (`VM.Options.capabilities`).
  public struct Capabilities: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    /// The `os` module: the program's arguments, the environment, standard output and error.
    public static let os = Capabilities(rawValue: 1)
  }

  var options: Options
  /// What `os.args` holds (the CLI passes `tern run FILE args…`).
  public var scriptArguments: [String] = []
  let heap = Heap()
  /// The fiber running now (the main program's when no script fiber runs). Switch with
  /// `switchFiber(to:)`, which keeps the fuel accounts.
  ///
  /// Unowned: every fiber is owned by its script object (the main one by `mainFiber`), which
  /// the collector keeps alive while the fiber is on the running chain; a strong reference
  /// would cost a retain and a release on every switch.
  unowned(unsafe) var fiber: Fiber
  /// The main program's fiber.
  let mainFiber: Fiber
  /// The built-in globals every module starts with.
  var builtinNames: [String] = []
  var builtinValues: [Value] = []
  /// The namespace of code run with `run`/`evaluate` (shared by successive runs, as Lua's
  /// globals are); imported files get modules of their own.
  var mainModule: ModuleObject!
  /// Imported modules by resolved path (files) or name (built-in modules).
  var modules: [String: ModuleObject] = [:]
  /// Modules being imported, outermost first, for reporting cycles.
  var importStack: [ModuleObject] = []
  /// Reads a module's source for `import "./x.tern"`; nil when it does not exist. The default
  /// reads files; a host can replace it to sandbox or virtualise imports.
  public var moduleLoader: @Sendable (String) -> String? = { path in
    FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
  }
  /// Modules' main functions stay alive as roots (their constants are shared by closures).
  var loadedFunctions: [FunctionObject] = []
  /// Interned symbol names; a symbol value holds its index.
  var symbolNames: [String] = []
  var symbolIDs: [String: Int] = [:]
  /// How deep an equality or ordering test is inside nested structures.
  var structureDepth = 0
  static let maximumStructureDepth = 500
  /// Nested dispatch loops running now (built-ins calling back into script), bounded by
  /// the room left on the thread's stack.
  var nativeCallDepth = 0
  /// An error a user `==`, `hash` or `toString` threw inside code that cannot throw
  /// (`callDeferringError`), raised at the next point that can.
  var deferredError: RuntimeError?
  var stackGuard = StackGuard()
  /// The last class serial handed out.
  var classSerials = 0
  /// Values a native holds while it may allocate.
  var temporaryRoots: [Value] = []
  /// What a `finally` block sees as the caught value while a signal (`close`, a terminal
  /// user signal) unwinds the fiber; rethrowing it carries on unwinding.
  var unwindMarker: Value = .null

  /// Safepoints left before the fuel slow path runs (SEMANTICS §3.6): the dispatch loop
  /// decrements it at every backward jump and call. Kept outside the object so the loop
  /// reaches it through a plain pointer, without exclusivity checks.
  let fuelTicks = UnsafeMutablePointer<Int>.allocate(capacity: 1)
  /// What `fuelTicks` was loaded with: the difference is what the running chain has used.
  var fuelLoaded = VM.unlimitedTicks
  /// Set once any fiber gets a budget; until then fiber switches skip the accounting.
  var fuelInUse = false
  static let unlimitedTicks = Int.max / 4

  /// Host runs (`start`) alive now: their fibers are roots.
  var hostRuns: [ObjectIdentifier: FiberObject] = [:]
  let interrupts = InterruptHandle()
  /// Continuations captured by `perform` so far (a `fun` clause captures none).
  public internal(set) var continuationsCaptured = 0
  /// Continuations of clause frames an error popped, waiting to be finalised.
  var pendingFinalizations: [ContinuationObject] = []

  /// Where `print` writes. Defaults to standard output.
  public var output: (String) -> Void = { text in print(text, terminator: "") }
  /// Where `os.stdout` writes raw bytes. Defaults to standard output, in order with `print`.
  public var byteOutput: ([UInt8]) -> Void = { bytes in
    // Flush what `print` buffered first, so the two stay in order.
    fflush(nil)
    FileHandle.standardOutput.write(Data(bytes))
  }

  /// Creates a VM with the core built-in functions.
  public init(options: Options = Options()) {
    self.options = options
    fuelTicks.initialize(to: Self.unlimitedTicks)
    mainFiber = Fiber(maximumDepth: options.maximumCallDepth)
    mainFiber.status = .running
    fiber = mainFiber
    heap.stressMode = options.gcStress
    heap.markRoots = { [unowned self] collector in self.markRoots(&collector) }
    installBuiltins()
    installFiberBuiltins()
    unwindMarker = .object(heap.allocate(ErrorObject(typeName: "FiberError", message: "the fiber is unwinding")))
    mainModule = makeModule(name: "<main>", path: nil)
  }

  deinit { fuelTicks.deallocate() }

  /// A new module namespace holding the built-ins.
  func makeModule(name: String, path: String?) -> ModuleObject {
    let module = heap.allocate(ModuleObject(name: name, path: path))
    module.define(names: builtinNames, values: builtinValues)
    return module
  }

  /// Heap statistics, for tests and tools.
  public struct HeapStatistics: Sendable {
    public var liveObjects: Int
    public var liveBytes: Int
    public var collections: Int
    public var freedObjects: Int
  }

  public var heapStatistics: HeapStatistics {
    HeapStatistics(
      liveObjects: heap.objectCount, liveBytes: heap.liveBytes, collections: heap.collections,
      freedObjects: heap.freedObjects)
  }

  /// Runs a full collection now.
  public func collectGarbage() { heap.collect() }

  // MARK: - Compiling and running

  /// Compiles source text to a module (syntax and compile errors are thrown together).
  public func compile(_ text: String, name: String, returnsLastExpression: Bool = false) throws(ScriptError)
    -> CompiledModule
  {
    try compile(SourceFile(name: name, text: text), returnsLastExpression: returnsLastExpression)
  }

  func compile(_ source: SourceFile, returnsLastExpression: Bool = false, module: ModuleObject? = nil)
    throws(ScriptError) -> CompiledModule
  {
    let (program, diagnostics) = Parser.parse(source)
    if !diagnostics.isEmpty {
      throw syntaxError(diagnostics, source: source)
    }
    var names = (module ?? mainModule).names
    let (module, compileDiagnostics) = Compiler.compile(
      program, source: source, globals: &names, returnsLastExpression: returnsLastExpression)
    guard let module else { throw syntaxError(compileDiagnostics, source: source) }
    return module
  }

  func syntaxError(_ diagnostics: [Diagnostic], source: SourceFile) -> ScriptError {
    let first = diagnostics[0]
    let location = source.location(of: first.range.start)
    return ScriptError(
      kind: .syntax, typeName: "SyntaxError", message: first.message,
      location: (source.name, location.line, location.column), diagnostics: diagnostics)
  }

  /// Compiles and runs a script. `name` is its file path: errors show it, and the script's
  /// relative imports (`import "./util.tern"`) are resolved against it.
  public func run(_ text: String, name: String = "<script>") throws(ScriptError) {
    guard !name.hasPrefix("<") else { return try run(compile(text, name: name)) }
    // The script is a module like the files it imports: one importing it back is a cycle.
    mainModule.path = name
    modules[moduleKey(name)] = mainModule
    mainModule.isLoading = true
    importStack.append(mainModule)
    defer {
      importStack.removeLast()
      mainModule.isLoading = false
    }
    try run(compile(text, name: name))
  }

  /// Runs a compiled module.
  public func run(_ module: CompiledModule) throws(ScriptError) {
    if module.isDeterministic { options.deterministic = true }
    _ = try execute(module)
  }

  /// Evaluates one expression (or a sequence of statements ending in one) and returns how
  /// its value prints, as `tern eval` and the REPL show it.
  public func evaluate(_ text: String, name: String = "<eval>") throws(ScriptError) -> String {
    let module = try compile(text, name: name, returnsLastExpression: true)
    return describe(try execute(module))
  }

  func execute(_ module: CompiledModule) throws(ScriptError) -> Value {
    do {
      return try execute(module, in: mainModule)
    } catch {
      throw scriptError(error)
    }
  }

  /// Runs a compiled module's top-level code in the namespace `module`.
  func execute(_ compiled: CompiledModule, in module: ModuleObject) throws(RuntimeError) -> Value {
    let function = load(compiled, into: module)
    let closure = heap.allocate(ClosureObject(function: function, upvalues: []))
    return try call(closure: closure, arguments: [])
  }

  /// Turns compiled prototypes into VM function objects, defining new global slots.
  func load(_ compiled: CompiledModule, into module: ModuleObject) -> FunctionObject {
    module.define(names: Array(compiled.globals.dropFirst(module.names.count)), values: nil)
    let function = load(compiled.main, module: module)
    loadedFunctions.append(function)
    return function
  }

  /// Everything created here stays in `temporaryRoots` until the function that owns it
  /// exists, so a collection in between cannot free it.
  func load(_ proto: Prototype, module: ModuleObject) -> FunctionObject {
    let rootMark = temporaryRoots.count
    defer { temporaryRoots.removeSubrange(rootMark...) }
    var children: [FunctionObject] = []
    for child in proto.prototypes {
      let function = load(child, module: module)
      temporaryRoots.append(.object(function))
      children.append(function)
    }
    var constants: [Value] = []
    for constant in proto.constants {
      switch constant {
      case .integer(let value): constants.append(.int(value))
      case .bigInteger(let digits): constants.append(makeBigInteger(digits))
      case .float(let value): constants.append(.float(value))
      case .string(let text): constants.append(.object(heap.allocate(StringObject(text, pool: heap.pool))))
      case .symbol(let name): constants.append(symbol(name))
      }
      temporaryRoots.append(constants[constants.count - 1])
    }
    return heap.allocate(FunctionObject(proto: proto, constants: constants, prototypes: children, module: module))
  }

  func symbol(_ name: String) -> Value {
    if let id = symbolIDs[name] { return .symbol(id) }
    symbolNames.append(name)
    symbolIDs[name] = symbolNames.count - 1
    return .symbol(symbolNames.count - 1)
  }

  func markRoots(_ collector: inout GarbageCollector) {
    // The running fiber and every fiber waiting on it to yield or return.
    var chain: Fiber? = fiber
    while let current = chain {
      current.markRoots(&collector)
      if let object = current.object { collector.mark(.object(object)) }
      chain = current.resumer
    }
    mainFiber.markRoots(&collector)
    for value in builtinValues { collector.mark(value) }
    if let mainModule { collector.mark(.object(mainModule)) }
    for module in modules.values { collector.mark(.object(module)) }
    for function in loadedFunctions { collector.mark(.object(function)) }
    for value in temporaryRoots { collector.mark(value) }
    for continuation in pendingFinalizations { collector.mark(.object(continuation)) }
    for run in hostRuns.values { collector.mark(.object(run)) }
    collector.mark(unwindMarker)
    if let thrown = deferredError?.thrown { collector.mark(thrown) }
  }

  // MARK: - Globals and natives

  /// Defines a built-in global (before any module exists).
  func defineGlobal(_ name: String, _ value: Value) {
    if let slot = builtinNames.firstIndex(of: name) {
      builtinValues[slot] = value
    } else {
      builtinNames.append(name)
      builtinValues.append(value)
    }
  }

  @discardableResult
  func defineNative(
    _ name: String, arity: ClosedRange<Int>, instanceType: String? = nil, parameterNames: [String] = [],
    _ body: @escaping (VM, [Value]) throws(RuntimeError) -> Value
  ) -> NativeFunctionObject {
    let native = NativeFunctionObject(name: name, arity: arity, body: body)
    native.instanceType = instanceType
    native.parameterNames = parameterNames
    defineGlobal(name, .object(heap.allocate(native)))
    return native
  }

  func write(_ text: String) { output(text) }
}
