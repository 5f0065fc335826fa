import TernBytecode

// The dispatch loop, alone in this file. Hot state lives in locals (ip, base, registers,
// constants, frameIndex, closure); fast paths are inline, slow paths are `@inline(never)` methods in the
// `Interpreter+…` files. Script calls never recurse on the Swift stack: a call pushes a
// frame and the loop carries on.

extension VM {
  /// Runs the running fiber's top frame until a frame marked `stopsLoop` returns, or until
  /// a fiber a built-in resumed suspends.
  ///
  /// `fiber.resume(v)` written in script switches this loop to the resumed fiber (its
  /// locals are reloaded from that fiber's top frame), and the fiber's return, failure or
  /// signal switches it back: resumes nest without the Swift stack (Wren's benchmark
  /// nests 100,000).
  func interpret() throws(RuntimeError) -> Value {
    // Each pass of this outer loop runs one fiber: a switch to another fiber `continue`s it
    // and reloads the locals. Inside, `fiber` is a constant, which keeps it in a register.
    // A constant pointer, here so the safepoints reach the counter in one load.
    let fuelTicks = self.fuelTicks
    fiberLoop: while true {
      let fiber = self.fiber
      var frameIndex = fiber.frameCount - 1
      var closure = fiber.frames[frameIndex].closure
      var ip = fiber.frames[frameIndex].ip
      var base = fiber.frames[frameIndex].base
      var registers = fiber.stack + base
      var constants = closure._withUnsafeGuaranteedRef { $0.constants }

      while true {
        do throws(RuntimeError) {
          // `cancel` and `close` resume a fiber by raising an error where it is suspended.
          if fiber.hasInjectedError, let error = fiber.injectedError {
            fiber.injectedError = nil
            throw error
          }
          while true {
            let word = ip.pointee
            ip += 1
            let a = Int((word >> 8) & 0xFF)
            switch unsafeBitCast(UInt8(truncatingIfNeeded: word), to: Opcode.self) {
            case .move:
              registers[a] = registers[Instruction.b(word)]
            case .loadConstant:
              registers[a] = constants[Instruction.bx(word)]
            case .loadInt:
              registers[a] = .int(Int64(Instruction.sBx(word)))
            case .loadNil:
              for index in a...(a + Instruction.b(word)) { registers[index] = .null }
            case .loadTrue:
              registers[a] = .true
            case .loadFalse:
              registers[a] = .false
            case .getGlobal:
              let value = closure._withUnsafeGuaranteedRef { $0.module.slots[Instruction.bx(word)] }
              if value.tag == .undefined {
                fiber.frames[frameIndex].ip = ip
                throw undefinedGlobal(Instruction.bx(word), in: closure)
              }
              registers[a] = value
            case .setGlobal:
              let value = registers[a]
              closure._withUnsafeGuaranteedRef { $0.module.slots[Instruction.bx(word)] = value }
            case .getUpvalue:
              registers[a] = closure._withUnsafeGuaranteedRef { readUpvalue($0.upvalues[Instruction.b(word)]) }
            case .setUpvalue:
              let value = registers[a]
              closure._withUnsafeGuaranteedRef { writeUpvalue($0.upvalues[Instruction.b(word)], value) }
            case .closure:
              fiber.frames[frameIndex].ip = ip
              registers[a] = makeClosure(Instruction.bx(word), in: closure, base: base)
            case .closeUpvalues:
              fiber.closeUpvalues(from: base + a)
            case .add:
              let left = registers[Instruction.b(word)]
              let right = registers[Instruction.c(word)]
              if left.tag == .int && right.tag == .int {
                let (sum, overflow) = left.asInt.addingReportingOverflow(right.asInt)
                if !overflow {
                  registers[a] = .int(sum)
                  continue
                }
              } else if left.tag == .float && right.tag == .float {
                registers[a] = .float(left.asFloat + right.asFloat)
                continue
              }
              fiber.frames[frameIndex].ip = ip
              deliver(try arithmetic(.add, left, right), to: a, fiber, base, &registers)
            case .subtract:
              let left = registers[Instruction.b(word)]
              let right = registers[Instruction.c(word)]
              if left.tag == .int && right.tag == .int {
                let (difference, overflow) = left.asInt.subtractingReportingOverflow(right.asInt)
                if !overflow {
                  registers[a] = .int(difference)
                  continue
                }
              } else if left.tag == .float && right.tag == .float {
                registers[a] = .float(left.asFloat - right.asFloat)
                continue
              }
              fiber.frames[frameIndex].ip = ip
              deliver(try arithmetic(.subtract, left, right), to: a, fiber, base, &registers)
            case .multiply:
              let left = registers[Instruction.b(word)]
              let right = registers[Instruction.c(word)]
              if left.tag == .int && right.tag == .int {
                let (product, overflow) = left.asInt.multipliedReportingOverflow(by: right.asInt)
                if !overflow {
                  registers[a] = .int(product)
                  continue
                }
              } else if left.tag == .float && right.tag == .float {
                registers[a] = .float(left.asFloat * right.asFloat)
                continue
              }
              fiber.frames[frameIndex].ip = ip
              deliver(try arithmetic(.multiply, left, right), to: a, fiber, base, &registers)
            case .divide:
              // `/` always gives a float: inline for any two numbers that are not bigints.
              let left = registers[Instruction.b(word)]
              let right = registers[Instruction.c(word)]
              if (left.tag == .float || left.tag == .int) && (right.tag == .float || right.tag == .int) {
                let dividend = left.tag == .float ? left.asFloat : Double(left.asInt)
                let divisor = right.tag == .float ? right.asFloat : Double(right.asInt)
                registers[a] = .float(dividend / divisor)
                continue
              }
              fiber.frames[frameIndex].ip = ip
              deliver(try arithmetic(.divide, left, right), to: a, fiber, base, &registers)
            case .floorDivide, .remainder, .power, .bitAnd, .bitOr, .bitXor, .shiftLeft, .shiftRight:
              fiber.frames[frameIndex].ip = ip
              let op = unsafeBitCast(UInt8(truncatingIfNeeded: word), to: Opcode.self)
              deliver(
                try arithmetic(op, registers[Instruction.b(word)], registers[Instruction.c(word)]), to: a, fiber, base,
                &registers)
            case .addInt:
              let left = registers[Instruction.b(word)]
              if left.tag == .int {
                let (sum, overflow) = left.asInt.addingReportingOverflow(Int64(Instruction.sC(word)))
                if !overflow {
                  registers[a] = .int(sum)
                  continue
                }
              }
              fiber.frames[frameIndex].ip = ip
              deliver(try arithmetic(.add, left, .int(Int64(Instruction.sC(word)))), to: a, fiber, base, &registers)
            case .subtractInt:
              let left = registers[Instruction.b(word)]
              if left.tag == .int {
                let (difference, overflow) = left.asInt.subtractingReportingOverflow(Int64(Instruction.sC(word)))
                if !overflow {
                  registers[a] = .int(difference)
                  continue
                }
              }
              fiber.frames[frameIndex].ip = ip
              deliver(
                try arithmetic(.subtract, left, .int(Int64(Instruction.sC(word)))), to: a, fiber, base, &registers)
            case .negate, .not, .bitNot:
              fiber.frames[frameIndex].ip = ip
              let op = unsafeBitCast(UInt8(truncatingIfNeeded: word), to: Opcode.self)
              deliver(try unary(op, registers[Instruction.b(word)]), to: a, fiber, base, &registers)
            case .equal, .notEqual:
              let equal = try isEqual(
                registers[Instruction.b(word)], registers[Instruction.c(word)], fiber, frameIndex, ip)
              // A user `==` may have run (and grown the stack).
              deliver(
                .bool(equal == (UInt8(truncatingIfNeeded: word) == Opcode.equal.rawValue)), to: a, fiber, base,
                &registers)
            case .identical, .notIdentical:
              let identical = registers[Instruction.b(word)].isIdentical(to: registers[Instruction.c(word)])
              registers[a] = .bool(identical == (UInt8(truncatingIfNeeded: word) == Opcode.identical.rawValue))
            case .less, .lessEqual:
              let orEqual = UInt8(truncatingIfNeeded: word) == Opcode.lessEqual.rawValue
              let holds = try isLess(
                registers[Instruction.b(word)], registers[Instruction.c(word)], orEqual: orEqual, fiber, frameIndex, ip)
              deliver(.bool(holds), to: a, fiber, base, &registers)
            case .skipUnlessEqual:
              let holds = try isEqual(registers[a], registers[Instruction.b(word)], fiber, frameIndex, ip)
              if let leaves = try skip(unless: holds, word, &ip, fiber, frameIndex) {
                if leaves { return .null } else { continue fiberLoop }
              }
            case .skipUnlessEqualConstant:
              let holds = try isEqual(registers[a], constants[Instruction.b(word)], fiber, frameIndex, ip)
              if let leaves = try skip(unless: holds, word, &ip, fiber, frameIndex) {
                if leaves { return .null } else { continue fiberLoop }
              }
            case .skipUnlessLess:
              let holds = try isLess(
                registers[a], registers[Instruction.b(word)], orEqual: false, fiber, frameIndex, ip)
              if let leaves = try skip(unless: holds, word, &ip, fiber, frameIndex) {
                if leaves { return .null } else { continue fiberLoop }
              }
            case .skipUnlessLessEqual:
              let holds = try isLess(
                registers[a], registers[Instruction.b(word)], orEqual: true, fiber, frameIndex, ip)
              if let leaves = try skip(unless: holds, word, &ip, fiber, frameIndex) {
                if leaves { return .null } else { continue fiberLoop }
              }
            // Each comparison with an immediate is its own case: one dispatch, no second switch.
            case .skipUnlessLessInt:
              let holds = try compareWithImmediate(registers[a], word, fiber, frameIndex, ip, <)
              if let leaves = try skip(unless: holds, word, &ip, fiber, frameIndex) {
                if leaves { return .null } else { continue fiberLoop }
              }
            case .skipUnlessLessEqualInt:
              let holds = try compareWithImmediate(registers[a], word, fiber, frameIndex, ip, <=)
              if let leaves = try skip(unless: holds, word, &ip, fiber, frameIndex) {
                if leaves { return .null } else { continue fiberLoop }
              }
            case .skipUnlessGreaterInt:
              let holds = try compareWithImmediate(registers[a], word, fiber, frameIndex, ip, >)
              if let leaves = try skip(unless: holds, word, &ip, fiber, frameIndex) {
                if leaves { return .null } else { continue fiberLoop }
              }
            case .skipUnlessGreaterEqualInt:
              let holds = try compareWithImmediate(registers[a], word, fiber, frameIndex, ip, >=)
              if let leaves = try skip(unless: holds, word, &ip, fiber, frameIndex) {
                if leaves { return .null } else { continue fiberLoop }
              }
            case .skipUnlessEqualInt:
              let holds = try compareWithImmediate(registers[a], word, fiber, frameIndex, ip, ==)
              if let leaves = try skip(unless: holds, word, &ip, fiber, frameIndex) {
                if leaves { return .null } else { continue fiberLoop }
              }
            case .skipUnlessTruthy:
              if let leaves = try skip(unless: registers[a].isTruthy, word, &ip, fiber, frameIndex) {
                if leaves { return .null } else { continue fiberLoop }
              }
            case .jump:
              ip += Instruction.sJ(word)
            case .loop:
              if let leaves = try chargeSafepoint(fuelTicks, fiber, frameIndex, ip) {
                if leaves { return .null } else { continue fiberLoop }
              }
              ip += Instruction.sJ(word)
            case .tailCall:
              let callee = registers[a]
              if callee.tag == .object && callee.objectKind == .closure {
                if let leaves = try chargeSafepoint(fuelTicks, fiber, frameIndex, ip) {
                  if leaves { return .null } else { continue fiberLoop }
                }
                fiber.frames[frameIndex].ip = ip
                try replaceFrame(
                  callee.unmanagedClosure, at: a, argumentCount: Instruction.b(word), fiber, frameIndex, &closure, base,
                  &registers, &ip, &constants)
              } else {
                // Not a script function (a class, a built-in): an ordinary call, which the
                // `returnValue a 1` the compiler emits after every `tailCall` then returns.
                fallthrough
              }
            case .call, .callGeneral:
              if let leaves = try chargeSafepoint(fuelTicks, fiber, frameIndex, ip) {
                if leaves { return .null } else { continue fiberLoop }
              }
              var argumentCount = Instruction.b(word)
              var callee = registers[a]
              // The common case first: a script function called with the arguments it takes,
              // with room for its frame and registers.
              if UInt8(truncatingIfNeeded: word) != Opcode.callGeneral.rawValue && callee.tag == .object
                && callee.objectKind == .closure
              {
                let target = callee.unmanagedClosure
                let (fastArity, registerCount, code) = target._withUnsafeGuaranteedRef {
                  ($0.fastArity, $0.registerCount, $0.code)
                }
                let newBase = base &+ a &+ 1
                if argumentCount == fastArity && frameIndex &+ 1 < fiber.frameCapacity
                  && newBase &+ registerCount <= fiber.stackCapacity
                {
                  fiber.frames[frameIndex].ip = ip
                  frameIndex &+= 1
                  fiber.frames[frameIndex] = CallFrame(closure: target, code: code, base: newBase)
                  fiber.frameCount = frameIndex &+ 1
                  closure = target
                  base = newBase
                  registers += a &+ 1
                  ip = code
                  constants = target._withUnsafeGuaranteedRef { $0.constants }
                  continue
                }
              }
              var isBound = false
              fiber.frames[frameIndex].ip = ip
              if UInt8(truncatingIfNeeded: word) == Opcode.callGeneral.rawValue {
                let bound = try callGeneral(at: base + a, count: argumentCount, shape: constants[Instruction.c(word)])
                registers = fiber.stack + base
                guard let bound else { continue }
                argumentCount = bound
                isBound = true
                callee = registers[a]
              }
              if callee.tag == .object && callee.objectKind == .closure {
                let target = callee.unmanagedClosure
                if argumentCount != target._withUnsafeGuaranteedRef({ $0.fastArity }) && !isBound {
                  argumentCount = try adjustArguments(
                    target.takeUnretainedValue(), at: base + a + 1, count: argumentCount)
                }
                try pushFrame(
                  target, at: a, flags: [], fiber, &frameIndex, &closure, &base, &registers, &ip, &constants)
              } else if callee.tag == .object && callee.objectKind == .classObject,
                let target = callee.withObject(as: ClassObject.self, { $0.initializer.map(Unmanaged.passUnretained) })
              {
                // Calling a class: a new instance as argument 0 of its `init`, whose frame
                // returns the instance.
                let instance = callee.withObject(as: ClassObject.self) {
                  heap.makeInstanceValue(of: $0)
                }
                let (fastArity, registerCount) = target._withUnsafeGuaranteedRef { ($0.fastArity, $0.registerCount) }
                fiber.ensureStack(base + a + argumentCount + 2 + registerCount)
                registers = fiber.stack + base
                (registers + a + 2).moveInitialize(from: registers + a + 1, count: argumentCount)
                registers[a + 1] = instance
                registers[a] = Value(payload: UInt64(UInt(bitPattern: target.toOpaque())), tag: .object)
                argumentCount += 1
                if argumentCount != fastArity {
                  argumentCount = try adjustArguments(
                    target.takeUnretainedValue(), at: base + a + 1, count: argumentCount)
                }
                try pushFrame(
                  target, at: a, flags: .returnsSelf, fiber, &frameIndex, &closure, &base, &registers, &ip, &constants)
              } else {
                let result = try callValue(
                  callee, arguments: Array(UnsafeBufferPointer(start: registers + a + 1, count: argumentCount)))
                deliver(result, to: a, fiber, base, &registers)
              }
            case .returnValue:
              var result = Instruction.b(word) == 0 ? Value.null : registers[a]
              if fiber.frames[frameIndex].flags.rawValue != 0 || frameIndex == 0 {
                // A frame with flags, or a fiber's first: it may not go back to a caller here.
                let frame = fiber.frames[frameIndex]
                if frame.returnsSelf { result = registers[0] }
                if frame.flags.contains(.capturesRegisters) { fiber.closeUpvalues(from: base) }
                fiber.frameCount = frameIndex
                if frame.stopsLoop { return result }
                if frameIndex == 0 {
                  // A fiber this loop resumed has returned: back to its resumer.
                  try finishResumed(fiber, result: result)
                  continue fiberLoop
                }
                if frame.clause != .none {
                  try endClause(frame, result: result)
                  continue fiberLoop
                }
              }
              // Back to the calling frame in this loop.
              registers[-1] = result
              fiber.frameCount = frameIndex
              frameIndex &-= 1
              let caller = fiber.frames[frameIndex]
              closure = caller.closure
              ip = caller.ip
              base = caller.base
              registers = fiber.stack + caller.base
              constants = closure._withUnsafeGuaranteedRef { $0.constants }
            case .jumpIfDefined:
              if registers[a].tag != .undefined { ip += Instruction.sBx(word) }
            case .jumpIfNil:
              if registers[a].tag == .null { ip += Instruction.sBx(word) }
            case .jumpIfNotNil:
              if registers[a].tag != .null { ip += Instruction.sBx(word) }
            case .appendSpread:
              fiber.frames[frameIndex].ip = ip
              try appendSpread(registers[a], registers[Instruction.b(word)])
            case .newList:
              fiber.frames[frameIndex].ip = ip
              registers[a] = .object(heap.allocate(ListObject(capacity: Instruction.b(word))))
            case .appendList:
              registers[a].withObject(as: ListObject.self) { $0.append(registers[Instruction.b(word)]) }
            case .newMap:
              fiber.frames[frameIndex].ip = ip
              registers[a] = .object(heap.allocate(MapObject(vm: self)))
            case .insertMap:
              fiber.frames[frameIndex].ip = ip
              try insertMapEntry(registers[a], registers[Instruction.b(word)], registers[Instruction.c(word)])
              try raiseDeferredError()
            case .newTuple:
              fiber.frames[frameIndex].ip = ip
              let start = Instruction.b(word)
              let elements = Array(UnsafeBufferPointer(start: registers + start, count: Instruction.c(word)))
              registers[a] = .object(heap.allocate(TupleObject(elements)))
            case .getIndex:
              let object = registers[Instruction.b(word)]
              let index = registers[Instruction.c(word)]
              if object.tag == .object && index.tag == .int && object.objectKind == .list {
                let element: Value? = object.withObject(as: ListObject.self) { list in
                  let position = index.asInt
                  return position >= 0 && position < list.count ? list.elements[Int(position)] : nil
                }
                if let element {
                  registers[a] = element
                  continue
                }
              }
              // (Keys that are instances go the slow way: their `hash` and `==` may throw.)
              if object.tag == .object && object.objectKind == .map
                && (index.tag != .object || index.objectKind == .string)
              {
                if let value = MapObject.get(index, in: object) {
                  registers[a] = value
                  continue
                }
              }
              fiber.frames[frameIndex].ip = ip
              let element = try getIndex(object, index)
              try raiseDeferredError()
              deliver(element, to: a, fiber, base, &registers)
            case .setIndex:
              let object = registers[a]
              let index = registers[Instruction.b(word)]
              let value = registers[Instruction.c(word)]
              if object.tag == .object && index.tag == .int && object.objectKind == .list {
                let stored: Bool = object.withObject(as: ListObject.self) { list in
                  let position = index.asInt
                  guard position >= 0 && position < list.count else { return false }
                  list.elements[Int(position)] = value
                  return true
                }
                if stored { continue }
              }
              if object.tag == .object && object.objectKind == .map
                && (index.tag != .object || index.objectKind == .string)
              {
                MapObject.set(index, value, in: object)
                continue
              }
              fiber.frames[frameIndex].ip = ip
              try setIndex(object, index, value)
              try raiseDeferredError()
            case .getMember:
              let object = registers[Instruction.b(word)]
              let cache = closure._withUnsafeGuaranteedRef { $0.cache(before: ip) }
              if object.tag == .object && object.objectKind == .instance {
                let cached: Value? = object.withObject(as: InstanceObject.self) { instance in
                  instance.classSerial == cache.pointee.classSerial && cache.pointee.method == nil
                    ? instance.fields[cache.pointee.slot] : nil
                }
                if let cached {
                  registers[a] = cached
                  continue
                }
              }
              fiber.frames[frameIndex].ip = ip
              deliver(try getMember(object, name: constants[Instruction.c(word)]), to: a, fiber, base, &registers)
              cacheField(cache, object, constants[Instruction.c(word)])
            case .setMember:
              let object = registers[a]
              let cache = closure._withUnsafeGuaranteedRef { $0.cache(before: ip) }
              if object.tag == .object && object.objectKind == .instance {
                let value = registers[Instruction.c(word)]
                let stored: Bool = object.withObject(as: InstanceObject.self) { instance in
                  guard instance.classSerial == cache.pointee.classSerial && cache.pointee.method == nil else {
                    return false
                  }
                  instance.fields[cache.pointee.slot] = value
                  return true
                }
                if stored { continue }
              }
              fiber.frames[frameIndex].ip = ip
              try setMember(object, name: constants[Instruction.b(word)], registers[Instruction.c(word)])
              cacheField(cache, object, constants[Instruction.b(word)])
            case .invoke, .tailInvoke:
              if let leaves = try chargeSafepoint(fuelTicks, fiber, frameIndex, ip) {
                if leaves { return .null } else { continue fiberLoop }
              }
              fiber.frames[frameIndex].ip = ip
              let receiver = registers[a]
              var argumentCount = Instruction.b(word)
              let cache = closure._withUnsafeGuaranteedRef { $0.cache(before: ip) }
              // A script function to run in this loop: a method (given the receiver as
              // argument 0), a class's static method (given the class), or a module's function.
              var method: Unmanaged<ClosureObject>?
              var passesReceiver = true
              if receiver.tag == .object && receiver.objectKind == .instance {
                method =
                  InstanceObject.cachedMethod(of: receiver, cache)
                  ?? lookUpMethod(of: receiver, name: constants[Instruction.c(word)], cache: cache)
              } else if receiver.tag == .object && receiver.objectKind == .classObject {
                method = staticMethod(of: receiver, name: constants[Instruction.c(word)])
              } else if receiver.tag == .object && receiver.objectKind == .module
                && cache.pointee.classSerial == Int(truncatingIfNeeded: receiver.payload)
              {
                // `module.function(…)` at a site that has looked the member up before: modules
                // live as long as the VM, so the module's address identifies it.
                let member = receiver.withObject(as: ModuleObject.self) { $0.slots[cache.pointee.slot] }
                if member.tag == .object && member.objectKind == .closure {
                  method = member.unmanagedClosure
                  passesReceiver = false
                } else {
                  let argument = registers[a + 1]
                  if argumentCount == 1 && (argument.tag == .float || argument.tag == .int)
                    && member.tag == .object && member.objectKind == .native,
                    let function = NativeFunctionObject.floatFunction(of: member)
                  {
                    registers[a] = .float(function(argument.tag == .float ? argument.asFloat : Double(argument.asInt)))
                    continue
                  }
                  let result = try callValue(
                    member, arguments: Array(UnsafeBufferPointer(start: registers + a + 1, count: argumentCount)))
                  deliver(result, to: a, fiber, base, &registers)
                  continue
                }
              }
              if let target = method {
                if passesReceiver {
                  // Shift the arguments up one so the receiver is argument 0.
                  (registers + a + 2).moveInitialize(from: registers + a + 1, count: argumentCount)
                  registers[a + 1] = receiver
                  argumentCount += 1
                }
                registers[a] = Value(payload: UInt64(UInt(bitPattern: target.toOpaque())), tag: .object)
                if UInt8(truncatingIfNeeded: word) == Opcode.tailInvoke.rawValue {
                  try replaceFrame(
                    target, at: a, argumentCount: argumentCount, fiber, frameIndex, &closure, base, &registers, &ip,
                    &constants)
                  continue
                }
                if argumentCount != target._withUnsafeGuaranteedRef({ $0.fastArity }) {
                  argumentCount = try adjustArguments(
                    target.takeUnretainedValue(), at: base + a + 1, count: argumentCount)
                }
                try pushFrame(
                  target, at: a, flags: [], fiber, &frameIndex, &closure, &base, &registers, &ip, &constants)
                continue
              }
              // A built-in method this site has called before on this kind of receiver.
              if receiver.tag == .object && cache.pointee.classSerial == FastMethod.cacheKey(receiver.objectKind) {
                let result = try fastMethod(cache.pointee.slot, receiver, registers + a + 1)
                try raiseDeferredError()
                deliver(result, to: a, fiber, base, &registers)
                continue
              }
              if receiver.tag == .object && receiver.objectKind == .fiber && argumentCount <= 1,
                try resumeInLoop(
                  receiver, name: constants[Instruction.c(word)], value: argumentCount == 1 ? registers[a + 1] : .null,
                  resultRegister: base + a)
              {
                continue fiberLoop
              }
              let result = try invoke(
                receiver, name: constants[Instruction.c(word)], arguments: registers + a + 1, count: argumentCount,
                cache: cache)
              // A user `==`, `hash` or `toString` a built-in method ran may have thrown.
              try raiseDeferredError()
              deliver(result, to: a, fiber, base, &registers)
            case .forPrepare:
              fiber.frames[frameIndex].ip = ip
              if try prepareRangeLoop(registers + a) {
                registers[a + 3] = registers[a]
              } else {
                ip += Instruction.sBx(word)
              }
            case .forLoop:
              let index = registers[a].asInt
              if index < registers[a + 1].asInt {
                if let leaves = try chargeSafepoint(fuelTicks, fiber, frameIndex, ip) {
                  if leaves { return .null } else { continue fiberLoop }
                }
                registers[a] = .int(index &+ 1)
                registers[a + 3] = .int(index &+ 1)
                ip += Instruction.sBx(word)
              }
            case .iterate:
              let iterable = registers[a]
              if iterable.tag == .object && iterable.objectKind == .list {
                // The common case inline: a list's next element, by position.
                let position = registers[a + 1].tag == .int ? Int(registers[a + 1].asInt) : 0
                let element = iterable.withObject(as: ListObject.self) { list in
                  position < list.count ? list.elements[position] : Value.undefined
                }
                if element.tag == .undefined {
                  registers[a + 1] = .int(Int64(position))
                  ip += Instruction.sBx(word)
                } else {
                  registers[a + 1] = .int(Int64(position + 1))
                  registers[a + 3] = element
                }
                continue
              }
              fiber.frames[frameIndex].ip = ip
              if iterable.tag == .object && iterable.objectKind == .instance,
                let instance = iterable.object(as: InstanceObject.self)
              {
                deliver(try iterator(of: instance), to: a, fiber, base, &registers)
                registers[a + 1] = .null
              }
              if registers[a].tag == .object && registers[a].objectKind == .fiber {
                // A generator runs in this loop, like `resume`: when it yields or ends, the
                // loop comes back to this instruction, which then sees how it stopped.
                fiber.frames[frameIndex].ip = ip - 1
                guard let hasElement = try stepGenerator(registers + a, resultRegister: base + a + 2) else {
                  continue fiberLoop
                }
                fiber.frames[frameIndex].ip = ip
                if !hasElement { ip += Instruction.sBx(word) }
                continue
              }
              if let element = try nextElement(registers + a) {
                registers[a + 3] = element
              } else {
                ip += Instruction.sBx(word)
              }
            case .makeRange:
              fiber.frames[frameIndex].ip = ip
              let lower = Instruction.b(word)
              registers[a] = try makeRange(registers[lower], registers[lower + 1], isClosed: Instruction.c(word) != 0)
            case .isInstance:
              fiber.frames[frameIndex].ip = ip
              registers[a] = .bool(
                try isInstance(registers[Instruction.b(word)], ofType: registers[Instruction.c(word)]))
            case .skipIfShape:
              if hasShape(registers[a], count: Instruction.b(word), kind: Instruction.c(word)) { ip += 1 }
            case .skipIfMatches:
              fiber.frames[frameIndex].ip = ip
              let pattern = registers[Instruction.b(word)]
              let matches =
                Instruction.c(word) == 0
                ? try isInstance(registers[a], ofType: pattern) : try matchesPath(registers[a], pattern)
              if matches { ip += 1 }
            case .skipIfInRange:
              let lower = Instruction.b(word)
              if isInRange(registers[a], registers[lower], registers[lower + 1], isClosed: Instruction.c(word) != 0) {
                ip += 1
              }
            case .matchFailed:
              fiber.frames[frameIndex].ip = ip
              throw matchFailure(registers[a], pattern: constants[Instruction.bx(word)])
            case .interpolate:
              fiber.frames[frameIndex].ip = ip
              let text = interpolate(registers + Instruction.b(word), count: Instruction.c(word))
              try raiseDeferredError()
              deliver(text, to: a, fiber, base, &registers)
            case .throwValue:
              fiber.frames[frameIndex].ip = ip
              throw thrownValue(registers[a])
            case .importModule:
              fiber.frames[frameIndex].ip = ip
              deliver(try importModule(constants[Instruction.bx(word)], from: closure), to: a, fiber, base, &registers)
            case .importMember:
              fiber.frames[frameIndex].ip = ip
              registers[a] = try moduleMember(registers[Instruction.b(word)], name: constants[Instruction.c(word)])
            case .newClass:
              fiber.frames[frameIndex].ip = ip
              let superIndex = Instruction.b(word)
              registers[a] = try makeClass(
                name: constants[Instruction.c(word)], superclass: superIndex == 255 ? nil : registers[superIndex])
            case .defineField:
              registers[a].object(as: ClassObject.self)?.addField(memberName(constants[Instruction.c(word)]))
            case .defineMethod:
              defineMethod(registers[a], registers[Instruction.b(word)], key: constants[Instruction.c(word)])
            case .getSuper:
              fiber.frames[frameIndex].ip = ip
              registers[a] = try superMember(
                registers[Instruction.b(word)], name: constants[Instruction.c(word)], from: closure)
            case .setClassFlavor:
              if let cls = registers[a].object(as: ClassObject.self) {
                cls.flavor = [.plain, .record, .enumType, .enumCase][min(3, Instruction.b(word))]
              }
            case .initField:
              registers[a].withObject(as: InstanceObject.self) {
                $0.fields[Instruction.b(word)] = registers[Instruction.c(word)]
              }
            case .defineCase:
              fiber.frames[frameIndex].ip = ip
              defineCase(registers[a], registers[Instruction.b(word)])
            case .recordField:
              registers[a] = positionalField(registers[Instruction.b(word)], Instruction.c(word))
            case .skipIfCase:
              if isCase(registers[a], named: constants[Instruction.bx(word)]) { ip += 1 }
            case .emitSignal:
              fiber.frames[frameIndex].ip = ip
              let payload = registers[Instruction.b(word)]
              let signal = try suspendingSignal(
                Instruction.c(word) == 0 ? nil : registers[Instruction.b(word) + 1], payload)
              fiber.yieldRegister = base + a
              // A fiber resumed by this loop hands the signal to its resumer here; one a
              // built-in resumed suspends and leaves the loop (so does a resumer up the
              // chain that is such a fiber).
              if fiber.resumedInLoop && suspendResumed(fiber, signal: signal, payload: payload) { continue fiberLoop }
              fiber.status = .suspended
              fiber.signal = signal
              return payload
            case .closeIterator:
              if let target = registers[a].object(as: FiberObject.self), target.state.status == .suspended {
                fiber.frames[frameIndex].ip = ip
                try closeIterator(target.state)
                registers = fiber.stack + base
              }
            case .newEffect:
              fiber.frames[frameIndex].ip = ip
              registers[a] = makeEffect(constants[Instruction.bx(word)])
            case .handle:
              fiber.frames[frameIndex].ip = ip
              try beginHandle(at: base + a, clauseCount: Instruction.b(word), shape: constants[Instruction.c(word)])
              continue fiberLoop
            case .perform:
              if let leaves = try chargeSafepoint(fuelTicks, fiber, frameIndex, ip) {
                if leaves { return .null } else { continue fiberLoop }
              }
              fiber.frames[frameIndex].ip = ip
              try perform(
                at: base + a, count: Instruction.b(word), operation: constants[Instruction.c(word)],
                cache: closure._withUnsafeGuaranteedRef { $0.cache(before: ip) })
              continue fiberLoop
            case .resumeContinuation, .discontinueContinuation, .tailResume:
              if let leaves = try chargeSafepoint(fuelTicks, fiber, frameIndex, ip) {
                if leaves { return .null } else { continue fiberLoop }
              }
              fiber.frames[frameIndex].ip = ip
              let op = UInt8(truncatingIfNeeded: word)
              let continuation = registers[Instruction.b(word)]
              let value = registers[Instruction.c(word)]
              let destination = op == Opcode.tailResume.rawValue ? popForTailResume(continuation) : nil
              try continueComputation(
                continuation, with: value, throwing: op == Opcode.discontinueContinuation.rawValue,
                resultRegister: destination ?? base + a)
              continue fiberLoop
            case .currentClosure:
              registers[a] = Value(payload: UInt64(UInt(bitPattern: closure.toOpaque())), tag: .object)
            case .nop:
              break
            }
          }
        } catch {
          // Unwind to the innermost `try` handler of the running fiber's frames; a fiber this
          // loop resumed that has none fails, and its resumer gets the outcome at its `resume`
          // call; the entry fiber with none leaves the loop. Every throwing operation saved its
          // pc in its frame first, so the frames say where each fiber is.
          var error = error
          // An error raised while another waited to be (`deferredError`, from the same
          // operation) supersedes it.
          deferredError = nil
          while true {
            if error.trace == nil { (error.location, error.trace) = captureTrace() }
            let failing = self.fiber
            let start = failing.loopStart()
            if let handler = findHandler(stopDepth: start ?? 0, finallyOnly: error.unwindingSignal != nil) {
              // Clauses the error left end by finalising their continuations; a `finally`
              // failing there replaces the error.
              if !pendingFinalizations.isEmpty, let failure = finalizeDiscardedClauses() { error = failure }
              let frame = failing.frames[handler.frame]
              failing.stack[frame.base + handler.register] = caughtValue(&error)
              // A `finally` rethrows what it caught: keep the error as it is, with its location.
              if handler.isFinally { failing.unwinding = error }
              failing.frames[handler.frame].pc = handler.target
              break
            }
            if let start {
              unwind(to: start)
              throw finalizeDiscardedClauses() ?? error
            }
            do throws(RuntimeError) {
              if let value = try failResumed(failing, error) { self.fiber.stack[failing.resultRegister] = value }
              break
            } catch let next {
              error = next
            }
          }
          // Carry on where the handler (or the resumer's `resume` call) is.
          continue fiberLoop
        }
      }
    }
  }

