/// A constant in a prototype's table. The compiler emits these, never VM objects; the VM
/// turns them into values when it loads the prototype.
///
/// Two constants are equal (and the compiler shares one table entry) only when they are the
/// same value to a script: strings and names by their Unicode scalars, not Swift's canonical
/// equivalence (`"e\u{301}"` and `"é"` are different strings in Tern), floats by their bits
/// (`0.0` and `-0.0` differ; a nan equals itself).
public enum Constant: Sendable, Hashable {
  case integer(Int64)
  /// An integer literal too large for 64 bits: its decimal digits.
  case bigInteger(String)
  case float(Double)
  case string(String)
  case symbol(String)

  public static func == (lhs: Constant, rhs: Constant) -> Bool {
    switch (lhs, rhs) {
    case (.integer(let a), .integer(let b)): return a == b
    case (.float(let a), .float(let b)): return a.bitPattern == b.bitPattern
    case (.bigInteger(let a), .bigInteger(let b)), (.string(let a), .string(let b)), (.symbol(let a), .symbol(let b)):
      return a.utf8.elementsEqual(b.utf8)
    default: return false
    }
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(kindNumber)
    switch self {
    case .integer(let value): hasher.combine(value)
    case .float(let value): hasher.combine(value.bitPattern)
    case .bigInteger(let text), .string(let text), .symbol(let text):
      hasher.combine(text.utf8.count)
      for byte in text.utf8 { hasher.combine(byte) }
    }
  }

  private var kindNumber: Int {
    switch self {
    case .integer: 0
    case .float: 1
    case .bigInteger: 2
    case .string: 3
    case .symbol: 4
    }
  }
}

/// How a closure finds one of its upvalues when it is created.
public struct UpvalueDescriptor: Sendable, Hashable {
  /// True: capture register `index` of the enclosing function; false: share the enclosing
  /// function's upvalue `index`.
  public var fromParentRegister: Bool
  public var index: Int
  public var name: String

  public init(fromParentRegister: Bool, index: Int, name: String) {
    self.fromParentRegister = fromParentRegister
    self.index = index
    self.name = name
  }
}

/// A `try` region: an error raised at a pc in `start..<end` stores the caught value in
/// register `register` and continues at `target`. Inner regions come first.
public struct ExceptionHandler: Sendable, Hashable {
  public var start: Int
  public var end: Int
  public var target: Int
  public var register: Int
  /// A `finally` handler (runs its block and rethrows), as opposed to a `catch`: closing a
  /// fiber unwinds through finally handlers only.
  public var isFinally: Bool

  public init(start: Int, end: Int, target: Int, register: Int, isFinally: Bool = false) {
    self.start = start
    self.end = end
    self.target = target
    self.register = register
    self.isFinally = isFinally
  }
}

/// A compiled function: bytecode, constants, nested functions, and debug information.
public struct Prototype: Sendable {
  public var name: String
  /// Source file name, for stack traces.
  public var sourceName: String
  public var code: [UInt32] = []
  /// Source line of each instruction.
  public var lines: [Int32] = []
  /// Source column of each instruction.
  public var columns: [Int32] = []
  public var constants: [Constant] = []
  public var prototypes: [Prototype] = []
  public var upvalues: [UpvalueDescriptor] = []
  public var handlers: [ExceptionHandler] = []
  /// Number of declared parameters (not counting a rest parameter).
  public var parameterCount = 0
  /// Parameters without a default value.
  public var requiredCount = 0
  /// For each parameter (not the rest one): whether it has a default value.
  public var parameterHasDefault: [Bool] = []
  /// True when a `...rest` parameter follows the others (in register `parameterCount`).
  public var hasRest = false
  /// True for methods: parameter 0 is the receiver (`self`, or `Self` for static methods),
  /// which arity messages do not count.
  public var isMethod = false
  /// Parameter names, for named arguments and error messages.
  public var parameterNames: [String] = []
  /// Registers the function needs.
  public var registerCount = 1
  /// Line where the function starts.
  public var line = 0

  public init(name: String, sourceName: String) {
    self.name = name
    self.sourceName = sourceName
  }
}

/// A compiled module: its top-level code and the names of its global slots.
public struct CompiledModule: Sendable {
  public var main: Prototype
  /// Global slot names, indexed by slot.
  public var globals: [String]
  /// The module is marked `@deterministic`.
  public var isDeterministic: Bool

  public init(main: Prototype, globals: [String], isDeterministic: Bool = false) {
    self.main = main
    self.globals = globals
    self.isDeterministic = isDeterministic
  }
}
