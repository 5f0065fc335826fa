import BigInt
import Foundation
import TernBytecode

/// What kind of heap object a value points at; read in the dispatch loop without ARC.
enum ObjectKind: UInt8 {
  case string, list, map, set, tuple, function, closure, upvalue, native, boundMethod, range, bigInteger, error, module,
    classObject, instance, fiber, effect, continuation
}

/// Every heap object. The VM's `Heap` owns each one through its object list; values refer
/// to them by unmanaged pointer, and the mark-sweep collector decides when they die.
class HeapObject {
  let kind: ObjectKind
  var isMarked = false

  init(kind: ObjectKind) { self.kind = kind }

  /// Approximate bytes held, for the collector's allocation budget.
  var byteSize: Int { 32 }

  /// Marks the values this object refers to.
  func traceChildren(_ collector: inout GarbageCollector) {}
}

final class StringObject: HeapObject {
  /// The UTF-8 bytes: equality, hashing and concatenation read them without touching a
  /// Swift string's reference count.
  /// Variables only so that the heap can recycle a dead string (`reuse(adopting:count:)`).
  private(set) var bytes: UnsafeMutablePointer<UInt8>
  private(set) var byteCount: Int
  /// Owns `bytes` (the heap's pool outlives every object).
  unowned(unsafe) let pool: BufferPool
  private var cachedHash = 0
  private var hasHash = false
  private var cachedValue: String?
  private var cachedScalars: [Unicode.Scalar]?

  /// The Swift string, made on first use (concatenation builds only the bytes).
  var value: String {
    if let cachedValue { return cachedValue }
    let made = String(decoding: UnsafeBufferPointer(start: bytes, count: byteCount), as: UTF8.self)
    cachedValue = made
    return made
  }

  /// Counted once: `count` and indexing are by Unicode scalar.
  var scalars: [Unicode.Scalar] {
    if let cachedScalars { return cachedScalars }
    let made = Array(value.unicodeScalars)
    cachedScalars = made
    return made
  }

  init(_ value: String, pool: BufferPool) {
    var utf8 = value
    let count = utf8.utf8.count
    let storage = StringObject.allocateBytes(count, in: pool)
    self.pool = pool
    utf8.withUTF8 { buffer in
      if let base = buffer.baseAddress { storage.initialize(from: base, count: buffer.count) }
    }
    byteCount = count
    bytes = storage
    cachedValue = value
    super.init(kind: .string)
  }

  /// Takes ownership of `bytes` (valid UTF-8, `count` long, from `allocateBytes`).
  init(adopting bytes: UnsafeMutablePointer<UInt8>, count: Int, pool: BufferPool) {
    self.bytes = bytes
    byteCount = count
    self.pool = pool
    super.init(kind: .string)
  }

  /// Makes a dead string a new one holding `bytes`, as `init(adopting:)` would.
  func reuse(adopting bytes: UnsafeMutablePointer<UInt8>, count: Int) {
    pool.release(self.bytes, bytes: max(1, byteCount))
    self.bytes = bytes
    byteCount = count
    hasHash = false
    // Only when set: clearing a nil optional still calls into the runtime.
    if cachedValue != nil { cachedValue = nil }
    if cachedScalars != nil { cachedScalars = nil }
    isMarked = false
  }

  deinit { pool.release(bytes, bytes: max(1, byteCount)) }

  /// A byte buffer from the heap's pool.
  static func allocateBytes(_ count: Int, in pool: BufferPool) -> UnsafeMutablePointer<UInt8> {
    pool.allocate(max(1, count)).bindMemory(to: UInt8.self, capacity: max(1, count))
  }

  /// FNV-1a over the bytes, computed on first use.
  var hash: Int {
    if hasHash { return cachedHash }
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for index in 0..<byteCount {
      hash = (hash ^ UInt64(bytes[index])) &* 0x100_0000_01b3
    }
    cachedHash = Int(bitPattern: UInt(hash))
    hasHash = true
    return cachedHash
  }

  /// The UTF-8 bytes of a string value, for the dispatch loop's comparisons.
  @inline(__always)
  static func bytes(of string: Value) -> (UnsafeMutablePointer<UInt8>, Int) {
    string.withObject(as: StringObject.self) { ($0.bytes, $0.byteCount) }
  }

  override var byteSize: Int { 64 + 2 * byteCount }
}

/// A list: elements in a growable unsafe buffer (no Swift-array checks in the loop).
final class ListObject: HeapObject {
  var elements: UnsafeMutablePointer<Value>
  var count = 0
  var capacity: Int

  init(capacity: Int = 0) {
    self.capacity = max(capacity, 4)
    elements = allocateValues(self.capacity)
    super.init(kind: .list)
  }

