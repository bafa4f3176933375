import Testing

@testable import Encryption

@Suite("Credential vault")
struct CredentialVaultTests {
    @Test("a Secret never prints its value")
    func secretRedacted() {
        let secret = Secret("hunter2-refresh-token")
        var dumped = ""
        dump(secret, to: &dumped)
        let renderings = ["\(secret)", secret.description, secret.debugDescription, String(reflecting: secret), String(describing: [secret]), dumped]
        for rendering in renderings {
            #expect(!rendering.contains("hunter2"), "\(rendering)")
        }
        #expect("\(secret)" == "<redacted>")
        #expect(secret.revealed == "hunter2-refresh-token")
    }

    @Test("credentials round-trip, bound to tenant and connection, and need both keys to open")
    func doubleEncryption() async throws {
        try await EncryptionFixture.with { fixture in
            let tenant = uniqueTenant()
            let credentials = try makeRing("cred")
            let vault = CredentialVault(cipher: fixture.cipher, credentialKeys: credentials)
            let sealed = try await vault.seal(Secret("imap-password-42"), tenant: tenant, connectionID: "imap-1")
            #expect(!sealed.contains(Array("imap-password-42".utf8)))
            #expect(keyID(ofBox: sealed) == credentials.active.id)
            #expect(try await vault.open(sealed, tenant: tenant, connectionID: "imap-1").revealed == "imap-password-42")

            await expectEncryptionError(.authenticationFailed, "other connection") {
                try await vault.open(sealed, tenant: tenant, connectionID: "imap-2")
            }
            // Tenant key only: the outer layer is not a tenant box.
            await expectEncryptionError(.unknownKey, "tenant key alone") {
                try await fixture.cipher.open(sealed, tenant: tenant, purpose: "credential:imap-1")
            }
            // Credentials key with the same id but other bytes: the outer layer fails.
            let impostor = try KeyEncryptionKey.random(id: credentials.active.id)
            let wrongKey = CredentialVault(cipher: fixture.cipher, credentialKeys: try KeyEncryptionKeyRing(keys: [impostor], activeID: impostor.id))
            await expectEncryptionError(.authenticationFailed, "wrong credentials key") {
                try await wrongKey.open(sealed, tenant: tenant, connectionID: "imap-1")
            }
            let missing = CredentialVault(cipher: fixture.cipher, credentialKeys: try makeRing("cred"))
            await expectEncryptionError(.unknownKey, "credentials key not configured") {
                try await missing.open(sealed, tenant: tenant, connectionID: "imap-1")
            }
            // Credentials key only: with the tenant key shredded, the inner layer cannot open.
            try await fixture.store.shred(tenant)
            await expectEncryptionError(.unknownKey, "credentials key alone") {
                try await vault.open(sealed, tenant: tenant, connectionID: "imap-1")
            }
        }
    }
}
