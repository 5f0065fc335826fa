/// A Tern value: 16 bytes of plain data, so copying one never touches a reference count.
///
/// Layout: `payload` holds an `Int64`, the bits of a `Double`, a `Bool` (0/1), a symbol id,
/// or the address of a heap object; `tag` says which. Heap objects are owned by the VM's
/// `Heap` (its object list is the only strong reference) and freed by its tracing
/// collector, so a `Value` holds them as unmanaged bits. `_isPOD(Value.self)` is tested.
struct Value {
  var payload: UInt64
  var tag: Tag

  /// The kinds of value. `undefined` marks a global slot that has not been assigned yet and
  /// never reaches a script.
  enum Tag: UInt8 {
    case undefined, null, bool, int, float, symbol, object
  }

  @inline(__always)
  init(payload: UInt64, tag: Tag) {
    self.payload = payload
    self.tag = tag
  }

  static let null = Value(payload: 0, tag: .null)
  static let undefined = Value(payload: 0, tag: .undefined)
  static let `true` = Value(payload: 1, tag: .bool)
  static let `false` = Value(payload: 0, tag: .bool)

  @inline(__always)
  static func int(_ value: Int64) -> Value { Value(payload: UInt64(bitPattern: value), tag: .int) }
  @inline(__always)
  static func float(_ value: Double) -> Value { Value(payload: value.bitPattern, tag: .float) }
  @inline(__always)
  static func bool(_ value: Bool) -> Value { Value(payload: value ? 1 : 0, tag: .bool) }
  static func symbol(_ id: Int) -> Value { Value(payload: UInt64(id), tag: .symbol) }
  static func object(_ object: HeapObject) -> Value {
    Value(payload: UInt64(UInt(bitPattern: Unmanaged.passUnretained(object).toOpaque())), tag: .object)
  }

  @inline(__always)
  var isInt: Bool { tag == .int }
  @inline(__always)
  var asInt: Int64 { Int64(bitPattern: payload) }
  @inline(__always)
  var asFloat: Double { Double(bitPattern: payload) }
  @inline(__always)
  var asBool: Bool { payload != 0 }
  @inline(__always)
  var isNil: Bool { tag == .null }
  @inline(__always)
  var isObject: Bool { tag == .object }

  /// Only `nil` and `false` are falsy.
  @inline(__always)
  var isTruthy: Bool {
    tag == .bool ? payload != 0 : tag != .null
  }

  /// The heap object, for slow paths. (The hot paths use `withObject` to avoid a retain.)
  var object: HeapObject {
    Unmanaged<HeapObject>.fromOpaque(UnsafeRawPointer(bitPattern: UInt(payload))!).takeUnretainedValue()
  }

  /// The object as `T` when it is one, else nil.
  func object<T: HeapObject>(as type: T.Type) -> T? {
    guard tag == .object else { return nil }
    return object as? T
  }

  /// The object's address, for the hot paths: an object value's payload is never zero, so
  /// the unwrap is unchecked.
  @inline(__always)
  private var objectAddress: UnsafeRawPointer { UnsafeRawPointer(bitPattern: UInt(payload)).unsafelyUnwrapped }

  /// The object's kind without touching its reference count.
  @inline(__always)
  var objectKind: ObjectKind {
    Unmanaged<HeapObject>.fromOpaque(objectAddress)._withUnsafeGuaranteedRef { $0.kind }
  }

  /// The continuation this value is, unretained; nil for any other value.
  @inline(__always)
  var continuation: Unmanaged<ContinuationObject>? {
    guard tag == .object && objectKind == .continuation else { return nil }
    return Unmanaged.fromOpaque(objectAddress)
  }

  /// The closure this value is (its kind checked by the caller), unretained.
  @inline(__always)
  var unmanagedClosure: Unmanaged<ClosureObject> { Unmanaged.fromOpaque(objectAddress) }

  /// Runs `body` on the object, assumed to be a `T`, without retaining it.
  @inline(__always)
  func withObject<T: HeapObject, R>(as type: T.Type, _ body: (T) -> R) -> R {
    Unmanaged<T>.fromOpaque(objectAddress)._withUnsafeGuaranteedRef(body)
  }

  /// Identity: same tag and same bits (floats compare as numbers elsewhere).
  func isIdentical(to other: Value) -> Bool {
    tag == other.tag && payload == other.payload
  }
}

extension Unmanaged {
  /// `_withUnsafeGuaranteedRef` for a body that throws a `RuntimeError`: the object is used
  /// without being retained.
  func withGuaranteedRef<R>(_ body: (Instance) throws(RuntimeError) -> R) throws(RuntimeError) -> R {
    // `_withUnsafeGuaranteedRef` rethrows untyped: the error is boxed only when one is thrown.
    do {
      return try _withUnsafeGuaranteedRef(body)
    } catch {
      throw error as! RuntimeError
    }
  }
}
