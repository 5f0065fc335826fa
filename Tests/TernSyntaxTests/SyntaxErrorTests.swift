import TernSyntax
import Testing

/// Bad source and every diagnostic it must produce, as `line:column: message`.
struct ErrorCase: Sendable, CustomStringConvertible {
  let source: String
  let expected: [String]
  init(_ source: String, _ expected: [String]) {
    self.source = source
    self.expected = expected
  }
  var description: String { source }
}

/// Syntax errors: exact message, line and column, one diagnostic per independent mistake.
@Suite struct SyntaxErrorTests {
  @Test(arguments: errorCases)
  func reports(_ testCase: ErrorCase) {
    let source = SourceFile(name: "test.tern", text: testCase.source)
    let diagnostics = Parser.parse(source).diagnostics
    let actual = diagnostics.map { "\(source.location(of: $0.range.start)): \($0.message)" }
    #expect(actual == testCase.expected)
  }

  @Test func atLeastFiftyDistinctErrors() {
    #expect(Set(errorCases.flatMap(\.expected)).count >= 50)
  }
}

let errorCases: [ErrorCase] = [
  ErrorCase("if let z = f() { }", ["1:4: `if let` is not supported"]),
  ErrorCase("let x = 1 2", ["1:11: expected a newline or `;` after the statement, found an integer literal"]),
  ErrorCase("let = 5", ["1:5: expected a pattern after `let`, found `=`"]),
  ErrorCase("let x", ["1:6: `let` needs a value: expected `=` after the name"]),
  ErrorCase("let x: Int = 1", ["1:6: expected `=` after the let pattern, found `:`"]),
  ErrorCase("if x = 1 { }", ["1:6: assignment is not allowed in a condition"]),
  ErrorCase("if x { 1 } else", ["1:16: expected `{` or `if` after `else`, found the end of the file"]),
  ErrorCase("if { 1 }", ["1:4: expected a condition after `if`, found `{`"]),
  ErrorCase("while { }", ["1:7: expected a condition after `while`, found `{`"]),
  ErrorCase("for x xs { }", ["1:7: expected `in` after the loop variable, found `xs`"]),
  ErrorCase("for x in { }", ["1:10: expected a sequence to loop over after `in`, found `{`"]),
  ErrorCase("fn f(a, a) { }", ["1:9: duplicate parameter `a`"]),
  ErrorCase("fn f(...a, b) { }", ["1:6: `...a` must be the last parameter"]),
  ErrorCase("fn f(a) print(a)", ["1:9: expected `{` or `=>` to begin the function body, found `print`"]),
  ErrorCase("fn (a) { }\nfn 1() { }", ["2:4: expected a function name after `fn`, found an integer literal"]),
  ErrorCase("let y = (1, 2\nlet z = 3", ["1:14: expected `)` or `,` in the tuple"]),
  ErrorCase("print(1 2)", ["1:9: expected `)` or `,` after the argument, found an integer literal"]),
  ErrorCase("f(a: 1, 2)", ["1:9: positional arguments must come before named ones"]),
  ErrorCase("f(a: 1, a: 2)", ["1:9: argument `a` is passed twice"]),
  ErrorCase("[1, 2", ["1:6: expected `]` before the end of the file"]),
  ErrorCase("[1, \"a\": 2]", ["1:8: cannot mix list elements and map entries in one literal"]),
  ErrorCase("[\"a\": 1, 2]", ["1:11: expected `:` and a value after the map key, found `]`"]),
  ErrorCase("x++", ["1:2: Tern has no `++` operator"]),
  ErrorCase("x--", ["1:2: Tern has no `--` operator"]),
  ErrorCase("a..b", ["1:2: `..` is not an operator"]),
  ErrorCase("1 +", ["1:4: expected an expression after `+`, found the end of the file"]),
  ErrorCase("let s = \"abc", ["1:9: unterminated string literal"]),
  ErrorCase("let s = \"a\\qb\"", ["1:11: invalid escape sequence `\\q` in string"]),
  ErrorCase("let s = \"\\u{110000}\"", ["1:10: invalid Unicode scalar in escape"]),
  ErrorCase("let s = \"\\u1234\"", ["1:10: expected `{` after `\\u`"]),
  ErrorCase("let s = \"x \\(1 + ) y\"", ["1:18: expected an expression after `+`, found `)`"]),
  ErrorCase("/* never closed", ["1:1: unterminated `/*` comment"]),
  ErrorCase("0x", ["1:1: expected hexadecimal digits after `0x`"]),
  ErrorCase("0b102", ["1:5: `2` is not a valid digit in a binary literal"]),
  ErrorCase("12abc", ["1:3: `a` is not a valid digit in a decimal literal"]),
  ErrorCase("1e", ["1:1: expected digits in the exponent of a float literal"]),
  ErrorCase("let x = $", ["1:9: unexpected character `$`"]),
  ErrorCase("let x = 'a'", ["1:9: strings are written in double quotes"]),
  ErrorCase("# comment", ["1:1: unexpected character `#`"]),
  ErrorCase("else { }", ["1:1: `else` without a matching `if`"]),
  ErrorCase("catch e { }", ["1:1: `catch` without a matching `try`"]),
  ErrorCase("case 1 => 2", ["1:1: `case` is only allowed in a `match` or `select` body"]),
  ErrorCase("init() { }", ["1:1: `init` is only allowed in a class body"]),
  ErrorCase("static fn f() { }", ["1:1: `static` is only allowed before `fn` in a class body"]),
  ErrorCase(
    "class A { x = 1 }", ["1:11: expected a method (`fn`), `init` or `static fn` in the class body, found `x`"]),
  ErrorCase(
    "class A { let x = 1 }", ["1:11: expected a method (`fn`), `init` or `static fn` in the class body, found `let`"]),
  ErrorCase("class A extends B { }", ["1:9: expected `{` or `:` after the class name"]),
  ErrorCase("class A { fn get x(a) { } }", ["1:18: a getter takes no parameters"]),
  ErrorCase("class A { fn set x() { } }", ["1:18: a setter takes exactly one parameter (the new value)"]),
  ErrorCase("class A { fn +(a, b) { } }", ["1:14: operator method `+` takes 1 parameter"]),
  ErrorCase("class A { fn !=(o) { } }", ["1:14: `!=` cannot be overloaded"]),
  ErrorCase("record P { }", ["1:10: expected `(` and the record's fields after its name, found `{`"]),
  ErrorCase("record P(x) { init() { } }", ["1:15: a record cannot declare `init`"]),
  ErrorCase("enum E { }", ["1:6: an enum needs at least one case"]),
  ErrorCase("enum E { a, a }", ["1:13: duplicate enum case `a`"]),
  ErrorCase("effect E { fn op() { } }", ["1:20: effect operations have no body"]),
  ErrorCase("effect E { op() }", ["1:12: expected an operation `fn name(params)` in the effect body, found `op`"]),
  ErrorCase("match x { 1 2 }", ["1:13: expected `=>` after the match pattern, found an integer literal"]),
  ErrorCase("match x { 1 => }", ["1:16: expected an expression after `=>`, found `}`"]),
  ErrorCase("match { 1 => 2 }", ["1:7: expected a value to match after `match`, found `{`"]),
  ErrorCase("try { }", ["1:1: `try` needs a `catch` or `finally` clause"]),
  ErrorCase("try { } finally { } catch e { }", ["1:21: `catch` must come before `finally`"]),
  ErrorCase(
    "handle { 1 }", ["1:13: expected `with` and the handler clauses after the `handle` body, found the end of the file"]
  ),
  ErrorCase(
    "handle { 1 } with { 1 => 2 }",
    [
      "1:21: expected a handler clause such as `Effect.op(x) => …`, `return(v) => …` or `catch(e) => …`, found an integer literal"
    ]),
  ErrorCase(
    "handle { 1 } with { return(a, b) => 1 }",
    ["1:21: a `return` clause takes exactly one parameter (the body's value)"]),
  ErrorCase("perform x", ["1:9: expected an operation call after `perform`"]),
  ErrorCase("resume", ["1:7: expected `(` after `resume`, found the end of the file"]),
  ErrorCase("spawn x", ["1:7: expected a call or a block after `spawn`"]),
  ErrorCase("nursery x", ["1:9: expected `{` after `nursery`, found `x`"]),
  ErrorCase("select { 1 => 2 }", ["1:10: expected `case` or `default` in the `select` body, found an integer literal"]),
  ErrorCase("select { default => 1, default => 2 }", ["1:24: a `select` can have only one `default` clause"]),
  ErrorCase("f() = 1", ["1:1: cannot assign to this expression"]),
  ErrorCase("a?.b = 1", ["1:1: cannot assign through `?.`"]),
  ErrorCase("a < b = 1", ["1:1: cannot assign to this expression"]),
  ErrorCase("x = y = 1", ["1:7: assignments cannot be chained"]),
  ErrorCase("x += ", ["1:6: expected a value after `+=`, found the end of the file"]),
  ErrorCase("(a, b) += 1", ["1:1: compound assignment needs a single target"]),
  ErrorCase("1..<2..<3", ["1:6: ranges cannot be chained"]),
  ErrorCase("fn f() {\n  if true {\n", ["2:12: expected `}` before the end of the file"]),
  ErrorCase("}", ["1:1: unexpected `}`"]),
  ErrorCase("import", ["1:7: expected a module name or a path string after `import`, found the end of the file"]),
  ErrorCase("fn f() { import math }", ["1:10: `import` is only allowed at the top level of a module"]),
  ErrorCase("from math", ["1:10: expected `import` after the module name, found the end of the file"]),
  ErrorCase("from math import", ["1:17: expected a name to import, found the end of the file"]),
  ErrorCase("export print(1)", ["1:8: expected a declaration after `export`, found `print`"]),
  ErrorCase("fn f() { export let x = 1 }", ["1:10: `export` is only allowed at the top level of a module"]),
  ErrorCase("@ fn f() { }", ["1:1: expected an attribute name after `@`"]),
  ErrorCase("@attr print(1)", ["1:7: expected a declaration after the attribute, found `print`"]),
  ErrorCase("x is 5", ["1:6: expected a type name after `is`, found an integer literal"]),
  ErrorCase("let class = 1", ["1:5: `class` is a keyword and cannot be used as a name"]),
  ErrorCase("function f() { }", ["1:1: unknown keyword `function`"]),
  ErrorCase("elif x { }", ["1:1: unknown keyword `elif`"]),
  ErrorCase("let [a, ...b, ...c] = xs", ["1:15: a list pattern can have only one `...`"]),
  ErrorCase("let x = \"\"\"abc\n\"\"\"", ["1:9: multi-line string content must start on a new line after `\"\"\"`"]),
  ErrorCase("let x = \"\"\"\nnever closed", ["1:9: unterminated multi-line string literal"]),
  ErrorCase("let x = \"\"\"\n  a\n b\n  \"\"\"", ["3:1: insufficient indentation of line in multi-line string"]),
  ErrorCase("x?.(1)", ["1:4: optional call `?.(` is not supported"]),
  ErrorCase("super", ["1:6: expected `.` after `super`, found the end of the file"]),
  ErrorCase("a.", ["1:3: expected a member name after `.`, found the end of the file"]),
  ErrorCase("lbl: print(1)", ["1:6: expected a `while` or `for` loop after the label `lbl:`, found `print`"]),
  ErrorCase("let f = fn(x) =>", ["1:17: expected an expression after `=>`, found the end of the file"]),
  ErrorCase("match x { \"\\(y)\" => 1 }", ["1:11: a pattern cannot contain an interpolated string"]),
  ErrorCase("xs[]", ["1:4: expected an index inside `[]`, found `]`"]),
  ErrorCase("a ??", ["1:5: expected an expression after `??`, found the end of the file"]),
  ErrorCase("break 1", ["1:7: expected a newline or `;` after the statement, found an integer literal"]),
  ErrorCase("let x = 1\nlet y = \nlet z = 3", ["3:1: expected an expression, found `let`"]),
  ErrorCase("var (a, b)", ["1:11: expected `=` after the var pattern, found the end of the file"]),
]
