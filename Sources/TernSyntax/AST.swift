// The typed syntax tree. Every node carries the source range it was parsed from, so the
// compiler and the VM can point at the exact code in errors and stack traces.
//
// Syntax sugar stays visible here (compound assignment, `?.`, interpolation, comparison
// chains): the compiler lowers it. `tern parse` prints this tree (see ASTDump.swift).

/// A parsed file: its statements, in order.
public struct Program: Sendable {
  public var statements: [Stmt]
  public var range: SourceRange
}

/// A `{ … }` block: its value is the value of its last expression statement.
public struct Block: Sendable {
  public var statements: [Stmt]
  public var range: SourceRange
}

/// `@name` or `@name(args)`.
public struct Attribute: Sendable {
  public var name: String
  public var arguments: [Argument]
  public var range: SourceRange
}

/// A name as written, with where it was written.
public struct Identifier: Sendable, Hashable {
  public var name: String
  public var range: SourceRange
}

// MARK: - Statements

public struct Stmt: Sendable {
  public var kind: StmtKind
  public var range: SourceRange
  /// Attributes written before a declaration.
  public var attributes: [Attribute] = []
  /// True for `export <declaration>`.
  public var isExported = false
}

public indirect enum StmtKind: Sendable {
  /// An expression evaluated for its value or effect (including assignments).
  case expression(Expr)
  /// `let pattern = value` / `var pattern = value` (`var x` alone has no value).
  case binding(isMutable: Bool, pattern: Pattern, value: Expr?)
  case function(FunctionDecl)
  case classDecl(ClassDecl)
  case recordDecl(RecordDecl)
  case enumDecl(EnumDecl)
  case effectDecl(EffectDecl)
  /// `import math`, `import a.b as c`, `import "./x.tern" as x`.
  case importModule(ModuleRef, alias: Identifier?)
  /// `from x import a, b as c`.
  case importNames(ModuleRef, names: [ImportedName])
  case returnStmt(Expr?)
  case breakStmt(label: Identifier?)
  case continueStmt(label: Identifier?)
  case throwStmt(Expr)
  case whileLoop(label: Identifier?, condition: Expr, body: Block)
  case forLoop(label: Identifier?, pattern: Pattern, sequence: Expr, body: Block)
  /// A module-level attribute standing alone (`@deterministic`).
  case moduleAttribute(Attribute)
  /// A statement that failed to parse (a diagnostic was reported).
  case invalid
}

/// A module named by dotted path or by file path.
public enum ModuleRef: Sendable {
  case named([Identifier])
  case path(String, SourceRange)
}

public struct ImportedName: Sendable {
  public var name: Identifier
  public var alias: Identifier?
}

// MARK: - Declarations

/// A function or method: `fn name(params) { … }` or `fn name(params) => expr`.
public struct FunctionDecl: Sendable {
  public var name: Identifier?
  public var parameters: [Parameter]
  public var body: FunctionBody
  public var range: SourceRange
}

public enum FunctionBody: Sendable {
  case block(Block)
  case expression(Expr)
}

/// A parameter: a name or destructuring pattern, an optional default, or `...rest`.
public struct Parameter: Sendable {
  public var pattern: Pattern
  public var defaultValue: Expr?
  public var isRest: Bool
  public var range: SourceRange
}

public struct ClassDecl: Sendable {
  public var name: Identifier
  public var superclass: TypePath?
  public var members: [ClassMember]
  public var range: SourceRange
}

public struct ClassMember: Sendable {
  public enum Kind: Sendable, Equatable {
    case method
    case staticMethod
    case getter
    case setter
    case initializer
    /// An operator method; the operator as written (`+`, `==`, `[]`, `[]=`, `-` …).
    case operatorMethod(String)
  }
  public var kind: Kind
  public var function: FunctionDecl
  public var attributes: [Attribute]
}

public struct RecordDecl: Sendable {
  public var name: Identifier
  public var fields: [Parameter]
  public var members: [ClassMember]
  public var range: SourceRange
}

public struct EnumDecl: Sendable {
  public var name: Identifier
  public var cases: [EnumCase]
  public var members: [ClassMember]
  public var range: SourceRange
}

public struct EnumCase: Sendable {
  public var name: Identifier
  /// Payload field names; nil for a case without payload.
  public var fields: [Parameter]?
  public var range: SourceRange
}

public struct EffectDecl: Sendable {
  public var name: Identifier
  public var operations: [EffectOperation]
  public var range: SourceRange
}

public struct EffectOperation: Sendable {
  public var name: Identifier
  public var parameters: [Parameter]
  public var range: SourceRange
}

/// A type named in `is` tests, patterns and `class X: Super`: `Int`, `Shape.circle`.
public struct TypePath: Sendable {
  public var components: [Identifier]
  public var range: SourceRange
  public var dotted: String { components.map(\.name).joined(separator: ".") }
}

// MARK: - Expressions

public struct Expr: Sendable {
  public var kind: ExprKind
  public var range: SourceRange
}