  convenience init(_ values: [Value]) {
    self.init(capacity: values.count)
    for value in values { append(value) }
  }

  deinit { free(elements) }

  func append(_ value: Value) {
    if count == capacity { grow(to: capacity * 2) }
    elements[count] = value
    count += 1
  }

  func grow(to newCapacity: Int) {
    // Values are plain data: `realloc` may move them.
    guard let moved = realloc(elements, newCapacity * MemoryLayout<Value>.stride) else { fatalError("out of memory") }
    elements = moved.bindMemory(to: Value.self, capacity: newCapacity)
    capacity = newCapacity
  }

  func insert(_ value: Value, at index: Int) {
    if count == capacity { grow(to: capacity * 2) }
    (elements + index + 1).update(from: elements + index, count: count - index)
    elements[index] = value
    count += 1
  }

  @discardableResult
  func remove(at index: Int) -> Value {
    let removed = elements[index]
    (elements + index).update(from: elements + index + 1, count: count - index - 1)
    count -= 1
    return removed
  }

  var values: [Value] { Array(UnsafeBufferPointer(start: elements, count: count)) }

  override var byteSize: Int { 48 + capacity * MemoryLayout<Value>.stride }

  override func traceChildren(_ collector: inout GarbageCollector) {
    for index in 0..<count { collector.mark(elements[index]) }
  }
}

/// An insertion-ordered map, or (with `isSet`) a set whose elements are the keys.
///
/// Entries sit in insertion order in one buffer (key, value, hash); an open-addressing table
/// of entry indexes (probed like CPython's dict, power-of-two size) finds them. Keys hash by
/// value for numbers (ints and integral floats alike), strings, symbols and tuples, and by
/// identity for other objects (`VM.hashKey`). A removed entry leaves a tombstone (an
/// `undefined` key) so removal is O(1); the buffer is compacted when half the entries are dead.
///
/// While the keys are consecutive ints in insertion order (`[0: a, 1: b, …]`, the common
/// array-like use), the map is *dense*: only values are stored, position i holding the value
/// of key `denseBase + i`, so a lookup is an index computation and no hash table is kept
/// (Lua's array part, without losing order).
final class MapObject: HeapObject {
  /// One entry: key, value and hash side by side (one cache line to touch per hit). The
  /// hash is kept to 32 bits, which fit in the key's padding: an entry is 32 bytes.
  struct Entry {
    var key: Value
    var value: Value
    var hash: Int32
  }

  // Two representations. Dense: the keys are the consecutive ints `denseBase`,
  // `denseBase + 1`, … in insertion order, so only the values are stored (16 bytes a key,
  // like Lua's array part; `.undefined` marks a removed key) and there is no table. Hashed:
  // `entries` in insertion order, indexed by `table`. A map starts dense and becomes hashed
  // for good at its first key that does not extend the run.
  //
  // Unsafe buffers, not Swift arrays: class-property arrays pay exclusivity and uniqueness
  // checks on every probe, which cost more than the lookup itself.
  private var isDense = true
  /// Dense mode: the values.
  private var denseValues: UnsafeMutablePointer<Value>
  private var denseBase: Int64 = 0
  /// Dense mode: how many values at the front are removed ones (removing keys in order
  /// leaves a run of them, which compaction then drops with one move).
  private var deadPrefix = 0
  /// Hashed mode: the entries (unallocated while dense).
  private var entries: UnsafeMutablePointer<Entry>?
  /// Slots allocated in whichever buffer the mode uses.
  private var capacity: Int
  /// Positions used so far (values or entries), removed ones included.
  private(set) var entryCount = 0
  /// Hashed mode: entry index + 1 per table slot; 0 empty, -1 a deleted entry's slot.
  private var table: UnsafeMutablePointer<Int32>?
  private var tableSize = 0
  private(set) var count = 0
  /// The VM, for hashing and comparing keys; unretained (a reference held as `unowned`
  /// would still be retained around every call made through it).
  private let vm: Unmanaged<VM>

  init(vm: VM, isSet: Bool = false) {
    self.vm = Unmanaged.passUnretained(vm)
    capacity = 4
    denseValues = malloc(4 * MemoryLayout<Value>.stride)!.bindMemory(to: Value.self, capacity: 4)
    super.init(kind: isSet ? .set : .map)
  }

  deinit {
    free(denseValues)
    free(entries)
    table?.deallocate()
  }

  /// The key and value at a position, or nil for a removed one.
  @inline(__always)
  private func liveEntry(at position: Int) -> (key: Value, value: Value)? {
    if isDense {
      let value = denseValues[position]
      return value.tag == .undefined ? nil : (.int(denseBase &+ Int64(position)), value)
    }
    let entry = entries.unsafelyUnwrapped[position]
    return entry.key.tag == .undefined ? nil : (entry.key, entry.value)
  }

