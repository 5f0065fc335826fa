import Foundation
import TernBytecode
import TernSyntax

// `import`: built-in library modules and modules from files, each run once.

extension VM {
  /// The module named by `specifier`, loading and running it on first import: a built-in
  /// library (`math`), else a file beside the importing module's (`util` is `util.tern`,
  /// `a.b` is `a/b.tern`); or the path of a file relative to the importing module's.
  @inline(never)
  func importModule(_ specifierValue: Value, from closure: Unmanaged<ClosureObject>) throws(RuntimeError) -> Value {
    let specifier = stringValue(specifierValue) ?? ""
    let importer = closure.takeUnretainedValue().module
    if !specifier.contains("/") && !specifier.hasSuffix(".tern") {
      if let module = modules[specifier] { return .object(module) }
      if let module = try makeLibraryModule(specifier) {
        modules[specifier] = module
        return .object(module)
      }
      let file = specifier.split(separator: ".").joined(separator: "/") + ".tern"
      let path = resolve(file, relativeTo: importer.path)
      guard modules[moduleKey(path)] != nil || moduleLoader(path) != nil else {
        throw RuntimeError(typeName: "ImportError", message: "no module named '\(specifier)'")
      }
      return try importFile(path, named: specifier)
    }
    return try importFile(resolve(specifier, relativeTo: importer.path), named: specifier)
  }

  /// The module in the file at `path`, run on first import; an import of a module that is
  /// still running its top level is a cycle.
  func importFile(_ path: String, named specifier: String) throws(RuntimeError) -> Value {
    let key = moduleKey(path)
    if let module = modules[key] {
      if module.isLoading {
        // The script being run goes by its file's name.
        let names = importStack.drop(while: { $0 !== module }).map {
          $0 === mainModule ? $0.path.map { ($0 as NSString).lastPathComponent } ?? $0.name : $0.name
        }
        let chain = (names + [specifier]).joined(separator: " -> ")
        throw RuntimeError(typeName: "ImportError", message: "import cycle: \(chain)")
      }
      return .object(module)
    }
    guard let text = moduleLoader(path) else {
      throw RuntimeError(typeName: "ImportError", message: "cannot find module '\(specifier)'")
    }
    let module = makeModule(name: specifier, path: path)
    modules[key] = module
    module.isLoading = true
    importStack.append(module)
    defer {
      importStack.removeLast()
      module.isLoading = false
    }
    let compiled: CompiledModule
    do throws(ScriptError) {
      compiled = try compile(SourceFile(name: path, text: text), module: module)
    } catch {
      modules[key] = nil
      var failure = RuntimeError(typeName: "ImportError", message: "\(specifier) does not compile: \(error.message)")
      failure.location = error.location
      throw failure
    }
    _ = try execute(compiled, in: module)
    return .object(module)
  }

  /// What identifies a file's module: its absolute path, however an import spelled it.
  func moduleKey(_ path: String) -> String {
    let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    return (absolute as NSString).standardizingPath
  }

  func resolve(_ specifier: String, relativeTo importerPath: String?) -> String {
    if specifier.hasPrefix("/") { return (specifier as NSString).standardizingPath }
    let directory = importerPath.map { ($0 as NSString).deletingLastPathComponent } ?? ""
    let joined = directory.isEmpty ? specifier : directory + "/" + specifier
    return (joined as NSString).standardizingPath
  }

  /// `from m import name` and `m.name`: public members only.
  @inline(never)
  func moduleMember(_ moduleValue: Value, name nameValue: Value) throws(RuntimeError) -> Value {
    guard let module = moduleValue.object(as: ModuleObject.self) else {
      return try getMember(moduleValue, name: nameValue)
    }
    let name = stringValue(nameValue) ?? ""
    if name.hasPrefix("_") {
      throw RuntimeError(typeName: "ImportError", message: "'\(name)' is private to module '\(module.name)'")
    }
    guard let slot = module.slot(named: name), slot >= builtinNames.count || module.path == nil,
      module.slots[slot].tag != .undefined
    else {
      throw RuntimeError(typeName: "ImportError", message: "module '\(module.name)' has no member '\(name)'")
    }
    return module.slots[slot]
  }

  /// The built-in library modules.
  func makeLibraryModule(_ name: String) throws(RuntimeError) -> ModuleObject? {
    switch name {
    case "math": return makeMathModule()
    case "random": return makeRandomModule()
    case "time": return makeTimeModule()
    case "json": return makeJSONModule()
    case "os":
      guard options.capabilities.contains(.os) else {
        throw RuntimeError(
          typeName: "ImportError", message: "module 'os' is not available: the host has not granted it")
      }
      return makeOSModule()
    default: return nil
    }
  }

