import Hex

/// Keeps every mail about one Jira issue in one thread: a stable root Message-ID per (tenant, issue).
///
/// The builder writes `In-Reply-To: <root>` and `References: <references…> <root>`: the ids are
/// oldest first and the root, the parent, comes last, as RFC 5322 §3.6.4 builds References (the
/// parent's References followed by the parent's id). Clients that thread by In-Reply-To, by the
/// last reference, or by any shared reference all put the mails in one thread. When the mail being
/// built is the root itself, it cites only `references`.
public struct MailThreading: Sendable, Equatable {
    /// The thread's root Message-ID, without angle brackets.
    public var rootMessageID: String
    /// Older ids the root itself answers (e.g. the inbound mail that created the issue), oldest
    /// first, without angle brackets.
    public var references: [String]

    public init(rootMessageID: String, references: [String] = []) {
        self.rootMessageID = rootMessageID
        self.references = references
    }

    /// The thread for one issue of one tenant: `jira.<issue key lowercased>.<hash>@<domain>`.
    ///
    /// Deterministic (same inputs, same id, in every process and release) and distinct per tenant;
    /// the tenant appears only as a 64-bit FNV-1a hash in hex. Characters of the issue key other
    /// than letters, digits, `-` and `_` are written as `=XX` (hex of each UTF-8 byte).
    public static func forIssue(_ issueKey: String, tenantID: String, domain: String) -> MailThreading {
        var key = ""
        for byte in issueKey.lowercased().utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"):
                key.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                key += "=" + Hex.lowercase([byte])
            }
        }
        let tenant = Hex.lowercase(fnv1a64(Array(tenantID.utf8)))
        return MailThreading(rootMessageID: "jira.\(key).\(tenant)@\(domain)")
    }

    /// FNV-1a, 64 bit: stable across processes, unlike `Hasher`.
    private static func fnv1a64(_ bytes: [UInt8]) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}
