import TernBytecode
import TernSyntax

/// Compiles a parsed module to bytecode.
///
/// Module-level `let`, `var`, `fn`, `class`, `record`, `enum` and `effect` become global
/// slots (so functions and methods can refer to each other in any order); everything inside functions and blocks lives in registers. A name
/// that is neither local, captured, a module member nor predefined is a compile error.
public enum Compiler {
  /// Compiles `program`. `globals` holds the names of the slots that already exist (the
  /// built-ins, earlier modules); new module members are appended to it.
  /// With `returnsLastExpression`, a final expression statement is the module's result
  /// (for `tern eval` and the REPL).
  public static func compile(
    _ program: Program, source: SourceFile, globals: inout [String], returnsLastExpression: Bool = false
  ) -> (module: CompiledModule?, diagnostics: [Diagnostic]) {
    let context = ModuleContext(source: source, globals: globals)
    for statement in program.statements {
      context.declareModuleMembers(statement)
    }
    let function = FunctionCompiler(context: context, parent: nil, name: "<main>", line: 1)
    function.isModuleLevel = true
    function.compileBody(program.statements, implicitReturn: returnsLastExpression)
    let proto = function.finish()
    globals = context.globalNames
    if !context.diagnostics.isEmpty { return (nil, context.diagnostics) }
    return (
      CompiledModule(main: proto, globals: context.globalNames, isDeterministic: context.isDeterministic), []
    )
  }
}

/// State shared by every function of one module: global slots and diagnostics.
final class ModuleContext {
  let source: SourceFile
  var globalNames: [String]
  var globalSlots: [String: Int] = [:]
  /// Names declared at module level (defined by the module's own code).
  var moduleMembers: Set<String> = []
  /// The module carries `@deterministic`.
  var isDeterministic = false
  /// Module members that cannot be reassigned (all but `var`s).
  var constantMembers: Set<String> = []
  var diagnostics: [Diagnostic] = []

  init(source: SourceFile, globals: [String]) {
    self.source = source
    self.globalNames = globals
    for (slot, name) in globals.enumerated() { globalSlots[name] = slot }
  }

  func slot(for name: String) -> Int {
    if let slot = globalSlots[name] { return slot }
    let slot = globalNames.count
    globalNames.append(name)
    globalSlots[name] = slot
    return slot
  }

  func isGlobal(_ name: String) -> Bool { globalSlots[name] != nil || moduleMembers.contains(name) }

  func declareModuleMembers(_ statement: Stmt) {
    switch statement.kind {
    case .binding(let isMutable, let pattern, _):
      for name in pattern.boundNames {
        moduleMembers.insert(name.name)
        _ = slot(for: name.name)
        if !isMutable { constantMembers.insert(name.name) }
      }
    case .function(let function):
      if let name = function.name { declare(name.name) }
    case .classDecl(let declaration): declare(declaration.name.name)
    case .recordDecl(let declaration): declare(declaration.name.name)
    case .enumDecl(let declaration): declare(declaration.name.name)
    case .effectDecl(let declaration): declare(declaration.name.name)
    default:
      break
    }
  }

  /// A module member every function of the module can name, wherever it is declared (a
  /// constant: only `var` bindings can be assigned).
  private func declare(_ name: String) {
    moduleMembers.insert(name)
    constantMembers.insert(name)
    _ = slot(for: name)
  }

  func error(_ message: String, at range: SourceRange, hint: String? = nil) {
    // Code compiled more than once (a `finally` block, once per way out of its `try`)
    // reports each problem once.
    let diagnostic = Diagnostic(.error, message, at: range, hint: hint)
    if reported.insert(diagnostic).inserted { diagnostics.append(diagnostic) }
  }

  private var reported: Set<Diagnostic> = []
}

extension ModuleRef {
  /// How the module is named to the VM: `math`, `a.b`, or the path as written.
  var specifier: String {
    switch self {
    case .named(let components): return components.map(\.name).joined(separator: ".")
    case .path(let path, _): return path
    }
  }

  /// The name `import` binds without `as`: the last component, or the file's stem.
  var defaultName: String? {
    switch self {
    case .named(let components): return components.last?.name
    case .path(let path, _):
      let file = path.split(separator: "/").last.map(String.init) ?? path
      let stem = file.hasSuffix(".tern") ? String(file.dropLast(5)) : file
      let isIdentifier =
        !stem.isEmpty && stem.first.map { $0.isLetter || $0 == "_" } == true
        && stem.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
      return isIdentifier ? stem : nil
    }
  }
}
