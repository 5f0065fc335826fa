import TernBytecode
import TernSyntax

extension FunctionCompiler {
  /// `record Name(fields) { methods }`: a class whose instances are immutable values, built by
  /// a generated constructor taking the fields (with their defaults) by position or name.
  func compileRecord(_ decl: RecordDecl) {
    let classRegister = beginTypeDeclaration(decl.name, flavor: 1)
    defineFields(decl.fields, in: classRegister)
    compileMethods(decl.members, of: classRegister, typeName: decl.name.name)
    compileConstructor(fields: decl.fields, named: decl.name.name, into: classRegister)
  }

  /// `enum Name { cases, methods }`: a type with one subclass per case; a case with a payload
  /// is built like a record (`Shape.circle(2)`), one without is a single value (`Shape.empty`).
  func compileEnum(_ decl: EnumDecl) {
    let enumRegister = beginTypeDeclaration(decl.name, flavor: 2)
    compileMethods(decl.members, of: enumRegister, typeName: decl.name.name)
    for enumCase in decl.cases {
      let mark = freeRegister
      let caseRegister = allocateRegister()
      currentRange = enumCase.range
      emit(Instruction.abc(.newClass, caseRegister, enumRegister, memberConstant(enumCase.name.name)))
      emit(Instruction.abc(.setClassFlavor, caseRegister, 3, enumRegister))
      let fields = enumCase.fields ?? []
      defineFields(fields, in: caseRegister)
      compileConstructor(fields: fields, named: "\(decl.name.name).\(enumCase.name.name)", into: caseRegister)
      emit(Instruction.abc(.defineCase, enumRegister, caseRegister, 0))
      freeRegister = mark
    }
  }

  /// Creates the class in a new register (a local, or a global at module level) and sets
  /// its flavor.
  func beginTypeDeclaration(_ name: Identifier, flavor: Int) -> Int {
    let register = allocateRegister()
    if !declaresGlobals { declareLocal(name.name, isMutable: false, register: register) }
    currentRange = name.range
    emit(Instruction.abc(.newClass, register, 255, memberConstant(name.name)))
    emit(Instruction.abc(.setClassFlavor, register, flavor, 0))
    if declaresGlobals { emit(Instruction.aBx(.setGlobal, register, context.slot(for: name.name))) }
    return register
  }

  func defineFields(_ fields: [Parameter], in classRegister: Int) {
    for field in fields {
      guard case .binding(let name) = field.pattern.kind else { continue }
      emit(Instruction.abc(.defineField, classRegister, 0, memberConstant(name)))
    }
  }

  func compileMethods(_ members: [ClassMember], of classRegister: Int, typeName: String) {
    for member in members {
      let methodRegister = allocateRegister()
      let memberName = member.function.name?.name ?? "?"
      let key: String
      switch member.kind {
      case .method: key = memberName
      case .initializer: key = "init"
      case .staticMethod: key = "static:" + memberName
      case .getter: key = "get:" + memberName
      case .setter: key = "set:" + memberName
      case .operatorMethod(let symbol):
        // `fn -()` (negation) and `fn -(other)` (subtraction) are different methods.
        key = symbol == "-" && member.function.parameters.isEmpty ? "op:unary-" : "op:" + symbol
      }
      let receiver = member.kind == .staticMethod ? "Self" : "self"
      compileFunction(
        member.function, into: methodRegister, receiver: receiver, qualifiedName: "\(typeName).\(memberName)")
      currentRange = member.function.range
      emit(Instruction.abc(.defineMethod, classRegister, methodRegister, memberConstant(key)))
      freeRegister = methodRegister
    }
  }

  /// The generated `init(fields…)` that stores each argument in its field slot.
  func compileConstructor(fields: [Parameter], named name: String, into classRegister: Int) {
    let line = context.source.location(of: currentRange.start).line
    let child = FunctionCompiler(context: context, parent: self, name: name, line: line)
    child.currentRange = currentRange
    child.classContext = .instanceMethod
    child.isInitializer = true
    child.declareLocal("self", isMutable: false, register: 0)
    child.proto.parameterNames.append("self")
    child.proto.parameterHasDefault.append(false)
    child.proto.parameterCount = 1
    child.proto.requiredCount = 1
    child.proto.isMethod = true
    _ = child.declareParameters(fields)
    for index in 0..<(child.proto.parameterCount - 1) {
      child.emit(Instruction.abc(.initField, 0, index, index + 1))
    }
    let proto = child.finish()
    let methodRegister = allocateRegister()
    self.proto.prototypes.append(proto)
    emit(Instruction.aBx(.closure, methodRegister, self.proto.prototypes.count - 1))
    emit(Instruction.abc(.defineMethod, classRegister, methodRegister, memberConstant("init")))
    freeRegister = methodRegister
  }
}
