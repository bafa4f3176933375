import Foundation
import Testing

@testable import Curl

/// Each test works in a mailbox of its own (`inbox`), so that tests running at the same time do
/// not change the mailbox under each other.
@Suite("IMAPClient against the stack's Dovecot")
struct IMAPClientTests {
    let servers: MailTestServers
    let imap: IMAPClient
    let inbox = "Curl Tests/Inbox \(UUID().uuidString.prefix(8))"

    init() throws {
        servers = try MailTestServers.fromEnvironment()
        imap = servers.imap()
    }

    /// Seeds a fresh message into `inbox` (creating it) and returns it with its UID and the
    /// mailbox's UIDVALIDITY.
    private func seededMessage(_ label: String) async throws -> (message: TestMessage, uid: UInt32, uidValidity: UInt32) {
        try await imap.createMailbox(inbox)
        let message = TestMessage(label: label)
        try await servers.seed(message.bytes, mailbox: inbox)
        let uids = try await imap.waitForUIDs(mailbox: inbox, criteria: try message.searchCriteria)
        let uid = try #require(uids.first)
        let status = try await imap.select(mailbox: inbox)
        return (message, uid, status.uidValidity)
    }

    @Test func selectReportsTheMailboxStatus() async throws {
        let (_, uid, uidValidity) = try await seededMessage("select")
        let status = try await imap.select(mailbox: inbox)
        #expect(status.uidValidity == uidValidity)
        #expect(status.messageCount >= 1)
        #expect(try #require(status.uidNext) > uid)
        #expect(try await imap.select(mailbox: "INBOX").messageCount >= 0)
    }

    @Test func searchFetchAndFlags() async throws {
        let (message, uid, uidValidity) = try await seededMessage("fetch")
        #expect(try await imap.searchUIDs(mailbox: inbox, criteria: "UID \(uid) UNSEEN") == [uid])
        #expect(try await imap.searchUIDs(mailbox: inbox, criteria: "UID \(uid):*").contains(uid))
        #expect(try await imap.searchUIDs(mailbox: inbox, criteria: "UID \(uid) SUBJECT \(IMAPClient.quoted(message.subject))", expectedUIDValidity: uidValidity) == [uid])

        let fetched = try await imap.fetchMessage(mailbox: inbox, uid: uid, expectedUIDValidity: uidValidity)
        #expect(normalizingLineEndings(fetched) == normalizingLineEndings(message.bytes))

        let file = try temporaryFile("fetched.eml")
        defer { removeTemporaryFile(file) }
        let size = try await imap.fetchMessage(mailbox: inbox, uid: uid, expectedUIDValidity: uidValidity, to: file)
        #expect(size == Int64(fetched.count))
        #expect(try Data(contentsOf: file) == Data(fetched))

        // libcurl fetches with BODY[], which sets \Seen.
        #expect(try await imap.searchUIDs(mailbox: inbox, criteria: "UID \(uid) SEEN") == [uid])
        try await imap.removeFlags(mailbox: inbox, uid: uid, flags: ["\\Seen"])
        #expect(try await imap.searchUIDs(mailbox: inbox, criteria: "UID \(uid) UNSEEN") == [uid])
        try await imap.setFlags(mailbox: inbox, uid: uid, flags: ["\\Seen", "\\Flagged"], expectedUIDValidity: uidValidity)
        #expect(try await imap.searchUIDs(mailbox: inbox, criteria: "UID \(uid) SEEN FLAGGED") == [uid])
    }

