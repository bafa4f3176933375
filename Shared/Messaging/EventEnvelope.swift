import Foundation

/// The versioned value of every Mailbridge topic record (DESIGN §2):
/// `{ "v": 1, "id": <uuid>, "tenant": …, "type": …, "at": …, "body": <sealed, base64> }`.
///
/// `body` is the event sealed by `TenantCipher` for the tenant with the topic's unprefixed name
/// (e.g. `jira.events`) as purpose,
/// so only a holder of the tenant's data key reads it, and shredding the key makes it unreadable.
public struct EventEnvelope: Sendable, Codable, Equatable {
    /// The envelope format version this code writes and reads.
    public static let version = 1

    public var v: Int
    /// Stable across retries of the same event (see `EventIdentity`): consumers deduplicate by it.
    public var id: String
    /// Our tenant id (also the record key).
    public var tenant: String
    /// What the body is, e.g. `jira:issue_created` or `installed`.
    public var type: String
    /// When Mailbridge received the event, ISO 8601 with milliseconds, UTC.
    public var at: String
    /// The sealed body, base64.
    public var body: String

    public init(id: String, tenant: String, type: String, at: Date, sealedBody: [UInt8]) {
        self.v = Self.version
        self.id = id
        self.tenant = tenant
        self.type = type
        self.at = Self.timestamp(at)
        self.body = Data(sealedBody).base64EncodedString()
    }

    /// The sealed body's bytes.
    /// - Throws: `MessagingError` when `body` is not base64.
    public func sealedBody() throws -> [UInt8] {
        guard let data = Data(base64Encoded: body) else {
            throw MessagingError("envelope \(id): body is not base64")
        }
        return Array(data)
    }

    /// The envelope as compact JSON with sorted keys (what `JSONEncoder` with `.sortedKeys`
    /// writes, without its cost on the webhook path).
    public func json() throws -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(body.utf8.count + id.utf8.count + tenant.utf8.count + type.utf8.count + at.utf8.count + 64)
        output.append(contentsOf: #"{"at":"#.utf8)
        JSONText.appendString(at, to: &output)
        output.append(contentsOf: #","body":"#.utf8)
        JSONText.appendString(body, to: &output)
        output.append(contentsOf: #","id":"#.utf8)
        JSONText.appendString(id, to: &output)
        output.append(contentsOf: #","tenant":"#.utf8)
        JSONText.appendString(tenant, to: &output)
        output.append(contentsOf: #","type":"#.utf8)
        JSONText.appendString(type, to: &output)
        output.append(contentsOf: #","v":"#.utf8)
        output.append(contentsOf: String(v).utf8)
        output.append(UInt8(ascii: "}"))
        return output
    }

    /// Reads an envelope.
    /// - Throws: `MessagingError` when it is not JSON of this shape or of another version.
    public init(json: [UInt8]) throws {
        do {
            self = try JSONDecoder().decode(EventEnvelope.self, from: Data(json))
        } catch {
            throw MessagingError("not an event envelope: \(error)")
        }
        guard v == Self.version else { throw MessagingError("envelope \(id): version \(v), expected \(Self.version)") }
    }

    static func timestamp(_ date: Date) -> String {
        UTCTimestamp.iso8601Milliseconds(date)
    }
}
