import Encryption

extension EventEnvelope {
    /// The envelope's body, opened with its tenant's key for `purpose` (the topic's unprefixed name).
    /// - Throws: `MessagingError` when the body is not base64 or does not open (wrong tenant,
    ///   wrong purpose, shredded key, tampering), or, marked transient, when the key could not be read.
    public func openBody(with cipher: TenantCipher, purpose: String) async throws -> [UInt8] {
        let sealed = try sealedBody()
        do {
            return try await cipher.open(sealed, tenant: tenant, purpose: purpose)
        } catch let error as EncryptionError {
            throw MessagingError("envelope \(id) of tenant \(tenant): the \(purpose) body does not open: \(error)")
        } catch {
            // The key could not be read (the database): worth another try.
            throw MessagingError("envelope \(id) of tenant \(tenant): the key to open the \(purpose) body was not read: \(error)", isTransient: true)
        }
    }
}