  /// `os` (a capability the host grants; the CLI does): `os.args`, `os.env(name)`, and
  /// `os.stdout` / `os.stderr` with `write(text)` and `writeBytes(list of ints 0…255)`.
  func makeOSModule() -> ModuleObject {
    let module = heap.allocate(ModuleObject(name: "os", path: nil))
    temporaryRoots.append(.object(module))
    defer { temporaryRoots.removeLast() }
    // `stringList` keeps the list rooted while each string is made (each may collect).
    module.define(names: ["args"], values: [stringList(scriptArguments)])
    module.define(
      names: ["env"],
      values: [
        libraryFunction("env") { vm, argument throws(RuntimeError) in
          let name = try vm.stringArgument(argument, "env")
          return ProcessInfo.processInfo.environment[name].map { vm.string($0) } ?? .null
        }
      ])
    for (name, write) in [("stdout", byteOutput), ("stderr", VM.writeToStandardError)] {
      let stream = heap.allocate(ModuleObject(name: "os.\(name)", path: nil))
      module.define(names: [name], values: [.object(stream)])
      // One at a time: each function is reachable through the stream before the next
      // allocation (which may collect).
      stream.define(
        names: ["write"],
        values: [
          libraryFunction("write") { vm, argument throws(RuntimeError) in
            write(Array(try vm.stringArgument(argument, "write").utf8))
            return .null
          }
        ])
      stream.define(
        names: ["writeBytes"],
        values: [
          libraryFunction("writeBytes") { vm, argument throws(RuntimeError) in
            var bytes: [UInt8] = []
            try vm.forEachElement(of: argument) { (byte) throws(RuntimeError) in
              guard byte.tag == .int, byte.asInt >= 0, byte.asInt <= 255 else {
                throw RuntimeError(typeName: "TypeError", message: "writeBytes expects Ints from 0 to 255")
              }
              bytes.append(UInt8(byte.asInt))
            }
            write(bytes)
            return .null
          }
        ])
    }
    return module
  }

  /// A library function of one argument.
  private func libraryFunction(_ name: String, _ body: @escaping (VM, Value) throws(RuntimeError) -> Value)
    -> Value
  {
    .object(
      heap.allocate(
        NativeFunctionObject(name: name, arity: 1...1) { vm, arguments throws(RuntimeError) in
          try body(vm, arguments[0])
        }))
  }

  static func writeToStandardError(_ bytes: [UInt8]) {
    FileHandle.standardError.write(Data(bytes))
  }

  func makeMathModule() -> ModuleObject {
    let module = heap.allocate(ModuleObject(name: "math", path: nil))
    temporaryRoots.append(.object(module))
    defer { temporaryRoots.removeLast() }
    func define(_ name: String, _ value: Value) { module.define(names: [name], values: [value]) }
    func function(
      _ name: String, _ arity: ClosedRange<Int>, _ body: @escaping (VM, [Value]) throws(RuntimeError) -> Value
    ) {
      define(name, .object(heap.allocate(NativeFunctionObject(name: name, arity: arity, body: body))))
    }
    define("pi", .float(Double.pi))
    define("e", .float(M_E))
    define("inf", .float(.infinity))
    define("nan", .float(.nan))
    let unary: [(String, (Double) -> Double)] = [
      ("sqrt", { $0.squareRoot() }), ("sin", sin), ("cos", cos), ("tan", tan), ("asin", asin), ("acos", acos),
      ("atan", atan), ("exp", exp), ("log", log), ("log2", log2), ("log10", log10),
    ]
    for (name, operation) in unary {
      let native = NativeFunctionObject(name: name, arity: 1...1) { vm, arguments throws(RuntimeError) in
        .float(operation(try vm.doubleArgument(arguments[0], name)))
      }
      native.floatFunction = operation
      define(name, .object(heap.allocate(native)))
    }
    function("atan2", 2...2) { vm, arguments throws(RuntimeError) in
      .float(atan2(try vm.doubleArgument(arguments[0], "atan2"), try vm.doubleArgument(arguments[1], "atan2")))
    }
    function("pow", 2...2) { vm, arguments throws(RuntimeError) in
      try vm.arithmetic(.power, arguments[0], arguments[1])
    }
    function("abs", 1...1) { vm, arguments throws(RuntimeError) in
      let value = arguments[0]
      guard let number = vm.number(value) else {
        throw RuntimeError(typeName: "TypeError", message: "abs expects a number, not \(vm.typeName(of: value))")
      }
      if case .float(let x) = number { return .float(abs(x)) }
      return try vm.compare(value, .int(0), orEqual: false) ? vm.unary(.negate, value) : value
    }
    for (name, rule) in [("floor", FloatingPointRoundingRule.down), ("ceil", .up), ("round", .toNearestOrAwayFromZero)]
    {
      function(name, 1...1) { vm, arguments throws(RuntimeError) in
        if vm.number(arguments[0]).map({ if case .float = $0 { false } else { true } }) == true { return arguments[0] }
        return try vm.convertToInt(.float(try vm.doubleArgument(arguments[0], name).rounded(rule)))
      }
    }
    for name in ["min", "max"] {
      function(name, 1...Int.max) { vm, arguments throws(RuntimeError) in
        var values = arguments
        if values.count == 1 {
          values = []
          try vm.forEachElement(of: arguments[0]) { (element) throws(RuntimeError) in values.append(element) }
        }
        guard var best = values.first else {
          throw RuntimeError(typeName: "ValueError", message: "\(name) of an empty sequence")
        }
        for value in values.dropFirst() {
          let better =
            name == "min" ? try vm.compare(value, best, orEqual: false) : try vm.compare(best, value, orEqual: false)
          if better { best = value }
        }
        return best
      }
    }
    return module
  }

  func doubleArgument(_ value: Value, _ name: String) throws(RuntimeError) -> Double {
    guard let number = number(value) else {
      throw RuntimeError(typeName: "TypeError", message: "\(name) expects a number, not \(typeName(of: value))")
    }
    return double(number)
  }
}
