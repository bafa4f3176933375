import Crypto
import Hex
import Jira
import Testing

@Suite("HS256Key: HMAC-SHA256 with the key padded once")
struct HS256KeyTests {
    private func bytes(hex: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var digits = Array(hex.utf8)[...]
        while digits.count >= 2 {
            bytes.append(UInt8(String(decoding: digits.prefix(2), as: UTF8.self), radix: 16)!)
            digits = digits.dropFirst(2)
        }
        return bytes
    }

    @Test("RFC 4231's test cases for HMAC-SHA-256, keys shorter and longer than a block")
    func rfc4231() throws {
        let cases: [(key: [UInt8], message: [UInt8], mac: String)] = [
            (Array(repeating: 0x0b, count: 20), Array("Hi There".utf8),
             "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
            (Array("Jefe".utf8), Array("what do ya want for nothing?".utf8),
             "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
            (Array(repeating: 0xaa, count: 131), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
             "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        ]
        for (key, message, mac) in cases {
            #expect(Hex.lowercase(try HS256Key(secret: key).authenticationCode(for: message)) == mac)
        }
    }

    @Test("The same code as swift-crypto's HMAC for keys of every length around the block size")
    func matchesSwiftCrypto() throws {
        var generator = SystemRandomNumberGenerator()
        for keyLength in [1, 16, 32, 63, 64, 65, 100, 128, 200] {
            let key = (0..<keyLength).map { _ in UInt8.random(in: 0...255, using: &generator) }
            for messageLength in [0, 1, 55, 56, 64, 300] {
                let message = (0..<messageLength).map { _ in UInt8.random(in: 0...255, using: &generator) }
                let expected = Array(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
                let prepared = try HS256Key(secret: key)
                #expect(prepared.authenticationCode(for: message) == expected, "key \(keyLength) bytes, message \(messageLength)")
                #expect(prepared.isValidSignature(expected, for: message))
            }
        }
    }

    @Test("A signature with any bit flipped, cut short or made longer is not valid")
    func refusesAlteredSignatures() throws {
        let key = try HS256Key(secret: Array("shared-secret".utf8))
        let message = Array("header.claims".utf8)
        let signature = key.authenticationCode(for: message)
        #expect(key.isValidSignature(signature, for: message))
        for index in signature.indices {
            for bit in 0..<8 {
                var altered = signature
                altered[index] ^= 1 << bit
                #expect(!key.isValidSignature(altered, for: message))
            }
        }
        #expect(!key.isValidSignature(Array(signature.dropLast()), for: message))
        #expect(!key.isValidSignature(signature + [0], for: message))
        #expect(!key.isValidSignature([], for: message))
        #expect(!key.isValidSignature(signature, for: Array("header.claimz".utf8)))
    }

    @Test("An empty secret is refused as an invalid key")
    func emptySecret() {
        #expect(throws: JiraAuthenticationError.self) { try HS256Key(secret: [UInt8]()) }
        do {
            _ = try HS256Key(secret: [UInt8]())
        } catch {
            #expect(error.reason == .invalidKey)
        }
    }
}
