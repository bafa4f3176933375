import Logging
import Postgres
import ServiceLifecycle

/// Makes this sender process visible as alive to the others: it holds a PostgreSQL session-level
/// advisory lock named by `instanceID` on a connection of its own for as long as it runs. When the
/// process dies, however abruptly, the server ends the session and the lock is gone, so
/// ``DeliveryLedger`` can tell a recipient another live process is sending from one a crashed
/// process left `sending`.
public struct SenderLivenessLock: Service {
    /// The id written to `outbound_deliveries.claimed_by` by this process's claims.
    public let instanceID: String
    private let pool: PostgresPool
    private let logger: Logger

    /// - Parameter configuration: the database; one connection of its own is opened.
    public init(instanceID: String, configuration: PostgresConfiguration, logger: Logger) {
        var own = configuration
        own.minimumConnections = 0
        own.maximumConnections = 1
        self.instanceID = instanceID
        self.pool = PostgresPool(configuration: own, logger: logger)
        self.logger = logger
    }

    /// Takes the lock and keeps its session alive until graceful shutdown; after a lost connection
    /// (a database restart) it takes the lock again on a new one.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await pool.withConnection { connection in
                        try await connection.query("SELECT pg_advisory_lock(hashtextextended(\(instanceID), 0))")
                        while !Task.isCancelled {
                            try await Task.sleep(for: .seconds(5))
                            try await connection.query("SELECT 1")
                        }
                    }
                } catch is CancellationError {
                    break
                } catch {
                    logger.warning("sender liveness lock lost; taking it again", metadata: ["error": "\(error)"])
                    try? await Task.sleep(for: .seconds(1))
                }
            }
        }
        await pool.close()
    }
}
