import Foundation
import Logging
import Platform

/// Settings the operator commands read from `MAILBRIDGE_*` variables, validated up front.
struct CommandEnvironment {
    /// Logs for humans at a terminal: warnings and errors on standard error.
    static let logger: Logger = {
        var logger = Logger(label: "mailbridge") { label in StreamLogHandler.standardError(label: label) }
        logger.logLevel = .warning
        return logger
    }()

    /// `MAILBRIDGE_POSTGRES_URL`, or the value given on the command line.
    static func postgresURL(_ override: String?) throws -> String {
        var reader = EnvironmentReader()
        let url = override ?? reader.url("MAILBRIDGE_POSTGRES_URL", schemes: ["postgres", "postgresql"], secret: true).absoluteString
        try reader.validate()
        return url
    }

    /// `MAILBRIDGE_KAFKA_BROKERS`, or the value given on the command line.
    static func kafkaBrokers(_ override: String?) throws -> String {
        var reader = EnvironmentReader()
        let brokers = override ?? reader.required("MAILBRIDGE_KAFKA_BROKERS")
        try reader.validate()
        return brokers
    }
}
