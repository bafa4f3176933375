import Logging
import Postgres

/// The INSERT statements of `postgres-insert` and the loops that time them. Each scenario opens
/// its own pool and connections before the clock starts and closes them after it stopped.
struct InsertRows: Sendable {
    let table: String
    let payload: String
    /// Tenants cycle through a small set, as in production; prebuilt so the loops allocate no names.
    let tenants: [String] = (0..<16).map { "tenant-\($0)" }

    func tenant(_ id: Int64) -> String { tenants[Int(id % Int64(tenants.count))] }

    func singleRow(_ id: Int64) -> PostgresQuery {
        "INSERT INTO \(identifier: table) (id, tenant, payload, created_at) VALUES (\(id), \(tenant(id)), \(payload), now())"
    }

    /// One statement with `ids.count` rows, three parameters each.
    func valuesBatch(_ ids: Range<Int64>) -> PostgresQuery {
        var sql = PostgresQuery.StringInterpolation(literalCapacity: 80 + ids.count * 24, interpolationCount: ids.count * 3)
        sql.appendLiteral("INSERT INTO ")
        sql.appendInterpolation(identifier: table)
        sql.appendLiteral(" (id, tenant, payload, created_at) VALUES ")
        for id in ids {
            sql.appendLiteral(id == ids.lowerBound ? "(" : ", (")
            sql.appendInterpolation(id)
            sql.appendLiteral(", ")
            sql.appendInterpolation(tenant(id))
            sql.appendLiteral(", ")
            sql.appendInterpolation(payload)
            sql.appendLiteral(", now())")
        }
        return PostgresQuery(stringInterpolation: sql)
    }

    /// One statement with `ids.count` rows in three array parameters (text array literals).
    func unnestBatch(_ ids: Range<Int64>) -> PostgresQuery {
        let idArray = PostgresArrayLiteral.integers(ids)
        let tenantArray = PostgresArrayLiteral.texts(ids.map { tenant($0) })
        let payloadArray = PostgresArrayLiteral.texts(repeatElement(payload, count: ids.count))
        return """
            INSERT INTO \(identifier: table) (id, tenant, payload, created_at) \
            SELECT id, tenant, payload, now() \
            FROM unnest(\(idArray)::bigint[], \(tenantArray)::text[], \(payloadArray)::text[]) AS batch(id, tenant, payload)
            """
    }

    func single(ids: Range<Int64>, url: String, logger: Logger) async throws -> Duration {
        try await onOneConnection(url: url, logger: logger) { connection in
            for id in ids { try await connection.query(singleRow(id)) }
        }
    }

    func values(ids: Range<Int64>, batchSize: Int, url: String, logger: Logger) async throws -> Duration {
        try await onOneConnection(url: url, logger: logger) { connection in
            for batch in ids.batches(of: batchSize) {
                let query = valuesBatch(batch)
                try await connection.withTransaction { try await $0.query(query) }
            }
        }
    }

    func unnest(ids: Range<Int64>, batchSize: Int, url: String, logger: Logger) async throws -> Duration {
        try await onOneConnection(url: url, logger: logger) { connection in
            for batch in ids.batches(of: batchSize) {
                let query = unnestBatch(batch)
                try await connection.withTransaction { try await $0.query(query) }
            }
        }
    }

