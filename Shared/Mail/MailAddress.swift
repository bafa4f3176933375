/// One mailbox from an address header: `"Ada Lovelace" <ada@example.com>` has the display name
/// `Ada Lovelace` and the address `ada@example.com`.
public struct MailAddress: Sendable, Hashable, Codable {
    /// The decoded display name, or `nil` when the header gave none.
    public var displayName: String?
    /// The addr-spec (`local@domain`), exactly as written apart from surrounding whitespace.
    public var address: String

    public init(displayName: String? = nil, address: String) {
        self.displayName = displayName
        self.address = address
    }

    /// The address lowercased, for comparisons (`Ada@Example.COM` and `ada@example.com` are one sender).
    public var normalizedAddress: String { address.lowercased() }

    /// The part after the last `@`, lowercased; empty when there is none.
    public var domain: String {
        guard let at = address.lastIndex(of: "@") else { return "" }
        return String(address[address.index(after: at)...]).lowercased()
    }

    /// The part before the last `@`, lowercased.
    public var localPart: String {
        guard let at = address.lastIndex(of: "@") else { return address.lowercased() }
        return String(address[..<at]).lowercased()
    }
}
