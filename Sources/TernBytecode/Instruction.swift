/// Packing and unpacking of 32-bit instruction words. All bit-shifting of instructions
/// lives here. Layout (low bits first): `op:8 A:8 B:8 C:8`, `op:8 A:8 Bx:16`,
/// `op:8 A:8 sBx:16` (excess-32767), `op:8 sJ:24` (excess-2^23).
public enum Instruction {
  public static let maximumBx = 0xFFFF
  public static let sBxBias = 32767
  public static let sJBias = 1 << 23
  public static let maximumRegister = 255

  @inlinable public static func abc(_ op: Opcode, _ a: Int, _ b: Int, _ c: Int) -> UInt32 {
    UInt32(op.rawValue) | UInt32(a & 0xFF) << 8 | UInt32(b & 0xFF) << 16 | UInt32(c & 0xFF) << 24
  }

  @inlinable public static func aBx(_ op: Opcode, _ a: Int, _ bx: Int) -> UInt32 {
    UInt32(op.rawValue) | UInt32(a & 0xFF) << 8 | UInt32(bx & 0xFFFF) << 16
  }

  @inlinable public static func aSBx(_ op: Opcode, _ a: Int, _ sbx: Int) -> UInt32 {
    aBx(op, a, sbx + sBxBias)
  }

  @inlinable public static func sJ(_ op: Opcode, _ offset: Int) -> UInt32 {
    UInt32(op.rawValue) | UInt32((offset + sJBias) & 0xFF_FFFF) << 8
  }

  @inlinable public static func opcodeByte(_ word: UInt32) -> UInt8 { UInt8(truncatingIfNeeded: word) }
  @inlinable public static func a(_ word: UInt32) -> Int { Int((word >> 8) & 0xFF) }
  @inlinable public static func b(_ word: UInt32) -> Int { Int((word >> 16) & 0xFF) }
  @inlinable public static func c(_ word: UInt32) -> Int { Int(word >> 24) }
  /// B read as a signed byte.
  @inlinable public static func sB(_ word: UInt32) -> Int { Int(Int8(truncatingIfNeeded: word >> 16)) }
  /// C read as a signed byte.
  @inlinable public static func sC(_ word: UInt32) -> Int { Int(Int8(truncatingIfNeeded: word >> 24)) }
  @inlinable public static func bx(_ word: UInt32) -> Int { Int(word >> 16) }
  @inlinable public static func sBx(_ word: UInt32) -> Int { Int(word >> 16) - sBxBias }
  @inlinable public static func sJ(_ word: UInt32) -> Int { Int(word >> 8) - sJBias }

  /// Replaces the jump offset of a `jump` word (or the sBx of an aSBx word).
  public static func patchJump(_ word: UInt32, offset: Int) -> UInt32 {
    var op = Opcode(rawValue: opcodeByte(word)) ?? .jump
    // A backward jump is a `loop`: the dispatch loop charges fuel there and not on `jump`.
    if op == .jump || op == .loop { op = offset < 0 ? .loop : .jump }
    return op.format == .sJ ? sJ(op, offset) : aSBx(op, a(word), offset)
  }
}