    /// Every statement leases a connection (`pool.query`).
    func pool(ids: Range<Int64>, tasks: Int, poolSize: Int, url: String, logger: Logger) async throws -> Duration {
        try await onWarmPool(size: poolSize, url: url, logger: logger) { pool in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for share in ids.shares(tasks) {
                    group.addTask {
                        for id in share { try await pool.query(singleRow(id)) }
                    }
                }
                try await group.waitForAll()
            }
        }
    }

    /// One lease per task, held for all of its rows.
    func leased(ids: Range<Int64>, poolSize: Int, url: String, logger: Logger) async throws -> Duration {
        try await onWarmPool(size: poolSize, url: url, logger: logger) { pool in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for share in ids.shares(poolSize) {
                    group.addTask {
                        try await pool.withConnection { connection in
                            for id in share { try await connection.query(singleRow(id)) }
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
    }

    /// Times `body` on a pool whose `size` connections were all opened before the clock started.
    private func onWarmPool(size: Int, url: String, logger: Logger, _ body: (PostgresPool) async throws -> Void) async throws -> Duration {
        let pool = PostgresPool(
            configuration: PostgresConfiguration(connectionString: url, minimumConnections: size, maximumConnections: size),
            logger: logger)
        do {
            // Hold `size` leases at once, so the pool opens every connection now.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<size {
                    group.addTask { try await pool.query("SELECT pg_sleep(0.05)") }
                }
                try await group.waitForAll()
            }
            let clock = ContinuousClock()
            let start = clock.now
            try await body(pool)
            let elapsed = start.duration(to: clock.now)
            await pool.close()
            return elapsed
        } catch {
            await pool.close()
            throw error
        }
    }

    /// Times `body` on one connection, opened (and warmed with a round trip) before the clock starts.
    private func onOneConnection(url: String, logger: Logger, _ body: (PostgresConnection) async throws -> Void) async throws -> Duration {
        let pool = PostgresPool(configuration: PostgresConfiguration(connectionString: url, minimumConnections: 1, maximumConnections: 1), logger: logger)
        do {
            let elapsed = try await pool.withConnection { connection in
                try await connection.query("SELECT 1")
                let clock = ContinuousClock()
                let start = clock.now
                try await body(connection)
                return start.duration(to: clock.now)
            }
            await pool.close()
            return elapsed
        } catch {
            await pool.close()
            throw error
        }
    }
}

/// PostgreSQL array literals (`{1,2,3}`, `{"a","b"}`), sent as one text parameter and cast.
/// Built byte by byte: for 500 rows of 200-byte payloads this is ~100 KB per batch, and naive
/// `String` concatenation would make the benchmark measure itself instead of the driver.
enum PostgresArrayLiteral {
    static func integers(_ values: Range<Int64>) -> String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(2 + values.count * 21)
        bytes.append(UInt8(ascii: "{"))
        for value in values {
            if value != values.lowerBound { bytes.append(UInt8(ascii: ",")) }
            bytes.append(contentsOf: String(value).utf8)
        }
        bytes.append(UInt8(ascii: "}"))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Every element double-quoted, with `\` and `"` escaped, so any text survives.
    static func texts(_ values: some Collection<String>) -> String {
        let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
        var bytes = [UInt8]()
        bytes.reserveCapacity(2 + values.count * ((values.first?.utf8.count ?? 0) + 3))
        bytes.append(UInt8(ascii: "{"))
        var first = true
        for value in values {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            bytes.append(quote)
            let plain = value.utf8.withContiguousStorageIfAvailable { !$0.contains { $0 == quote || $0 == backslash } } ?? false
            if plain {
                bytes.append(contentsOf: value.utf8)
            } else {
                for byte in value.utf8 {
                    if byte == quote || byte == backslash { bytes.append(backslash) }
                    bytes.append(byte)
                }
            }
            bytes.append(quote)
        }
        bytes.append(UInt8(ascii: "}"))
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension Range where Bound == Int64 {
    /// Consecutive sub-ranges of at most `size` elements.
    func batches(of size: Int) -> [Range<Int64>] {
        stride(from: lowerBound, to: upperBound, by: size).map { $0..<Swift.min($0 + Int64(size), upperBound) }
    }

    /// `count` nearly equal consecutive sub-ranges (empty ones dropped).
    func shares(_ count: Int) -> [Range<Int64>] {
        let total = Int64(self.count)
        let parts = Int64(count)
        return (0..<parts).map { part in
            (lowerBound + total * part / parts)..<(lowerBound + total * (part + 1) / parts)
        }.filter { !$0.isEmpty }
    }
}
