import Curl
import Foundation
import TestSupport

/// The SMTP and IMAP servers of the local stack (`ops/stack/up.sh`, then `source .stack/env.sh`).
struct MailTestServers {
    let smtpHost: String
    let smtpPort: Int
    let imapHost: String
    let imapPort: Int
    let user: String
    let password: String
    let oauthToken: String
    let caFile: String
    let seedScript: String

    /// Reads the stack's variables; throws `TestEnvironment.Missing` naming the first one missing.
    static func fromEnvironment() throws -> MailTestServers {
        let smtp = try hostAndPort(TestEnvironment.require("MAILBRIDGE_TEST_SMTP_URL"))
        let imap = try hostAndPort(TestEnvironment.require("MAILBRIDGE_TEST_IMAP_URL"))
        return MailTestServers(
            smtpHost: smtp.host,
            smtpPort: smtp.port,
            imapHost: imap.host,
            imapPort: imap.port,
            user: try TestEnvironment.require("MAILBRIDGE_TEST_SMTP_USER"),
            password: try TestEnvironment.require("MAILBRIDGE_TEST_SMTP_PASSWORD"),
            oauthToken: try TestEnvironment.require("MAILBRIDGE_TEST_SMTP_OAUTH_TOKEN"),
            caFile: try TestEnvironment.require("MAILBRIDGE_TEST_TLS_CA"),
            seedScript: try TestEnvironment.require("MAILBRIDGE_TEST_IMAP_SEED")
        )
    }

    private static func hostAndPort(_ url: String) throws -> (host: String, port: Int) {
        guard let components = URLComponents(string: url), let host = components.host, let port = components.port else {
            throw TestServerError(message: "\(url) is not a scheme://host:port URL")
        }
        return (host, port)
    }

    /// An SMTP client with STARTTLS, verifying the stack's certificate.
    func smtp(_ authentication: MailAuthentication, tls: TLSSettings? = nil) -> SMTPClient {
        SMTPClient(settings: SMTPSettings(
            host: smtpHost,
            port: smtpPort,
            security: .startTLS,
            authentication: authentication,
            tls: tls ?? TLSSettings(caFile: caFile),
            timeout: .seconds(30)
        ))
    }

    /// An IMAP client with STARTTLS, verifying the stack's certificate, logged in as `user`.
    func imap(user: String? = nil, authentication: MailAuthentication? = nil) -> IMAPClient {
        IMAPClient(settings: IMAPSettings(
            host: imapHost,
            port: imapPort,
            security: .startTLS,
            authentication: authentication ?? .password(username: user ?? self.user, password: password),
            tls: TLSSettings(caFile: caFile),
            timeout: .seconds(30)
        ))
    }

    /// Puts `message` into `user`'s `mailbox` through the stack's seeding script.
    func seed(_ message: [UInt8], user: String? = nil, mailbox: String = "INBOX") async throws {
        let file = try temporaryFile("seed.eml")
        defer { removeTemporaryFile(file) }
        try Data(message).write(to: file)
        _ = try await runCommand([seedScript, "-m", mailbox, user ?? self.user, file.path])
    }
}

/// A test message with a Message-ID and subject no other test run uses.
struct TestMessage {
    let messageID: String
    let subject: String
    let bytes: [UInt8]

    init(from: String = "mailbridge@example.test", to: [String] = ["mailbridge@example.test"], label: String) {
        let unique = UUID().uuidString.lowercased()
        messageID = "<\(unique)@curl-tests.mailbridge.test>"
        subject = "curl-tests \(label) \(unique)"
        let text = [
            "From: Curl Tests <\(from)>",
            "To: \(to.joined(separator: ", "))",
            "Subject: \(subject)",
            "Message-ID: \(messageID)",
            "Date: Mon, 1 Jan 2024 00:00:00 +0000",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "",
            "Hello from the Curl tests (\(label)).",
            ".a line that starts with a dot",
            "..and one with two",
            "Grüße",
            "",
        ].joined(separator: "\r\n")
        bytes = Array(text.utf8)
    }

    /// The criteria that find this message by its Message-ID.
    var searchCriteria: String {
        get throws { "HEADER Message-ID \(try IMAPClient.quoted(messageID))" }
    }
}

/// `bytes` with every CRLF turned into LF.
func normalizingLineEndings(_ bytes: [UInt8]) -> [UInt8] {
    var result: [UInt8] = []
    result.reserveCapacity(bytes.count)
    for (index, byte) in bytes.enumerated() {
        if byte == UInt8(ascii: "\r"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\n") {
            continue
        }
        result.append(byte)
    }
    return result
}

extension IMAPClient {
    /// Waits (up to 20 s) until a message matching `criteria` is in `mailbox`, and returns its UIDs.
    func waitForUIDs(mailbox: String = "INBOX", criteria: String) async throws -> [UInt32] {
        let deadline = ContinuousClock.now + .seconds(20)
        while true {
            let uids = try await searchUIDs(mailbox: mailbox, criteria: criteria)
            if !uids.isEmpty || ContinuousClock.now > deadline {
                return uids
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }
}
