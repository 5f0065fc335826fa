/// One call frame: the running closure, where it is in its code, and its register window.
struct CallFrame {
  var closure: Unmanaged<ClosureObject>
  /// The next instruction to run, a pointer into the closure's code: the dispatch loop keeps
  /// this one pointer instead of the code and an index (`pc` gives the index).
  var ip: UnsafeMutablePointer<UInt32>
  /// Index in the fiber's stack of the frame's R[0]; the callee itself sits at `base - 1`.
  var base: Int
  /// Everything that takes the frame's return off the fast path, in one byte: a return
  /// whose frame has no flags (and is not a fiber's first) pops it and carries on.
  var flags = Flags(rawValue: 0)

  struct Flags: OptionSet {
    var rawValue: UInt8
    /// An `init` run by calling a class: the call's value is the instance (R[0]), whatever
    /// `init` returns.
    static let returnsSelf = Flags(rawValue: 1)
    /// The frame a dispatch loop was started for: its return leaves that loop (the main
    /// program's, a built-in's callback, a fiber that a built-in resumed).
    static let stopsLoop = Flags(rawValue: 2)
    /// A `fun` clause, called at the `perform` like a function (see `ClauseFrame`).
    static let tailClause = Flags(rawValue: 4)
    /// An operation, `return` or `catch` clause (see `ClauseFrame`).
    static let deliveringClause = Flags(rawValue: 8)
    /// A closure made in this frame captured one of its registers: its return closes them.
    static let capturesRegisters = Flags(rawValue: 16)
  }

  /// A frame at the start of `closure`'s code.
  init(closure: Unmanaged<ClosureObject>, base: Int, stopsLoop: Bool = false, clause: ClauseFrame = .none) {
    self.closure = closure
    ip = closure._withUnsafeGuaranteedRef { $0.code }
    self.base = base
    self.stopsLoop = stopsLoop
    self.clause = clause
  }

  /// The frame the dispatch loop pushes for a call: at the start of `code`, no flags.
  @inline(__always)
  init(closure: Unmanaged<ClosureObject>, code: UnsafeMutablePointer<UInt32>, base: Int) {
    self.closure = closure
    ip = code
    self.base = base
  }

  /// The index of the next instruction in the closure's code.
  var pc: Int {
    get { closure._withUnsafeGuaranteedRef { $0.code.distance(to: ip) } }
    set { ip = closure._withUnsafeGuaranteedRef { $0.code } + newValue }
  }

  var returnsSelf: Bool {
    get { flags.contains(.returnsSelf) }
    set { set(.returnsSelf, newValue) }
  }

  var stopsLoop: Bool {
    get { flags.contains(.stopsLoop) }
    set { set(.stopsLoop, newValue) }
  }

  /// A frame running a handler clause: its return ends the clause (see `Effects.swift`).
  var clause: ClauseFrame {
    get { flags.contains(.tailClause) ? .tail : flags.contains(.deliveringClause) ? .delivering : .none }
    set {
      set(.tailClause, newValue == .tail)
      set(.deliveringClause, newValue == .delivering)
    }
  }

  private mutating func set(_ flag: Flags, _ on: Bool) {
    if on { flags.insert(flag) } else { flags.remove(flag) }
  }
}

/// What kind of handler clause a frame runs.
enum ClauseFrame: UInt8 {
  case none
  /// A `fun` clause, called at the `perform` like a function.
  case tail
  /// An operation, `return` or `catch` clause running where the `handle` (or the latest
  /// `resume`) waits: its value goes to that instruction's register, and an unused
  /// continuation (in the frame's callee slot) is finalised first.
  case delivering
}

/// A fiber signal (SEMANTICS S1), plus `.none` (nothing yet) and `.ok` (returned), which
/// `fiber.signal` also reports. A small enum, so masks are bit sets: the yield path does
/// no hashing.
enum Signal: UInt8, CaseIterable {
  case none, ok, yield, error, debug, fuel, await
  case user0, user1, user2, user3, user4, user5, user6, user7

  var name: String { String(describing: self) }

  /// `user0`…`user4` end the fibers they pass through.
  var isTerminal: Bool { self >= .user0 && self <= .user4 }

  /// The signal named `name`, among those a fiber can emit or mask.
  init?(emittable name: String) {
    guard let signal = Signal.allCases.first(where: { $0.name == name }), signal != .none, signal != .ok else {
      return nil
    }
    self = signal
  }

  static func >= (left: Signal, right: Signal) -> Bool { left.rawValue >= right.rawValue }
  static func <= (left: Signal, right: Signal) -> Bool { left.rawValue <= right.rawValue }
}

/// A set of signals: a fiber's mask.
struct SignalSet: OptionSet {
  var rawValue: UInt32

  init(rawValue: UInt32) { self.rawValue = rawValue }
  init(_ signal: Signal) { rawValue = 1 << signal.rawValue }

