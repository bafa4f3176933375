import Foundation

/// Reads typed settings from `MAILBRIDGE_*` environment variables, collecting every problem.
///
/// ```swift
/// var env = EnvironmentReader()
/// let port = env.integer("MAILBRIDGE_HTTP_PORT", default: 8080, in: 1...65535)
/// let url = env.required("MAILBRIDGE_POSTGRES_URL", secret: true)
/// try env.validate()   // throws ConfigurationErrors naming each bad variable
/// ```
/// A getter returns a placeholder after recording a problem, so one pass finds every mistake;
/// `validate()` must be called before any value is used.
public struct EnvironmentReader: Sendable {
    private let environment: [String: String]
    private var problems: [ConfigurationError] = []

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// Throws when any getter recorded a problem.
    public func validate() throws {
        if !problems.isEmpty { throw ConfigurationErrors(errors: problems) }
    }

    /// A string that must be set and non-empty. `secret` keeps the value out of messages.
    public mutating func required(_ name: String, secret: Bool = false) -> String {
        guard let value = environment[name], !value.isEmpty else {
            problems.append(ConfigurationError(variable: name, problem: "is required but not set"))
            return ""
        }
        return value
    }

    /// A string, or `defaultValue` when unset.
    public func string(_ name: String, default defaultValue: String) -> String {
        environment[name].flatMap { $0.isEmpty ? nil : $0 } ?? defaultValue
    }

    /// An optional string (nil when unset or empty).
    public func optional(_ name: String) -> String? {
        environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// One of `choices`, or `defaultValue` when unset.
    public mutating func choice(_ name: String, among choices: [String], default defaultValue: String) -> String {
        guard let text = optional(name) else { return defaultValue }
        guard choices.contains(text) else {
            problems.append(ConfigurationError(variable: name, problem: "must be one of \(choices.joined(separator: ", ")), got \"\(text)\""))
            return defaultValue
        }
        return text
    }

    /// An integer in `range`, or `defaultValue` when unset.
    public mutating func integer(_ name: String, default defaultValue: Int, in range: ClosedRange<Int> = Int.min...Int.max) -> Int {
        guard let text = optional(name) else { return defaultValue }
        guard let value = Int(text) else {
            problems.append(ConfigurationError(variable: name, problem: "must be a whole number, got \"\(text)\""))
            return defaultValue
        }
        guard range.contains(value) else {
            problems.append(ConfigurationError(variable: name, problem: "must be between \(range.lowerBound) and \(range.upperBound), got \(value)"))
            return defaultValue
        }
        return value
    }

    /// A boolean (`true/false`, `1/0`, `yes/no`), or `defaultValue` when unset.
    public mutating func boolean(_ name: String, default defaultValue: Bool) -> Bool {
        guard let text = optional(name) else { return defaultValue }
        switch text.lowercased() {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default:
            problems.append(ConfigurationError(variable: name, problem: "must be true or false, got \"\(text)\""))
            return defaultValue
        }
    }

    /// A duration written as a number with a unit (`250ms`, `30s`, `5m`, `2h`), or `defaultValue`.
    public mutating func duration(_ name: String, default defaultValue: Duration) -> Duration {
        guard let text = optional(name) else { return defaultValue }
        let units: [(String, (Int) -> Duration)] = [
            ("ms", { .milliseconds($0) }), ("s", { .seconds($0) }), ("m", { .seconds($0 * 60) }), ("h", { .seconds($0 * 3600) }),
        ]
        for (suffix, make) in units where text.hasSuffix(suffix) {
            if let value = Int(text.dropLast(suffix.count)), value >= 0 { return make(value) }
        }
        problems.append(ConfigurationError(variable: name, problem: "must be a duration like 250ms, 30s, 5m or 2h, got \"\(text)\""))
        return defaultValue
    }

    /// An absolute URL with one of `schemes`. `secret` keeps the value (which may hold a
    /// password) out of messages.
    public mutating func url(_ name: String, schemes: Set<String>, secret: Bool = false, default defaultValue: String? = nil) -> URL {
        let text = optional(name) ?? defaultValue
        guard let text else {
            problems.append(ConfigurationError(variable: name, problem: "is required but not set"))
            return URL(fileURLWithPath: "/")
        }
        let shown = secret ? "" : ", got \"\(text)\""
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), url.host != nil else {
            problems.append(ConfigurationError(variable: name, problem: "must be a URL with a host\(shown)"))
            return URL(fileURLWithPath: "/")
        }
        guard schemes.contains(scheme) else {
            problems.append(ConfigurationError(variable: name, problem: "must use \(schemes.sorted().joined(separator: " or ")), got \(scheme)://"))
            return URL(fileURLWithPath: "/")
        }
        return url
    }

    /// A base64-encoded key of exactly `length` bytes (for HMAC or encryption keys).
    public mutating func base64Key(_ name: String, length: Int) -> [UInt8] {
        let text = required(name, secret: true)
        guard !text.isEmpty else { return [] }
        guard let data = Data(base64Encoded: text) else {
            problems.append(ConfigurationError(variable: name, problem: "must be base64"))
            return []
        }
        guard data.count == length else {
            problems.append(ConfigurationError(variable: name, problem: "must decode to \(length) bytes, got \(data.count)"))
            return []
        }
        return Array(data)
    }
}
