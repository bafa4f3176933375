import Crypto
import Hex

/// The envelope id of an incoming event: the same for every delivery of the same event, so
/// Jira's retries (and our own re-sends after a 503) are deduplicated downstream.
///
/// It is a UUID-shaped SHA-256 digest of the tenant and either Jira's
/// `X-Atlassian-Webhook-Identifier` (the same on every retry) or, when that header is missing,
/// the exact body. Different tenants never share an id.
public enum EventIdentity {
    /// - Parameters:
    ///   - deliveryIdentifier: `X-Atlassian-Webhook-Identifier`, when present and not empty.
    public static func id(tenant: String, deliveryIdentifier: String?, body: [UInt8]) -> String {
        var hasher = SHA256()
        hasher.update(data: Array("mailbridge-event-id\u{0}\(tenant)\u{0}".utf8))
        if let deliveryIdentifier, !deliveryIdentifier.isEmpty {
            hasher.update(data: Array("delivery\u{0}\(deliveryIdentifier)".utf8))
        } else {
            hasher.update(data: Array("body\u{0}".utf8))
            hasher.update(data: body)
        }
        var bytes = Array(hasher.finalize().prefix(16))
        // Shape it as an RFC 9562 version 8 (custom) UUID so consumers can store it as a uuid.
        bytes[6] = (bytes[6] & 0x0F) | 0x80
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        var text: [UInt8] = []
        text.reserveCapacity(36)
        for (index, byte) in bytes.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { text.append(UInt8(ascii: "-")) }
            Hex.append(byte, to: &text)
        }
        return String(decoding: text, as: UTF8.self)
    }
}