  static let yield = SignalSet(.yield)

  func contains(_ signal: Signal) -> Bool { rawValue & (1 << signal.rawValue) != 0 }
  mutating func insert(_ signal: Signal) { rawValue |= 1 << signal.rawValue }
}

/// What a fiber is doing (LANGUAGE.md: `.new .running .suspended .done .error`, plus
/// `.normal` for a fiber that has resumed another and waits for it).
enum FiberStatus: String {
  case new, running, normal, suspended, done, error
  /// Ended by a terminal user signal (`user0`…`user4`).
  case terminated
}

/// A stack of registers and call frames: the main program's, or a fiber's.
///
/// The register stack is one unsafe buffer that grows by reallocation; everything that
/// refers into it (frames, open upvalues) does so by index, never by pointer. A suspended
/// fiber keeps its frames here; resuming it runs the dispatch loop on them again.
final class Fiber {
  var stack: UnsafeMutablePointer<Value>
  var stackCapacity: Int
  var frames: UnsafeMutablePointer<CallFrame>
  var frameCount = 0
  /// Frames allocated so far (the buffer grows up to `maximumFrames`).
  private(set) var frameCapacity: Int
  let maximumFrames: Int
  /// Open upvalues, highest stack index first.
  var openUpvalues: UpvalueObject?

  var status = FiberStatus.new
  /// The last signal this fiber emitted (`yield`, `error`, `ok` for a return).
  var signal = Signal.none
  /// Signals of this fiber that its resumer catches (`catches:`); the default is yield.
  var catches: SignalSet = [.yield]
  /// Suspended by a signal that passed up from this fiber's child: resuming this fiber
  /// resumes the child (SEMANTICS S4).
  var child: Fiber?
  /// Dispatch loops nested on this fiber by built-ins calling back into script: a signal
  /// cannot suspend the fiber across them.
  var nativeLoops = 0
  /// Resumed by a `resume` call the dispatch loop ran itself (not by a built-in such as a
  /// `for` loop's step): it runs in its resumer's loop, and a signal may pass from this
  /// fiber to its resumer.
  var resumedInLoop = false
  /// Where the value of the `resume` that ran this fiber goes, in the resumer's stack.
  var resultRegister = 0
  /// How many fibers are waiting on this one through `resume` (0 for the main program).
  var nesting = 0
  /// The error or signal completion the latest `finally` handler caught: its rethrow carries
  /// on with it unchanged.
  var unwinding: RuntimeError?
  /// The function the fiber runs, until its first resume.
  var entry: Value = .null
  /// While running or suspended in a resume: the fiber that resumed it.
  var resumer: Fiber? {
    get { resumerLink?.takeUnretainedValue() }
    set { resumerLink = newValue.map { Unmanaged.passUnretained($0) } }
  }
  /// `resumer`, unretained: the fiber switch paths use it without reference counting (the
  /// collector keeps every fiber on the chain alive).
  var resumerLink: Unmanaged<Fiber>?
  /// Where the value of the next `resume` goes, in this fiber's stack (its pending `yield`).
  var yieldRegister = 0
  /// An error to raise at the suspension point when the fiber next runs (`cancel`, `close`).
  var injectedError: RuntimeError? {
    didSet { hasInjectedError = injectedError != nil }
  }
  /// Whether `injectedError` is set: a byte the dispatch loop tests on every fiber switch,
  /// cheaper than the optional error itself.
  private(set) var hasInjectedError = false
  /// Being unwound by `close`: its `finally` blocks may not yield.
  var isClosing = false
  /// This fiber's fuel budget (`Fiber(fn, fuel:)`, `setFuel`, `resume(v, fuel:)`): ticks
  /// left, charged while the fiber is on the running resume chain; nil for none.
  var fuel: Int?
  /// Suspended at a safepoint by running out of fuel: the next resume re-runs that
  /// instruction and its value is dropped (no `yield` waits for it).
  var pausedForFuel = false
  /// Why a host's run (`ScriptRun`) paused, when it was not its fuel running out.
  var hostPause: ScriptRun.PauseReason?
  /// Killed with `BudgetExceeded` for overdrawing its budget: its resumer gets the error.
  var killedForFuel = false
  /// A `handle` expression's boundary fiber: the clauses that handle its body's performs.
  var handler: HandlerRecord?
  /// The boundary's reusable continuation, for clauses that cannot let theirs escape.
  /// Unretained (it refers back to this fiber's object); `markRoots` keeps it alive.
  var localContinuation: Unmanaged<ContinuationObject>?
  /// `fun` clauses running on this fiber (frame index, and the boundary whose clause it is):
  /// a perform inside one searches for handlers above that boundary. Entries for frames an
  /// error unwound are dropped when found stale.
  var tailClauses: [(frame: Int, boundary: Unmanaged<Fiber>)] = [] {
    didSet { hasTailClauses = !tailClauses.isEmpty }
  }
  /// Whether `tailClauses` has entries: a byte `perform` tests, where reading the array
  /// would cost an exclusivity check.
  private(set) var hasTailClauses = false
  /// The handler's operation clauses (empty for other fibers): what `perform` searches.
  var handlerClauses = UnsafeBufferPointer<OperationClause>(start: nil, count: 0)
  /// The script object for this fiber (nil for the main program until it is asked for).
  unowned(unsafe) var object: FiberObject?

