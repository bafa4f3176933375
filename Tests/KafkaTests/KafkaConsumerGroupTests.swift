import Foundation
import Kafka
import ServiceLifecycle
import Synchronization
import TestSupport
import Testing

@Suite("Kafka consumer groups", .serialized)
struct KafkaConsumerGroupTests {
    /// Produces `count` records keyed by `tenants` tenants, values "prefix-i".
    func produce(_ count: Int, prefix: String, tenants: Int, to topic: String, broker: KafkaTestBroker) async throws {
        let producer = try broker.producer()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<count {
                group.addTask {
                    try await producer.send(
                        KafkaProducerMessage(topic: topic, key: "tenant-\(index % tenants)".bytes, value: "\(prefix)-\(index)".bytes))
                }
            }
            try await group.waitForAll()
        }
        await producer.shutdown()
    }

    @Test("two members share the partitions, a rebalance loses nothing, a restart honours commits")
    func groupRebalanceAndRestart() async throws {
        let broker = try KafkaTestBroker()
        let topic = try await broker.makeTopic(partitions: 4)
        let group = "group-\(topic)"
        try await produce(200, prefix: "first", tenants: 10, to: topic, broker: broker)

        let received = Received()
        let handler: TenantLaneConsumer.Handler = { message in received.append(String(decoding: message.value, as: UTF8.self)) }
        let memberA = try TenantLaneConsumer(
            configuration: broker.consumerConfiguration(group: group), topics: [topic], maximumConcurrentLanes: 4,
            logger: broker.logger, handler: handler)
        let runA = Task { try await memberA.run() }
        #expect(await eventually { received.count >= 50 })

        // A second member joins: the partitions are split, and both keep consuming.
        let memberB = try TenantLaneConsumer(
            configuration: broker.consumerConfiguration(group: group), topics: [topic], maximumConcurrentLanes: 4,
            logger: broker.logger, handler: handler)
        let runB = Task { try await memberB.run() }
        #expect(await eventually { !memberA.assignment.isEmpty && !memberB.assignment.isEmpty })
        #expect(memberA.assignment.isDisjoint(with: memberB.assignment))
        try await produce(200, prefix: "second", tenants: 10, to: topic, broker: broker)
        #expect(await eventually { Set(received.all).count == 400 })

        // Every message was seen (duplicates are allowed by at-least-once, losses are not).
        let expected = Set((0..<200).map { "first-\($0)" } + (0..<200).map { "second-\($0)" })
        #expect(Set(received.all) == expected)

        // Stop A, let B take over every partition, then stop B; the group's commits must cover
        // everything, so a restarted member reads only what is produced afterwards. (Stopping both
        // at once races two LeaveGroups against one rebalance, which CI showed can leave tansu
        // waiting on a member that is gone.)
        runA.cancel()
        _ = try? await runA.value
        #expect(await eventually { memberB.assignment.count == 4 })
        runB.cancel()
        _ = try? await runB.value
        let committed = try await broker.admin.committedOffsets(group: group, topic: topic)
        #expect(committed.values.reduce(0, +) == 400)

        let afterRestart = Received()
        let memberC = try TenantLaneConsumer(
            configuration: broker.consumerConfiguration(group: group), topics: [topic], maximumConcurrentLanes: 4,
            logger: broker.logger
        ) { message in afterRestart.append(String(decoding: message.value, as: UTF8.self)) }
        let runC = Task { try await memberC.run() }
        #expect(await eventually(timeout: .seconds(90)) { memberC.assignment.count == 4 })
        try await produce(20, prefix: "third", tenants: 5, to: topic, broker: broker)
        #expect(await eventually { afterRestart.count >= 20 })
        try await Task.sleep(for: .seconds(1))
        #expect(Set(afterRestart.all) == Set((0..<20).map { "third-\($0)" }))
        runC.cancel()
        _ = try? await runC.value
    }

    @Test("a member that closes leaves the group, so the other takes its partitions at once")
    func closeLeavesGroup() async throws {
        let broker = try KafkaTestBroker()
        let topic = try await broker.makeTopic(partitions: 2)
        let group = "leave-\(topic)"
        var configuration = broker.consumerConfiguration(group: group)
        // Without a LeaveGroup the partitions would stay with the closed member for the whole
        // session timeout; with it they move after one rebalance (tansu: about half of it).
        configuration.sessionTimeout = .seconds(20)
        configuration.maximumPollInterval = .seconds(40)
        let first = try KafkaConsumer(configuration: configuration, topics: [topic], logger: broker.logger)
        let second = try KafkaConsumer(configuration: configuration, topics: [topic], logger: broker.logger)
        #expect(await eventually(timeout: .seconds(40)) { first.assignment.count == 1 && second.assignment.count == 1 })
        let closedAt = ContinuousClock.now
        await first.close()
        #expect(await eventually(timeout: .seconds(40)) { second.assignment.count == 2 })
        #expect(ContinuousClock.now - closedAt < .seconds(20))
        await second.close()
    }

    @Test("a revoked partition's unfinished work is abandoned, not committed")
    func revokeAbandonsUnfinishedWork() async throws {
        let broker = try KafkaTestBroker()
        let topic = try await broker.makeTopic(partitions: 1)
        let group = "revoke-\(topic)"
        try await produce(3, prefix: "r", tenants: 1, to: topic, broker: broker)
        let release = AsyncStream.makeStream(of: Void.self)
        let started = Received()
        // The handler finishes offset 0, then blocks on offset 1 until released.
        let member = try TenantLaneConsumer(
            configuration: broker.consumerConfiguration(group: group), topics: [topic], maximumConcurrentLanes: 1,
            drainTimeout: .milliseconds(100), logger: broker.logger
        ) { message in
            started.append("\(message.offset)")
            if message.offset == 1 { for await _ in release.stream { break } }
        }
        let run = Task { try await member.run() }
        #expect(await eventually { started.count == 2 })
        try await Task.sleep(for: .milliseconds(500))
        run.cancel()  // shutdown revokes the partition while offset 1 is still running
        _ = try? await run.value
        release.continuation.finish()
        let committed = try await broker.admin.committedOffsets(group: group, topic: topic)
        #expect(committed[0] == 1, "only offset 0 finished, so the next owner must start at 1")
    }

    @Test("resetting a group to a timestamp replays from there")
    func replayFromTimestamp() async throws {
        let broker = try KafkaTestBroker()
        let topic = try await broker.makeTopic(partitions: 2)
        let group = "replay-\(topic)"
        try await produce(10, prefix: "old", tenants: 3, to: topic, broker: broker)
        try await Task.sleep(for: .milliseconds(1500))
        let cut = Date()
        try await Task.sleep(for: .milliseconds(1500))
        try await produce(10, prefix: "new", tenants: 3, to: topic, broker: broker)

        // Consume everything once and commit it.
        let firstPass = Received()
        let member = try TenantLaneConsumer(
            configuration: broker.consumerConfiguration(group: group), topics: [topic], maximumConcurrentLanes: 2,
            logger: broker.logger
        ) { firstPass.append(String(decoding: $0.value, as: UTF8.self)) }
        let run = Task { try await member.run() }
        #expect(await eventually { firstPass.count >= 20 })
        run.cancel()
        _ = try? await run.value
        #expect(try await broker.admin.committedOffsets(group: group, topic: topic).values.reduce(0, +) == 20)
        #expect(try await broker.admin.listGroups().contains(group))

        // Replay from the cut: only the newer records come again.
        try await broker.admin.resetOffsets(group: group, topic: topic, to: .timestamp(cut))
        let replay = Received()
        let replayer = try TenantLaneConsumer(
            configuration: broker.consumerConfiguration(group: group), topics: [topic], maximumConcurrentLanes: 2,
            logger: broker.logger
        ) { replay.append(String(decoding: $0.value, as: UTF8.self)) }
        let replayRun = Task { try await replayer.run() }
        #expect(await eventually { replay.count >= 10 })
        try await Task.sleep(for: .seconds(1))
        #expect(Set(replay.all) == Set((0..<10).map { "new-\($0)" }))
        replayRun.cancel()
        _ = try? await replayRun.value

        // Reset to the beginning: everything again.
        let reset = try await broker.admin.resetOffsets(group: group, topic: topic, to: .earliest)
        #expect(reset.values.allSatisfy { $0 == 0 })
    }

    @Test("records and commits survive a broker restart")
    func brokerRestart() async throws {
        let broker = try KafkaTestBroker()
        let topic = try await broker.makeTopic(partitions: 2)
        let group = "restart-\(topic)"
        try await produce(10, prefix: "before", tenants: 2, to: topic, broker: broker)
        let seen = Received()
        let member = try TenantLaneConsumer(
            configuration: broker.consumerConfiguration(group: group), topics: [topic], maximumConcurrentLanes: 2,
            logger: broker.logger
        ) { seen.append(String(decoding: $0.value, as: UTF8.self)) }
        let run = Task { try await member.run() }
        #expect(await eventually { seen.count >= 10 })
        run.cancel()
        _ = try? await run.value

        try await TestEnvironment.runScript("MAILBRIDGE_TEST_KAFKA_RESTART")

        #expect(try await broker.admin.committedOffsets(group: group, topic: topic).values.reduce(0, +) == 10)
        try await produce(10, prefix: "after", tenants: 2, to: topic, broker: broker)
        let afterRestart = Received()
        let again = try TenantLaneConsumer(
            configuration: broker.consumerConfiguration(group: group), topics: [topic], maximumConcurrentLanes: 2,
            logger: broker.logger
        ) { afterRestart.append(String(decoding: $0.value, as: UTF8.self)) }
        let runAgain = Task { try await again.run() }
        #expect(await eventually { afterRestart.count >= 10 })
        try await Task.sleep(for: .seconds(1))
        #expect(Set(afterRestart.all) == Set((0..<10).map { "after-\($0)" }))
        runAgain.cancel()
        _ = try? await runAgain.value
    }
}
