import TernBytecode
import TernSyntax

extension FunctionCompiler {
  /// `class Name: Super { members }`: creates the class at run time, gives it its fields
  /// (the names assigned as `self.x` in its methods) and its methods, then binds the name.
  func compileClass(_ decl: ClassDecl) {
    let name = decl.name.name
    let classRegister = allocateRegister()
    if !declaresGlobals { declareLocal(name, isMutable: false, register: classRegister) }
    var superRegister = 255
    if let superclass = decl.superclass {
      superRegister = allocateRegister()
      compileTypePath(superclass, into: superRegister)
    }
    currentRange = decl.name.range
    emit(Instruction.abc(.newClass, classRegister, superRegister, memberConstant(name)))
    if declaresGlobals { emit(Instruction.aBx(.setGlobal, classRegister, context.slot(for: name))) }
    for field in Self.selfFields(in: decl.members) {
      emit(Instruction.abc(.defineField, classRegister, 0, memberConstant(field)))
    }
    compileMethods(decl.members, of: classRegister, typeName: name)
  }

  /// The field names a class's methods assign through `self.name = …`, in order.
  static func selfFields(in members: [ClassMember]) -> [String] {
    var fields: [String] = []
    func visit(_ statements: [Stmt]) {
      for statement in statements { visit(statement) }
    }
    func visit(_ statement: Stmt) {
      switch statement.kind {
      case .expression(let expr): visit(expr)
      case .binding(_, _, let value?): visit(value)
      case .returnStmt(let value?): visit(value)
      case .throwStmt(let value): visit(value)
      case .whileLoop(_, let condition, let body):
        visit(condition)
        visit(body.statements)
      case .forLoop(_, _, let sequence, let body):
        visit(sequence)
        visit(body.statements)
      default: break
      }
    }
    func visit(_ expr: Expr) {
      switch expr.kind {
      case .assign(let target, _, let value):
        if case .member(let object, let name, false) = target.kind, case .selfRef = object.kind,
          !fields.contains(name.name)
        {
          fields.append(name.name)
        }
        visit(value)
      case .block(let block): visit(block.statements)
      case .ifExpr(_, let thenBlock, let elseBranch):
        visit(thenBlock.statements)
        if let elseBranch { visit(elseBranch) }
      case .tryExpr(let body, let catches, let finallyBlock):
        visit(body.statements)
        for clause in catches { visit(clause.body.statements) }
        if let finallyBlock { visit(finallyBlock.statements) }
      case .match(_, let arms):
        for arm in arms { visit(arm.body) }
      default: break
      }
    }
    for member in members {
      switch member.function.body {
      case .block(let block): visit(block.statements)
      case .expression(let expr): visit(expr)
      }
    }
    return fields
  }
}
