import DequeModule
import Logging
import ServiceLifecycle

/// A pool of libpq connections, shared by every task of a service.
///
/// Each lease hands one connection to one task; libpq connections are never used from two
/// threads at once. Before a pooled connection is handed out it is checked without blocking, so
/// connections the server closed (a restart, an idle timeout) are replaced transparently.
/// As a `Service`, `run()` opens the minimum connections, closes idle ones above it, and closes
/// everything on graceful shutdown. Leasing also works without `run()`.
public actor PostgresPool: Service {
    private let configuration: PostgresConfiguration
    private let logger: Logger
    private var idle: Deque<IdleConnection> = []
    /// Connections that exist or are being opened: idle + leased + opening.
    private var openCount = 0
    private var waiters: Deque<Waiter> = []
    private var nextWaiterID = 0
    private var isClosed = false

    private struct IdleConnection {
        let handle: PostgresConnectionHandle
        let since: ContinuousClock.Instant
    }

    private struct Waiter {
        let id: Int
        /// Resumed with a connection, or with nil when a slot freed up and the waiter should open one.
        let continuation: CheckedContinuation<PostgresConnectionHandle?, any Error>
    }

    public init(configuration: PostgresConfiguration, logger: Logger) {
        precondition(configuration.maximumConnections >= 1, "maximumConnections must be at least 1")
        self.configuration = configuration
        self.logger = logger
    }

    /// Leases a connection for the duration of `body`.
    /// - Throws: `PostgresError` (`.connection` when no connection can be opened, `.poolClosed`
    ///   after shutdown), `CancellationError` when cancelled while waiting, or what `body` throws.
    @discardableResult
    public nonisolated func withConnection<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        let handle = try await lease()
        do {
            let value = try await body(PostgresConnection(handle: handle))
            await release(handle)
            return value
        } catch {
            await release(handle)
            throw error
        }
    }

    /// Runs one statement on a leased connection.
    @discardableResult
    public nonisolated func query(_ query: PostgresQuery) async throws -> PostgresRows {
        try await withConnection { try await $0.query(query) }
    }

    /// Runs `body` in a transaction on one leased connection.
    @discardableResult
    public nonisolated func withTransaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await withConnection { try await $0.withTransaction(body) }
    }

    /// Opens the minimum connections, closes surplus idle ones, and closes all on shutdown.
    public func run() async throws {
        for _ in 0..<max(0, configuration.minimumConnections - openCount) {
            openCount += 1
            do {
                idle.append(IdleConnection(handle: try await open(), since: .now))
            } catch {
                openCount -= 1
                logger.warning("postgres pool could not open a minimum connection", metadata: ["error": "\(error)"])
            }
        }
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                await self.closeIdleSurplus()
            }
        }
        await close()
    }

    /// Closes idle connections and refuses new leases; leased connections close when returned.
    public func close() async {
        isClosed = true
        for waiter in waiters { waiter.continuation.resume(throwing: PostgresError(.poolClosed, message: "the pool is closed")) }
        waiters.removeAll()
        let closing = idle
        idle.removeAll()
        openCount -= closing.count
        for connection in closing { await connection.handle.close() }
    }

    /// The number of connections open or opening (for tests and metrics).
    public var connectionCount: Int { openCount }

    private func lease() async throws -> PostgresConnectionHandle {
        while true {
            if isClosed { throw PostgresError(.poolClosed, message: "the pool is closed") }
            if let candidate = idle.popLast() {
                if await candidate.handle.isHealthy() { return candidate.handle }
                logger.info("postgres pool replaced a connection the server closed")
                await discard(candidate.handle)
                continue
            }
            if openCount < configuration.maximumConnections {
                openCount += 1
                do {
                    return try await open()
                } catch {
                    openCount -= 1
                    handOverFreedSlot()
                    throw error
                }
            }
            if let handle = try await waitForConnection() { return handle }
        }
    }

    private func waitForConnection() async throws -> PostgresConnectionHandle? {
        nextWaiterID += 1
        let id = nextWaiterID
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                } else {
                    waiters.append(Waiter(id: id, continuation: continuation))
                }
            }
        } onCancel: {
            Task { await self.cancelWaiter(id) }
        }
    }

    private func cancelWaiter(_ id: Int) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(throwing: CancellationError())
    }

    private func release(_ handle: PostgresConnectionHandle) async {
        guard !isClosed, await handle.isHealthy() else {
            await discard(handle)
            return
        }
        if !waiters.isEmpty {
            waiters.removeFirst().continuation.resume(returning: handle)
        } else {
            idle.append(IdleConnection(handle: handle, since: .now))
        }
    }

    private func discard(_ handle: PostgresConnectionHandle) async {
        openCount -= 1
        await handle.close()
        handOverFreedSlot()
    }

    /// A slot opened up: let the first waiter open its own connection.
    private func handOverFreedSlot() {
        if !waiters.isEmpty { waiters.removeFirst().continuation.resume(returning: nil) }
    }

    private func closeIdleSurplus() async {
        let now = ContinuousClock.now
        while openCount > configuration.minimumConnections, let oldest = idle.first,
            now - oldest.since > configuration.idleTimeout
        {
            idle.removeFirst()
            await discard(oldest.handle)
        }
    }

    private func open() async throws -> PostgresConnectionHandle {
        try await PostgresConnectionHandle.open(conninfo: configuration.conninfo, logger: logger)
    }
}
