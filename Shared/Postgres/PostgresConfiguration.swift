import Foundation

/// How to reach the database and how many connections to keep.
public struct PostgresConfiguration: Sendable {
    /// A libpq connection string or URI, e.g. `postgresql://user:pass@127.0.0.1:5432/db`.
    /// Contains a password: never log it.
    public var connectionString: String
    /// Connections opened when the pool starts and kept open while idle.
    public var minimumConnections: Int
    /// The most connections open at once; further leases wait.
    public var maximumConnections: Int
    /// Connections above the minimum idle for longer than this are closed.
    public var idleTimeout: Duration
    /// Sent to the server as `application_name`, shown in `pg_stat_activity`.
    public var applicationName: String

    public init(
        connectionString: String,
        minimumConnections: Int = 1,
        maximumConnections: Int = 8,
        idleTimeout: Duration = .seconds(60),
        applicationName: String = "mailbridge"
    ) {
        self.connectionString = connectionString
        self.minimumConnections = minimumConnections
        self.maximumConnections = maximumConnections
        self.idleTimeout = idleTimeout
        self.applicationName = applicationName
    }

    /// The connection string with `application_name` added (URI or key/value form).
    var conninfo: String {
        let name = applicationName.replacingOccurrences(of: "'", with: "")
        if connectionString.hasPrefix("postgres://") || connectionString.hasPrefix("postgresql://") {
            let separator = connectionString.contains("?") ? "&" : "?"
            return connectionString + separator + "application_name=" + (name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "mailbridge")
        }
        return connectionString + " application_name='\(name)'"
    }
}
