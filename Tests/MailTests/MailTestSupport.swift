import Foundation
import Mail

/// Test inputs: our own corpus (`Tests/MailTests/Corpus`) and the shared public samples
/// (`../shared/testdata/mail-gem-fixtures`, beside the repository).
enum MailCorpus {
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let ownDirectory = testsDirectory.appendingPathComponent("Corpus")
    static let sharedDirectory = testsDirectory
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("shared/testdata/mail-gem-fixtures")

    /// A message from our corpus.
    static func own(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: ownDirectory.appendingPathComponent(name)))
    }

    /// Every `.eml` file under `directory`, sorted by path.
    static func files(in directory: URL) -> [URL] {
        guard let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else { return [] }
        return enumerator.compactMap { $0 as? URL }.filter { $0.pathExtension == "eml" }.sorted { $0.path < $1.path }
    }
}

extension String {
    /// The message with LF line ends turned into CRLF, as it travels over SMTP.
    var crlf: [UInt8] {
        Array(replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n").utf8)
    }
}

/// Parses a message written inline in a test (LF line ends become CRLF).
func parse(_ text: String) -> ParsedMail {
    MailParser().parse(text.crlf)
}