  /// Live keys and values, in insertion order.
  var keys: [Value] { (0..<entryCount).compactMap { liveEntry(at: $0)?.key } }
  var values: [Value] { (0..<entryCount).compactMap { liveEntry(at: $0)?.value } }

  /// The first live entry at or after `position` and the position after it.
  func entry(from position: Int) -> (key: Value, value: Value, next: Int)? {
    var position = position
    while position < entryCount {
      if let (key, value) = liveEntry(at: position) { return (key, value, position + 1) }
      position += 1
    }
    return nil
  }

  /// The table slot holding `key`, or nil; `hash` is `vm.hashKey(key)`. Probing follows
  /// CPython's dict: the first slot is the hash's low bits (so consecutive int keys land in
  /// consecutive slots), later ones mix in the high bits so regular keys do not cluster.
  private func find(_ key: Value, hash: Int) -> Int? {
    let table = table.unsafelyUnwrapped
    let entries = entries.unsafelyUnwrapped
    let mask = tableSize - 1
    var perturb = UInt(bitPattern: hash)
    var slot = hash & mask
    while true {
      let index = Int(table[slot])
      if index == 0 { return nil }
      if index > 0 {
        let entry = entries + (index - 1)
        if Int(entry.pointee.hash) == hash && vm._withUnsafeGuaranteedRef({ $0.keysEqual(entry.pointee.key, key) }) {
          return slot
        }
      }
      perturb >>= 5
      slot = (slot &* 5 &+ 1 &+ Int(bitPattern: perturb)) & mask
    }
  }

  /// The hash that places `key` in the table: `VM.hashKey`, kept to 32 bits.
  private func slotHash(_ key: Value) -> Int {
    Int(Int32(truncatingIfNeeded: vm._withUnsafeGuaranteedRef { $0.hashKey(key) }))
  }

  /// In dense mode: the position of an int key (or a float equal to one) within the run.
  @inline(__always)
  private func densePosition(_ key: Value) -> Int? {
    let intKey: Int64
    if key.tag == .int {
      intKey = key.asInt
    } else if key.tag == .float, let exact = Int64(exactly: key.asFloat) {
      intKey = exact
    } else {
      return nil
    }
    // Wrapping is safe: an offset in range means `intKey` is a key of the run.
    let offset = intKey &- denseBase
    guard offset >= 0, offset < Int64(entryCount) else { return nil }
    return Int(offset)
  }

  /// Inlined where it is called, so a dense map's lookup is a few instructions; the
  /// hashed lookup stays out of line.
  @inline(__always)
  func get(_ key: Value) -> Value? {
    if isDense {
      guard let position = densePosition(key) else { return nil }
      let value = denseValues[position]
      return value.tag == .undefined ? nil : value
    }
    return hashedGet(key)
  }

  @inline(never)
  private func hashedGet(_ key: Value) -> Value? {
    guard let slot = find(key, hash: slotHash(key)) else { return nil }
    return entries.unsafelyUnwrapped[Int(table.unsafelyUnwrapped[slot]) - 1].value
  }

  /// Inlined where it is called: a dense map's update, or an append that extends its run,
  /// stores in place; anything else goes to `insert`.
  @inline(__always)
  func set(_ key: Value, _ value: Value) {
    if isDense && key.tag == .int {
      let offset = key.asInt &- denseBase
      if offset >= 0 && offset < Int64(entryCount) && denseValues[Int(offset)].tag != .undefined {
        denseValues[Int(offset)] = value
        return
      }
      if offset == Int64(entryCount) && entryCount > 0 && entryCount < capacity {
        denseValues[entryCount] = value
        entryCount += 1
        count += 1
        return
      }
    }
    insert(key, value)
  }

  @inline(never)
  private func insert(_ key: Value, _ value: Value) {
    if isDense {
      if let position = densePosition(key), denseValues[position].tag != .undefined {
        denseValues[position] = value
        return
      }
      if key.tag == .int && (entryCount == 0 || denseBase &+ Int64(entryCount) == key.asInt) {
        if entryCount == 0 { denseBase = key.asInt }
        if entryCount == capacity { growStorage(to: max(8, capacity * 2)) }
        denseValues[entryCount] = value
        entryCount += 1
        count += 1
        return
      }
      // Any other key ends the run: index every entry in the hash table from now on.
      becomeHashed()
    }
    // An int hashes as itself (`VM.hashKey`): no call for the common case.
    let hash = key.tag == .int ? Int(Int32(truncatingIfNeeded: key.asInt)) : slotHash(key)
    if let slot = find(key, hash: hash) {
      entries.unsafelyUnwrapped[Int(table.unsafelyUnwrapped[slot]) - 1].value = value
      return
    }
    if (entryCount + 1) * 3 > tableSize * 2 || entryCount == capacity {
      rebuild(capacity: max(8, (count + 1) * 2))
    }
    (entries.unsafelyUnwrapped + entryCount).initialize(
      to: Entry(key: key, value: value, hash: Int32(truncatingIfNeeded: hash)))
    place(entryCount, hash: hash)
    entryCount += 1
    count += 1
  }

