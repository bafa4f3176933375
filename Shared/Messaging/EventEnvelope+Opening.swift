import Encryption

extension EventEnvelope {
    /// The envelope's body, opened with its tenant's key for `purpose` (the topic's unprefixed name).
    /// - Throws: `MessagingError` when the body is not base64 or does not open (wrong tenant,
    ///   wrong purpose, shredded key, tampering).
    public func openBody(with cipher: TenantCipher, purpose: String) async throws -> [UInt8] {
        let sealed = try sealedBody()
        do {
            return try await cipher.open(sealed, tenant: tenant, purpose: purpose)
        } catch {
            throw MessagingError("envelope \(id) of tenant \(tenant): the \(purpose) body does not open: \(error)")
        }
    }
}
