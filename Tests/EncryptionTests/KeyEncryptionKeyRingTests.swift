import Foundation
import Testing

@testable import Encryption

@Suite("Key-encryption key rings")
struct KeyEncryptionKeyRingTests {
    let keyA = Data(repeating: 0xA1, count: 32).base64EncodedString()
    let keyB = Data(repeating: 0xB2, count: 32).base64EncodedString()

    @Test("configuration text gives every version and the active one; descriptions show ids only")
    func parsesConfiguration() throws {
        let ring = try KeyEncryptionKeyRing(configuration: "kek-2026-05:\(keyA), kek-2026-11:\(keyB)", activeID: "kek-2026-11")
        #expect(ring.active.id == "kek-2026-11")
        #expect(ring.ids == ["kek-2026-05", "kek-2026-11"])
        #expect(ring.key(id: "kek-2026-05")?.key.bytes == [UInt8](repeating: 0xA1, count: 32))
        #expect(ring.key(id: "kek-2027-01") == nil)
        let printed = "\(ring) \(ring.active) \(String(reflecting: ring.active))"
        #expect(!printed.contains(keyA) && !printed.contains(keyB))
        #expect(printed.contains("kek-2026-11"))
    }

    @Test("newlines and # comments are allowed, as in a mounted key file")
    func parsesFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("keks-\(UUID().uuidString)")
        try "# rotated 2026-11\nkek-2026-05:\(keyA)\n\nkek-2026-11:\(keyB)\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let ring = try KeyEncryptionKeyRing(contentsOf: file, activeID: "kek-2026-05")
        #expect(ring.active.id == "kek-2026-05")
        #expect(ring.ids.count == 2)

        let fromEnvironment = try KeyEncryptionKeyRing(
            environment: ["MAILBRIDGE_KEK_FILE": file.path, "MAILBRIDGE_KEK_ACTIVE": "kek-2026-11"], prefix: "MAILBRIDGE_KEK")
        #expect(fromEnvironment.active.id == "kek-2026-11")
    }

    @Test("configuration mistakes fail with .invalidKey and a message naming the problem, never the key")
    func rejectsMistakes() throws {
        let cases: [(text: String, active: String, mentions: String)] = [
            ("kek-1:\(keyA)", "kek-2", "active key id kek-2"),
            ("kek-1:not*base64!", "kek-1", "base64"),
            ("kek-1:\(Data(repeating: 1, count: 16).base64EncodedString())", "kek-1", "32 bytes, got 16"),
            ("kek-1\(keyA)", "kek-1", "id:base64"),
            ("kek 1:\(keyA)", "kek 1", "may only contain"),
            ("kek-1:\(keyA),kek-1:\(keyB)", "kek-1", "more than once"),
            ("", "kek-1", "none"),
        ]
        for (text, active, mentions) in cases {
            let error = #expect(throws: EncryptionError.self) { try KeyEncryptionKeyRing(configuration: text, activeID: active) }
            #expect(error?.kind == .invalidKey, "\(text)")
            #expect(error?.message.contains(mentions) == true, "\(String(describing: error)) should mention \(mentions)")
            #expect(error?.message.contains(keyA) == false)
        }
        #expect(throws: EncryptionError.self) { try KeyEncryptionKeyRing(environment: [:], prefix: "MAILBRIDGE_KEK") }
        #expect(throws: EncryptionError.self) {
            try KeyEncryptionKeyRing(contentsOf: URL(fileURLWithPath: "/nonexistent/keks"), activeID: "kek-1")
        }
    }
}