  /// Stores a slow path's result in register `a`. The slow path may have run script code
  /// (an operator method, a getter, `toString`) whose calls grew the stack, which moves it:
  /// the register is found in the stack as it is now.
  @inline(__always)
  func deliver(
    _ value: Value, to a: Int, _ fiber: Fiber, _ base: Int, _ registers: inout UnsafeMutablePointer<Value>
  ) {
    registers = fiber.stack + base
    registers[a] = value
  }

  /// Calls the script function `target` (in register `a`, its arguments above, already
  /// adjusted to what it takes): a new frame on top, which the loop then runs.
  @inline(__always)
  func pushFrame(
    _ target: Unmanaged<ClosureObject>, at a: Int, flags: CallFrame.Flags, _ fiber: Fiber, _ frameIndex: inout Int,
    _ closure: inout Unmanaged<ClosureObject>, _ base: inout Int, _ registers: inout UnsafeMutablePointer<Value>,
    _ ip: inout UnsafeMutablePointer<UInt32>, _ constants: inout UnsafeMutablePointer<Value>
  ) throws(RuntimeError) {
    let (registerCount, code) = target._withUnsafeGuaranteedRef { ($0.registerCount, $0.code) }
    if frameIndex + 1 >= fiber.frameCapacity && !fiber.reserveFrame() { throw stackOverflow() }
    let newBase = base + a + 1
    if newBase + registerCount > fiber.stackCapacity { fiber.ensureStack(newBase + registerCount + 1) }
    frameIndex += 1
    fiber.frames[frameIndex] = CallFrame(closure: target, code: code, base: newBase)
    fiber.frames[frameIndex].flags = flags
    fiber.frameCount = frameIndex + 1
    base = newBase
    enter(target, code: code, fiber, base, &closure, &registers, &ip, &constants)
  }

