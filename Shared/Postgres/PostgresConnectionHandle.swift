import CLibPQ
import Dispatch
import Foundation
import Logging

/// Owns one libpq connection and the serial queue that is the only place it is touched.
///
/// libpq connections are not thread-safe and every libpq call blocks, so each connection gets
/// its own serial `DispatchQueue`: calls never run on Swift's cooperative pool and never on two
/// threads at once. The `@unchecked Sendable` is sound because `pointer` is read and written only
/// from blocks submitted to `queue` (see `run`).
final class PostgresConnectionHandle: @unchecked Sendable {
    private var pointer: OpaquePointer?
    private let queue: DispatchQueue
    private let notices: NoticeSink

    private init(pointer: OpaquePointer, queue: DispatchQueue, notices: NoticeSink) {
        self.pointer = pointer
        self.queue = queue
        self.notices = notices
    }

    /// Opens a connection on a fresh serial queue. Sets UTC and ISO dates for the session.
    static func open(conninfo: String, logger: Logger) async throws -> PostgresConnectionHandle {
        let queue = DispatchQueue(label: "mailbridge.postgres.connection")
        let notices = NoticeSink(logger: logger)
        let pointer: OpaquePointer = try await withCheckedThrowingContinuation { continuation in
            queue.async {
                guard let connection = PQconnectdb(conninfo) else {
                    continuation.resume(throwing: PostgresError(.connection, message: "libpq could not allocate a connection"))
                    return
                }
                guard PQstatus(connection) == CONNECTION_OK else {
                    let message = Self.errorMessage(connection)
                    PQfinish(connection)
                    continuation.resume(throwing: PostgresError(.connection, message: message))
                    return
                }
                // libpq's default notice processor prints to stderr; route notices to the logger.
                PQsetNoticeReceiver(connection, postgresNoticeReceiver, Unmanaged.passUnretained(notices).toOpaque())
                continuation.resume(returning: connection)
            }
        }
        let handle = PostgresConnectionHandle(pointer: pointer, queue: queue, notices: notices)
        _ = try await handle.execute(PostgresQuery("SELECT set_config('TimeZone', 'UTC', false), set_config('DateStyle', 'ISO', false)"))
        return handle
    }

    /// Runs `body` on the connection's queue with the live connection pointer.
    private func run<T: Sendable>(_ body: @escaping @Sendable (OpaquePointer) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                guard let pointer = self.pointer else {
                    continuation.resume(throwing: PostgresError(.connection, message: "the connection is closed"))
                    return
                }
                continuation.resume(with: Result { try body(pointer) })
            }
        }
    }

    /// Executes one statement with its parameters (extended protocol, text format).
    func execute(_ query: PostgresQuery) async throws -> PostgresRows {
        try await run { connection in
            let result = Self.withCStrings(query.binds) { values in
                PQexecParams(connection, query.sql, Int32(query.binds.count), nil, values, nil, nil, 0)
            }
            return try Self.consume(result, connection: connection)
        }
    }

    /// Executes a script of one or more statements without parameters (simple protocol).
    /// Only for migration files, which are code under review, never built from values.
    func executeScript(_ sql: String) async throws {
        _ = try await run { connection in
            try Self.consume(PQexec(connection, sql), connection: connection)
        }
    }

    /// True when the connection still looks usable: reads whatever the server sent while idle
    /// (a server restart sends a termination notice and closes the socket) without blocking.
    func isHealthy() async -> Bool {
        (try? await run { connection in
            // Read what arrived while idle; a terminated backend sends an error and then EOF,
            // which libpq only notices on a second read once the socket is readable again.
            for _ in 0..<2 {
                guard PQconsumeInput(connection) == 1, PQstatus(connection) == CONNECTION_OK else { return false }
                var descriptor = pollfd(fd: PQsocket(connection), events: Int16(POLLIN), revents: 0)
                guard poll(&descriptor, 1, 0) > 0 else { break }
            }
            return PQstatus(connection) == CONNECTION_OK && PQtransactionStatus(connection) == PQTRANS_IDLE
        }) ?? false
    }

    /// Closes the connection. Safe to call more than once.
    func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async {
                if let pointer = self.pointer {
                    PQfinish(pointer)
                    self.pointer = nil
                }
                continuation.resume()
            }
        }
    }

    deinit {
        // The queue holds a strong reference while a block runs, so no block is running here.
        if let pointer { PQfinish(pointer) }
    }

    private static func consume(_ result: OpaquePointer?, connection: OpaquePointer) throws -> PostgresRows {
        guard let result else {
            throw PostgresError(.connection, message: errorMessage(connection))
        }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return PostgresRows(columns: [], affectedRows: affectedRows(result), values: [])
        case PGRES_TUPLES_OK, PGRES_SINGLE_TUPLE:
            let rowCount = PQntuples(result)
            let columnCount = PQnfields(result)
            let columns = (0..<columnCount).map { String(cString: PQfname(result, $0)) }
            var values = [[String?]]()
            values.reserveCapacity(Int(rowCount))
            for row in 0..<rowCount {
                var rowValues = [String?]()
                rowValues.reserveCapacity(Int(columnCount))
                for column in 0..<columnCount {
                    rowValues.append(PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column)))
                }
                values.append(rowValues)
            }
            return PostgresRows(columns: columns, affectedRows: affectedRows(result), values: values)
        default:
            let sqlState = field(result, mb_pg_diag_sqlstate)
            let message = field(result, mb_pg_diag_message_primary) ?? errorMessage(connection)
            let kind: PostgresError.Kind = PQstatus(connection) == CONNECTION_OK ? .server : .connection
            throw PostgresError(kind, sqlState: sqlState, message: message, detail: field(result, mb_pg_diag_message_detail))
        }
    }

    private static func field(_ result: OpaquePointer, _ code: Int32) -> String? {
        PQresultErrorField(result, code).map { String(cString: $0) }
    }

    private static func affectedRows(_ result: OpaquePointer) -> Int {
        Int(String(cString: PQcmdTuples(result))) ?? 0
    }

    private static func errorMessage(_ connection: OpaquePointer) -> String {
        let text = PQerrorMessage(connection).map { String(cString: $0) } ?? ""
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? "unknown libpq error" : trimmed
    }

    /// Calls `body` with C strings for `strings` (nil stays a NULL pointer) that live for the call.
    private static func withCStrings<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
        var pointers = [UnsafeMutablePointer<CChar>?]()
        pointers.reserveCapacity(strings.count)
        for string in strings { pointers.append(string.map { strdup($0) }) }
        defer { for pointer in pointers { free(pointer) } }
        return body(pointers.map { $0.map { UnsafePointer($0) } })
    }
}

/// Receives the server's NOTICE messages for one connection and logs them.
private final class NoticeSink: Sendable {
    let logger: Logger
    init(logger: Logger) { self.logger = logger }
}

private func postgresNoticeReceiver(_ context: UnsafeMutableRawPointer?, _ result: OpaquePointer?) {
    guard let context, let result else { return }
    let sink = Unmanaged<NoticeSink>.fromOpaque(context).takeUnretainedValue()
    let severity = PQresultErrorField(result, mb_pg_diag_severity).map { String(cString: $0) } ?? "NOTICE"
    let message = PQresultErrorField(result, mb_pg_diag_message_primary).map { String(cString: $0) } ?? ""
    let sqlState = PQresultErrorField(result, mb_pg_diag_sqlstate).map { String(cString: $0) } ?? ""
    sink.logger.info("postgres notice", metadata: ["severity": "\(severity)", "sqlstate": "\(sqlState)", "message": "\(message)"])
}
