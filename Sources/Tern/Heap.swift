import Foundation

/// Owns every heap object and frees the unreachable ones with a tracing mark-sweep
/// collector.
///
/// Objects live in one unsafe buffer of retained references (the only strong references to
/// them: a plain buffer, because an array would cost an exclusivity check on every
/// allocation); values point at them by unmanaged bits. Collection happens only inside
/// `allocate`, when the bytes allocated since the last collection pass `threshold` (or on
/// every allocation in stress mode); the threshold then grows to twice the surviving bytes,
/// as in Lua and Wren. The VM supplies the roots.
final class Heap {
  private var objects: UnsafeMutablePointer<Unmanaged<HeapObject>>
  private var capacity = 1024
  /// Live objects (after the last collection) plus those allocated since.
  private(set) var objectCount = 0
  private(set) var liveBytes = 0
  private var allocatedSinceCollection = 0
  var threshold = 1 << 20
  /// Collect on every allocation (`TERN_GC_STRESS=1` or `VM.Options.gcStress`).
  var stressMode = false
  /// Marks every root; set by the VM.
  var markRoots: (inout GarbageCollector) -> Void = { _ in }
  private(set) var collections = 0
  private(set) var freedObjects = 0
  /// Where instances and strings get their buffers.
  let pool = BufferPool()
  /// Dead instances and strings kept for reuse (`makeInstance`, `makeString`), each
  /// retained, at most `maximumSpares` of each.
  private var spares: UnsafeMutablePointer<Unmanaged<InstanceObject>>
  private var spareCount = 0
  private var spareStrings: UnsafeMutablePointer<Unmanaged<StringObject>>
  private var spareStringCount = 0
  private static let maximumSpares = 1 << 16

  init() {
    objects = .allocate(capacity: capacity)
    spares = .allocate(capacity: Self.maximumSpares)
    spareStrings = .allocate(capacity: Self.maximumSpares)
  }

  deinit {
    for index in 0..<objectCount { objects[index].release() }
    objects.deallocate()
    for index in 0..<spareCount { spares[index].release() }
    spares.deallocate()
    for index in 0..<spareStringCount { spareStrings[index].release() }
    spareStrings.deallocate()
  }

  /// A new string holding `bytes` (from `StringObject.allocateBytes`): a recycled dead one
  /// when there is one.
  func makeString(adopting bytes: UnsafeMutablePointer<UInt8>, count: Int) -> Value {
    guard spareStringCount > 0 else {
      return .object(allocate(StringObject(adopting: bytes, count: count, pool: pool)))
    }
    spareStringCount -= 1
    // Used unretained and returned as bits: a recycled string costs no reference counting.
    let spare = spareStrings[spareStringCount]
    spare._withUnsafeGuaranteedRef {
      $0.reuse(adopting: bytes, count: count)
      register($0)
    }
    return Value(payload: UInt64(UInt(bitPattern: spare.toOpaque())), tag: .object)
  }

  /// A new instance of `cls`: a recycled dead one when there is one.
  func makeInstance(of cls: ClassObject) -> InstanceObject {
    unsafeDowncast(makeInstanceValue(of: cls).object, to: InstanceObject.self)
  }

  /// `makeInstance` as a value: a recycled instance costs no reference counting.
  func makeInstanceValue(of cls: ClassObject) -> Value {
    guard spareCount > 0 else { return .object(allocate(InstanceObject(cls: cls, pool: pool))) }
    spareCount -= 1
    let spare = spares[spareCount]
    spare._withUnsafeGuaranteedRef {
      $0.reuse(for: cls)
      register($0)
    }
    return Value(payload: UInt64(UInt(bitPattern: spare.toOpaque())), tag: .object)
  }

  /// Registers a new object, possibly collecting first.
  @discardableResult
  func allocate<T: HeapObject>(_ object: T) -> T {
    register(object, isRecycled: false)
    return object
  }

  /// Puts an object on the object list, possibly collecting first. A recycled one brings
  /// its retain from the spares; a new one is retained here.
  @inline(__always)
  private func register(_ object: HeapObject, isRecycled: Bool = true) {
    let size = object.byteSize
    allocatedSinceCollection &+= size
    if stressMode || allocatedSinceCollection > threshold {
      collect(keeping: object)
    }
    if objectCount == capacity { grow() }
    objects[objectCount] = isRecycled ? Unmanaged.passUnretained(object) : Unmanaged.passRetained(object)
    objectCount &+= 1
    liveBytes &+= size
  }