  /// Points the loop's locals at `target`'s code, constants and register window at `base`.
  @inline(__always)
  func enter(
    _ target: Unmanaged<ClosureObject>, code: UnsafeMutablePointer<UInt32>, _ fiber: Fiber, _ base: Int,
    _ closure: inout Unmanaged<ClosureObject>, _ registers: inout UnsafeMutablePointer<Value>,
    _ ip: inout UnsafeMutablePointer<UInt32>, _ constants: inout UnsafeMutablePointer<Value>
  ) {
    closure = target
    registers = fiber.stack + base
    ip = code
    constants = target._withUnsafeGuaranteedRef { $0.constants }
  }

  /// A proper tail call of the script function `target` (in register `a`, `argumentCount`
  /// arguments above): the running frame is reused, its registers closed if captured.
  @inline(__always)
  func replaceFrame(
    _ target: Unmanaged<ClosureObject>, at a: Int, argumentCount: Int, _ fiber: Fiber, _ frameIndex: Int,
    _ closure: inout Unmanaged<ClosureObject>, _ base: Int, _ registers: inout UnsafeMutablePointer<Value>,
    _ ip: inout UnsafeMutablePointer<UInt32>, _ constants: inout UnsafeMutablePointer<Value>
  ) throws(RuntimeError) {
    let (fastArity, registerCount) = target._withUnsafeGuaranteedRef { ($0.fastArity, $0.registerCount) }
    var argumentCount = argumentCount
    if argumentCount != fastArity {
      argumentCount = try adjustArguments(target.takeUnretainedValue(), at: base + a + 1, count: argumentCount)
      registers = fiber.stack + base
    }
    if fiber.frames[frameIndex].flags.contains(.capturesRegisters) {
      fiber.closeUpvalues(from: base)
      fiber.frames[frameIndex].flags.remove(.capturesRegisters)
    }
    // Move the callee and its arguments down to base - 1.
    (registers - 1).update(from: registers + a, count: argumentCount + 1)
    if base + registerCount > fiber.stackCapacity { fiber.ensureStack(base + registerCount + 1) }
    let code = target._withUnsafeGuaranteedRef { $0.code }
    fiber.frames[frameIndex].closure = target
    fiber.frames[frameIndex].ip = code
    enter(target, code: code, fiber, base, &closure, &registers, &ip, &constants)
  }

