#if canImport(Darwin)
  import Darwin
#elseif canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

/// How much of the thread's Swift stack is left for nested dispatch loops.
///
/// A built-in calling back into script (a getter, an operator method, `map`'s function,
/// `toString`) runs a nested dispatch loop on the Swift stack. Counting those nestings
/// cannot say when the stack is nearly full: a loop's frame is far larger in a debug build,
/// and a host may run the VM on a thread with a small stack. So the guard compares the
/// stack pointer with the bottom of the running thread's stack (found once per thread) and
/// refuses to nest when less than `reserve` bytes are left: the script gets a catchable
/// `StackOverflow`, and the host never crashes. (CPython 3.12 checks its C stack likewise.)
struct StackGuard {
  /// Bytes kept free below the last nested loop for the native code that runs there.
  static let reserve = 256 * 1024

  private var thread: pthread_t?
  private var floor: UInt = 0

  /// Nestings allowed where the stack's bounds cannot be found.
  static let fallbackDepth = 100

  /// Whether a nested loop may start here, with `depth` of them running.
  mutating func hasRoom(depth: Int) -> Bool {
    let current = pthread_self()
    if thread == nil || pthread_equal(thread!, current) == 0 {
      thread = current
      let bottom = Self.stackBottom()
      floor = bottom == 0 ? 0 : bottom + UInt(Self.reserve)
    }
    if floor == 0 { return depth < Self.fallbackDepth }
    return UInt(bitPattern: currentStackAddress()) > floor
  }

  @inline(never)
  private func currentStackAddress() -> UnsafeMutableRawPointer? {
    var marker: UInt8 = 0
    return withUnsafeMutablePointer(to: &marker) { UnsafeMutableRawPointer($0) }
  }

  /// The lowest address of the running thread's stack (stacks grow down on every platform
  /// Swift supports); 0 when it cannot be found, which turns the guard off.
  private static func stackBottom() -> UInt {
    #if canImport(Darwin)
      let top = UInt(bitPattern: pthread_get_stackaddr_np(pthread_self()))
      return top - UInt(pthread_get_stacksize_np(pthread_self()))
    #else
      // `pthread_getattr_np` is a GNU extension the Glibc module does not import.
      typealias GetAttributes = @convention(c) (pthread_t, UnsafeMutablePointer<pthread_attr_t>) -> Int32
      guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pthread_getattr_np") else { return 0 }
      let getAttributes = unsafeBitCast(symbol, to: GetAttributes.self)
      var attributes = pthread_attr_t()
      guard getAttributes(pthread_self(), &attributes) == 0 else { return 0 }
      defer { pthread_attr_destroy(&attributes) }
      var address: UnsafeMutableRawPointer?
      var size = 0
      guard pthread_attr_getstack(&attributes, &address, &size) == 0, let address else { return 0 }
      return UInt(bitPattern: address)
    #endif
  }
}
