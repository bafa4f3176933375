import Foundation
import ObjectStorage
import Postgres

/// Deletes the sender's records past their retention (30 days by default, DESIGN §6): ledger
/// rows, outbound history rows and the sealed `sent/` mail objects they name.
///
/// Objects are removed by the key each purged history row holds, and, for the DESIGN layout
/// `sent/<tenant>/<yyyy>/<mm>/<dd>/…`, by whole-day prefixes of those tenants before the cut-off
/// day, so objects of requests that never reached the sender go too.
public struct DeliveryRetention: Sendable {
    /// What one purge removed.
    public struct Result: Sendable, Equatable {
        public var ledgerRows: Int
        public var historyRows: Int
        public var objects: Int
    }

    public static let defaultRetention: Duration = .seconds(30 * 24 * 3600)

    private let pool: PostgresPool
    private let store: any ObjectStore

    public init(pool: PostgresPool, store: any ObjectStore) {
        self.pool = pool
        self.store = store
    }

    /// Deletes everything recorded before `cutoff`.
    @discardableResult
    public func purge(olderThan cutoff: Date) async throws -> Result {
        let old = try await pool.query(
            """
            SELECT tenant_id, object_key, min(created_at) AS oldest FROM outbound_history
            WHERE created_at < \(cutoff) GROUP BY tenant_id, object_key
            """)
        var objects = 0
        var oldestByTenant = [String: Date]()
        for row in old {
            let key = try row.decode("object_key", as: String.self)
            let tenant = try row.decode("tenant_id", as: String.self)
            let oldest = try row.decode("oldest", as: Date.self)
            oldestByTenant[tenant] = min(oldestByTenant[tenant] ?? oldest, oldest)
            if try await store.head(key: key) != nil {
                try await store.delete(key: key)
                objects += 1
            }
        }
        for (tenant, oldest) in oldestByTenant {
            for day in Self.days(from: oldest, before: cutoff) {
                objects += try await store.deleteAll(prefix: "sent/\(tenant)/\(day)/")
            }
        }
        // Rows go after their objects: a purge that fails half-way finds them again next time.
        let history = try await pool.query("DELETE FROM outbound_history WHERE created_at < \(cutoff)").affectedRows
        let ledger = try await pool.query("DELETE FROM outbound_deliveries WHERE updated_at < \(cutoff)").affectedRows
        return Result(ledgerRows: ledger, historyRows: history, objects: objects)
    }

    /// `yyyy/mm/dd` of each UTC day from `start`'s through the day before `cutoff`'s.
    static func days(from start: Date, before cutoff: Date) -> [String] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let last = calendar.startOfDay(for: cutoff)
        var day = calendar.startOfDay(for: start)
        var result = [String]()
        while day < last {
            let parts = calendar.dateComponents([.year, .month, .day], from: day)
            result.append(String(format: "%04d/%02d/%02d", parts.year!, parts.month!, parts.day!))
            day = calendar.date(byAdding: .day, value: 1, to: day)!
        }
        return result
    }
}
