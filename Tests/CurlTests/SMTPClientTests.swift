import Curl
import Foundation
import Testing

@Suite("SMTPClient against the stack's SMTP server, read back over IMAP")
struct SMTPClientTests {
    let servers: MailTestServers

    init() throws {
        servers = try MailTestServers.fromEnvironment()
    }

    /// Sends `message` with `authentication`, then finds it in `user`'s INBOX and checks its bytes.
    private func sendAndReadBack(_ message: TestMessage, authentication: MailAuthentication) async throws {
        let reply = try await servers.smtp(authentication).send(envelopeFrom: servers.user, recipients: [servers.user], message: message.bytes)
        #expect(reply == 250)
        try await expectDelivered(message, to: servers.imap())
    }

    private func expectDelivered(_ message: TestMessage, to imap: IMAPClient) async throws {
        let uids = try await imap.waitForUIDs(criteria: try message.searchCriteria)
        #expect(uids.count == 1)
        let uid = try #require(uids.first)
        let status = try await imap.select(mailbox: "INBOX")
        let fetched = try await imap.fetchMessage(mailbox: "INBOX", uid: uid, expectedUIDValidity: status.uidValidity)
        // The server puts Return-Path and Delivered-To in front; the rest must be what we sent.
        let received = normalizingLineEndings(fetched)
        let sent = normalizingLineEndings(message.bytes)
        #expect(received.count >= sent.count)
        #expect(Array(received.suffix(sent.count)) == sent)
        #expect(String(decoding: fetched, as: UTF8.self).contains("\r\n.a line that starts with a dot\r\n"))
    }

    @Test func sendsWithStartTLSAndAuthPlain() async throws {
        let message = TestMessage(label: "plain")
        try await sendAndReadBack(message, authentication: .password(username: servers.user, password: servers.password, mechanism: .plain))
    }

    @Test func sendsWithAuthLogin() async throws {
        let message = TestMessage(label: "login")
        try await sendAndReadBack(message, authentication: .password(username: servers.user, password: servers.password, mechanism: .login))
    }

    @Test func sendsWithXOAUTH2() async throws {
        let message = TestMessage(label: "xoauth2")
        try await sendAndReadBack(message, authentication: .xoauth2(username: servers.user, accessToken: servers.oauthToken))
    }

    @Test func sendsFromAFile() async throws {
        let message = TestMessage(label: "file")
        let file = try temporaryFile("message.eml")
        defer { removeTemporaryFile(file) }
        try Data(message.bytes).write(to: file)
        let smtp = servers.smtp(.password(username: servers.user, password: servers.password))
        let reply = try await smtp.send(envelopeFrom: servers.user, recipients: [servers.user], messageFile: file)
        #expect(reply == 250)
        try await expectDelivered(message, to: servers.imap())
    }

    @Test func sendsToTwoRecipients() async throws {
        let second = "inbox@example.test"
        let message = TestMessage(to: [servers.user, second], label: "two recipients")
        let smtp = servers.smtp(.password(username: servers.user, password: servers.password))
        try await smtp.send(envelopeFrom: servers.user, recipients: [servers.user, second], message: message.bytes)
        try await expectDelivered(message, to: servers.imap())
        try await expectDelivered(message, to: servers.imap(user: second))
    }

    @Test func wrongPasswordFailsWith535() async throws {
        let smtp = servers.smtp(.password(username: servers.user, password: "wrong", mechanism: .plain))
        let error = await #expect(throws: CurlError.self) {
            try await smtp.send(envelopeFrom: servers.user, recipients: [servers.user], message: TestMessage(label: "denied").bytes)
        }
        #expect(error?.responseCode == 535)
        #expect(error?.code == .loginDenied)
        #expect(error?.isRetriable == false)
        #expect(error?.serverReply?.hasPrefix("535") == true)
    }

    @Test func sendsWithOAuthBearer() async throws {
        let message = TestMessage(label: "oauthbearer")
        try await sendAndReadBack(message, authentication: .oauthBearer(username: servers.user, accessToken: servers.oauthToken))
    }

    @Test func wrongTokenIsLoginDenied() async throws {
        // XOAUTH2: libcurl 7.88 stops at the server's 334 error challenge; the message spells it out.
        let xoauth2 = servers.smtp(.xoauth2(username: servers.user, accessToken: "not-the-token"))
        let error = await #expect(throws: CurlError.self) {
            try await xoauth2.send(envelopeFrom: servers.user, recipients: [servers.user], message: TestMessage(label: "denied").bytes)
        }
        #expect(error?.code == .loginDenied)
        #expect(error?.responseCode == 334)
        #expect(error?.message.contains(#""status": "401""#) == true)
        #expect(error?.isRetriable == false)

        // OAUTHBEARER: libcurl answers the challenge and gets the final 535.
        let bearer = servers.smtp(.oauthBearer(username: servers.user, accessToken: "not-the-token"))
        let bearerError = await #expect(throws: CurlError.self) {
            try await bearer.send(envelopeFrom: servers.user, recipients: [servers.user], message: TestMessage(label: "denied").bytes)
        }
        #expect(bearerError?.code == .loginDenied)
        #expect(bearerError?.responseCode == 535)
    }

    @Test func certificateIsVerifiedByDefault() async throws {
        // The stack's CA is not among the system's: without its CA file, STARTTLS must fail.
        let smtp = servers.smtp(.password(username: servers.user, password: servers.password), tls: TLSSettings())
        let error = await #expect(throws: CurlError.self) {
            try await smtp.send(envelopeFrom: servers.user, recipients: [servers.user], message: TestMessage(label: "tls").bytes)
        }
        #expect(error?.code == .peerFailedVerification)
        #expect(error?.isRetriable == false)

        let insecure = servers.smtp(.password(username: servers.user, password: servers.password), tls: .insecureForTestsOnly)
        #expect(try await insecure.send(envelopeFrom: servers.user, recipients: [servers.user], message: TestMessage(label: "insecure").bytes) == 250)
    }

    @Test func refusesAddressesThatBreakTheCommand() async throws {
        let smtp = servers.smtp(.none)
        for address in ["a@b\r\nRCPT TO:<x@y>", "<a@b>", ""] {
            let error = await #expect(throws: CurlError.self) {
                try await smtp.send(envelopeFrom: servers.user, recipients: [address], message: [])
            }
            #expect(error?.code == .badFunctionArgument)
        }
    }
}
