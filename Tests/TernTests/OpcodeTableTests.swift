import Foundation
import TernBytecode
import TernTestSupport
import Testing

/// `docs/opcodes.md` is generated from the opcode table; this fails when it is stale.
/// Regenerate with `TERN_UPDATE_DOCS=1 swift test --filter OpcodeTableTests`.
@Suite struct OpcodeTableTests {
  static func render() -> String {
    var text = """
      # Tern opcodes

      Generated from `Sources/TernBytecode/Opcode.swift` (the one opcode table); do not edit by
      hand. Instructions are 32-bit words: `op:8 A:8 B:8 C:8`, `op:8 A:8 Bx:16`,
      `op:8 A:8 sBx:16` or `op:8 sJ:24` (see `Instruction.swift`). A "skip" instruction tests
      a condition and skips the next instruction (a `jump`) when the test fails.

      | # | opcode | format | meaning |
      |---|---|---|---|

      """
    for opcode in Opcode.allCases {
      let format: String
      switch opcode.format {
      case .abc: format = "A B C"
      case .aBx: format = "A Bx"
      case .aSBx: format = "A sBx"
      case .sJ: format = "sJ"
      }
      text +=
        "| \(opcode.rawValue) | `\(opcode)` | \(format) | \(opcode.meaning.replacingOccurrences(of: "|", with: "\\|")) |\n"
    }
    return text
  }

  @Test func opcodeDocumentationIsCurrent() throws {
    let path = ScriptCatalog.repositoryRoot + "/docs/opcodes.md"
    let rendered = Self.render()
    if ProcessInfo.processInfo.environment["TERN_UPDATE_DOCS"] != nil {
      try rendered.write(toFile: path, atomically: true, encoding: .utf8)
    }
    let current = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    #expect(current == rendered, "docs/opcodes.md is stale: regenerate it (see this test's comment)")
  }

  @Test func everyOpcodeFitsItsFormat() {
    #expect(Opcode.allCases.count <= 256)
    for opcode in Opcode.allCases {
      let word = Instruction.abc(opcode, 1, 2, 3)
      #expect(Instruction.opcodeByte(word) == opcode.rawValue)
    }
    #expect(Instruction.sJ(Instruction.sJ(.jump, -5)) == -5)
    #expect(Instruction.sBx(Instruction.aSBx(.loadInt, 3, -32767)) == -32767)
  }
}
