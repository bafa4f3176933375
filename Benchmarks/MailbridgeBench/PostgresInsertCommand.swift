import ArgumentParser
import Foundation
import Postgres

/// Measures INSERT throughput through `PostgresPool` into a fresh table, four ways:
///
/// - `single`: one parameterised single-row INSERT per round trip, on one leased connection.
/// - `values`: multi-row `INSERT … VALUES (…), (…)` with every value a parameter, one statement
///   per batch, each batch in its own transaction.
/// - `unnest`: `INSERT … SELECT … FROM unnest($1::bigint[], $2::text[], $3::text[])`, three array
///   parameters per batch (array literals sent as text), each batch in its own transaction.
/// - `pool`: single-row INSERTs from many tasks, each statement leasing a connection from a pool
///   of `pool-size` connections (`pool.query`), as a service's request handlers do.
/// - `leased`: single-row INSERTs from `pool-size` tasks, each holding one leased connection for
///   all its rows (what `pgbench -c 4` does); against `pool`, it shows what leasing costs.
///
/// Every row is `(id bigint, tenant text, payload text of 200 bytes, created_at = now())`; the
/// table has no index, so the figures are round trips and client cost, not index maintenance.
struct PostgresInsertCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "postgres-insert",
        abstract: "INSERT throughput of PostgresPool: single rows, batches, and a pool of connections."
    )

    enum Scenario: String, CaseIterable, ExpressibleByArgument {
        case single, values, unnest, pool, leased
    }

    @Option(help: "libpq connection URI, e.g. postgresql://user:pass@127.0.0.1:55432/db.")
    var url: String

    @Option(help: "Rows for the single-row scenarios (single, pool, leased).")
    var rows: Int = 20_000

    @Option(name: .customLong("batch-rows"), help: "Rows for the batch scenarios (default: 10 × --rows).")
    var batchRows: Int?

    @Option(name: .customLong("batch-size"), help: "Rows per batch statement.")
    var batchSize: Int = 500

    @Option(name: .customLong("pool-size"), help: "Connections in the pool scenario.")
    var poolSize: Int = 4

    @Option(help: "Concurrent tasks in the pool scenario, each inserting its share of --rows.")
    var tasks: Int = 16

    @Option(help: "Payload size in bytes.")
    var payloadSize: Int = 200

    @Option(parsing: .upToNextOption, help: "Scenarios to run: \(Scenario.allCases.map(\.rawValue).joined(separator: ", ")).")
    var scenarios: [Scenario] = Scenario.allCases

    @Flag(name: .customLong("keep-table"), help: "Keep the table afterwards (it is dropped by default).")
    var keepTable = false

    func validate() throws {
        guard rows > 0, (batchRows ?? 1) > 0, batchSize > 0, poolSize > 0, tasks > 0, payloadSize >= 0 else {
            throw ValidationError("row counts, --batch-size, --pool-size and --tasks must be positive")
        }
    }

    func run() async throws {
        let logger = BenchLogger.make("mailbridge.bench.postgres")
        var report = BenchReport()
        let table = "mailbridge_bench_insert_\(uniqueRunSuffix())"
        let rowsRun = InsertRows(table: table, payload: String(repeating: "x", count: payloadSize))
        let batchRows = self.batchRows ?? rows * 10

        let admin = PostgresPool(configuration: PostgresConfiguration(connectionString: url, minimumConnections: 0, maximumConnections: 1), logger: logger)
        try await admin.query("CREATE TABLE \(identifier: table) (id bigint NOT NULL, tenant text NOT NULL, payload text NOT NULL, created_at timestamptz NOT NULL)")
        let server = try await admin.query("SELECT current_setting('server_version'), current_setting('synchronous_commit'), current_setting('fsync')")
        report.say("postgres-insert into \(table): server \(try server[0].decode(0, as: String.self)), synchronous_commit=\(try server[0].decode(1, as: String.self)), fsync=\(try server[0].decode(2, as: String.self)); \(payloadSize) B payloads")

        var nextID: Int64 = 1
        var expectedRows = 0
        do {
            for scenario in scenarios {
                let count = scenario == .values || scenario == .unnest ? batchRows : rows
                let ids = nextID..<(nextID + Int64(count))
                nextID += Int64(count)
                expectedRows += count
                let elapsed: Duration
                let label: String
                switch scenario {
                case .single:
                    label = "single-row INSERT, one per round trip, 1 connection"
                    elapsed = try await rowsRun.single(ids: ids, url: url, logger: logger)
                case .values:
                    label = "multi-row INSERT … VALUES, \(batchSize) rows (\(batchSize * 3) parameters) per statement, a transaction per batch"
                    elapsed = try await rowsRun.values(ids: ids, batchSize: batchSize, url: url, logger: logger)
                case .unnest:
                    label = "INSERT … SELECT FROM unnest(3 array parameters), \(batchSize) rows per statement, a transaction per batch"
                    elapsed = try await rowsRun.unnest(ids: ids, batchSize: batchSize, url: url, logger: logger)
                case .pool:
                    label = "single-row INSERT via pool.query, \(tasks) tasks over a pool of \(poolSize) connections"
                    elapsed = try await rowsRun.pool(ids: ids, tasks: tasks, poolSize: poolSize, url: url, logger: logger)
                case .leased:
                    label = "single-row INSERT, \(poolSize) tasks each holding one leased connection"
                    elapsed = try await rowsRun.leased(ids: ids, poolSize: poolSize, url: url, logger: logger)
                }
                let rate = Double(count) / elapsed.seconds
                let name = scenario.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)
                report.say("  " + name + String(format: "%8ld rows in %7.3f s = %9.0f rows/s   ", count, elapsed.seconds, rate) + "(\(label))")
                report.record("postgres_insert_\(scenario.rawValue)_rows", count)
                report.record("postgres_insert_\(scenario.rawValue)_rows_per_s", rate, digits: 0)
            }
            let counted = try await admin.query("SELECT count(*) FROM \(identifier: table)")[0].decode(0, as: Int.self)
            guard counted == expectedRows else {
                throw ValidationError("the table has \(counted) rows, expected \(expectedRows)")
            }
            report.say("  verified: the table holds all \(counted) rows")
        } catch {
            if !keepTable { _ = try? await admin.query("DROP TABLE IF EXISTS \(identifier: table)") }
            await admin.close()
            throw error
        }
        if !keepTable { try await admin.query("DROP TABLE \(identifier: table)") }
        await admin.close()

        report.record("postgres_insert_table", table)
        report.record("postgres_insert_batch_size", batchSize)
        report.record("postgres_insert_pool_size", poolSize)
        report.record("postgres_insert_pool_tasks", tasks)
        report.printFigures()
    }
}
