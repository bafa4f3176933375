import Synchronization
import Testing

@testable import TenantLanes

/// Records the order in which items start and finish, across tasks.
final class Journal: Sendable {
    private let entries = Mutex<[String]>([])
    func record(_ entry: String) { entries.withLock { $0.append(entry) } }
    var all: [String] { entries.withLock { $0 } }
}

/// A counter that tracks the highest value it reached.
final class Gauge: Sendable {
    private let state = Mutex<(current: Int, peak: Int)>((0, 0))
    func enter() { state.withLock { $0.current += 1; $0.peak = max($0.peak, $0.current) } }
    func leave() { state.withLock { $0.current -= 1 } }
    var peak: Int { state.withLock { $0.peak } }
}

private let partition = LanePartition(topic: "jira.events", partition: 0)

@Suite("TenantLanes")
struct TenantLanesTests {
    @Test("items of one tenant run one at a time, in order")
    func serialWithinTenant() async {
        let lanes = TenantLanes(maximumConcurrentLanes: 8)
        let runner = Task { await lanes.run() }
        let journal = Journal()
        let gauge = Gauge()
        for offset in 0..<200 {
            await lanes.submit(tenant: "acme", partition: partition, offset: Int64(offset)) {
                gauge.enter()
                await Task.yield()
                journal.record("\(offset)")
                gauge.leave()
            }
        }
        await lanes.waitUntilIdle()
        runner.cancel()
        #expect(journal.all == (0..<200).map { "\($0)" })
        #expect(gauge.peak == 1)
    }

    @Test("with a per-tenant bound above one, a tenant's items overlap up to it and all finish")
    func boundedConcurrencyWithinTenant() async {
        let lanes = TenantLanes(maximumConcurrentLanes: 16, maximumConcurrentPerTenant: 4)
        let runner = Task { await lanes.run() }
        let starts = Journal()
        let gauge = Gauge()
        for offset in 0..<100 {
            await lanes.submit(tenant: "acme", partition: partition, offset: Int64(offset)) {
                starts.record("\(offset)")
                gauge.enter()
                try? await Task.sleep(for: .milliseconds(2))
                gauge.leave()
            }
        }
        await lanes.waitUntilIdle()
        runner.cancel()
        // Dispatched in order, but concurrent items may run their first line in any order.
        #expect(Set(starts.all) == Set((0..<100).map { "\($0)" }))
        #expect(gauge.peak == 4)
        #expect(await lanes.committableOffsets()[partition] == 100)
    }

    @Test("a tenant allowed several at once still lets a quiet tenant in after one more of its items")
    func quietTenantWithPerTenantConcurrency() async {
        let lanes = TenantLanes(maximumConcurrentLanes: 2, maximumConcurrentPerTenant: 8, maximumQueuedItems: 20_000)
        let journal = Journal()
        for offset in 0..<5_000 {
            await lanes.submit(tenant: "flood", partition: partition, offset: Int64(offset)) { journal.record("flood") }
        }
        await lanes.submit(tenant: "quiet", partition: partition, offset: 5_000) { journal.record("quiet") }
        let runner = Task { await lanes.run() }
        await lanes.waitUntilIdle()
        runner.cancel()
        // The flood had started two items (the global bound) before the quiet tenant arrived; then
        // the flood goes back behind the quiet tenant after each start, so one more at most.
        let quietPosition = journal.all.firstIndex(of: "quiet")
        #expect(quietPosition != nil && quietPosition! <= 3)
    }

    @Test("tenants run concurrently, never more than the global bound")
    func concurrencyBound() async {
        let lanes = TenantLanes(maximumConcurrentLanes: 3)
        let runner = Task { await lanes.run() }
        let gauge = Gauge()
        for offset in 0..<60 {
            await lanes.submit(tenant: "tenant-\(offset % 10)", partition: partition, offset: Int64(offset)) {
                gauge.enter()
                try? await Task.sleep(for: .milliseconds(2))
                gauge.leave()
            }
        }
        await lanes.waitUntilIdle()
        runner.cancel()
        #expect(gauge.peak == 3)
    }

    /// The fairness bound: a quiet tenant's item starts after at most one item of each other
    /// ready tenant, whatever their backlog. Counted in item starts, not seconds, so the
    /// assertion holds on any machine.
    @Test("a quiet tenant is not starved by one with 10,000 queued items")
    func quietTenantNotStarvedBySingleFlood() async {
        let lanes = TenantLanes(maximumConcurrentLanes: 2, maximumQueuedItems: 20_000)
        let journal = Journal()
        for offset in 0..<10_000 {
            await lanes.submit(tenant: "flood", partition: partition, offset: Int64(offset)) {
                journal.record("flood")
            }
        }
        await lanes.submit(tenant: "quiet", partition: partition, offset: 10_000) {
            journal.record("quiet")
        }
        let runner = Task { await lanes.run() }
        await lanes.waitUntilIdle()
        runner.cancel()
        let entries = journal.all
        let quietPosition = entries.firstIndex(of: "quiet")
        // Bound: with one flooding tenant the quiet one starts after at most one flood item.
        #expect(quietPosition != nil && quietPosition! <= 1)
        #expect(entries.count == 10_001)
    }

