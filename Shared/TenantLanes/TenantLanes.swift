import DequeModule

/// Runs work items in per-tenant lanes: in order within a tenant, concurrently across tenants,
/// under a global bound, scheduled round-robin so that a tenant with a deep queue cannot starve a
/// quiet one.
///
/// Guarantees:
/// - Items of one tenant are dispatched in submission order, at most `maximumConcurrentPerTenant`
///   at a time (by default one: each finishes before the next starts, so they run in order).
/// - At most `maximumConcurrentLanes` items run at once.
/// - A tenant that becomes ready joins the back of a round-robin ring of ready tenants and one
///   item runs per turn, so its first item starts after at most one item of each other ready
///   tenant (at most `readyTenants - 1` starts), however deep their queues are; a tenant that
///   may run more goes to the back of the ring again after each start.
/// - `committableOffsets()` reports, per partition, one past the highest offset below which every
///   submitted item has finished; a consumer commits exactly that.
/// - `submit` suspends while `maximumQueuedItems` items wait, which bounds memory.
///
/// Call `run()` (for instance as part of a `Service`) to execute items; cancelling it stops new
/// items from starting, cancels running ones and waits for them. An item that returns while
/// cancelled is not counted as done, so its offset is never committed.
public actor TenantLanes {
    /// One unit of work. It must handle its own errors (for instance by dead-lettering); the
    /// lane marks it finished when it returns.
    public typealias Work = @Sendable () async -> Void

    private struct Item: Sendable {
        let tenant: String
        let partition: LanePartition
        let offset: Int64
        let generation: Int
        let work: Work
    }

    private struct Lane {
        var queue: Deque<Item> = []
        var running = 0
        var isReady = false
    }

    private let maximumConcurrentLanes: Int
    private let maximumConcurrentPerTenant: Int
    private let maximumQueuedItems: Int
    private var lanes: [String: Lane] = [:]
    private var readyRing: Deque<String> = []
    private var runningCount = 0
    private var queuedCount = 0
    private var trackers: [LanePartition: OffsetTracker] = [:]
    private var generations: [LanePartition: Int] = [:]
    private var spaceWaiters: Deque<CheckedContinuation<Void, Never>> = []
    private var idleWaiters: [CheckedContinuation<Void, Never>] = []
    private let starts: AsyncStream<Item>
    private let startsContinuation: AsyncStream<Item>.Continuation

    /// - Parameters:
    ///   - maximumConcurrentLanes: how many items may run at once, all tenants together.
    ///   - maximumConcurrentPerTenant: how many items of one tenant may run at once (1: strictly
    ///     one after another). More lets a busy tenant overlap its waits (a broker's
    ///     acknowledgement, a remote call) at the cost of strict completion order.
    ///   - maximumQueuedItems: how many items may wait before `submit` suspends.
    public init(maximumConcurrentLanes: Int, maximumConcurrentPerTenant: Int = 1, maximumQueuedItems: Int = 10_000) {
        precondition(maximumConcurrentLanes >= 1 && maximumConcurrentPerTenant >= 1 && maximumQueuedItems >= 1)
        self.maximumConcurrentLanes = maximumConcurrentLanes
        self.maximumConcurrentPerTenant = maximumConcurrentPerTenant
        self.maximumQueuedItems = maximumQueuedItems
        (starts, startsContinuation) = AsyncStream.makeStream(of: Item.self)
    }

    /// Executes items until cancelled, then waits for the running ones to finish.
    public nonisolated func run() async {
        await withDiscardingTaskGroup { group in
            for await item in starts {
                group.addTask {
                    await item.work()
                    // Work cut short by cancellation returns early: it must not count as done,
                    // or its offset would be committed and the message never redone.
                    await self.finished(item, completed: !Task.isCancelled)
                }
            }
        }
    }

    /// Queues `work` for `tenant`; `offset` is its position in `partition`.
    /// Suspends while the queue is full. An offset at or below one already submitted for the
    /// partition is ignored (returns false): that item is already being handled.
    @discardableResult
    public func submit(tenant: String, partition: LanePartition, offset: Int64, work: @escaping Work) async -> Bool {
        while queuedCount >= maximumQueuedItems {
            await withCheckedContinuation { spaceWaiters.append($0) }
        }
        guard trackers[partition, default: OffsetTracker()].submitted(offset) else { return false }
        let item = Item(tenant: tenant, partition: partition, offset: offset, generation: generations[partition, default: 0], work: work)
        lanes[tenant, default: Lane()].queue.append(item)
        queuedCount += 1
        markReadyIfIdle(tenant)
        startWhatCanStart()
        return true
    }

    /// The commit position of every partition that has finished work: one past the contiguous
    /// done prefix.
    public func committableOffsets() -> [LanePartition: Int64] {
        trackers.compactMapValues(\.committableOffset)
    }

    /// Drops the queued items of `partition` and forgets its offsets (after a rebalance revoked
    /// it). Items already running finish, but their completion no longer counts toward a commit.
    public func abandon(_ partition: LanePartition) {
        generations[partition, default: 0] += 1
        trackers[partition] = nil
        for tenant in Array(lanes.keys) {
            guard var lane = lanes[tenant] else { continue }
            let before = lane.queue.count
            lane.queue.removeAll { $0.partition == partition }
            queuedCount -= before - lane.queue.count
            if lane.queue.isEmpty, lane.isReady {
                lane.isReady = false
                readyRing.removeAll { $0 == tenant }
            }
            lanes[tenant] = lane.queue.isEmpty && lane.running == 0 ? nil : lane
        }
        wakeSpaceWaiters()
        wakeIdleWaitersIfIdle()
    }

    /// Suspends until no item is queued or running.
    public func waitUntilIdle() async {
        if queuedCount == 0 && runningCount == 0 { return }
        await withCheckedContinuation { idleWaiters.append($0) }
    }

    /// Items waiting plus items running (for metrics and tests).
    public var pendingCount: Int { queuedCount + runningCount }

    private func finished(_ item: Item, completed: Bool) {
        runningCount -= 1
        if completed, generations[item.partition, default: 0] == item.generation {
            trackers[item.partition]?.finished(item.offset)
        }
        if var lane = lanes[item.tenant] {
            lane.running -= 1
            lanes[item.tenant] = lane.queue.isEmpty && lane.running == 0 ? nil : lane
            markReadyIfIdle(item.tenant)
        }
        startWhatCanStart()
        wakeSpaceWaiters()
        wakeIdleWaitersIfIdle()
    }

    /// Puts the tenant in the ready ring if it has queued items and room to run one more.
    private func markReadyIfIdle(_ tenant: String) {
        guard var lane = lanes[tenant], lane.running < maximumConcurrentPerTenant, !lane.isReady, !lane.queue.isEmpty else { return }
        lane.isReady = true
        lanes[tenant] = lane
        readyRing.append(tenant)
    }

    private func startWhatCanStart() {
        while runningCount < maximumConcurrentLanes, let tenant = readyRing.popFirst() {
            guard var lane = lanes[tenant], let item = lane.queue.popFirst() else { continue }
            lane.isReady = false
            lane.running += 1
            lanes[tenant] = lane
            queuedCount -= 1
            runningCount += 1
            startsContinuation.yield(item)
            markReadyIfIdle(tenant)
        }
    }

    private func wakeSpaceWaiters() {
        while queuedCount < maximumQueuedItems, let waiter = spaceWaiters.popFirst() { waiter.resume() }
    }

    private func wakeIdleWaitersIfIdle() {
        guard queuedCount == 0, runningCount == 0 else { return }
        let waiters = idleWaiters
        idleWaiters.removeAll()
        for waiter in waiters { waiter.resume() }
    }
}
