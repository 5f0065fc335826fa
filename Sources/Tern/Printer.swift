import BigInt
import TernSyntax

// How values print (`String(x)`, `print`, interpolation), following LANGUAGE.md "Printing".

extension VM {
  /// The type name shown in errors and by `type(x)`.
  func typeName(of value: Value) -> String {
    switch value.tag {
    case .undefined, .null: return "Nil"
    case .bool: return "Bool"
    case .int: return "Int"
    case .float: return "Float"
    case .symbol: return "Symbol"
    case .object:
      switch value.objectKind {
      case .string: return "String"
      case .list: return "List"
      case .map: return "Map"
      case .set: return "Set"
      case .tuple: return "Tuple"
      case .range: return "Range"
      case .bigInteger: return "Int"
      case .function, .closure, .native, .boundMethod: return "Function"
      case .upvalue: return "Upvalue"
      case .module: return "Module"
      case .classObject: return "Class"
      case .fiber: return "Fiber"
      case .effect: return "Effect"
      case .continuation: return "Continuation"
      case .instance:
        let cls = (value.object as! InstanceObject).cls
        return cls.flavor == .enumCase ? cls.superclass?.name ?? cls.name : cls.name
      case .error: return (value.object as! ErrorObject).typeName
      }
    }
  }

  /// `String(x)`: strings as their text; inside collections, strings are quoted.
  func describe(_ value: Value) -> String {
    var out = ""
    describe(value, quoted: false, into: &out, depth: 0)
    return out
  }

  func describe(_ value: Value, quoted: Bool, into out: inout String, depth: Int) {
    switch value.tag {
    case .undefined, .null: out += "nil"
    case .bool: out += value.asBool ? "true" : "false"
    case .int: out += String(value.asInt)
    case .float: out += Self.describeFloat(value.asFloat)
    case .symbol: out += "." + symbolNames[Int(value.payload)]
    case .object:
      guard depth < 64 else {
        out += "…"
        return
      }
      let object = value.object
      switch object {
      case let string as StringObject:
        out += quoted ? ternQuoted(string.value) : string.value
      case let list as ListObject:
        out += "["
        for index in 0..<list.count {
          if index > 0 { out += ", " }
          describe(list.elements[index], quoted: true, into: &out, depth: depth + 1)
        }
        out += "]"
      case let set as MapObject where set.kind == .set:
        out += "Set(["
        for (index, key) in set.keys.enumerated() {
          if index > 0 { out += ", " }
          describe(key, quoted: true, into: &out, depth: depth + 1)
        }
        out += "])"
      case let map as MapObject:
        if map.count == 0 {
          out += "[:]"
          return
        }
        out += "["
        for (index, (key, element)) in zip(map.keys, map.values).enumerated() {
          if index > 0 { out += ", " }
          describe(key, quoted: true, into: &out, depth: depth + 1)
          out += ": "
          describe(element, quoted: true, into: &out, depth: depth + 1)
        }
        out += "]"
      case let tuple as TupleObject:
        out += "("
        for (index, element) in tuple.elements.enumerated() {
          if index > 0 { out += ", " }
          describe(element, quoted: true, into: &out, depth: depth + 1)
        }
        out += tuple.elements.count == 1 ? ",)" : ")"
      case let range as RangeObject:
        // As written: `0...` for one without an upper bound, `(0..<10).step(2)` stepped.
        let bounds =
          !range.isClosed && range.upper == .max
          ? "\(range.lower)..." : "\(range.lower)\(range.isClosed ? "..." : "..<")\(range.upper)"
        out += range.step == 1 ? bounds : "(\(bounds)).step(\(range.step))"
      case let big as BigIntegerObject:
        out += String(big.value)
      case let closure as ClosureObject:
        out += "<fn \(closure.function.name)>"
      case let instance as InstanceObject:
        if let method = instance.cls.methods["toString"], let text = callDeferringError(method, [value]) {
          if text.tag != .object || text.objectKind != .string, deferredError == nil {
            deferredError = RuntimeError(
              typeName: "TypeError",
              message: "\(instance.cls.name).toString() must return a String, not \(typeName(of: text))")
          }
          describe(text, quoted: false, into: &out, depth: depth + 1)
        } else if instance.cls.flavor == .record {
          out += instance.cls.name + "("
          for (index, field) in instance.cls.fieldNames.enumerated() {
            if index > 0 { out += ", " }
            out += field + ": "
            describe(instance.fields[index], quoted: true, into: &out, depth: depth + 1)
          }
          out += ")"
        } else if instance.cls.flavor == .enumCase {
          out += qualifiedName(instance.cls)
          if instance.fieldCount > 0 {
            out += "("
            for index in 0..<instance.fieldCount {
              if index > 0 { out += ", " }
              describe(instance.fields[index], quoted: true, into: &out, depth: depth + 1)
            }
            out += ")"
          }
        } else if let message = errorInstanceMessage(instance) {
          out += message.isEmpty ? instance.cls.name : "\(instance.cls.name): \(message)"
        } else {
          out += "<\(instance.cls.name) instance>"
        }
      case let cls as ClassObject:
        out += "<class \(cls.name)>"
      case is FiberObject:
        out += "<Fiber>"
      case let effect as EffectObject:
        out += "<effect \(effect.name)>"
      case is ContinuationObject:
        out += "<continuation>"
      case let module as ModuleObject:
        out += "<module \(module.name)>"
      case let error as ErrorObject:
        out += error.message.isEmpty ? error.typeName : "\(error.typeName): \(error.message)"
      case let native as NativeFunctionObject:
        out += "<fn \(native.name)>"
      case let bound as BoundMethodObject:
        out += "<fn \(bound.name)>"
      default:
        out += "<\(typeName(of: value))>"
      }
    }
  }

  /// The shortest form that reads back exactly, always with a `.` or an exponent.
  static func describeFloat(_ value: Double) -> String {
    if value.isNaN { return "nan" }
    if value.isInfinite { return value < 0 ? "-inf" : "inf" }
    return value.description
  }

  @inline(never)
  func interpolate(_ parts: UnsafeMutablePointer<Value>, count: Int) -> Value {
    // Copied first: a `toString` may grow (and so move) the stack the parts are in.
    let values = Array(UnsafeBufferPointer(start: parts, count: count))
    var text = ""
    for value in values { describe(value, quoted: false, into: &text, depth: 0) }
    return .object(heap.allocate(StringObject(text, pool: heap.pool)))
  }

  func string(_ text: String) -> Value { .object(heap.allocate(StringObject(text, pool: heap.pool))) }
}
