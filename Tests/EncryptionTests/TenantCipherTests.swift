import Testing

@testable import Encryption

@Suite("Tenant cipher")
struct TenantCipherTests {
    @Test("values round-trip, bytes and text, including empty ones")
    func roundTrip() async throws {
        try await EncryptionFixture.with { fixture in
            let tenant = uniqueTenant()
            for value in [[], [0x00], Array("Re: printer on fire".utf8), randomBytes(10_000)] as [[UInt8]] {
                let box = try await fixture.cipher.seal(value, tenant: tenant, purpose: "inbound_audit.subject")
                #expect(try await fixture.cipher.open(box, tenant: tenant, purpose: "inbound_audit.subject") == value)
            }
            let text = try await fixture.cipher.seal("Grüße, ünïcode", tenant: tenant, purpose: "outbound_history.subject")
            #expect(try await fixture.cipher.openText(text, tenant: tenant, purpose: "outbound_history.subject") == "Grüße, ünïcode")
            #expect(!text.contains(Array("Grüße".utf8)))
        }
    }

    @Test("sealing without suspending needs the cached active key: none before first use, the rotated one after rotate, none after shred")
    func sealWithCachedKey() async throws {
        try await EncryptionFixture.with { fixture in
            let tenant = uniqueTenant()
            #expect(try fixture.cipher.sealWithCachedKey([1, 2], tenant: tenant, purpose: "p") == nil)
            let key = try await fixture.store.activeKey(for: tenant)
            let box = try #require(try fixture.cipher.sealWithCachedKey([1, 2], tenant: tenant, purpose: "p"))
            #expect(keyID(ofBox: box) == key.id)
            #expect(try await fixture.cipher.open(box, tenant: tenant, purpose: "p") == [1, 2])
            let rotated = try await fixture.store.rotate(tenant)
            #expect(try fixture.cipher.sealWithCachedKey([3], tenant: tenant, purpose: "p") == nil)
            _ = try await fixture.store.activeKey(for: tenant)
            #expect(keyID(ofBox: try #require(try fixture.cipher.sealWithCachedKey([3], tenant: tenant, purpose: "p"))) == rotated.id)
            try await fixture.store.shred(tenant)
            #expect(fixture.store.cachedActiveKey(for: tenant) == nil)
            #expect(try fixture.cipher.sealWithCachedKey([4], tenant: tenant, purpose: "p") == nil)
        }
    }

    @Test("a value opened as another tenant or for another purpose fails")
    func wrongTenantOrPurpose() async throws {
        try await EncryptionFixture.with { fixture in
            let tenant = uniqueTenant()
            let other = uniqueTenant()
            _ = try await fixture.store.activeKey(for: other)
            let box = try await fixture.cipher.seal(Array("from@example.com".utf8), tenant: tenant, purpose: "inbound_audit.from")
            // The other tenant has no key with this id: keys are per tenant.
            await expectEncryptionError(.unknownKey, "other tenant") {
                try await fixture.cipher.open(box, tenant: other, purpose: "inbound_audit.from")
            }
            await expectEncryptionError(.authenticationFailed, "other purpose") {
                try await fixture.cipher.open(box, tenant: tenant, purpose: "inbound_audit.to")
            }
        }
    }

    @Test("a changed byte fails with the kind of its position: header, key id, nonce, body, tag")
    func tampering() async throws {
        try await EncryptionFixture.with { fixture in
            let tenant = uniqueTenant()
            let box = try await fixture.cipher.seal(randomBytes(40), tenant: tenant, purpose: "p")
            let idEnd = 2 + Int(box[1])
            let positions: [(index: Int, kind: EncryptionError.Kind, name: String)] = [
                (0, .malformed, "version byte"),
                (1, .malformed, "key-id length byte"),
                (2 + 3, .unknownKey, "key id"),
                (idEnd, .authenticationFailed, "first nonce byte"),
                (idEnd + 11, .authenticationFailed, "last nonce byte"),
                (idEnd + 12, .authenticationFailed, "first body byte"),
                (box.count - 17, .authenticationFailed, "last body byte"),
                (box.count - 16, .authenticationFailed, "first tag byte"),
                (box.count - 1, .authenticationFailed, "last tag byte"),
            ]
            for (index, kind, name) in positions {
                var tampered = box
                // Key-id bytes stay printable so the id is still valid UTF-8 (just another id).
                tampered[index] = index > 1 && index < idEnd ? (box[index] == UInt8(ascii: "f") ? UInt8(ascii: "e") : UInt8(ascii: "f")) : box[index] ^ 0x01
                if index == 1 { tampered[1] = box[1] &+ 200 }  // longer than the box allows
                await expectEncryptionError(kind, "\(name)") { try await fixture.cipher.open(tampered, tenant: tenant, purpose: "p") }
            }
            #expect(try await fixture.cipher.open(box, tenant: tenant, purpose: "p").count == 40)
        }
    }

    @Test("truncated values fail: a missing tag byte fails authentication, a stub is malformed")
    func truncation() async throws {
        try await EncryptionFixture.with { fixture in
            let tenant = uniqueTenant()
            let box = try await fixture.cipher.seal(randomBytes(40), tenant: tenant, purpose: "p")
            await expectEncryptionError(.authenticationFailed, "one byte short") {
                try await fixture.cipher.open(Array(box.dropLast()), tenant: tenant, purpose: "p")
            }
            await expectEncryptionError(.malformed, "header and nonce only") {
                try await fixture.cipher.open(Array(box.prefix(2 + Int(box[1]) + 12)), tenant: tenant, purpose: "p")
            }
            await expectEncryptionError(.malformed, "empty") { try await fixture.cipher.open([], tenant: tenant, purpose: "p") }
        }
    }

    @Test("a box naming a key id the tenant never had fails with .unknownKey")
    func unknownKeyID() async throws {
        try await EncryptionFixture.with { fixture in
            let tenant = uniqueTenant()
            let box = try await fixture.cipher.seal([1, 2, 3], tenant: tenant, purpose: "p")
            let id = Array("dk-0000000000000000".utf8)
            let forged = [box[0], UInt8(id.count)] + id + box[(2 + Int(box[1]))...]
            await expectEncryptionError(.unknownKey) { try await fixture.cipher.open(forged, tenant: tenant, purpose: "p") }
        }
    }
}
