import Foundation
import Mail
import Testing

@Suite("Reading messages from files")
struct MailBytesFileTests {
    @Test("a file is read whole and byte-exact")
    func readsWholeFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mailbytes-\(UUID().uuidString).eml").path
        let content = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try Data(content).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try MailBytes(contentsOfFile: path).bytes == content)
    }

    @Test("a missing file is an error naming the path and the reason")
    func missingFile() {
        #expect {
            _ = try MailBytes(contentsOfFile: "/nonexistent/mail.eml")
        } throws: { error in
            "\(error)" == "cannot read /nonexistent/mail.eml: No such file or directory"
        }
    }
}
