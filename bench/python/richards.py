"""richards: Martin Richards' operating-system simulation benchmark.

A scheduler runs six tasks (idle, worker, two handlers, two devices) that
pass packets to each other through queues; the idle task drives the devices
for 10_000 steps. Measures OOP: field access and polymorphic calls (every
task kind has its own run()).
Size: iterations of the whole simulation (default 30). Each iteration must end
with queue count 23246 and hold count 9297 (the classic check for an idle
count of 10_000); a wrong iteration prints a line, breaking the output.
"""
import sys

IDLE_COUNT = 10000
EXPECTED_QUEUE_COUNT = 23246
EXPECTED_HOLD_COUNT = 9297

ID_IDLE = 0
ID_WORKER = 1
ID_HANDLER_A = 2
ID_HANDLER_B = 3
ID_DEVICE_A = 4
ID_DEVICE_B = 5
NUMBER_OF_IDS = 6

KIND_DEVICE = 0
KIND_WORK = 1

DATA_SIZE = 4

# Task states are bit sets: RUNNABLE = has packets waiting, SUSPENDED =
# waiting for a packet, HELD = parked by hold(); 0 = running.
STATE_RUNNING = 0
STATE_RUNNABLE = 1
STATE_SUSPENDED = 2
STATE_HELD = 4
STATE_SUSPENDED_RUNNABLE = STATE_SUSPENDED | STATE_RUNNABLE
STATE_NOT_HELD = ~STATE_HELD


class Packet:
    def __init__(self, link, id, kind):
        self.link = link
        self.id = id
        self.kind = kind
        self.a1 = 0
        self.a2 = [0] * DATA_SIZE

    def add_to(self, queue):
        """Append this packet to the end of the queue; return the head."""
        self.link = None
        if queue is None:
            return self
        next = queue
        peek = next.link
        while peek is not None:
            next = peek
            peek = next.link
        next.link = self
        return queue


class TaskControlBlock:
    def __init__(self, link, id, priority, queue, task):
        self.link = link
        self.id = id
        self.priority = priority
        self.queue = queue
        self.task = task
        self.state = STATE_SUSPENDED if queue is None else STATE_SUSPENDED_RUNNABLE

    def set_running(self):
        self.state = STATE_RUNNING

    def mark_as_not_held(self):
        self.state &= STATE_NOT_HELD

    def mark_as_held(self):
        self.state |= STATE_HELD

    def mark_as_suspended(self):
        self.state |= STATE_SUSPENDED

    def mark_as_runnable(self):
        self.state |= STATE_RUNNABLE

    def is_held_or_suspended(self):
        return (self.state & STATE_HELD) != 0 or self.state == STATE_SUSPENDED

    def run(self):
        """Run the task with the first waiting packet, if it was waiting."""
        packet = None
        if self.state == STATE_SUSPENDED_RUNNABLE:
            packet = self.queue
            self.queue = packet.link
            self.state = STATE_RUNNING if self.queue is None else STATE_RUNNABLE
        return self.task.run(packet)

    def check_priority_add(self, task, packet):
        """Give this task a packet; answer the task that should run next
        (this one if it now outranks the sender)."""
        if self.queue is None:
            self.queue = packet
            self.mark_as_runnable()
            if self.priority > task.priority:
                return self
        else:
            self.queue = packet.add_to(self.queue)
        return task


class Scheduler:
    def __init__(self):
        self.queue_count = 0
        self.hold_count = 0
        self.blocks = [None] * NUMBER_OF_IDS
        self.list = None
        self.current_tcb = None
        self.current_id = None

    def add_task(self, id, priority, queue, task):
        self.current_tcb = TaskControlBlock(self.list, id, priority, queue, task)
        self.list = self.current_tcb
        self.blocks[id] = self.current_tcb

    def add_running_task(self, id, priority, queue, task):
        self.add_task(id, priority, queue, task)
        self.current_tcb.set_running()

    def schedule(self):
        # Run tasks in priority order (the list is highest priority first)
        # until none can run.
        self.current_tcb = self.list
        while self.current_tcb is not None:
            if self.current_tcb.is_held_or_suspended():
                self.current_tcb = self.current_tcb.link
            else:
                self.current_id = self.current_tcb.id
                self.current_tcb = self.current_tcb.run()

    def release(self, id):
        tcb = self.blocks[id]
        if tcb is None:
            return tcb
        tcb.mark_as_not_held()
        if tcb.priority > self.current_tcb.priority:
            return tcb
        return self.current_tcb

    def hold_current(self):
        self.hold_count += 1
        self.current_tcb.mark_as_held()
        return self.current_tcb.link

    def suspend_current(self):
        self.current_tcb.mark_as_suspended()
        return self.current_tcb

    def queue(self, packet):
        """Send a packet to the task it names; its id becomes the sender."""
        t = self.blocks[packet.id]
        if t is None:
            return t
        self.queue_count += 1
        packet.link = None
        packet.id = self.current_id
        return t.check_priority_add(self.current_tcb, packet)


