/// Owns every heap object and frees the unreachable ones with a tracing mark-sweep
/// collector.
///
/// Objects live in one array (the only strong references to them); values point at them by
/// unmanaged bits. Collection happens only inside `allocate`, when the bytes allocated since
/// the last collection pass `threshold` (or on every allocation in stress mode); the
/// threshold then grows to twice the surviving bytes, as in Lua and Wren. The VM supplies
/// the roots.
final class Heap {
  private(set) var objects: [HeapObject] = []
  private(set) var liveBytes = 0
  private var allocatedSinceCollection = 0
  var threshold = 1 << 20
  /// Collect on every allocation (`TERN_GC_STRESS=1` or `VM.Options.gcStress`).
  var stressMode = false
  /// Marks every root; set by the VM.
  var markRoots: (inout GarbageCollector) -> Void = { _ in }
  private(set) var collections = 0
  private(set) var freedObjects = 0

  /// Registers a new object, possibly collecting first.
  @discardableResult
  func allocate<T: HeapObject>(_ object: T) -> T {
    let size = object.byteSize
    allocatedSinceCollection += size
    if stressMode || allocatedSinceCollection > threshold {
      collect(keeping: object)
    }
    objects.append(object)
    liveBytes += size
    return object
  }

  /// Marks from the roots, then drops every unmarked object.
  func collect(keeping extra: HeapObject? = nil) {
    var collector = GarbageCollector()
    markRoots(&collector)
    if let extra { collector.mark(.object(extra)) }
    collector.drain()
    var survivors: [HeapObject] = []
    survivors.reserveCapacity(objects.count)
    var bytes = 0
    for object in objects where object.isMarked {
      object.isMarked = false
      bytes += object.byteSize
      survivors.append(object)
    }
    freedObjects += objects.count - survivors.count
    // Dropping the last strong references frees the unreachable objects.
    objects = survivors
    if let extra { extra.isMarked = false }
    liveBytes = bytes
    allocatedSinceCollection = 0
    threshold = max(1 << 20, bytes * 2)
    collections += 1
  }
}

/// The mark phase: a gray stack, so deep structures never recurse on the Swift stack.
struct GarbageCollector {
  private var gray: [HeapObject] = []

  mutating func mark(_ value: Value) {
    guard value.tag == .object else { return }
    let object = value.object
    if object.isMarked { return }
    object.isMarked = true
    gray.append(object)
  }

  mutating func drain() {
    while let object = gray.popLast() {
      object.traceChildren(&self)
    }
  }
}