  /// A safepoint (SEMANTICS B1): charges one tick of fuel. When the countdown is spent the
  /// slow path runs with the frame's ip rewound to the instruction; non-nil means the fiber
  /// paused (true: leave the loop, false: carry on with the fiber that runs now).
  @inline(__always)
  func chargeSafepoint(
    _ fuelTicks: UnsafeMutablePointer<Int>, _ fiber: Fiber, _ frameIndex: Int, _ ip: UnsafeMutablePointer<UInt32>
  ) throws(RuntimeError) -> Bool? {
    fuelTicks.pointee &-= 1
    guard fuelTicks.pointee < 0 else { return nil }
    fiber.frames[frameIndex].ip = ip - 1
    return try fuelSafepoint()
  }

  /// A compare-and-skip: skips the next instruction (a jump) unless `holds` matches the
  /// instruction's sense (C = 1 inverts it); otherwise takes that jump in the same dispatch.
  /// Non-nil as for `chargeSafepoint`.
  @inline(__always)
  func skip(
    unless holds: Bool, _ word: UInt32, _ ip: inout UnsafeMutablePointer<UInt32>, _ fiber: Fiber, _ frameIndex: Int
  ) throws(RuntimeError) -> Bool? {
    if holds != (Instruction.c(word) != 0) {
      ip += 1
      return nil
    }
    return try takeFollowingJump(&ip, fiber, frameIndex)
  }