  private func place(_ index: Int, hash: Int) {
    let table = table.unsafelyUnwrapped
    let mask = tableSize - 1
    var perturb = UInt(bitPattern: hash)
    var slot = hash & mask
    while table[slot] > 0 {
      perturb >>= 5
      slot = (slot &* 5 &+ 1 &+ Int(bitPattern: perturb)) & mask
    }
    table[slot] = Int32(truncatingIfNeeded: index + 1)
  }

  @discardableResult
  func remove(_ key: Value) -> Value? {
    if isDense {
      guard let position = densePosition(key), denseValues[position].tag != .undefined else { return nil }
      let removed = denseValues[position]
      denseValues[position] = .undefined
      count -= 1
      if count == 0 {
        entryCount = 0
        deadPrefix = 0
        return removed
      }
      // Keep the removed values at either end out of the way: the front ones counted, the
      // back ones dropped (the next key of the run goes where they were).
      if position == deadPrefix {
        while denseValues[deadPrefix].tag == .undefined { deadPrefix += 1 }
      }
      if position == entryCount - 1 {
        while denseValues[entryCount - 1].tag == .undefined { entryCount -= 1 }
      }
      if entryCount > 32 && count < entryCount / 2 { compactDense() }
      return removed
    }
    guard let slot = find(key, hash: slotHash(key)) else { return nil }
    let entries = entries.unsafelyUnwrapped
    let index = Int(table.unsafelyUnwrapped[slot]) - 1
    let removed = entries[index].value
    table.unsafelyUnwrapped[slot] = -1
    entries[index].key = .undefined
    entries[index].value = .null
    count -= 1
    if entryCount > 32 && count < entryCount / 2 { rebuild(capacity: max(8, count * 2)) }
    return removed
  }

  /// Drops the removed values of a dense map. When the live ones are one block (keys
  /// removed only from the ends) it moves down in one go; otherwise the keys are no longer
  /// one run and the map becomes hashed.
  private func compactDense() {
    if deadPrefix + count == entryCount {
      denseValues.update(from: denseValues + deadPrefix, count: count)
      denseBase &+= Int64(deadPrefix)
      entryCount = count
      deadPrefix = 0
    } else {
      becomeHashed()
    }
  }

  /// Leaves dense mode: the live keys and values become entries (removed ones dropped) and
  /// are indexed in a new table.
  private func becomeHashed() {
    let newCapacity = max(8, (count + 1) * 2)
    let grown = malloc(newCapacity * MemoryLayout<Entry>.stride)!.bindMemory(to: Entry.self, capacity: newCapacity)
    var live = 0
    for position in 0..<entryCount where denseValues[position].tag != .undefined {
      let key = denseBase &+ Int64(position)
      (grown + live).initialize(
        to: Entry(key: .int(key), value: denseValues[position], hash: Int32(truncatingIfNeeded: key)))
      live += 1
    }
    free(denseValues)
    denseValues = malloc(MemoryLayout<Value>.stride)!.bindMemory(to: Value.self, capacity: 1)
    isDense = false
    entries = grown
    capacity = newCapacity
    entryCount = live
    deadPrefix = 0
    reindex()
  }

  /// Hashed mode: drops dead entries, grows the entry buffer to `capacity` and re-indexes.
  private func rebuild(capacity newCapacity: Int) {
    let entries = entries.unsafelyUnwrapped
    var live = 0
    for index in 0..<entryCount where entries[index].key.tag != .undefined {
      entries[live] = entries[index]
      live += 1
    }
    entryCount = live
    if newCapacity > capacity { growStorage(to: newCapacity) }
    reindex()
  }

  /// A table at most two-thirds full for the entry buffer, filled from the entries.
  private func reindex() {
    var size = 8
    while size * 2 < capacity * 3 { size *= 2 }
    if size != tableSize || table == nil {
      table?.deallocate()
      table = .allocate(capacity: size)
      tableSize = size
    }
    table.unsafelyUnwrapped.initialize(repeating: 0, count: size)
    let entries = entries.unsafelyUnwrapped
    for index in 0..<entryCount { place(index, hash: Int(entries[index].hash)) }
  }

