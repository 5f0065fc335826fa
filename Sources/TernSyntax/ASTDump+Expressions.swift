extension Expr {
  func dump() -> DumpNode {
    // Each group of cases is a function of its own: in a debug build a function's frame holds
    // the locals of all its cases, and this one recurses once per level of the tree.
    switch kind {
    case .integer, .float, .string, .symbol, .nilLiteral, .bool, .name, .selfRef, .selfType, .superMember, .invalid:
      return dumpLeaf()
    case .interpolated, .list, .map, .tuple: return dumpCollection()
    case .unary, .binary, .isType: return dumpOperator()
    case .comparison, .range, .assign: return dumpComparisonOrRange()
    case .call, .member, .tupleIndex, .subscriptAccess, .optionalChain: return dumpPostfix()
    case .function, .block, .ifExpr, .match, .tryExpr, .handle, .perform, .resume, .yield, .await, .spawn, .nursery,
      .select:
      return dumpCompound()
    }
  }

  private func dumpLeaf() -> DumpNode {
    switch kind {
    case .integer(let literal):
      let text =
        literal.radix == 10
        ? literal.digits : "0\(literal.radix == 16 ? "x" : literal.radix == 8 ? "o" : "b")\(literal.digits)"
      return DumpNode("int", text, range: range)
    case .float(let value):
      return DumpNode("float", "\(value)", range: range)
    case .string(let text):
      return DumpNode("string", ternQuoted(text), range: range)
    case .symbol(let name):
      return DumpNode("symbol", "." + name, range: range)
    case .nilLiteral:
      return DumpNode("nil", range: range)
    case .bool(let value):
      return DumpNode("bool", value ? "true" : "false", range: range)
    case .name(let name):
      return DumpNode("name", name, range: range)
    case .selfRef:
      return DumpNode("self", range: range)
    case .selfType:
      return DumpNode("Self", range: range)
    case .superMember(let name):
      return DumpNode("super", "super." + name.name, range: range)
    case .invalid:
      return DumpNode("invalid", range: range)
    default: return DumpNode("invalid", range: range)
    }
  }

  private func dumpCollection() -> DumpNode {
    switch kind {
    case .interpolated(let parts):
      let children = parts.map { part -> DumpNode in
        switch part {
        case .text(let text): return DumpNode("string", ternQuoted(text), range: range)
        case .expression(let expr): return expr.dump()
        }
      }
      return DumpNode("interpolation", range: range, children)
    case .list(let elements):
      return DumpNode(
        "list", range: range,
        elements.map { element in
          switch element {
          case .value(let expr): return expr.dump()
          case .spread(let expr): return DumpNode("spread", range: expr.range, [expr.dump()])
          }
        })
    case .map(let entries):
      return DumpNode(
        "map", range: range,
        entries.map { entry in
          DumpNode("entry", range: entry.key.range.union(entry.value.range), [entry.key.dump(), entry.value.dump()])
        })
    case .tuple(let elements):
      return DumpNode("tuple", range: range, elements.map { $0.dump() })
    default: return DumpNode("invalid", range: range)
    }
  }

  private func dumpOperator() -> DumpNode {
    switch kind {
    case .unary(let op, let operand):
      return DumpNode("unary", op == .negate ? "neg" : op.rawValue, range: range, [operand.dump()])
    case .binary(let op, let left, let right):
      return DumpNode("binary", op.rawValue, range: range, [left.dump(), right.dump()])
    case .isType(let value, let type):
      return DumpNode("is", range: range, [value.dump(), type.dump()])
    default: return DumpNode("invalid", range: range)
    }
  }

  private func dumpComparisonOrRange() -> DumpNode {
    switch kind {
    case .comparison(let first, let rest):
      if rest.count == 1 {
        return DumpNode("compare", rest[0].0.rawValue, range: range, [first.dump(), rest[0].1.dump()])
      }
      var children = [first.dump()]
      for (op, operand) in rest {
        children.append(DumpNode("operator", op.rawValue, range: operand.range))
        children.append(operand.dump())
      }
      return DumpNode("chain", range: range, children)
    case .range(let lower, let upper, let isClosed):
      var children: [DumpNode] = []
      children.append(lower?.dump() ?? DumpNode("open", range: range))
      children.append(upper?.dump() ?? DumpNode("open", range: range))
      return DumpNode("range", isClosed ? "..." : "..<", range: range, children)
    case .assign(let target, let op, let value):
      return DumpNode("assign", op.map { $0.rawValue + "=" } ?? "=", range: range, [target.dump(), value.dump()])
    default: return DumpNode("invalid", range: range)
    }
  }

  private func dumpPostfix() -> DumpNode {
    switch kind {
    case .call(let callee, let arguments):
      return DumpNode("call", range: range, [callee.dump()] + arguments.map { $0.dump() })
    case .member(let object, let name, let isOptional):
      return DumpNode("member", (isOptional ? "?." : ".") + name.name, range: range, [object.dump()])
    case .subscriptAccess(let object, let arguments, let isOptional):
      return DumpNode("index", isOptional ? "?[]" : "[]", range: range, [object.dump()] + arguments.map { $0.dump() })
    case .tupleIndex(let object, let position, let isOptional):
      return DumpNode("member", (isOptional ? "?." : ".") + String(position), range: range, [object.dump()])
    case .optionalChain(let inner):
      return DumpNode("optional-chain", range: range, [inner.dump()])
    default: return DumpNode("invalid", range: range)
    }
  }

  private func dumpCompound() -> DumpNode {
    switch kind {
    case .function(let function):
      return function.dump("fn")
    case .block(let block):
      return block.dump()
    case .ifExpr(let condition, let thenBlock, let elseBranch):
      var children = [condition.dump().role("condition"), thenBlock.dump("then")]
      if let elseBranch { children.append(elseBranch.dump().role("else")) }
      return DumpNode("if", range: range, children)
    case .match(let subject, let arms):
      return DumpNode(
        "match", range: range,
        [subject.dump().role("subject")]
          + arms.map { arm in
            var children = [arm.pattern.dump()]
            if let guardExpr = arm.guardExpr {
              children.append(DumpNode("guard", range: guardExpr.range, [guardExpr.dump()]))
            }
            children.append(arm.body.dump().role("body"))
            return DumpNode("arm", range: arm.range, children)
          })
    case .tryExpr(let body, let catches, let finallyBlock):
      var children = [body.dump("body")]
      for clause in catches {
        var parts: [DumpNode] = []
        if let pattern = clause.pattern { parts.append(pattern.dump()) }
        if let guardExpr = clause.guardExpr {
          parts.append(DumpNode("guard", range: guardExpr.range, [guardExpr.dump()]))
        }
        parts.append(clause.body.dump("body"))
        children.append(DumpNode("catch", range: clause.range, parts))
      }
      if let finallyBlock { children.append(finallyBlock.dump("finally")) }
      return DumpNode("try", range: range, children)
    case .handle(let body, let clauses):
      return DumpNode("handle", range: range, [body.dump("body")] + clauses.map { $0.dump() })
    case .perform(let operation, let arguments):
      return DumpNode("perform", range: range, [operation.dump()] + arguments.map { $0.dump() })
    case .resume(let arguments):
      return DumpNode("resume", range: range, arguments.map { $0.dump() })
    case .yield(let value):
      return DumpNode("yield", range: range, value.map { [$0.dump()] } ?? [])
    case .await(let value):
      return DumpNode("await", range: range, [value.dump()])
    case .spawn(let value):
      return DumpNode("spawn", range: range, [value.dump()])
    case .nursery(let parameter, let body):
      return DumpNode("nursery", parameter?.name, range: range, [body.dump("body")])
    case .select(let clauses):
      return DumpNode(
        "select", range: range,
        clauses.map { clause in
          switch clause.kind {
          case .defaultClause:
            return DumpNode("default", range: clause.range, [clause.body.dump()])
          case .operation(let binding, let operation):
            let parts = (binding.map { [$0.dump()] } ?? []) + [operation.dump(), clause.body.dump().role("body")]
            return DumpNode("case", range: clause.range, parts)
          }
        })
    default: return DumpNode("invalid", range: range)
    }
  }
}

