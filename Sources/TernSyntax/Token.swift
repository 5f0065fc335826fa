/// The kinds of token the lexer produces. Keywords and punctuators are cases of their own
/// so the parser switches over one flat enum.
public enum TokenKind: UInt8, Sendable, Hashable, CaseIterable {
  // Structure
  case endOfFile, newline, error
  // Values
  case identifier, integer, float, string
  // Keywords
  case kwLet, kwVar, kwFn, kwReturn, kwIf, kwElse, kwWhile, kwFor, kwIn, kwBreak, kwContinue
  case kwMatch, kwCase, kwClass, kwInit, kwSelf, kwSuper, kwStatic, kwRecord, kwEnum, kwIs
  case kwNot, kwAnd, kwOr, kwTry, kwCatch, kwFinally, kwThrow, kwYield, kwEffect, kwPerform
  case kwHandle, kwWith, kwResume, kwSpawn, kwAwait, kwNursery, kwSelect, kwImport, kwExport
  case kwFrom, kwAs, kwNil, kwTrue, kwFalse, kwSelfType
  // Brackets and separators
  case leftParen, rightParen, leftBracket, rightBracket, leftBrace, rightBrace
  case comma, dot, colon, semicolon, at, fatArrow
  // Operators
  case plus, minus, star, slash, slashSlash, percent, starStar
  case ampersand, pipe, caret, tilde, shiftLeft, shiftRight
  case equalEqual, bangEqual, equalEqualEqual, bangEqualEqual
  case less, lessEqual, greater, greaterEqual
  case ampersandAmpersand, pipePipe, bang
  case questionQuestion, questionDot, questionBracket
  case halfOpenRange, closedRange
  // Assignment
  case equal, plusEqual, minusEqual, starEqual, slashEqual, slashSlashEqual, percentEqual
  case starStarEqual, ampersandEqual, pipeEqual, caretEqual, shiftLeftEqual, shiftRightEqual
  case questionQuestionEqual

  /// The keyword spelled by `text`, if any.
  static let keywords: [String: TokenKind] = [
    "let": .kwLet, "var": .kwVar, "fn": .kwFn, "return": .kwReturn, "if": .kwIf,
    "else": .kwElse, "while": .kwWhile, "for": .kwFor, "in": .kwIn, "break": .kwBreak,
    "continue": .kwContinue, "match": .kwMatch, "case": .kwCase, "class": .kwClass,
    "init": .kwInit, "self": .kwSelf, "super": .kwSuper, "static": .kwStatic,
    "record": .kwRecord, "enum": .kwEnum, "is": .kwIs, "not": .kwNot, "and": .kwAnd,
    "or": .kwOr, "try": .kwTry, "catch": .kwCatch, "finally": .kwFinally, "throw": .kwThrow,
    "yield": .kwYield, "effect": .kwEffect, "perform": .kwPerform, "handle": .kwHandle,
    "with": .kwWith, "resume": .kwResume, "spawn": .kwSpawn, "await": .kwAwait,
    "nursery": .kwNursery, "select": .kwSelect, "import": .kwImport, "export": .kwExport,
    "from": .kwFrom, "as": .kwAs, "nil": .kwNil, "true": .kwTrue, "false": .kwFalse,
    "Self": .kwSelfType,
  ]

  /// How the token is written, for diagnostics (`` `)` ``, `` `let` ``, "a newline").
  public var spelling: String {
    switch self {
    case .endOfFile: return "end of file"
    case .newline: return "newline"
    case .error: return "invalid token"
    case .identifier: return "identifier"
    case .integer: return "integer"
    case .float: return "float"
    case .string: return "string"
    default:
      if let text = Self.punctuation[self] { return "`\(text)`" }
      if let keyword = Self.keywords.first(where: { $0.value == self }) { return "`\(keyword.key)`" }
      return "\(self)"
    }
  }

  /// True for reserved words.
  public var isKeyword: Bool {
    rawValue >= TokenKind.kwLet.rawValue && rawValue <= TokenKind.kwSelfType.rawValue
  }