  /// The buffers are plain data: `realloc` may move them, and for a large buffer it remaps
  /// pages instead of copying.
  private func growStorage(to newCapacity: Int) {
    if isDense {
      guard let grown = realloc(denseValues, newCapacity * MemoryLayout<Value>.stride) else {
        fatalError("out of memory")
      }
      denseValues = grown.bindMemory(to: Value.self, capacity: newCapacity)
    } else {
      guard let grown = realloc(entries, newCapacity * MemoryLayout<Entry>.stride) else { fatalError("out of memory") }
      entries = grown.bindMemory(to: Entry.self, capacity: newCapacity)
    }
    capacity = newCapacity
  }

  override var byteSize: Int {
    64 + capacity * (isDense ? MemoryLayout<Value>.stride : MemoryLayout<Entry>.stride) + tableSize * 4
  }

  override func traceChildren(_ collector: inout GarbageCollector) {
    if isDense {
      for position in 0..<entryCount { collector.mark(denseValues[position]) }
      return
    }
    let entries = entries.unsafelyUnwrapped
    for index in 0..<entryCount {
      collector.mark(entries[index].key)
      collector.mark(entries[index].value)
    }
  }
}

final class TupleObject: HeapObject {
  let elements: [Value]

  init(_ elements: [Value]) {
    self.elements = elements
    super.init(kind: .tuple)
  }

  override var byteSize: Int { 32 + elements.count * 16 }

  override func traceChildren(_ collector: inout GarbageCollector) {
    for element in elements { collector.mark(element) }
  }
}

/// A range value `a..<b` / `a...b` (integers), with a step from `.step(n)`.
final class RangeObject: HeapObject {
  let lower: Int64
  let upper: Int64
  let isClosed: Bool
  let step: Int64

  init(lower: Int64, upper: Int64, isClosed: Bool, step: Int64 = 1) {
    self.lower = lower
    self.upper = upper
    self.isClosed = isClosed
    self.step = step
    super.init(kind: .range)
  }
}

/// A per-instruction inline cache for member access on instances: the class it last saw
/// (by serial number, never reused) and where the member was.
struct MemberCache {
  var classSerial = 0
  /// Field slot, for field reads and writes.
  var slot = 0
  /// The method closure, for `invoke`.
  var method: Unmanaged<ClosureObject>?
}

/// A loaded function prototype: bytecode and constants in unsafe buffers the loop reads
/// directly, plus debug information for errors and stack traces.
final class FunctionObject: HeapObject {
  let code: UnsafeMutablePointer<UInt32>
  let codeCount: Int
  let constants: UnsafeMutablePointer<Value>
  let constantCount: Int
  let prototypes: [FunctionObject]
  let upvalues: [UpvalueDescriptor]
  let name: String
  let sourceName: String
  let lines: [Int32]
  let columns: [Int32]
  let handlers: [ExceptionHandler]
  /// One inline cache per instruction (only member instructions use theirs).
  let caches: UnsafeMutablePointer<MemberCache>
  let parameterCount: Int
  let registerCount: Int
  let requiredCount: Int
  let hasRest: Bool
  let parameterNames: [String]
  let parameterHasDefault: [Bool]
  /// The module whose globals this function's code reads and writes.
  let module: ModuleObject
  let isMethod: Bool

  init(proto: Prototype, constants: [Value], prototypes: [FunctionObject], module: ModuleObject) {
    self.module = module
    code = .allocate(capacity: max(1, proto.code.count))
    code.initialize(from: proto.code, count: proto.code.count)
    codeCount = proto.code.count
    self.constants = .allocate(capacity: max(1, constants.count))
    self.constants.initialize(from: constants, count: constants.count)
    constantCount = constants.count
    self.prototypes = prototypes
    upvalues = proto.upvalues
    name = proto.name
    sourceName = proto.sourceName
    lines = proto.lines
    columns = proto.columns
    handlers = proto.handlers
    caches = .allocate(capacity: max(1, proto.code.count))
    caches.initialize(repeating: MemberCache(), count: max(1, proto.code.count))
    parameterCount = proto.parameterCount
    registerCount = proto.registerCount
    requiredCount = proto.requiredCount
    hasRest = proto.hasRest
    parameterNames = proto.parameterNames
    parameterHasDefault = proto.parameterHasDefault
    isMethod = proto.isMethod
    super.init(kind: .function)
  }

  deinit {
    code.deallocate()
    constants.deallocate()
    caches.deallocate()
  }

  override var byteSize: Int { 128 + codeCount * 8 + constantCount * 16 }

  override func traceChildren(_ collector: inout GarbageCollector) {
    for index in 0..<constantCount { collector.mark(constants[index]) }
    for child in prototypes { collector.mark(.object(child)) }
    collector.mark(.object(module))
  }
}