extension HandlerClause {
  func dump() -> DumpNode {
    let parameters = DumpNode("params", range: range, self.parameters.map { $0.dump() })
    switch kind {
    case .returnClause:
      return DumpNode("return-clause", range: range, [parameters, body.dump()])
    case .catchClause:
      return DumpNode("catch-clause", range: range, [parameters, body.dump()])
    case .operation(let effect, let name, let modifier):
      let label = (modifier == .plain ? "" : modifier.rawValue + " ") + (effect.map { $0.name + "." } ?? "") + name.name
      return DumpNode("clause", label, range: range, [parameters, body.dump()])
    }
  }
}

extension Pattern {
  func dump() -> DumpNode {
    switch kind {
    case .wildcard:
      return DumpNode("wildcard", "_", range: range)
    case .binding(let name):
      return DumpNode("bind", name, range: range)
    case .literal(let expr):
      return DumpNode("literal", range: range, [expr.dump()])
    case .range(let lower, let upper, let isClosed):
      let children = [lower?.dump() ?? DumpNode("open", range: range), upper?.dump() ?? DumpNode("open", range: range)]
      return DumpNode("range-pattern", isClosed ? "..." : "..<", range: range, children)
    case .tuple(let elements):
      return DumpNode("tuple-pattern", range: range, elements.map { $0.dump() })
    case .list(let elements, let restIndex, let restName):
      var children = elements.map { $0.dump() }
      if let restIndex {
        children.insert(DumpNode("rest", restName?.name ?? "_", range: restName?.range ?? range), at: restIndex)
      }
      return DumpNode("list-pattern", range: range, children)
    case .constructor(let type, let arguments):
      return DumpNode("constructor", type.dotted, range: range, arguments.map { $0.dump() })
    case .dotCase(let name, let arguments):
      return DumpNode("dot-case", "." + name.name, range: range, (arguments ?? []).map { $0.dump() })
    case .path(let type):
      return DumpNode("path", type.dotted, range: range)
    case .typeTest(let binding, let type):
      return DumpNode("is", binding?.name, range: range, [type.dump()])
    case .alternatives(let options):
      return DumpNode("or-pattern", range: range, options.map { $0.dump() })
    }
  }
}

extension PatternArgument {
  func dump() -> DumpNode {
    guard let label else { return pattern.dump() }
    return DumpNode("field", label.name, range: label.range.union(pattern.range), [pattern.dump()])
  }
}