    @Test func fetchToFileStopsPastMaxBytes() async throws {
        let (_, uid, uidValidity) = try await seededMessage("max bytes")
        let file = try temporaryFile("too-big.eml")
        defer { removeTemporaryFile(file) }
        let error = await #expect(throws: CurlError.self) {
            try await imap.fetchMessage(mailbox: inbox, uid: uid, expectedUIDValidity: uidValidity, to: file, maxBytes: 10)
        }
        #expect(error?.code == .filesizeExceeded)
        #expect(!FileManager.default.fileExists(atPath: file.path))
    }

    @Test func uidValidityMismatchIsAClearError() async throws {
        let (_, uid, uidValidity) = try await seededMessage("uidvalidity")
        let error = await #expect(throws: CurlError.self) {
            try await imap.fetchMessage(mailbox: inbox, uid: uid, expectedUIDValidity: uidValidity &+ 1)
        }
        #expect(error?.code == .remoteFileNotFound)
        #expect(error?.message.contains("UIDVALIDITY mismatch") == true)
        #expect(error?.isRetriable == false)

        // The same connection then serves the right UIDVALIDITY again.
        #expect(try await !imap.fetchMessage(mailbox: inbox, uid: uid, expectedUIDValidity: uidValidity).isEmpty)

        await #expect(throws: CurlError.self) {
            try await imap.setFlags(mailbox: inbox, uid: uid, flags: ["\\Seen"], expectedUIDValidity: uidValidity &+ 1)
        }
    }

    @Test func missingUIDIsAClearError() async throws {
        _ = try await seededMessage("missing uid")
        let status = try await imap.select(mailbox: inbox)
        let missing = (status.uidNext ?? 1) &+ 1000
        let error = await #expect(throws: CurlError.self) {
            try await imap.fetchMessage(mailbox: inbox, uid: missing, expectedUIDValidity: status.uidValidity)
        }
        #expect(error?.code == .remoteFileNotFound)
        #expect(error?.message.contains("no message with UID \(missing)") == true)
    }

    @Test func missingMailboxIsAnError() async throws {
        let missing = "No Such Mailbox \(UUID().uuidString)"
        let error = await #expect(throws: CurlError.self) { try await imap.select(mailbox: missing) }
        #expect(error?.serverReply?.contains("NO") == true)
        #expect(error?.message.contains("Mailbox doesn't exist") == true)

        // Selected by libcurl itself (SELECT before the command), which calls it a login failure.
        let searchError = await #expect(throws: CurlError.self) { try await imap.searchUIDs(mailbox: missing, criteria: "ALL") }
        #expect(searchError?.message.contains("cannot select mailbox") == true)
        #expect(searchError?.serverReply?.contains("Mailbox doesn't exist") == true)
        #expect(searchError?.isRetriable == false)
    }

    @Test func movesToAMailboxWithAnAwkwardName() async throws {
        let (message, uid, uidValidity) = try await seededMessage("move")
        let archive = "Curl Tests/Archiv \"Grüße\" & 100% \(UUID().uuidString.prefix(8))"
        try await imap.createMailbox(archive)
        let duplicate = await #expect(throws: CurlError.self) { try await imap.createMailbox(archive) }
        #expect(duplicate?.serverReply?.contains("NO") == true)

        #expect(try await imap.capabilities().contains("MOVE"))
        try await imap.move(mailbox: inbox, uid: uid, to: archive, expectedUIDValidity: uidValidity)
        #expect(try await imap.searchUIDs(mailbox: inbox, criteria: try message.searchCriteria).isEmpty)
        let moved = try await imap.searchUIDs(mailbox: archive, criteria: try message.searchCriteria)
        #expect(moved.count == 1)
        let archiveStatus = try await imap.select(mailbox: archive)
        #expect(archiveStatus.messageCount == 1)
        let fetched = try await imap.fetchMessage(mailbox: archive, uid: try #require(moved.first), expectedUIDValidity: archiveStatus.uidValidity)
        #expect(normalizingLineEndings(fetched) == normalizingLineEndings(message.bytes))

        // Back again the way servers without MOVE need: COPY, \Deleted, UID EXPUNGE.
        try await imap.copyAndExpunge(mailbox: archive, uid: try #require(moved.first), to: inbox, uidValidity: archiveStatus.uidValidity, hasUIDPlus: true)
        #expect(try await imap.searchUIDs(mailbox: archive, criteria: "ALL").isEmpty)
        let back = try await imap.searchUIDs(mailbox: inbox, criteria: try message.searchCriteria)
        #expect(back.count == 1)

        // And once more as for a server without UIDPLUS either: COPY, \Deleted, EXPUNGE.
        try await imap.copyAndExpunge(mailbox: inbox, uid: try #require(back.first), to: archive, uidValidity: nil, hasUIDPlus: false)
        #expect(try await imap.searchUIDs(mailbox: inbox, criteria: try message.searchCriteria).isEmpty)
        #expect(try await imap.searchUIDs(mailbox: archive, criteria: try message.searchCriteria).count == 1)
    }

    @Test func movingAMissingUIDFails() async throws {
        _ = try await seededMessage("move missing uid")
        let archive = "Curl Tests/Missing \(UUID().uuidString.prefix(8))"
        try await imap.createMailbox(archive)
        let status = try await imap.select(mailbox: inbox)
        let missing = (status.uidNext ?? 1) &+ 1000
        let error = await #expect(throws: CurlError.self) { try await imap.move(mailbox: inbox, uid: missing, to: archive) }
        #expect(error?.code == .remoteFileNotFound)
        #expect(error?.message.contains("no message with UID \(missing)") == true)
        let copyError = await #expect(throws: CurlError.self) {
            try await imap.copyAndExpunge(mailbox: inbox, uid: missing, to: archive, uidValidity: nil, hasUIDPlus: true)
        }
        #expect(copyError?.code == .remoteFileNotFound)
    }

    @Test func searchIsCurrentAfterAnotherSessionExpunges() async throws {
        let (message, uid, uidValidity) = try await seededMessage("stale search")
        // The shared engine's connection has INBOX selected; a second engine (its own
        // connections, its own IMAP session) moves the message away.
        #expect(try await imap.searchUIDs(mailbox: inbox, criteria: try message.searchCriteria) == [uid])
        let engine = CurlEngine(label: "imap-other-session")
        let other = IMAPClient(settings: imap.settings, engine: engine)
        let archive = "Curl Tests/Stale \(UUID().uuidString.prefix(8))"
        try await other.createMailbox(archive)
        try await other.move(mailbox: inbox, uid: uid, to: archive, expectedUIDValidity: uidValidity)
        await engine.shutdown()
        #expect(try await imap.searchUIDs(mailbox: inbox, criteria: try message.searchCriteria).isEmpty)
        #expect(try await imap.searchUIDs(mailbox: archive, criteria: try message.searchCriteria).count == 1)
    }

    @Test func flagsAndNewMailFromAnotherSessionAreSeen() async throws {
        let (message, uid, uidValidity) = try await seededMessage("stale flags")
        #expect(try await imap.searchUIDs(mailbox: inbox, criteria: "UID \(uid) UNSEEN") == [uid])
        let engine = CurlEngine(label: "imap-other-session")
        let other = IMAPClient(settings: imap.settings, engine: engine)
        try await other.setFlags(mailbox: inbox, uid: uid, flags: ["\\Seen", "$Processed"], expectedUIDValidity: uidValidity)
        #expect(try await imap.searchUIDs(mailbox: inbox, criteria: "UID \(uid) SEEN KEYWORD $Processed") == [uid])

        // A message new to the shared engine's connection, found by the other session, fetches.
        let newer = TestMessage(label: "stale fetch")
        try await servers.seed(newer.bytes, mailbox: inbox)
        let newUID = try #require(try await other.waitForUIDs(mailbox: inbox, criteria: try newer.searchCriteria).first)
        await engine.shutdown()
        let fetched = try await imap.fetchMessage(mailbox: inbox, uid: newUID, expectedUIDValidity: uidValidity)
        #expect(normalizingLineEndings(fetched) == normalizingLineEndings(newer.bytes))
        _ = message
    }

    @Test func moveToAMissingMailboxFails() async throws {
        let (_, uid, _) = try await seededMessage("move missing")
        let error = await #expect(throws: CurlError.self) {
            try await imap.move(mailbox: inbox, uid: uid, to: "Missing \(UUID().uuidString)")
        }
        #expect(error?.serverReply?.contains("NO") == true)
    }

    @Test func logsInWithXOAUTH2() async throws {
        let oauth = servers.imap(authentication: .xoauth2(username: servers.user, accessToken: servers.oauthToken))
        #expect(try await oauth.capabilities().contains("IMAP4REV1"))
    }

    @Test func wrongPasswordIsLoginDenied() async throws {
        let denied = servers.imap(authentication: .password(username: servers.user, password: "wrong"))
        let error = await #expect(throws: CurlError.self) { try await denied.select(mailbox: inbox) }
        #expect(error?.code == .loginDenied)
        #expect(error?.isRetriable == false)
    }

    @Test func refusesUnsafeInput() async throws {
        for mailbox in ["", "INBOX\r\nA1 LOGOUT", "a\u{0}b"] {
            let error = await #expect(throws: CurlError.self) { try await imap.select(mailbox: mailbox) }
            #expect(error?.code == .badFunctionArgument)
        }
        await #expect(throws: CurlError.self) { try await imap.searchUIDs(mailbox: inbox, criteria: "ALL\r\nA1 LOGOUT") }
        await #expect(throws: CurlError.self) { try await imap.setFlags(mailbox: inbox, uid: 1, flags: ["\\Seen) (x"]) }
    }
}
