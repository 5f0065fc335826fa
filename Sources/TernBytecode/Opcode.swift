/// The instruction set: one table defines every opcode, its operand format and its
/// meaning. The emitter, the disassembler and `docs/opcodes.md` all read it.
///
/// Notation: `R[x]` is register x of the current frame, `K[x]` constant x, `G[x]` global
/// slot x, `U[x]` upvalue x, `P[x]` nested prototype x. A "skip" instruction tests a
/// condition and skips the next instruction (always a `jump`) when it does not hold, so a
/// compare-and-branch is two words and the branch is taken inside the same dispatch.
public enum Opcode: UInt8, CaseIterable, Sendable {
  case move, loadConstant, loadInt, loadNil, loadTrue, loadFalse
  case getGlobal, setGlobal, getUpvalue, setUpvalue, closure, closeUpvalues
  case add, subtract, multiply, divide, floorDivide, remainder, power
  case addInt, subtractInt
  case bitAnd, bitOr, bitXor, shiftLeft, shiftRight
  case negate, not, bitNot
  case equal, notEqual, identical, notIdentical, less, lessEqual
  case skipUnlessEqual, skipUnlessEqualConstant, skipUnlessLess, skipUnlessLessEqual
  case skipUnlessLessInt, skipUnlessLessEqualInt, skipUnlessGreaterInt, skipUnlessGreaterEqualInt, skipUnlessEqualInt
  case skipUnlessTruthy
  case jump, loop
  case call, callGeneral, tailCall, returnValue, jumpIfDefined, jumpIfNil, jumpIfNotNil, appendSpread
  case newList, appendList, newMap, insertMap, newTuple
  case getIndex, setIndex, getMember, setMember, invoke, tailInvoke
  case forPrepare, forLoop, iterate
  case makeRange, matchFailed, isInstance, skipIfShape, skipIfMatches, skipIfInRange
  case interpolate
  case throwValue
  case importModule, importMember
  case newClass, defineField, defineMethod, getSuper
  case setClassFlavor, initField, defineCase, recordField, skipIfCase
  case currentClosure, emitSignal, closeIterator
  case newEffect, handle, perform, resumeContinuation, tailResume, discontinueContinuation
  case nop

  /// How the operands are packed.
  public enum Format: Sendable {
    /// `A:8 B:8 C:8`.
    case abc
    /// `A:8 Bx:16` (unsigned).
    case aBx
    /// `A:8 sBx:16` (signed).
    case aSBx
    /// `sJ:24` (signed jump offset).
    case sJ
  }

  /// The operand format of this opcode.
  public var format: Format {
    switch self {
    case .loadConstant, .getGlobal, .setGlobal, .closure, .matchFailed, .importModule, .skipIfCase, .newEffect:
      return .aBx
    case .loadInt, .forPrepare, .forLoop, .iterate, .jumpIfDefined, .jumpIfNil, .jumpIfNotNil: return .aSBx
    case .jump, .loop: return .sJ
    default: return .abc
    }
  }

  /// Whether the 16-bit `Bx` operand is a constant's index.
  public var bxIsConstant: Bool {
    switch self {
    case .loadConstant, .matchFailed, .importModule, .skipIfCase, .newEffect: return true
    default: return false
    }
  }

