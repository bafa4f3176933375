import Foundation
import Logging

/// A swift-log handler that writes one JSON object per line, with email addresses replaced by
/// keyed pseudonyms in the message and in every metadata value.
///
/// Callers should still pass personal data through `PIIHasher.token(_:)` themselves (subjects
/// are not recognisable as such); the handler's redaction is the safety net for addresses that
/// slip into free text such as a server's error reply.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let hasher: PIIHasher
    private let output: @Sendable (String) -> Void

    /// - Parameter output: receives each finished line (without the newline); standard output by default.
    public init(
        label: String, level: Logger.Level, hasher: PIIHasher,
        output: @escaping @Sendable (String) -> Void = { line in FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
    ) {
        self.label = label
        self.logLevel = level
        self.hasher = hasher
        self.output = output
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        var object: [String: Any] = [
            "ts": Self.timestamp(),
            "level": event.level.rawValue,
            "logger": label,
            "msg": hasher.redactAddresses(in: event.message.description),
            "source": event.source,
        ]
        for (key, value) in merged {
            object[key] = json(value)
        }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            output(#"{"level":"error","msg":"a log line could not be encoded"}"#)
            return
        }
        output(String(decoding: data, as: UTF8.self))
    }

    private func json(_ value: Logger.MetadataValue) -> Any {
        switch value {
        case .string(let text): hasher.redactAddresses(in: text)
        case .stringConvertible(let convertible): hasher.redactAddresses(in: convertible.description)
        case .array(let values): values.map(json)
        case .dictionary(let values): values.mapValues(json)
        }
    }

    private static func timestamp() -> String {
        Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }
}

/// Process-wide logging set-up for Mailbridge executables.
public enum MailbridgeLogging {
    /// Routes every `Logger` to JSON lines on standard output, with addresses redacted.
    /// Call once, first thing in `main`.
    public static func bootstrap(level: Logger.Level, hasher: PIIHasher) {
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: level, hasher: hasher) }
    }
}
