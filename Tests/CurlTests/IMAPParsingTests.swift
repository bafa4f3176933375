import Testing

@testable import Curl

@Suite("IMAP names and responses, without a server")
struct IMAPParsingTests {
    @Test(arguments: [
        ("INBOX", "INBOX"),
        ("Entwürfe", "Entw&APw-rfe"),
        ("R&D", "R&-D"),
        ("日本語", "&ZeVnLIqe-"),
        ("~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-"),
    ])
    func encodesModifiedUTF7(name: String, encoded: String) throws {
        #expect(try IMAPMailboxName.encode(name) == encoded)
    }

    @Test func quotesAndRefuses() throws {
        #expect(IMAPMailboxName.quoted(#"a "b" \c"#) == #""a \"b\" \\c""#)
        #expect(throws: CurlError.self) { try IMAPMailboxName.encode("a\nb") }
        #expect(throws: CurlError.self) { try IMAPMailboxName.encode("") }
    }

    @Test func parsesExamineResponses() throws {
        let raw = Array("""
            * FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)\r
            * OK [PERMANENTFLAGS ()] Read-only mailbox.\r
            * 17 EXISTS\r
            * 0 RECENT\r
            * OK [UIDVALIDITY 3857529045] UIDs valid\r
            * OK [UIDNEXT 4392] Predicted next UID\r
            * OK [HIGHESTMODSEQ 1] Highest\r

            """.utf8)
        let status = try IMAPUntaggedResponses(raw).mailboxStatus()
        #expect(status == IMAPMailboxStatus(uidValidity: 3_857_529_045, messageCount: 17, uidNext: 4392))
        #expect(throws: CurlError.self) { try IMAPUntaggedResponses(Array("* 3 EXISTS\n".utf8)).mailboxStatus() }
    }

    @Test func parsesCopyUIDsAndViewChanges() {
        let moved = IMAPUntaggedResponses(Array("* OK [COPYUID 1795917413 2,7:9 105,106:108] Moved UIDs.\r\n* 2 EXPUNGE\r\n".utf8))
        #expect(moved.copiedUIDs?.contains(8) == true)
        #expect(moved.copiedUIDs?.contains(2) == true)
        #expect(moved.copiedUIDs?.contains(3) == false)
        #expect(moved.reportsExpunge)
        #expect(moved.reportsViewChanges)
        let copied = IMAPUntaggedResponses([], taggedReply: "A006 OK [COPYUID 1795917428 104 2] Copy completed")
        #expect(copied.copiedUIDs?.contains(104) == true)
        let search = IMAPUntaggedResponses(Array("* SEARCH 4\r\n".utf8))
        #expect(search.copiedUIDs == nil)
        #expect(!search.reportsViewChanges)
        #expect(IMAPUntaggedResponses(Array("* SEARCH\r\n* 3 FETCH (UID 9 FLAGS (\\Seen))\r\n".utf8)).reportsViewChanges)
        #expect(IMAPUntaggedResponses(Array("* 12 EXISTS\r\n".utf8)).reportsViewChanges)
    }

    @Test func parsesSearchAndCapabilities() {
        let raw = Array("* 2 EXISTS\r\n* SEARCH 4 10  99 (MODSEQ 7)\r\n* SEARCH\n* CAPABILITY IMAP4rev1 move UIDPLUS\r\n".utf8)
        let responses = IMAPUntaggedResponses(raw)
        #expect(responses.searchUIDs == [4, 10, 99])
        #expect(responses.capabilities == ["IMAP4REV1", "MOVE", "UIDPLUS"])
        #expect(IMAPUntaggedResponses([]).searchUIDs.isEmpty)
    }
}
