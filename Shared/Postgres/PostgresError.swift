/// An error from PostgreSQL or from talking to it.
///
/// One type for every failure, in the style of swift-kafka-client's `KafkaError`: a kind, the
/// server's SQLSTATE when it sent one, a message, and where the error was raised.
public struct PostgresError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, broadly.
    public enum Kind: String, Sendable {
        /// The connection could not be opened or was lost.
        case connection
        /// The server rejected a statement; `sqlState` says why.
        case server
        /// A result value could not be decoded into the requested Swift type.
        case decoding
        /// The pool was shut down, or a lease was cancelled.
        case poolClosed
        /// A migration file is malformed or a migration failed.
        case migration
    }

    /// The broad kind of failure.
    public let kind: Kind
    /// The five-character SQLSTATE the server sent (e.g. `23505` for a unique violation), if any.
    public let sqlState: String?
    /// A human-readable message (the server's primary message, or libpq's).
    public let message: String
    /// The server's DETAIL field, if any. May contain data values: never log it in clear.
    public let detail: String?
    /// Where the error was raised.
    public let file: String
    public let line: UInt

    package init(
        _ kind: Kind, sqlState: String? = nil, message: String, detail: String? = nil,
        file: String = #fileID, line: UInt = #line
    ) {
        self.kind = kind
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.file = file
        self.line = line
    }

    /// True when the same work may succeed if tried again: a lost connection, a serialization
    /// failure or deadlock, or a server shutting down or starting up.
    public var isRetriable: Bool {
        if kind == .connection { return true }
        guard let sqlState else { return false }
        return sqlState.hasPrefix("08")  // connection exception
            || sqlState == "40001"  // serialization_failure
            || sqlState == "40P01"  // deadlock_detected
            || sqlState.hasPrefix("57P")  // admin_shutdown, crash_shutdown, cannot_connect_now
            || sqlState == "53300"  // too_many_connections
    }

    /// True for a unique-constraint violation (SQLSTATE 23505), the usual sign of a duplicate.
    public var isUniqueViolation: Bool { sqlState == "23505" }

    public var description: String {
        var text = "PostgresError.\(kind.rawValue)"
        if let sqlState { text += " [\(sqlState)]" }
        text += ": \(message) (at \(file):\(line))"
        return text
    }
}