  /// One past the highest register of the top frame: the collector scans below it.
  var top: Int {
    guard frameCount > 0 else { return 0 }
    let frame = frames[frameCount - 1]
    return frame.base + frame.closure._withUnsafeGuaranteedRef { $0.registerCount }
  }

  init(maximumDepth: Int, stackCapacity: Int = 1024, frameCapacity: Int = 64) {
    self.stackCapacity = stackCapacity
    stack = .allocate(capacity: stackCapacity)
    stack.initialize(repeating: .null, count: stackCapacity)
    maximumFrames = maximumDepth + 1
    self.frameCapacity = min(frameCapacity, maximumFrames)
    frames = .allocate(capacity: self.frameCapacity)
  }

  deinit {
    stack.deallocate()
    frames.deallocate()
  }

  /// Makes `frames[frameCount]` writable, growing the buffer; false at the depth limit.
  func reserveFrame() -> Bool {
    if frameCount >= maximumFrames - 1 { return false }
    if frameCount < frameCapacity { return true }
    let capacity = min(maximumFrames, frameCapacity * 2)
    let grown = UnsafeMutablePointer<CallFrame>.allocate(capacity: capacity)
    grown.moveInitialize(from: frames, count: frameCount)
    frames.deallocate()
    frames = grown
    frameCapacity = capacity
    return true
  }

  /// Makes room for `needed` registers; returns true when the buffer moved.
  func ensureStack(_ needed: Int) {
    guard needed > stackCapacity else { return }
    var capacity = stackCapacity
    while capacity < needed { capacity *= 2 }
    let newStack = UnsafeMutablePointer<Value>.allocate(capacity: capacity)
    newStack.moveInitialize(from: stack, count: stackCapacity)
    (newStack + stackCapacity).initialize(repeating: .null, count: capacity - stackCapacity)
    stack.deallocate()
    stack = newStack
    stackCapacity = capacity
  }

  /// The upvalue for stack slot `index`, reusing an open one so closures share variables.
  func captureUpvalue(_ index: Int, heap: Heap) -> UpvalueObject {
    var previous: UpvalueObject?
    var current = openUpvalues
    while let upvalue = current, upvalue.stackIndex > index {
      previous = upvalue
      current = upvalue.nextOpen
    }
    if let upvalue = current, upvalue.stackIndex == index { return upvalue }
    let created = heap.allocate(UpvalueObject(stackIndex: index, fiber: self))
    created.nextOpen = current
    if let previous { previous.nextOpen = created } else { openUpvalues = created }
    return created
  }

  /// Closes every open upvalue at `index` or above: each keeps its current value.
  func closeUpvalues(from index: Int) {
    while let upvalue = openUpvalues, upvalue.stackIndex >= index {
      upvalue.closedValue = stack[upvalue.stackIndex]
      upvalue.isOpen = false
      openUpvalues = upvalue.nextOpen
      upvalue.nextOpen = nil
    }
  }

  /// Marks the live registers and clears the rest. Frames do not clear their registers when
  /// they are pushed, so this keeps the invariant that makes that safe: after a collection,
  /// every slot is either marked or nil, so no slot can ever refer to a freed object.
  func markRoots(_ collector: inout GarbageCollector) {
    let live = min(top, stackCapacity)
    for index in 0..<live { collector.mark(stack[index]) }
    (stack + live).update(repeating: .null, count: stackCapacity - live)
    for index in 0..<frameCount { collector.mark(.object(frames[index].closure.takeUnretainedValue())) }
    var upvalue = openUpvalues
    while let current = upvalue {
      collector.mark(.object(current))
      upvalue = current.nextOpen
    }
    if entry.tag == .object { collector.mark(entry) }
    if let object = child?.object { collector.mark(.object(object)) }
    if let payload = unwinding?.thrown { collector.mark(payload) }
    handler?.mark(&collector)
    if let localContinuation { collector.mark(.object(localContinuation.takeUnretainedValue())) }
  }

  /// The first frame of the innermost dispatch loop running this fiber, or nil when the
  /// fiber runs in its resumer's loop with all its frames.
  func loopStart() -> Int? {
    var index = frameCount - 1
    while index >= 0 {
      if frames[index].stopsLoop { return index }
      index -= 1
    }
    return nil
  }
}