/// A captured variable: open (still a register of a live frame, addressed by stack index so
/// the stack may move) or closed (holding its own value).
final class UpvalueObject: HeapObject {
  var stackIndex: Int
  /// The fiber whose stack holds the variable while it is open.
  unowned(unsafe) let fiber: Fiber
  var closedValue = Value.null
  var isOpen = true
  /// Next open upvalue, at a lower stack index (the fiber's list is sorted high to low).
  var nextOpen: UpvalueObject?

  init(stackIndex: Int, fiber: Fiber) {
    self.stackIndex = stackIndex
    self.fiber = fiber
    super.init(kind: .upvalue)
  }

  override func traceChildren(_ collector: inout GarbageCollector) {
    if isOpen {
      // An open variable lives in its fiber's stack: keep that fiber alive.
      if let owner = fiber.object { collector.mark(.object(owner)) }
    } else {
      collector.mark(closedValue)
    }
  }
}

/// A fiber as a script value (`Fiber(fn)`): owns its `Fiber` state.
/// `effect Name { fn op(params) … }`: its operations by symbol id, with their arities.
final class EffectObject: HeapObject {
  let name: String
  let operations: [Int: (name: String, arity: Int)]
  /// Unique for the VM's lifetime (unlike the object's address): handlers and `perform`'s
  /// cache identify the effect by it.
  let serial: Int

  init(name: String, operations: [Int: (name: String, arity: Int)], serial: Int) {
    self.name = name
    self.operations = operations
    self.serial = serial
    super.init(kind: .effect)
  }
}

/// A one-shot continuation: the handled computation suspended at a `perform`, from the
/// performing fiber up to the `handle`'s boundary fiber, detached from everything outside.
final class ContinuationObject: HeapObject {
  let boundaryObject: FiberObject
  /// The boundary fiber, unretained, for the resume path (`boundaryObject` owns it).
  let boundary: Unmanaged<Fiber>
  /// From a `raw` clause: never finalised automatically (SEMANTICS H11).
  let isRaw: Bool
  /// Resumed, discontinued or finalised already: a second use is an error (H6).
  var isUsed = false

  init(boundary: FiberObject, isRaw: Bool) {
    boundaryObject = boundary
    self.boundary = Unmanaged.passUnretained(boundary.state)
    self.isRaw = isRaw
    super.init(kind: .continuation)
  }

  override func traceChildren(_ collector: inout GarbageCollector) {
    collector.mark(.object(boundaryObject))
  }
}

final class FiberObject: HeapObject {
  let state: Fiber

  init(state: Fiber) {
    self.state = state
    super.init(kind: .fiber)
    state.object = self
  }

  override var byteSize: Int { 256 + state.stackCapacity * 16 }

  override func traceChildren(_ collector: inout GarbageCollector) {
    state.markRoots(&collector)
  }
}

final class ClosureObject: HeapObject {
  let function: FunctionObject
  var upvalues: [UpvalueObject]
  // Copies of the function's trivial fields, so a call reads them without touching the
  // function object's reference count.
  let code: UnsafeMutablePointer<UInt32>
  let constants: UnsafeMutablePointer<Value>
  let caches: UnsafeMutablePointer<MemberCache>
  /// The argument count a call can take without adjusting (defaults, rest); -1 for never.
  let fastArity: Int
  let registerCount: Int
  unowned(unsafe) let module: ModuleObject

  /// The member cache of the instruction before `ip` (the one running): caches run parallel
  /// to the code.
  @inline(__always)
  func cache(before ip: UnsafeMutablePointer<UInt32>) -> UnsafeMutablePointer<MemberCache> {
    caches + (code.distance(to: ip) &- 1)
  }

  /// For a method: the class that defines it (where `super` starts looking). Kept alive by
  /// the collector (traced below), so no reference count is needed.
  unowned(unsafe) var owner: ClassObject?

  init(function: FunctionObject, upvalues: [UpvalueObject]) {
    self.function = function
    module = function.module
    self.upvalues = upvalues
    code = function.code
    constants = function.constants
    caches = function.caches
    fastArity = function.hasRest || function.requiredCount != function.parameterCount ? -1 : function.parameterCount
    registerCount = function.registerCount
    super.init(kind: .closure)
  }

  override var byteSize: Int { 48 + upvalues.count * 8 }

  override func traceChildren(_ collector: inout GarbageCollector) {
    collector.mark(.object(function))
    for upvalue in upvalues { collector.mark(.object(upvalue)) }
    if let owner { collector.mark(.object(owner)) }
  }
}

