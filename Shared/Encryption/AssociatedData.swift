/// The associated data that binds a ciphertext to where it belongs.
///
/// `mailbridge|<format>|<n>:<tenant>|<n>:<purpose>|<header bytes>`: the tenant and purpose are
/// length-prefixed, so no choice of strings can make two different (tenant, purpose) pairs
/// produce the same bytes. A value copied to another tenant, or to another column (purpose),
/// therefore fails authentication instead of opening.
enum AssociatedData {
    static func make(format: String, tenant: String, purpose: String, header: some Collection<UInt8>) -> [UInt8] {
        var bytes = Array("mailbridge|\(format)|".utf8)
        for field in [tenant, purpose] {
            bytes += Array("\(field.utf8.count):".utf8)
            bytes += Array(field.utf8)
            bytes.append(UInt8(ascii: "|"))
        }
        bytes += header
        return bytes
    }
}