public indirect enum ExprKind: Sendable {
  case integer(IntegerLiteral)
  case float(Double)
  case string(String)
  /// A string with interpolations: literal text and expressions, in order.
  case interpolated([InterpolationPart])
  case symbol(String)
  case nilLiteral
  case bool(Bool)
  case name(String)
  case selfRef
  case selfType
  /// `super.name` (a call on it is a `call` whose callee is this).
  case superMember(Identifier)
  case list([Element])
  case map([MapEntry])
  case tuple([Expr])
  case unary(UnaryOperator, Expr)
  case binary(BinaryOperator, Expr, Expr)
  /// `a < b <= c`: the first operand and each (operator, operand) that follows.
  case comparison(Expr, [(ComparisonOperator, Expr)])
  /// `x is Type`.
  case isType(Expr, TypePath)
  /// `a..<b`, `a...b`, or one-sided `a...`, `..<b`.
  case range(lower: Expr?, upper: Expr?, isClosed: Bool)
  case call(callee: Expr, arguments: [Argument])
  case member(Expr, Identifier, isOptional: Bool)
  /// `t.0`.
  case tupleIndex(Expr, Int, isOptional: Bool)
  case subscriptAccess(Expr, [Argument], isOptional: Bool)
  /// Marks the end of a postfix chain containing `?.`: a nil link ends the whole chain.
  case optionalChain(Expr)
  case function(FunctionDecl)
  case block(Block)
  case ifExpr(condition: Expr, then: Block, elseBranch: Expr?)
  case match(subject: Expr, arms: [MatchArm])
  case tryExpr(body: Block, catches: [CatchClause], finally: Block?)
  case handle(body: Block, clauses: [HandlerClause])
  /// `perform Effect.op(args)`: the operation (a name or dotted path) and its arguments.
  case perform(operation: Expr, arguments: [Argument])
  /// `resume(v)` or `resume(k, v)` inside a handler clause.
  case resume([Argument])
  case yield(Expr?)
  case await(Expr)
  /// `spawn f(x)` (a call) or `spawn { … }` (a block expression).
  case spawn(Expr)
  case nursery(parameter: Identifier?, body: Block)
  case select([SelectClause])
  /// `target = value` or `target op= value`; allowed only where a statement is.
  case assign(target: Expr, op: BinaryOperator?, value: Expr)
  /// An expression that failed to parse (a diagnostic was reported).
  case invalid
}

public enum InterpolationPart: Sendable {
  case text(String)
  case expression(Expr)
}

public enum Element: Sendable {
  case value(Expr)
  case spread(Expr)
}

public struct MapEntry: Sendable {
  public var key: Expr
  public var value: Expr
}

/// A call argument: positional, named (`label: value`) or spread (`...xs`).
public struct Argument: Sendable {
  public var label: Identifier?
  public var value: Expr
  public var isSpread: Bool
}

public enum UnaryOperator: String, Sendable {
  case negate = "-"
  case bitNot = "~"
  case not = "not"
}

public enum BinaryOperator: String, Sendable {
  case add = "+"
  case subtract = "-"
  case multiply = "*"
  case divide = "/"
  case floorDivide = "//"
  case remainder = "%"
  case power = "**"
  case bitAnd = "&"
  case bitOr = "|"
  case bitXor = "^"
  case shiftLeft = "<<"
  case shiftRight = ">>"
  case and = "and"
  case or = "or"
  case nilCoalesce = "??"
}

public enum ComparisonOperator: String, Sendable {
  case equal = "=="
  case notEqual = "!="
  case identical = "==="
  case notIdentical = "!=="
  case less = "<"
  case lessEqual = "<="
  case greater = ">"
  case greaterEqual = ">="
}

public struct MatchArm: Sendable {
  public var pattern: Pattern
  public var guardExpr: Expr?
  public var body: Expr
  public var range: SourceRange
}

public struct CatchClause: Sendable {
  /// nil for a bare `catch { … }`.
  public var pattern: Pattern?
  public var guardExpr: Expr?
  public var body: Block
  public var range: SourceRange
}

public struct HandlerClause: Sendable {
  public enum Kind: Sendable {
    /// `Effect.op(params) => body`; `effect` is nil for a bare `op(params)`.
    case operation(effect: Identifier?, name: Identifier, modifier: Modifier)
    /// `return(v) => body`.
    case returnClause
    /// `catch(e) => body`.
    case catchClause
  }
  /// `raw` clauses receive the continuation as a value; `fun` clauses are tail-resumptive.
  public enum Modifier: String, Sendable {
    case plain, raw, fun
  }
  public var kind: Kind
  public var parameters: [Parameter]
  public var body: Expr
  public var range: SourceRange
}

public struct SelectClause: Sendable {
  public enum Kind: Sendable {
    /// `case [pattern =] operation => body`.
    case operation(binding: Pattern?, operation: Expr)
    case defaultClause
  }
  public var kind: Kind
  public var body: Expr
  public var range: SourceRange
}

// MARK: - Patterns

public struct Pattern: Sendable {
  public var kind: PatternKind
  public var range: SourceRange
}

public indirect enum PatternKind: Sendable {
  case wildcard
  case binding(String)
  /// A literal compared with `==`: number, string, nil, bool.
  case literal(Expr)
  case range(lower: Expr?, upper: Expr?, isClosed: Bool)
  case tuple([Pattern])
  /// `[a, b, ...rest]`: `restIndex` is where `...` stands; `restName` nil for `...` or `..._`.
  case list([Pattern], restIndex: Int?, restName: Identifier?)
  /// `Point(x, y)`, `Shape.circle(r)`, `Point(x: p)`.
  case constructor(TypePath, [PatternArgument])
  /// `.name` or `.name(args)`: a symbol or an enum case of the matched value's enum.
  case dotCase(Identifier, [PatternArgument]?)
  /// `Shape.empty`, `math.pi`: a value compared with `==`.
  case path(TypePath)
  /// `name is Type` or `is Type`.
  case typeTest(binding: Identifier?, TypePath)
  case alternatives([Pattern])
}

public struct PatternArgument: Sendable {
  public var label: Identifier?
  public var pattern: Pattern
}
