import Curl
import Foundation

/// The local stack's mail servers: the SMTP server the tests send through (it delivers into
/// Dovecot; unknown recipients land in the catch-all mailbox) and IMAP to read mail back.
public struct StackMail: Sendable {
    public let smtpHost: String
    public let smtpPort: Int
    public let imapHost: String
    public let imapPort: Int
    public let user: String
    public let password: String
    public let oauthToken: String
    public let catchall: String
    public let caFile: String

    public struct BadURL: Error, CustomStringConvertible {
        public let description: String
    }

    /// Reads the `MAILBRIDGE_TEST_SMTP_*`, `…_IMAP_*`, `…_MAIL_CATCHALL_USER` and `…_TLS_CA` variables.
    public init() throws {
        func hostAndPort(_ variable: String) throws -> (String, Int) {
            let text = try TestEnvironment.require(variable)
            guard let url = URLComponents(string: text), let host = url.host, let port = url.port else {
                throw BadURL(description: "\(variable)=\(text) is not a scheme://host:port URL")
            }
            return (host, port)
        }
        (smtpHost, smtpPort) = try hostAndPort("MAILBRIDGE_TEST_SMTP_URL")
        (imapHost, imapPort) = try hostAndPort("MAILBRIDGE_TEST_IMAP_URL")
        user = try TestEnvironment.require("MAILBRIDGE_TEST_SMTP_USER")
        password = try TestEnvironment.require("MAILBRIDGE_TEST_SMTP_PASSWORD")
        oauthToken = try TestEnvironment.require("MAILBRIDGE_TEST_SMTP_OAUTH_TOKEN")
        catchall = try TestEnvironment.require("MAILBRIDGE_TEST_MAIL_CATCHALL_USER")
        caFile = try TestEnvironment.require("MAILBRIDGE_TEST_TLS_CA")
    }

    /// The catch-all mailbox over IMAP (STARTTLS, the stack's CA).
    public var catchallIMAP: IMAPClient {
        IMAPClient(
            settings: IMAPSettings(
                host: imapHost, port: imapPort, security: .startTLS, authentication: .password(username: catchall, password: password),
                tls: TLSSettings(caFile: caFile), timeout: .seconds(30)))
    }

    /// The catch-all's messages delivered to `recipient` (the server's `Delivered-To` header).
    public func messages(deliveredTo recipient: String) async throws -> [[UInt8]] {
        let imap = catchallIMAP
        let status = try await imap.select(mailbox: "INBOX")
        let uids = try await imap.searchUIDs(
            mailbox: "INBOX", criteria: "HEADER Delivered-To \(try IMAPClient.quoted(recipient))", expectedUIDValidity: status.uidValidity)
        var messages = [[UInt8]]()
        for uid in uids {
            messages.append(try await imap.fetchMessage(mailbox: "INBOX", uid: uid, expectedUIDValidity: status.uidValidity))
        }
        return messages
    }

    /// Waits until `recipient` has at least `count` messages (up to `timeout`), then returns them all.
    public func awaitMessages(deliveredTo recipient: String, count: Int, timeout: Duration = .seconds(60)) async throws -> [[UInt8]] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let messages = try await self.messages(deliveredTo: recipient)
            if messages.count >= count || ContinuousClock.now >= deadline { return messages }
            try await Task.sleep(for: .milliseconds(250))
        }
    }
}