/// A function written in Swift.
final class NativeFunctionObject: HeapObject {
  let name: String
  /// Accepted argument counts.
  let arity: ClosedRange<Int>
  let body: (VM, [Value]) throws(RuntimeError) -> Value
  /// For natives that name a type (`Int`, `String`, `KeyError`, …): the type `x is T` tests.
  var instanceType: String?
  /// Parameter names, for natives that take named arguments (`Fiber(f, catches: …)`).
  var parameterNames: [String] = []
  /// Script values the body refers to (the collector must keep them).
  var captures: [Value] = []
  /// Members read off the function itself (`Fiber.current`), or nil.
  var staticMember: ((VM, String) -> Value?)?
  /// For `math.sqrt` and its kind: the same function of one number, which a call can run
  /// without building an argument array.
  var floatFunction: ((Double) -> Double)?

  init(name: String, arity: ClosedRange<Int>, body: @escaping (VM, [Value]) throws(RuntimeError) -> Value) {
    self.name = name
    self.arity = arity
    self.body = body
    super.init(kind: .native)
  }

  override func traceChildren(_ collector: inout GarbageCollector) {
    for value in captures { collector.mark(value) }
  }
}

/// A method taken as a value (`let f = xs.append`, `let g = dog.speak`): a built-in
/// method by name, or a script method closure, with its receiver.
final class BoundMethodObject: HeapObject {
  let receiver: Value
  let name: String
  let method: ClosureObject?

  init(receiver: Value, name: String, method: ClosureObject? = nil) {
    self.receiver = receiver
    self.name = name
    self.method = method
    super.init(kind: .boundMethod)
  }

  override func traceChildren(_ collector: inout GarbageCollector) {
    collector.mark(receiver)
    if let method { collector.mark(.object(method)) }
  }
}

/// A class: its fields (fixed slots, inherited ones first) and its methods (inherited ones
/// copied down when the class is made, so a lookup is one dictionary probe).
final class ClassObject: HeapObject {
  /// Plain classes; records and enum cases are immutable values compared field by field.
  enum Flavor {
    case plain, record, enumType, enumCase
  }

  let name: String
  var flavor = Flavor.plain
  /// For an enum: its cases by name (a payload-free case is its single instance, a case with
  /// a payload its class).
  var cases: [String: Value] = [:]
  var isValueType: Bool { flavor == .record || flavor == .enumCase }
  /// Unique per class for the VM's lifetime (inline caches compare it, not addresses,
  /// which a collected class could pass on to a new one).
  let serial: Int
  let superclass: ClassObject?
  private(set) var fieldNames: [String]
  /// `fieldNames.count`, read on every construction (without the array's access check).
  private(set) var fieldCount: Int
  private(set) var fieldIndex: [String: Int]
  /// Methods by key: `name`, `init`, `get:x`, `set:x`, `static:x`, `op:+`.
  var methods: [String: ClosureObject] {
    didSet { initializer = methods["init"] }
  }
  /// `methods["init"]`, looked up once.
  private(set) var initializer: ClosureObject?
  /// The built-in error type at the root of the hierarchy (`Error`, `KeyError`, …), if any:
  /// instances of such classes are errors.
  let errorBase: String?

  init(name: String, superclass: ClassObject?, errorBase: String?, serial: Int) {
    self.name = name
    self.serial = serial
    self.superclass = superclass
    fieldNames = superclass?.fieldNames ?? (errorBase != nil ? ["message", "stackTrace"] : [])
    fieldCount = fieldNames.count
    fieldIndex = superclass?.fieldIndex ?? (errorBase != nil ? ["message": 0, "stackTrace": 1] : [:])
    methods = superclass?.methods ?? [:]
    initializer = superclass?.initializer
    self.errorBase = errorBase ?? superclass?.errorBase
    super.init(kind: .classObject)
  }

  func addField(_ name: String) {
    guard fieldIndex[name] == nil else { return }
    fieldIndex[name] = fieldNames.count
    fieldNames.append(name)
    fieldCount = fieldNames.count
  }

  func isSubclass(of other: ClassObject) -> Bool {
    var current: ClassObject? = self
    while let candidate = current {
      if candidate === other { return true }
      current = candidate.superclass
    }
    return false
  }

  override func traceChildren(_ collector: inout GarbageCollector) {
    if let superclass { collector.mark(.object(superclass)) }
    for method in methods.values { collector.mark(.object(method)) }
    for value in cases.values { collector.mark(value) }
  }
}

/// A buffer for `count` values from `malloc` (freed with `free`): Swift's `allocate` takes
/// the aligned allocator here, which costs several times more per call.
func allocateValues(_ count: Int) -> UnsafeMutablePointer<Value> {
  let bytes = max(1, count) * MemoryLayout<Value>.stride
  guard let raw = malloc(bytes) else { fatalError("out of memory") }
  return raw.bindMemory(to: Value.self, capacity: max(1, count))
}