    @Test("with more flooding tenants than lanes, a quiet tenant waits at most one round")
    func quietTenantNotStarvedByManyFloods() async {
        let floodingTenants = 6
        let lanes = TenantLanes(maximumConcurrentLanes: 2, maximumQueuedItems: 20_000)
        let journal = Journal()
        var offset: Int64 = 0
        for round in 0..<1_000 {
            for tenant in 0..<floodingTenants {
                await lanes.submit(tenant: "flood-\(tenant)", partition: partition, offset: offset) {
                    journal.record("flood-\(tenant)-\(round)")
                }
                offset += 1
            }
        }
        await lanes.submit(tenant: "quiet", partition: partition, offset: offset) { journal.record("quiet") }
        let runner = Task { await lanes.run() }
        await lanes.waitUntilIdle()
        runner.cancel()
        let quietPosition = journal.all.firstIndex(of: "quiet")
        // Bound: one item of each of the other ready tenants at most.
        #expect(quietPosition != nil && quietPosition! <= floodingTenants)
    }

    @Test("the commit position covers only the contiguous finished prefix")
    func committableOffsetsAreContiguous() async {
        let lanes = TenantLanes(maximumConcurrentLanes: 4)
        let runner = Task { await lanes.run() }
        let gate = AsyncStream.makeStream(of: Void.self)
        // Offset 0 belongs to a slow tenant, 1...3 to others that finish at once.
        await lanes.submit(tenant: "slow", partition: partition, offset: 0) {
            for await _ in gate.stream { break }
        }
        for offset in 1...3 {
            await lanes.submit(tenant: "fast-\(offset)", partition: partition, offset: Int64(offset)) {}
        }
        while await lanes.pendingCount > 1 { await Task.yield() }
        #expect(await lanes.committableOffsets()[partition] == nil)
        gate.continuation.yield()
        await lanes.waitUntilIdle()
        #expect(await lanes.committableOffsets()[partition] == 4)
        runner.cancel()
    }

    @Test("abandoning a partition drops its queued items and its commit position")
    func abandonPartition() async {
        let lanes = TenantLanes(maximumConcurrentLanes: 1)
        let journal = Journal()
        let other = LanePartition(topic: "jira.events", partition: 1)
        for offset in 0..<5 {
            await lanes.submit(tenant: "acme", partition: partition, offset: Int64(offset)) { journal.record("p0-\(offset)") }
            await lanes.submit(tenant: "acme", partition: other, offset: Int64(offset)) { journal.record("p1-\(offset)") }
        }
        await lanes.abandon(partition)
        let runner = Task { await lanes.run() }
        await lanes.waitUntilIdle()
        runner.cancel()
        // p0-0 had already started when the partition was revoked; it may finish, nothing after it runs.
        #expect(journal.all.filter { $0.hasPrefix("p1-") } == (0..<5).map { "p1-\($0)" })
        #expect(journal.all.filter { $0.hasPrefix("p0-") }.count <= 1)
        let offsets = await lanes.committableOffsets()
        #expect(offsets[partition] == nil)
        #expect(offsets[other] == 5)
    }

    @Test("a redelivered offset is ignored while the first delivery is tracked")
    func duplicateOffsetIgnored() async {
        let lanes = TenantLanes(maximumConcurrentLanes: 1)
        #expect(await lanes.submit(tenant: "acme", partition: partition, offset: 7) {})
        #expect(await lanes.submit(tenant: "acme", partition: partition, offset: 7) {} == false)
        #expect(await lanes.pendingCount == 1)
    }

    @Test("submit suspends while the queue is full and resumes as items finish")
    func backPressure() async {
        let lanes = TenantLanes(maximumConcurrentLanes: 1, maximumQueuedItems: 2)
        let journal = Journal()
        let producer = Task {
            for offset in 0..<10 {
                await lanes.submit(tenant: "acme", partition: partition, offset: Int64(offset)) { journal.record("\(offset)") }
            }
        }
        try? await Task.sleep(for: .milliseconds(50))
        // Two queued plus the one lane that has already taken its item.
        #expect(await lanes.pendingCount <= 3)
        let runner = Task { await lanes.run() }
        await producer.value
        await lanes.waitUntilIdle()
        runner.cancel()
        #expect(journal.all.count == 10)
    }
}

@Suite("TenantLanes cancellation")
struct TenantLanesCancellationTests {
    @Test("work cut short by cancellation is not counted as done")
    func cancelledWorkNotCommitted() async {
        let lanes = TenantLanes(maximumConcurrentLanes: 2)
        let partition = LanePartition(topic: "mail.outbound", partition: 3)
        await lanes.submit(tenant: "acme", partition: partition, offset: 0) {}
        await lanes.submit(tenant: "acme", partition: partition, offset: 1) {
            try? await Task.sleep(for: .seconds(600))  // returns early only when cancelled
        }
        let runner = Task { await lanes.run() }
        while await lanes.committableOffsets()[partition] != 1 { await Task.yield() }
        runner.cancel()
        await runner.value
        #expect(await lanes.committableOffsets()[partition] == 1)
    }
}
