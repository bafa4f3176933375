import Foundation
import Postgres
import Synchronization
import TestSupport
import Testing

@Suite("Postgres pool", .serialized)
struct PostgresPoolTests {
    @Test("many concurrent tasks share a bounded pool; each lease is exclusive")
    func concurrentLeases() async throws {
        let pool = try makeTestPool(maximumConnections: 4)
        let table = uniqueTable("pool")
        try await pool.query("CREATE TABLE \(identifier: table) (task int, backend int)")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<200 {
                group.addTask {
                    try await pool.withConnection { connection in
                        // Two statements on one lease must see the same backend process.
                        let first = try await connection.query("SELECT pg_backend_pid()").first!.decode(0, as: Int.self)
                        try await connection.query(
                            "INSERT INTO \(identifier: table) VALUES (\(task), \(first))")
                        let second = try await connection.query("SELECT pg_backend_pid()").first!.decode(0, as: Int.self)
                        #expect(first == second)
                    }
                }
            }
            try await group.waitForAll()
        }
        let row = try #require(try await pool.query("SELECT count(*), count(DISTINCT backend) FROM \(identifier: table)").first)
        #expect(try row.decode(0, as: Int.self) == 200)
        #expect(try row.decode(1, as: Int.self) <= 4)
        #expect(await pool.connectionCount <= 4)
        await pool.close()
    }

    @Test("a waiting lease can be cancelled")
    func cancelWaitingLease() async throws {
        let pool = try makeTestPool(maximumConnections: 1)
        let hold = AsyncStream.makeStream(of: Void.self)
        let holder = Task {
            try await pool.withConnection { _ in for await _ in hold.stream { break } }
        }
        try await Task.sleep(for: .milliseconds(200))
        let waiter = Task { try await pool.query("SELECT 1") }
        try await Task.sleep(for: .milliseconds(100))
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        hold.continuation.finish()
        try await holder.value
        #expect(try await pool.query("SELECT 1").count == 1)
        await pool.close()
    }

    @Test("a closed pool refuses leases clearly")
    func closedPool() async throws {
        let pool = try makeTestPool()
        await pool.close()
        await #expect {
            try await pool.query("SELECT 1")
        } throws: { error in
            (error as? PostgresError)?.kind == .poolClosed
        }
    }

    @Test("an unreachable server is a retriable connection error")
    func unreachableServer() async throws {
        let pool = PostgresPool(
            configuration: PostgresConfiguration(connectionString: "postgresql://nobody@127.0.0.1:9/none?connect_timeout=2"),
            logger: .init(label: "test"))
        await #expect {
            try await pool.query("SELECT 1")
        } throws: { error in
            guard let error = error as? PostgresError else { return false }
            return error.kind == .connection && error.isRetriable
        }
    }

    @Test("the pool recovers after the server restarts")
    func serverRestart() async throws {
        let pool = try makeTestPool(maximumConnections: 3)
        // Fill the pool with idle connections that the restart will kill.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<3 {
                group.addTask { try await pool.query("SELECT pg_sleep(0.05)") }
            }
            try await group.waitForAll()
        }
        let before = try await pool.query("SELECT pg_postmaster_start_time()").first!.decode(0, as: Date.self)
        try await TestEnvironment.runScript("MAILBRIDGE_TEST_POSTGRES_RESTART")
        // The first statements after the restart succeed: dead idle connections are replaced.
        for _ in 0..<5 {
            let after = try await pool.query("SELECT pg_postmaster_start_time()").first!.decode(0, as: Date.self)
            #expect(after > before)
        }
        await pool.close()
    }
}
