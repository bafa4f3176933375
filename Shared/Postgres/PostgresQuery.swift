import Foundation

/// A SQL statement whose interpolated values are always sent as `$n` parameters.
///
/// ```swift
/// let rows = try await pool.query("SELECT name FROM tenants WHERE id = \(tenantID)")
/// ```
/// Every `\(value)` becomes a bind parameter, never SQL text, so injection is impossible by
/// construction. There is deliberately no way to splice raw strings into the statement; a name
/// that cannot be a parameter (a table chosen at run time) goes in as `\(identifier: name)`,
/// which is always double-quoted with embedded quotes doubled.
public struct PostgresQuery: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    /// The statement text with `$1`, `$2`, … placeholders.
    public private(set) var sql: String
    /// The parameter values in text format; nil is SQL NULL.
    public private(set) var binds: [String?]

    public init(stringLiteral value: String) {
        self.sql = value
        self.binds = []
    }

    public init(stringInterpolation: StringInterpolation) {
        self.sql = stringInterpolation.sql
        self.binds = stringInterpolation.binds
    }

    /// The statement text only: the values are never part of the description, so a logged query
    /// leaks no data.
    public var description: String { sql }

    public struct StringInterpolation: StringInterpolationProtocol {
        var sql = ""
        var binds: [String?] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            sql.reserveCapacity(literalCapacity + interpolationCount * 3)
            binds.reserveCapacity(interpolationCount)
        }

        public mutating func appendLiteral(_ literal: String) {
            sql += literal
        }

        /// Appends `value` as the next `$n` parameter.
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value) {
            binds.append(value.postgresText)
            sql += "$\(binds.count)"
        }

        /// Appends `name` as a quoted SQL identifier (`"name"`, embedded quotes doubled), for the
        /// few names that cannot be parameters. It can never end the identifier early.
        public mutating func appendInterpolation(identifier name: String) {
            precondition(!name.utf8.contains(0), "an SQL identifier cannot contain NUL")
            sql += "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }

        /// Appends an optional value as the next `$n` parameter (NULL when nil).
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value?) {
            binds.append(value?.postgresText)
            sql += "$\(binds.count)"
        }
    }
}
