import Testing

@testable import Encryption

@Suite("Blind index")
struct BlindIndexTests {
    let index = try! BlindIndex(key: randomBytes(32))

    @Test("tokens are stable, ignore case and surrounding whitespace, and are 64 hex digits")
    func stableAndNormalised() {
        let token = index.token(for: "Alice.Smith@Example.COM", tenant: "t1")
        #expect(token == index.token(for: "  alice.smith@example.com\n", tenant: "t1"))
        #expect(token.count == 64 && token.allSatisfy(\.isHexDigit))
        #expect(!token.contains("alice"))
        #expect(token != index.token(for: "alice.smith@example.org", tenant: "t1"))
    }

    @Test("tokens depend on the key and the tenant")
    func keyAndTenantDependent() throws {
        let other = try BlindIndex(key: randomBytes(32))
        #expect(index.token(for: "bob@example.com", tenant: "t1") != other.token(for: "bob@example.com", tenant: "t1"))
        #expect(index.token(for: "bob@example.com", tenant: "t1") != index.token(for: "bob@example.com", tenant: "t2"))
        #expect(throws: EncryptionError(.invalidKey, "the blind-index key must be 32 bytes, got 16")) {
            try BlindIndex(key: randomBytes(16))
        }
    }
}