  /// Keeps a dead instance for `makeInstance` when nothing else holds it (no Swift strong
  /// reference besides the heap's own); true when it was kept.
  private func recycle(_ reference: Unmanaged<HeapObject>) -> Bool {
    let kind = reference._withUnsafeGuaranteedRef { $0.kind }
    let hasRoom =
      kind == .instance ? spareCount < Self.maximumSpares : kind == .string && spareStringCount < Self.maximumSpares
    guard hasRoom else { return false }
    var object = reference.takeRetainedValue()
    guard isKnownUniquelyReferenced(&object) else {
      // Someone else holds it: give the heap's reference back, and free as usual.
      _ = Unmanaged.passRetained(object)
      return false
    }
    if kind == .instance {
      spares[spareCount] = Unmanaged.passRetained(unsafeDowncast(object, to: InstanceObject.self))
      spareCount += 1
    } else {
      spareStrings[spareStringCount] = Unmanaged.passRetained(unsafeDowncast(object, to: StringObject.self))
      spareStringCount += 1
    }
    return true
  }

  private func grow() {
    let larger = UnsafeMutablePointer<Unmanaged<HeapObject>>.allocate(capacity: capacity * 2)
    larger.moveInitialize(from: objects, count: objectCount)
    objects.deallocate()
    objects = larger
    capacity *= 2
  }

  /// Marks from the roots, then frees every unmarked object, compacting the survivors.
  func collect(keeping extra: HeapObject? = nil) {
    var collector = GarbageCollector()
    markRoots(&collector)
    if let extra { collector.mark(.object(extra)) }
    collector.drain()
    var kept = 0
    var bytes = 0
    for index in 0..<objectCount {
      let reference = objects[index]
      let survives = reference._withUnsafeGuaranteedRef { object in
        guard object.isMarked else { return false }
        object.isMarked = false
        bytes += object.byteSize
        return true
      }
      if survives {
        objects[kept] = reference
        kept += 1
      } else if recycle(reference) {
        // Kept as a spare instance: its retain moved to `spares`.
      } else {
        // Dropping the only strong reference frees the object.
        reference.release()
      }
    }
    freedObjects += objectCount - kept
    objectCount = kept
    if let extra { extra.isMarked = false }
    liveBytes = bytes
    allocatedSinceCollection = 0
    threshold = max(1 << 20, bytes * 2)
    collections += 1
  }
}

/// The mark phase: a gray stack, so deep structures never recurse on the Swift stack.
struct GarbageCollector {
  /// Unretained: every object is owned by the heap's buffer for the whole collection.
  private var gray: [Unmanaged<HeapObject>] = []

  mutating func mark(_ value: Value) {
    guard value.tag == .object else { return }
    let reference = Unmanaged<HeapObject>.fromOpaque(UnsafeRawPointer(bitPattern: UInt(value.payload))!)
    let isNew = reference._withUnsafeGuaranteedRef { object in
      if object.isMarked { return false }
      object.isMarked = true
      return true
    }
    if isNew { gray.append(reference) }
  }

  mutating func drain() {
    while let reference = gray.popLast() {
      reference._withUnsafeGuaranteedRef { $0.traceChildren(&self) }
    }
  }
}

/// Small buffers for heap objects (instance fields, string bytes): carved from 64 KiB slabs
/// and recycled through one free list per 16-byte size class up to 128 bytes. `malloc` and
/// `free` cost several times more per call, and programs make and drop these by the
/// million. Larger buffers go to `malloc`. A buffer returns here when its object is freed;
/// the slabs go when the pool does (with the VM).
final class BufferPool {
  static let largest = 128
  private let freeLists = UnsafeMutablePointer<UnsafeMutableRawPointer?>.allocate(capacity: 8)
  private var slabs: [UnsafeMutableRawPointer] = []
  private var cursor: UnsafeMutableRawPointer?
  private var remaining = 0

  init() { freeLists.initialize(repeating: nil, count: 8) }

  deinit {
    for slab in slabs { free(slab) }
    freeLists.deallocate()
  }

  /// Rounded up to the size class: what a buffer of `bytes` takes.
  @inline(__always)
  static func size(_ bytes: Int) -> Int { max(16, (bytes + 15) & ~15) }

  func allocate(_ bytes: Int) -> UnsafeMutableRawPointer {
    let size = Self.size(bytes)
    guard size <= Self.largest else {
      guard let raw = malloc(size) else { fatalError("out of memory") }
      return raw
    }
    let list = freeLists + (size >> 4 - 1)
    if let head = list.pointee {
      list.pointee = head.load(as: UnsafeMutableRawPointer?.self)
      return head
    }
    if remaining < size {
      guard let slab = malloc(1 << 16) else { fatalError("out of memory") }
      slabs.append(slab)
      cursor = slab
      remaining = 1 << 16
    }
    let chunk = cursor!
    cursor = chunk + size
    remaining -= size
    return chunk
  }

  func release(_ buffer: UnsafeMutableRawPointer, bytes: Int) {
    let size = Self.size(bytes)
    guard size <= Self.largest else {
      free(buffer)
      return
    }
    let list = freeLists + (size >> 4 - 1)
    buffer.storeBytes(of: list.pointee, as: UnsafeMutableRawPointer?.self)
    list.pointee = buffer
  }
}