  /// `<` (or `<=`): inline for two ints or two floats, else the general comparison (mixed
  /// numbers, strings, operator methods, a type error) with the frame's ip saved.
  @inline(__always)
  func isLess(
    _ left: Value, _ right: Value, orEqual: Bool, _ fiber: Fiber, _ frameIndex: Int, _ ip: UnsafeMutablePointer<UInt32>
  ) throws(RuntimeError) -> Bool {
    if left.tag == .int && right.tag == .int { return orEqual ? left.asInt <= right.asInt : left.asInt < right.asInt }
    if left.tag == .float && right.tag == .float {
      return orEqual ? left.asFloat <= right.asFloat : left.asFloat < right.asFloat
    }
    fiber.frames[frameIndex].ip = ip
    return try compare(left, right, orEqual: orEqual)
  }

  /// Register A against the immediate in B: inline for an int, else the general comparison
  /// (a float, or a type error) with the frame's ip saved.
  @inline(__always)
  func compareWithImmediate(
    _ left: Value, _ word: UInt32, _ fiber: Fiber, _ frameIndex: Int, _ ip: UnsafeMutablePointer<UInt32>,
    _ compare: (Int64, Int64) -> Bool
  ) throws(RuntimeError) -> Bool {
    let immediate = Int64(Instruction.sB(word))
    if left.tag == .int { return compare(left.asInt, immediate) }
    fiber.frames[frameIndex].ip = ip
    return try compareWithImmediate(unsafeBitCast(UInt8(truncatingIfNeeded: word), to: Opcode.self), left, immediate)
  }

  /// A compare-and-skip whose condition held: takes the jump after it in the same dispatch
  /// (a loop's back edge is one of these, and a safepoint). Non-nil as for `chargeSafepoint`.
  @inline(__always)
  func takeFollowingJump(_ ip: inout UnsafeMutablePointer<UInt32>, _ fiber: Fiber, _ frameIndex: Int)
    throws(RuntimeError) -> Bool?
  {
    let next = ip.pointee
    if UInt8(truncatingIfNeeded: next) == Opcode.loop.rawValue,
      let leaves = try chargeSafepoint(fuelTicks, fiber, frameIndex, ip + 1)
    {
      return leaves
    }
    ip += 1 &+ Instruction.sJ(next)
    return nil
  }
}