  /// The source text of each punctuator, longest first where prefixes overlap (the lexer
  /// uses this order for maximal munch).
  static let punctuationByLength: [(String, TokenKind)] = [
    ("===", .equalEqualEqual), ("!==", .bangEqualEqual), ("..<", .halfOpenRange),
    ("...", .closedRange), ("**=", .starStarEqual), ("//=", .slashSlashEqual),
    ("<<=", .shiftLeftEqual), (">>=", .shiftRightEqual), ("??=", .questionQuestionEqual),
    ("=>", .fatArrow), ("==", .equalEqual), ("!=", .bangEqual), ("<=", .lessEqual),
    (">=", .greaterEqual), ("<<", .shiftLeft), (">>", .shiftRight), ("**", .starStar),
    ("//", .slashSlash), ("&&", .ampersandAmpersand), ("||", .pipePipe),
    ("??", .questionQuestion), ("?.", .questionDot), ("?[", .questionBracket),
    ("+=", .plusEqual), ("-=", .minusEqual), ("*=", .starEqual), ("/=", .slashEqual),
    ("%=", .percentEqual), ("&=", .ampersandEqual), ("|=", .pipeEqual), ("^=", .caretEqual),
    ("(", .leftParen), (")", .rightParen), ("[", .leftBracket), ("]", .rightBracket),
    ("{", .leftBrace), ("}", .rightBrace), (",", .comma), (".", .dot), (":", .colon),
    (";", .semicolon), ("@", .at), ("+", .plus), ("-", .minus), ("*", .star), ("/", .slash),
    ("%", .percent), ("&", .ampersand), ("|", .pipe), ("^", .caret), ("~", .tilde),
    ("<", .less), (">", .greater), ("!", .bang), ("=", .equal),
  ]

  static let punctuation: [TokenKind: String] = {
    var table: [TokenKind: String] = [:]
    for (text, kind) in punctuationByLength { table[kind] = text }
    return table
  }()

  /// Tokens after which a line break does not end the statement: the expression clearly
  /// continues on the next line (binary operators, `,`, `.`, `=`, `=>`, openers).
  var continuesLine: Bool {
    switch self {
    case .plus, .minus, .star, .slash, .slashSlash, .percent, .starStar, .ampersand, .pipe,
      .caret, .shiftLeft, .shiftRight, .equalEqual, .bangEqual, .equalEqualEqual,
      .bangEqualEqual, .less, .lessEqual, .greater, .greaterEqual, .ampersandAmpersand,
      .pipePipe, .questionQuestion, .questionDot, .halfOpenRange, .closedRange, .kwAnd, .kwOr,
      .comma, .dot, .equal, .plusEqual, .minusEqual, .starEqual, .slashEqual, .slashSlashEqual,
      .percentEqual, .starStarEqual, .ampersandEqual, .pipeEqual, .caretEqual, .shiftLeftEqual,
      .shiftRightEqual, .questionQuestionEqual, .fatArrow, .leftParen, .leftBracket,
      .leftBrace, .questionBracket:
      return true
    default:
      return false
    }
  }

  /// Tokens that can end an operand, after which `//` may be floor division.
  var endsOperand: Bool {
    switch self {
    case .identifier, .integer, .float, .string, .rightParen, .rightBracket, .kwNil, .kwTrue,
      .kwFalse, .kwSelf, .kwSelfType:
      return true
    default:
      return false
    }
  }

  /// Tokens that can start an operand.
  var startsOperand: Bool {
    switch self {
    case .identifier, .integer, .float, .string, .leftParen, .leftBracket, .minus, .tilde,
      .bang, .kwNot, .kwNil, .kwTrue, .kwFalse, .kwSelf, .kwSelfType, .kwSuper, .kwFn, .kwIf,
      .kwMatch, .kwTry, .kwAwait, .dot:
      return true
    default:
      return false
    }
  }
}

/// An integer literal as written. Literals that fit 64 bits carry their value; larger ones
/// carry their digits so the compiler can build an arbitrary-precision integer.
public struct IntegerLiteral: Sendable, Hashable {
  /// The value when it fits in `Int64`.
  public var value: Int64?
  /// The digits without prefix or underscores.
  public var digits: String
  /// 2, 8, 10 or 16.
  public var radix: Int
}

/// One piece of a string literal: literal text, or an interpolated expression's tokens
/// (lexed in place, so their ranges point into the same file).
public enum StringSegment: Sendable, Hashable {
  case text(String)
  case interpolation([Token], SourceRange)
}

/// The value a token carries, if any.
public enum TokenPayload: Sendable, Hashable {
  case none
  case name(String)
  case integer(IntegerLiteral)
  case float(Double)
  case string([StringSegment])
}

/// A lexed token.
public struct Token: Sendable, Hashable {
  /// What kind of token this is.
  public var kind: TokenKind
  /// Where it is.
  public var range: SourceRange
  /// Its value (names, literals).
  public var payload: TokenPayload
  /// True when the token directly follows the previous one with no space between.
  public var isAdjacentToPrevious: Bool

  /// The identifier text, for `.identifier` tokens.
  public var name: String {
    if case .name(let text) = payload { return text }
    return ""
  }
}
