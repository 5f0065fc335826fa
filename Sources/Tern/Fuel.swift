// Fuel: instruction budgets (SEMANTICS §1.3 and §3.6).
//
// A budget belongs to a fiber and counts ticks. One tick is charged at every safepoint the
// running code executes (a backward jump, including the one a compare-and-skip takes; a
// call, tail call or `invoke`; a `perform`; a resume of a continuation), to every budget on
// the running resume chain. A host's `ScriptRun` is such a fiber, whose budget the host
// sets (`ScriptRun.swift`). The dispatch loop does not walk the chain per tick:
// it counts down `fuelTicks`, loaded with the least budget left on the chain, and only when
// that reaches 0 does `fuelSafepoint` settle the ticks on every budget and decide. A fiber
// switch settles and reloads too (see `switchFiber`).
//
// Running out is a pause, not an error: the fibers from the running one up to the budget's
// owner suspend exactly before the safepoint, the owner's resumer gets `nil` from its
// `resume` with the owner's signal `.fuel` (whatever the fibers' masks say), and the next
// resume runs that safepoint as if nothing had happened.

extension VM {
  /// Makes `next` the running fiber. Switching changes the resume chain that fuel is charged
  /// to, so the ticks used so far are settled on the old chain and the countdown is
  /// reloaded for the new one.
  @inline(__always)
  func switchFiber(to next: Fiber) {
    if fuelInUse {
      settleFuel()
      fiber = next
      reloadFuel()
    } else {
      fiber = next
    }
  }

  /// Charges the ticks used since the last reload to every budget on the running chain.
  func settleFuel() {
    let used = fuelLoaded - fuelTicks.pointee
    fuelLoaded = fuelTicks.pointee
    guard used != 0 else { return }
    var current: Fiber? = fiber
    while let link = current {
      if let budget = link.fuel { link.fuel = budget - used }
      current = link.resumer
    }
  }

  /// Loads the countdown with the least budget left on the running chain, at most a chunk
  /// (so the slow path polls for interrupts now and then).
  func reloadFuel() {
    var least = Self.fuelChunk
    var current: Fiber? = fiber
    while let link = current {
      if let budget = link.fuel { least = min(least, max(budget, 0)) }
      current = link.resumer
    }
    fuelTicks.pointee = least
    fuelLoaded = least
  }

  /// Gives `target` a budget of `value` ticks (nil removes it). Only a fiber off the running
  /// chain can be given one: code cannot refill the budget it runs under (SEMANTICS B3).
  func setBudget(_ target: Fiber, _ value: Value, caller: String) throws(RuntimeError) {
    var budget: Int?
    if case .big(let big)? = number(value), big > 0 {
      budget = .max  // more than can ever be spent
    } else if !value.isNil {
      guard value.tag == .int, value.asInt >= 0 else {
        throw RuntimeError(
          typeName: "TypeError", message: "\(caller) expects a fuel budget that is an Int >= 0 or nil")
      }
      budget = Int(value.asInt)
    }
    if target.status == .running || target.status == .normal {
      throw RuntimeError(typeName: "FiberError", message: "cannot set the fuel of a fiber that is running")
    }
    useFuel()
    target.fuel = budget
  }

  /// `f.fuel`: the ticks left in a fiber's budget, or nil.
  func fuelLeft(_ target: Fiber) -> Value {
    if fuelInUse { settleFuel() }
    return target.fuel.map { .int(Int64($0)) } ?? .null
  }

  /// The countdown reached 0 at a safepoint; the running frame's pc is that instruction.
  /// Returns nil when the instruction runs (the chunk was reloaded, or the pause must wait
  /// and the budget overdraws); otherwise the fibers up to the exhausted budget's owner
  /// have paused, and the result says whether the loop must leave (true: a built-in resumed
  /// the owner) or carry on with the owner's resumer (false).
  @inline(never)
  func fuelSafepoint() throws(RuntimeError) -> Bool? {
    // The loop charged this safepoint before finding the countdown spent: take the tick
    // back; it is charged again if the instruction runs now.
    fuelTicks.pointee += 1
    guard fuelInUse else {
      fuelLoaded = Self.unlimitedTicks
      fuelTicks.pointee = Self.unlimitedTicks - 1
      return nil
    }
    settleFuel()
    if let run = try takeInterrupt() {
      if canSuspendChain(upTo: run, topInLoop: false) {
        run.hostPause = .interrupt
        return pauseForFuel(upTo: run)
      }
      // Not here (a built-in's callback runs): at the next safepoint.
      interrupts.requested.store(true, ordering: .relaxed)
    }
    // When several budgets run out at once, the outermost owner gets the signal.
    var owner: Fiber?
    var current: Fiber? = fiber
    while let link = current {
      if let budget = link.fuel, budget <= 0 { owner = link }
      current = link.resumer
    }
    if let owner {
      if canSuspendChain(upTo: owner, topInLoop: false) { return pauseForFuel(upTo: owner) }
      // A built-in's callback or a `close` runs here: it cannot pause, so the budget
      // overdraws and the pause comes at the first safepoint after it (SEMANTICS B6),
      // unless it runs away.
      if let budget = owner.fuel, budget < -options.hardOverdraft {
        var error = RuntimeError(
          typeName: "BudgetExceeded",
          message: "fuel overdrawn by more than \(options.hardOverdraft) ticks where the fiber cannot pause")
        error.unwindingSignal = "budget"
        // The owner's resumer will get a catchable error; the `finally` blocks on the way
        // get one more overdraft allowance to run in.
        owner.killedForFuel = true
        owner.fuel = 0
        reloadFuel()
        throw error
      }
    } else {
      reloadFuel()
    }
    fuelTicks.pointee -= 1
    return nil
  }

  private func pauseForFuel(upTo owner: Fiber) -> Bool {
    fiber.pausedForFuel = true
    suspendChain(upTo: owner)
    owner.status = .suspended
    owner.signal = .fuel
    if !owner.resumedInLoop { return true }
    switchToResumer(of: owner)._withUnsafeGuaranteedRef { $0.stack[owner.resultRegister] = .null }
    return false
  }
}
