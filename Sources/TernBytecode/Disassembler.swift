/// Prints bytecode for `tern disasm`: each function with its constants, then one line per
/// instruction with its index, source line, opcode, operands and a comment.
public enum Disassembler {
  public static func disassemble(_ module: CompiledModule) -> String {
    var out = ""
    disassemble(module.main, globals: module.globals, into: &out)
    return out
  }

  static func disassemble(_ proto: Prototype, globals: [String], into out: inout String) {
    out += "function \(proto.name) (line \(proto.line), \(proto.parameterCount) params, "
    out += "\(proto.registerCount) registers, \(proto.upvalues.count) upvalues)\n"
    if !proto.constants.isEmpty {
      out += "  constants:\n"
      for (index, constant) in proto.constants.enumerated() {
        out += "    \(index): \(describe(constant))\n"
      }
    }
    if !proto.upvalues.isEmpty {
      out += "  upvalues:\n"
      for (index, upvalue) in proto.upvalues.enumerated() {
        out +=
          "    \(index): \(upvalue.name) (\(upvalue.fromParentRegister ? "register" : "upvalue") \(upvalue.index))\n"
      }
    }
    out += "  code:\n"
    for (pc, word) in proto.code.enumerated() {
      let line = pc < proto.lines.count ? Int(proto.lines[pc]) : 0
      out += "    " + pad(String(pc), 4) + " [" + pad(String(line), 3) + "] "
      out += describe(word, at: pc, in: proto, globals: globals) + "\n"
    }
    for child in proto.prototypes {
      out += "\n"
      disassemble(child, globals: globals, into: &out)
    }
  }

  /// One instruction: opcode, operands, and a comment naming constants, globals and targets.
  public static func describe(_ word: UInt32, at pc: Int, in proto: Prototype, globals: [String]) -> String {
    guard let op = Opcode(rawValue: Instruction.opcodeByte(word)) else { return "<invalid \(word)>" }
    let name = pad("\(op)", 26)
    let a = Instruction.a(word)
    switch op.format {
    case .abc:
      var text = name + "\(a) \(Instruction.b(word)) \(Instruction.c(word))"
      switch op {
      case .getMember, .invoke, .tailInvoke, .callGeneral, .importMember, .newClass, .defineField, .defineMethod,
        .getSuper,
        .handle, .perform:
        text += constantComment(Instruction.c(word), proto)
      case .setMember, .skipUnlessEqualConstant:
        text += constantComment(Instruction.b(word), proto)
      case .addInt, .subtractInt:
        text = name + "\(a) \(Instruction.b(word)) \(Instruction.sC(word))"
      case .skipUnlessLessInt, .skipUnlessLessEqualInt, .skipUnlessGreaterInt, .skipUnlessGreaterEqualInt,
        .skipUnlessEqualInt:
        text = name + "\(a) \(Instruction.sB(word)) \(Instruction.c(word))"
      default:
        break
      }
      return text
    case .aBx:
      let bx = Instruction.bx(word)
      var text = name + "\(a) \(bx)"
      switch op {
      case _ where op.bxIsConstant: text += constantComment(bx, proto)
      case .getGlobal, .setGlobal: text += bx < globals.count ? "  ; \(globals[bx])" : ""
      case .closure: text += bx < proto.prototypes.count ? "  ; \(proto.prototypes[bx].name)" : ""
      default: break
      }
      return text
    case .aSBx:
      let sbx = Instruction.sBx(word)
      if op == .loadInt { return name + "\(a) \(sbx)" }
      return name + "\(a) \(sbx)  ; to \(pc + 1 + sbx)"
    case .sJ:
      let offset = Instruction.sJ(word)
      return name + "\(offset)  ; to \(pc + 1 + offset)"
    }
  }

  static func constantComment(_ index: Int, _ proto: Prototype) -> String {
    index < proto.constants.count ? "  ; \(describe(proto.constants[index]))" : ""
  }

  public static func describe(_ constant: Constant) -> String {
    switch constant {
    case .integer(let value): return String(value)
    case .bigInteger(let digits): return digits
    case .float(let value): return "\(value)"
    case .string(let text):
      var quoted = "\""
      for character in text {
        switch character {
        case "\n": quoted += "\\n"
        case "\"": quoted += "\\\""
        case "\\": quoted += "\\\\"
        default: quoted.append(character)
        }
      }
      return quoted + "\""
    case .symbol(let name): return "." + name
    }
  }

  static func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
  }
}