class IdleTask:
    """Releases the two devices in a pseudo-random order for `count` steps,
    then holds itself, which ends the simulation."""

    def __init__(self, scheduler, v1, count):
        self.scheduler = scheduler
        self.v1 = v1
        self.count = count

    def run(self, packet):
        self.count -= 1
        if self.count == 0:
            return self.scheduler.hold_current()
        if (self.v1 & 1) == 0:
            self.v1 = self.v1 >> 1
            return self.scheduler.release(ID_DEVICE_A)
        self.v1 = (self.v1 >> 1) ^ 0xD008
        return self.scheduler.release(ID_DEVICE_B)


class DeviceTask:
    """Holds one packet at a time and sends it back when released."""

    def __init__(self, scheduler):
        self.scheduler = scheduler
        self.v1 = None

    def run(self, packet):
        if packet is None:
            if self.v1 is None:
                return self.scheduler.suspend_current()
            v = self.v1
            self.v1 = None
            return self.scheduler.queue(v)
        self.v1 = packet
        return self.scheduler.hold_current()


class WorkerTask:
    """Fills work packets with letters and sends them alternately to the
    two handlers."""

    def __init__(self, scheduler, v1, v2):
        self.scheduler = scheduler
        self.v1 = v1
        self.v2 = v2

    def run(self, packet):
        if packet is None:
            return self.scheduler.suspend_current()
        if self.v1 == ID_HANDLER_A:
            self.v1 = ID_HANDLER_B
        else:
            self.v1 = ID_HANDLER_A
        packet.id = self.v1
        packet.a1 = 0
        for i in range(DATA_SIZE):
            self.v2 += 1
            if self.v2 > 26:
                self.v2 = 1
            packet.a2[i] = self.v2
        return self.scheduler.queue(packet)


class HandlerTask:
    """Pairs work packets (v1) with device packets (v2), sending one device
    packet per datum of the current work packet."""

    def __init__(self, scheduler):
        self.scheduler = scheduler
        self.v1 = None
        self.v2 = None

    def run(self, packet):
        if packet is not None:
            if packet.kind == KIND_WORK:
                self.v1 = packet.add_to(self.v1)
            else:
                self.v2 = packet.add_to(self.v2)
        if self.v1 is not None:
            count = self.v1.a1
            if count < DATA_SIZE:
                if self.v2 is not None:
                    v = self.v2
                    self.v2 = self.v2.link
                    v.a1 = self.v1.a2[count]
                    self.v1.a1 = count + 1
                    return self.scheduler.queue(v)
            else:
                v = self.v1
                self.v1 = self.v1.link
                return self.scheduler.queue(v)
        return self.scheduler.suspend_current()


def run_richards():
    """One full simulation; answers its queue and hold counts."""
    scheduler = Scheduler()
    scheduler.add_running_task(ID_IDLE, 0, None, IdleTask(scheduler, 1, IDLE_COUNT))

    queue = Packet(None, ID_WORKER, KIND_WORK)
    queue = Packet(queue, ID_WORKER, KIND_WORK)
    scheduler.add_task(ID_WORKER, 1000, queue, WorkerTask(scheduler, ID_HANDLER_A, 0))

    queue = Packet(None, ID_DEVICE_A, KIND_DEVICE)
    queue = Packet(queue, ID_DEVICE_A, KIND_DEVICE)
    queue = Packet(queue, ID_DEVICE_A, KIND_DEVICE)
    scheduler.add_task(ID_HANDLER_A, 2000, queue, HandlerTask(scheduler))

    queue = Packet(None, ID_DEVICE_B, KIND_DEVICE)
    queue = Packet(queue, ID_DEVICE_B, KIND_DEVICE)
    queue = Packet(queue, ID_DEVICE_B, KIND_DEVICE)
    scheduler.add_task(ID_HANDLER_B, 3000, queue, HandlerTask(scheduler))

    scheduler.add_task(ID_DEVICE_A, 4000, None, DeviceTask(scheduler))
    scheduler.add_task(ID_DEVICE_B, 5000, None, DeviceTask(scheduler))

    scheduler.schedule()
    return scheduler.queue_count, scheduler.hold_count


def main():
    iterations = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    queue_count = hold_count = 0
    for i in range(1, iterations + 1):
        queue_count, hold_count = run_richards()
        if queue_count != EXPECTED_QUEUE_COUNT or hold_count != EXPECTED_HOLD_COUNT:
            print(f"iteration {i}: wrong counts {queue_count} {hold_count}")
    print(f"queue count: {queue_count}")
    print(f"hold count: {hold_count}")


main()