/// An instance of a script class: a fixed array of field slots.
final class InstanceObject: HeapObject {
  /// Kept alive by the collector (traced below): no reference counting per instance.
  /// Variables only so that the heap can recycle a dead instance (`reuse(for:)`).
  private(set) unowned(unsafe) var cls: ClassObject
  private(set) var classSerial: Int
  private(set) var fields: UnsafeMutablePointer<Value>
  private(set) var fieldCount: Int
  /// Owns `fields` (the heap's pool outlives every object).
  unowned(unsafe) let pool: BufferPool

  init(cls: ClassObject, pool: BufferPool) {
    self.cls = cls
    classSerial = cls.serial
    fieldCount = cls.fieldCount
    self.pool = pool
    fields = pool.allocate(max(1, fieldCount) * MemoryLayout<Value>.stride).bindMemory(
      to: Value.self, capacity: max(1, fieldCount))
    fields.initialize(repeating: .null, count: fieldCount)
    super.init(kind: .instance)
  }

  /// Makes a dead instance a new one of `cls`, as `init` would (the heap recycles
  /// instances: freeing a Swift object and allocating another cost far more).
  func reuse(for cls: ClassObject) {
    if cls.fieldCount != fieldCount {
      pool.release(fields, bytes: max(1, fieldCount) * MemoryLayout<Value>.stride)
      fieldCount = cls.fieldCount
      fields = pool.allocate(max(1, fieldCount) * MemoryLayout<Value>.stride).bindMemory(
        to: Value.self, capacity: max(1, fieldCount))
    }
    self.cls = cls
    classSerial = cls.serial
    fields.update(repeating: .null, count: fieldCount)
    isMarked = false
  }

  deinit { pool.release(fields, bytes: max(1, fieldCount) * MemoryLayout<Value>.stride) }

  override var byteSize: Int { 48 + fieldCount * 16 }

  override func traceChildren(_ collector: inout GarbageCollector) {
    collector.mark(.object(cls))
    for index in 0..<fieldCount { collector.mark(fields[index]) }
  }
}

/// An integer outside the 64-bit range. Results that fit in 64 bits are always turned back
/// into plain ints, so a bigint value is never small.
final class BigIntegerObject: HeapObject {
  let value: BigInt

  init(_ value: BigInt) {
    self.value = value
    super.init(kind: .bigInteger)
  }

  override var byteSize: Int { 48 + value.words.count * 8 }
}

/// An error value: `Error("message")`, a built-in error type, or an error raised by the VM.
final class ErrorObject: HeapObject {
  let typeName: String
  let message: String
  var stackTrace: String

  init(typeName: String, message: String, stackTrace: String = "") {
    self.typeName = typeName
    self.message = message
    self.stackTrace = stackTrace
    super.init(kind: .error)
  }
}

/// A module: one file (or a built-in library) and its namespace of global slots.
///
/// Slots live in an unsafe buffer the dispatch loop indexes directly (the compiler resolved
/// every global name to a slot). Names starting with `_` are private to the module.
final class ModuleObject: HeapObject {
  /// As it was imported (`./util.tern`, `math`), or `<main>`.
  let name: String
  /// The file it came from, for resolving its own relative imports.
  var path: String?
  private(set) var slots: UnsafeMutablePointer<Value>
  private var capacity: Int
  private(set) var names: [String] = []
  private var slotIndex: [String: Int] = [:]
  /// True while its top-level code runs (an import reaching it again is a cycle).
  var isLoading = false

  init(name: String, path: String?) {
    self.name = name
    self.path = path
    capacity = 64
    slots = .allocate(capacity: capacity)
    super.init(kind: .module)
  }

  deinit { slots.deallocate() }

  /// Adds slots for new names, with their values (or undefined until assigned).
  func define(names newNames: [String], values: [Value]?) {
    if names.count + newNames.count > capacity {
      var newCapacity = capacity
      while newCapacity < names.count + newNames.count { newCapacity *= 2 }
      let newSlots = UnsafeMutablePointer<Value>.allocate(capacity: newCapacity)
      newSlots.update(from: slots, count: names.count)
      slots.deallocate()
      slots = newSlots
      capacity = newCapacity
    }
    for (offset, name) in newNames.enumerated() {
      slots[names.count] = values?[offset] ?? .undefined
      slotIndex[name] = names.count
      names.append(name)
    }
  }

  func slot(named name: String) -> Int? { slotIndex[name] }

  override var byteSize: Int { 96 + capacity * 16 }

  override func traceChildren(_ collector: inout GarbageCollector) {
    for index in 0..<names.count { collector.mark(slots[index]) }
  }
}
