import Foundation
import Logging
import Postgres
import TestSupport

/// A pool on the database the local stack started.
func makeTestPool(maximumConnections: Int = 4) throws -> PostgresPool {
    var logger = Logger(label: "postgres-tests")
    logger.logLevel = .warning
    return PostgresPool(
        configuration: PostgresConfiguration(
            connectionString: try TestEnvironment.require("MAILBRIDGE_TEST_POSTGRES_URL"),
            minimumConnections: 0, maximumConnections: maximumConnections),
        logger: logger)
}

/// A table name unique to this test run.
func uniqueTable(_ prefix: String) -> String {
    TestEnvironment.uniqueName(prefix).replacingOccurrences(of: "-", with: "_")
}