  /// One line saying what the instruction does.
  public var meaning: String {
    switch self {
    case .move: return "R[A] := R[B]"
    case .loadConstant: return "R[A] := K[Bx]"
    case .loadInt: return "R[A] := sBx"
    case .loadNil: return "R[A] ... R[A+B] := nil"
    case .loadTrue: return "R[A] := true"
    case .loadFalse: return "R[A] := false"
    case .getGlobal: return "R[A] := G[Bx] (error if not yet defined)"
    case .setGlobal: return "G[Bx] := R[A]"
    case .getUpvalue: return "R[A] := U[B]"
    case .setUpvalue: return "U[B] := R[A]"
    case .closure: return "R[A] := closure(P[Bx]) capturing its upvalues"
    case .closeUpvalues: return "close every open upvalue at R[A] or above"
    case .add: return "R[A] := R[B] + R[C]"
    case .subtract: return "R[A] := R[B] - R[C]"
    case .multiply: return "R[A] := R[B] * R[C]"
    case .divide: return "R[A] := R[B] / R[C] (always a float)"
    case .floorDivide: return "R[A] := R[B] // R[C]"
    case .remainder: return "R[A] := R[B] % R[C] (sign of the divisor)"
    case .power: return "R[A] := R[B] ** R[C]"
    case .addInt: return "R[A] := R[B] + sC (C as a signed byte)"
    case .subtractInt: return "R[A] := R[B] - sC (C as a signed byte)"
    case .bitAnd: return "R[A] := R[B] & R[C]"
    case .bitOr: return "R[A] := R[B] | R[C]"
    case .bitXor: return "R[A] := R[B] ^ R[C]"
    case .shiftLeft: return "R[A] := R[B] << R[C]"
    case .shiftRight: return "R[A] := R[B] >> R[C]"
    case .negate: return "R[A] := -R[B]"
    case .not: return "R[A] := not R[B]"
    case .bitNot: return "R[A] := ~R[B]"
    case .equal: return "R[A] := R[B] == R[C]"
    case .notEqual: return "R[A] := R[B] != R[C]"
    case .identical: return "R[A] := R[B] === R[C]"
    case .notIdentical: return "R[A] := R[B] !== R[C]"
    case .less: return "R[A] := R[B] < R[C]"
    case .lessEqual: return "R[A] := R[B] <= R[C]"
    case .skipUnlessEqual: return "if (R[A] == R[B]) != C then skip the next instruction"
    case .skipUnlessEqualConstant: return "if (R[A] == K[B]) != C then skip the next instruction"
    case .skipUnlessLess: return "if (R[A] < R[B]) != C then skip the next instruction"
    case .skipUnlessLessEqual: return "if (R[A] <= R[B]) != C then skip the next instruction"
    case .skipUnlessLessInt: return "if (R[A] < sB) != C then skip the next instruction"
    case .skipUnlessLessEqualInt: return "if (R[A] <= sB) != C then skip the next instruction"
    case .skipUnlessGreaterInt: return "if (R[A] > sB) != C then skip the next instruction"
    case .skipUnlessGreaterEqualInt: return "if (R[A] >= sB) != C then skip the next instruction"
    case .skipUnlessEqualInt: return "if (R[A] == sB) != C then skip the next instruction"
    case .skipUnlessTruthy: return "if truthy(R[A]) != C then skip the next instruction"
    case .jump: return "pc += sJ (forward)"
    case .loop: return "pc += sJ (backward: a safepoint, charged one tick of fuel)"
    case .call: return "R[A] := R[A](R[A+1] ... R[A+B])"
    case .callGeneral:
      return "R[A] := R[A](R[A+1] ... R[A+B]) where K[C] says which arguments are spread (...) or named (name:)"
    case .jumpIfDefined: return "if R[A] was passed (not a missing optional argument) then pc += sBx"
    case .jumpIfNil: return "if R[A] is nil then pc += sBx"
    case .jumpIfNotNil: return "if R[A] is not nil then pc += sBx"
    case .appendSpread: return "R[A].append(every element of R[B])"
    case .tailCall:
      return
        "return R[A](R[A+1] ... R[A+B]) reusing the frame; a built-in callee's result goes to R[A] for the next instruction (returnValue A 1)"
    case .returnValue: return "return R[A] (B = 0: return nil)"
    case .newList: return "R[A] := [] with room for B elements"
    case .appendList: return "R[A].append(R[B])"
    case .newMap: return "R[A] := [:] with room for B entries"
    case .insertMap: return "R[A][R[B]] := R[C] (map literal entry)"
    case .newTuple: return "R[A] := (R[B] ... R[B+C-1])"
    case .getIndex: return "R[A] := R[B][R[C]]"
    case .setIndex: return "R[A][R[B]] := R[C]"
    case .getMember: return "R[A] := R[B].K[C]"
    case .setMember: return "R[A].K[B] := R[C]"
    case .invoke: return "R[A] := R[A].K[C](R[A+1] ... R[A+B])"
    case .tailInvoke:
      return "return R[A].K[C](R[A+1] ... R[A+B]): a script method replaces this frame, else as invoke (a returnValue "
        + "follows)"
    case .forPrepare:
      return
        "range loop over R[A] ..< R[A+1] (R[A+2] = 1: ...): R[A+1] := last value; R[A+3] := R[A], or pc += sBx when empty"
    case .forLoop: return "if R[A] < R[A+1] then R[A] += 1, R[A+3] := R[A], pc += sBx (safepoint)"
    case .iterate: return "R[A+3] := next element of R[A] (position in R[A+1]), or pc += sBx when done"
    case .makeRange: return "R[A] := R[B] ..< R[B+1] (C = 0) or R[B] ... R[B+1] (C = 1)"
    case .interpolate: return "R[A] := String(R[B]) + … + String(R[B+C-1])"
    case .isInstance: return "R[A] := R[B] is R[C] (R[C] a type)"
    case .skipIfShape:
      return
        "if R[A] is a tuple (C = 0) / list (C = 1) of B elements, or a list of at least B (C = 2), skip the next instruction"
    case .skipIfMatches: return "if R[A] is R[B] (a type) or else equals R[B], skip the next instruction"
    case .skipIfInRange:
      return
        "if R[A] lies in R[B] ..< R[B+1] (C = 0) or R[B] ... R[B+1] (C = 1), nil ends open, skip the next instruction"
    case .matchFailed: return "MatchError: R[A] does not match the pattern written K[Bx] (none matched when empty)"
    case .throwValue: return "throw R[A]"
    case .newClass: return "R[A] := a new class named K[C], subclass of R[B] (B = 255: none)"
    case .defineField: return "class R[A] gets the field K[C] (kept if inherited)"
    case .defineMethod:
      return "class R[A] gets the method R[B] under the name K[C] (`get:x`, `set:x`, `static:x`, `op:+`, `init`)"
    case .getSuper: return "R[A] := the superclass method K[C] of the running method's class, bound to R[B]"
    case .setClassFlavor:
      return "class R[A] becomes a record (B = 1), an enum (B = 2) or a case of the enum R[C] (B = 3)"
    case .initField: return "R[A].fields[B] := R[C] (record and enum constructors)"
    case .defineCase: return "enum R[A] gets the case R[B] (a payload-free case becomes its one value)"
    case .recordField: return "R[A] := positional field C of R[B] (nil when it has none)"
    case .skipIfCase: return "if R[A] is the symbol or enum case named K[Bx], skip the next instruction"
    case .closeIterator: return "a `for` loop over R[A] ends early: close R[A] if it is a suspended fiber"
    case .newEffect: return "R[A] := a new effect described by K[Bx] (\"Name|op:arity|…\")"
    case .handle:
      return "R[A] := run the closure R[A+1] under a handler whose B clauses are (effect, closure) pairs from R[A+2], "
        + "described by K[C]"
    case .perform:
      return "R[A] := perform operation K[C] of effect R[A] with arguments R[A+1] ... R[A+B] (a safepoint)"
    case .resumeContinuation: return "R[A] := resume continuation R[B] with value R[C] (a safepoint)"
    case .tailResume:
      return "return resume(R[B], R[C]): pops the frame first when it can, else R[A] := the resume (a `returnValue` "
        + "follows)"
    case .discontinueContinuation:
      return "R[A] := resume continuation R[B] by throwing R[C] at its perform (a safepoint)"
    case .emitSignal:
      return
        "the running fiber emits R[B]: as .yield when C is 0, else with the signal R[B+1]; R[A] := the next resume's value"
    case .currentClosure: return "R[A] := the running closure (a named function expression calling itself)"
    case .importModule: return "R[A] := the module K[Bx] (a name or a path), run on first import"
    case .importMember: return "R[A] := member K[C] of module R[B] (ImportError if missing or private)"
    case .nop: return "do nothing"
    }
  }
}
