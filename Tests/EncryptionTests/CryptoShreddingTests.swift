import Foundation
import Testing

@testable import Encryption

@Suite("Crypto-shredding")
struct CryptoShreddingTests {
    @Test("after shred every earlier value and stream of the tenant fails with .unknownKey; other tenants still open")
    func shredding() async throws {
        try await EncryptionFixture.with { fixture in
            let erased = uniqueTenant()
            let kept = uniqueTenant()
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("shred-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let plain = directory.appendingPathComponent("mail.eml")
            try Data(randomBytes(200_000)).write(to: plain)

            var values = [[UInt8]]()
            for tenant in [erased, kept] {
                values.append(try await fixture.cipher.seal(Array("subject".utf8), tenant: tenant, purpose: "inbound_audit.subject"))
                try await fixture.store.rotate(tenant)
                values.append(try await fixture.cipher.seal(Array("from".utf8), tenant: tenant, purpose: "inbound_audit.from"))
                try await fixture.cipher.sealFile(
                    at: plain, to: directory.appendingPathComponent("\(tenant).sealed"), tenant: tenant, purpose: "raw")
            }
            // Warm this process's cache, to prove shred invalidates it.
            _ = try await fixture.cipher.open(values[0], tenant: erased, purpose: "inbound_audit.subject")

            #expect(try await fixture.store.shred(erased) == 2)

            let freshProcess = TenantCipher(keys: fixture.otherProcess())
            for cipher in [fixture.cipher, freshProcess] {
                await expectEncryptionError(.unknownKey, "value under the first key") {
                    try await cipher.open(values[0], tenant: erased, purpose: "inbound_audit.subject")
                }
                await expectEncryptionError(.unknownKey, "value under the rotated key") {
                    try await cipher.open(values[1], tenant: erased, purpose: "inbound_audit.from")
                }
                await expectEncryptionError(.unknownKey, "streamed object") {
                    try await cipher.openFile(
                        at: directory.appendingPathComponent("\(erased).sealed"), to: directory.appendingPathComponent("erased.out"),
                        tenant: erased, purpose: "raw")
                }
                #expect(try await cipher.open(values[2], tenant: kept, purpose: "inbound_audit.subject") == Array("subject".utf8))
                #expect(try await cipher.open(values[3], tenant: kept, purpose: "inbound_audit.from") == Array("from".utf8))
            }
            #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("erased.out").path))
            let keptOut = directory.appendingPathComponent("kept.out")
            try await fixture.cipher.openFile(at: directory.appendingPathComponent("\(kept).sealed"), to: keptOut, tenant: kept, purpose: "raw")
            #expect(try Data(contentsOf: keptOut) == Data(contentsOf: plain))

            // The tenant can start again, but only with a new key: old data stays unreadable.
            let fresh = try await fixture.store.activeKey(for: erased)
            #expect(fresh.id != keyID(ofBox: values[0]) && fresh.id != keyID(ofBox: values[1]))
            await expectEncryptionError(.unknownKey) { try await fixture.cipher.open(values[1], tenant: erased, purpose: "inbound_audit.from") }
            #expect(try await fixture.store.shred(erased) == 1)
        }
    }
}
