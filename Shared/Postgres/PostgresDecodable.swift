import Foundation

/// A Swift value that can be read from a column in PostgreSQL's text output format.
public protocol PostgresDecodable: Sendable {
    /// Reads the value; throws `PostgresError.Kind.decoding` naming the problem.
    init(postgresText: String) throws
}

extension String: PostgresDecodable {
    public init(postgresText: String) { self = postgresText }
}

extension Int: PostgresDecodable {
    public init(postgresText: String) throws { self = try parseNumber(postgresText, "an integer") }
}

extension Int32: PostgresDecodable {
    public init(postgresText: String) throws { self = try parseNumber(postgresText, "a 32-bit integer") }
}

extension Int64: PostgresDecodable {
    public init(postgresText: String) throws { self = try parseNumber(postgresText, "a 64-bit integer") }
}

extension Double: PostgresDecodable {
    public init(postgresText: String) throws { self = try parseNumber(postgresText, "a number") }
}

/// Parses a numeric column, naming what was expected when it does not parse.
private func parseNumber<Number: LosslessStringConvertible>(_ text: String, _ expected: String) throws -> Number {
    guard let value = Number(text) else { throw PostgresError(.decoding, message: "not \(expected)") }
    return value
}

extension Bool: PostgresDecodable {
    public init(postgresText: String) throws {
        switch postgresText {
        case "t": self = true
        case "f": self = false
        default: throw PostgresError(.decoding, message: "not a boolean")
        }
    }
}

extension UUID: PostgresDecodable {
    public init(postgresText: String) throws {
        guard let value = UUID(uuidString: postgresText) else { throw PostgresError(.decoding, message: "not a UUID") }
        self = value
    }
}

extension Date: PostgresDecodable {
    public init(postgresText: String) throws {
        self = try PostgresTimestamp.parse(postgresText)
    }
}
