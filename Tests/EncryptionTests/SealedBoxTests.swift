import Testing

@testable import Encryption

/// The sealed-box format on its own, with a fixed key (no database).
@Suite("Sealed boxes")
struct SealedBoxTests {
    let key = KeyBytes.random()

    @Test("the layout is version, key-id length, key id, 12-byte nonce, ciphertext, 16-byte tag")
    func layout() throws {
        let box = try SealedBox.seal(Array("hello".utf8), key: key, keyID: "dk-1", tenant: "t1", purpose: "p")
        #expect(box[0] == 0x01)
        #expect(box[1] == 4)
        #expect(Array(box[2..<6]) == Array("dk-1".utf8))
        #expect(box.count == 6 + 12 + 5 + 16)
        let parts = try SealedBox.parse(box)
        #expect(try SealedBox.open(parts, key: key, tenant: "t1", purpose: "p") == Array("hello".utf8))
        // Two seals of the same value differ (fresh nonce).
        #expect(try SealedBox.seal(Array("hello".utf8), key: key, keyID: "dk-1", tenant: "t1", purpose: "p") != box)
    }

    @Test("seals of the same value get distinct nonces, and each opens")
    func distinctNonces() throws {
        var nonces = Set<[UInt8]>()
        for _ in 0..<200 {
            let box = try SealedBox.seal(Array("same".utf8), key: key, keyID: "dk-1", tenant: "t1", purpose: "p")
            let parts = try SealedBox.parse(box)
            nonces.insert(Array(parts.nonce))
            #expect(try SealedBox.open(parts, key: key, tenant: "t1", purpose: "p") == Array("same".utf8))
        }
        #expect(nonces.count == 200)
    }

    @Test("a box bound to one tenant or purpose fails for another with the same key")
    func bindsTenantAndPurpose() async throws {
        let box = try SealedBox.seal(Array("subject".utf8), key: key, keyID: "dk-1", tenant: "t1", purpose: "inbound_audit.subject")
        let parts = try SealedBox.parse(box)
        await expectEncryptionError(.authenticationFailed, "other tenant") {
            try SealedBox.open(parts, key: key, tenant: "t2", purpose: "inbound_audit.subject")
        }
        await expectEncryptionError(.authenticationFailed, "other purpose") {
            try SealedBox.open(parts, key: key, tenant: "t1", purpose: "inbound_audit.from")
        }
        // Length prefixes: moving a character between tenant and purpose changes the binding.
        let shifted = try SealedBox.seal([1], key: key, keyID: "dk-1", tenant: "ab", purpose: "c")
        await expectEncryptionError(.authenticationFailed, "shifted boundary") {
            try SealedBox.open(try SealedBox.parse(shifted), key: key, tenant: "a", purpose: "bc")
        }
        await expectEncryptionError(.authenticationFailed, "wrong key") {
            try SealedBox.open(parts, key: KeyBytes.random(), tenant: "t1", purpose: "inbound_audit.subject")
        }
    }

    @Test("malformed boxes are rejected before any key is looked up")
    func malformed() async throws {
        let box = try SealedBox.seal([1, 2, 3], key: key, keyID: "dk-1", tenant: "t1", purpose: "p")
        let cases: [[UInt8]] = [
            [], [0x01], [0x02] + Array(box.dropFirst()), [0x01, 0x00] + Array(box.dropFirst(2)),
            Array(box.prefix(2 + 4 + 12 + 15)), [0x01, 0x02, 0xFF, 0xFE] + [UInt8](repeating: 0, count: 28),
        ]
        for bad in cases {
            await expectEncryptionError(.malformed, "\(bad.prefix(4))") { try SealedBox.parse(bad) }
        }
    }
}
