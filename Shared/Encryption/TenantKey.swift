/// One data key of one tenant: its id (written into every box it seals) and 32 secret bytes.
///
/// Obtained from `TenantKeyStore`; the bytes never leave this module and never print.
public struct TenantKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The tenant the key belongs to.
    public let tenant: String
    /// The key's id, unique within the tenant (`dk-` and 16 random hex digits).
    public let id: String
    let key: KeyBytes

    init(tenant: String, id: String, key: KeyBytes) {
        self.tenant = tenant
        self.id = id
        self.key = key
    }

    public var description: String { "TenantKey(\(id))" }
    public var debugDescription: String { description }
}
