/// The untagged lines (`* …`) of an IMAP exchange, as libcurl hands them over: raw bytes, one
/// line per response, CRLF or LF endings.
struct IMAPUntaggedResponses {
    /// Each untagged line without `* ` and its line ending, split into space-separated words.
    let lines: [[Substring]]
    /// The words of the tagged reply that ended the command, when known (`A5 OK [COPYUID …] Done`).
    let taggedReply: [Substring]

    init(_ bytes: [UInt8], taggedReply: String? = nil) {
        self.taggedReply = taggedReply.map { $0.split(separator: " ", omittingEmptySubsequences: true) } ?? []
        var lines: [[Substring]] = []
        for rawLine in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            var line = rawLine[...]
            while let last = line.last, last == UInt8(ascii: "\r") {
                line = line.dropLast()
            }
            guard line.starts(with: "* ".utf8) else { continue }
            let text = String(decoding: line.dropFirst(2), as: UTF8.self)
            lines.append(text.split(separator: " ", omittingEmptySubsequences: true))
        }
        self.lines = lines
    }

    /// The UIDs of `* SEARCH n n …` lines, in order. Words after the numbers (such as a
    /// `(MODSEQ n)` suffix) are ignored.
    var searchUIDs: [UInt32] {
        var uids: [UInt32] = []
        for words in lines where words.first?.uppercased() == "SEARCH" {
            for word in words.dropFirst() {
                guard let uid = UInt32(word) else { break }
                uids.append(uid)
            }
        }
        return uids
    }

    /// Whether the server reported expunged messages (`* n EXPUNGE`, `* VANISHED …`).
    var reportsExpunge: Bool {
        lines.contains { words in
            (words.count >= 2 && words[1].uppercased() == "EXPUNGE") || words.first?.uppercased() == "VANISHED"
        }
    }

    /// Whether the server reported changes to the mailbox: new (`EXISTS`), expunged (`EXPUNGE`,
    /// `VANISHED`) or re-flagged (`FETCH`) messages. After a command that itself causes none, that
    /// means the command ran on a view of the mailbox that was behind.
    var reportsViewChanges: Bool {
        reportsExpunge || lines.contains { words in
            words.count >= 2 && (words[1].uppercased() == "EXISTS" || words[1].uppercased() == "FETCH")
        }
    }

    /// The source UIDs of a `[COPYUID validity source destination]` response code (RFC 4315),
    /// untagged (`UID MOVE`) or in the tagged reply (`UID COPY`); `nil` when there is none.
    var copiedUIDs: IMAPUIDSet? {
        for words in lines + [taggedReply] {
            if let index = words.firstIndex(where: { $0.uppercased() == "[COPYUID" }), index + 2 < words.count {
                return IMAPUIDSet(words[index + 2])
            }
        }
        return nil
    }

    /// The words of `* CAPABILITY …` lines, upper-cased.
    var capabilities: Set<String> {
        var capabilities: Set<String> = []
        for words in lines where words.first?.uppercased() == "CAPABILITY" {
            capabilities.formUnion(words.dropFirst().map { $0.uppercased() })
        }
        return capabilities
    }

    /// The mailbox status from the responses to `SELECT` or `EXAMINE`.
    /// - Throws: ``CurlError`` (`CURLE_WEIRD_SERVER_REPLY`) when `EXISTS` or `UIDVALIDITY` is missing.
    func mailboxStatus() throws(CurlError) -> IMAPMailboxStatus {
        var exists: Int?
        var uidValidity: UInt32?
        var uidNext: UInt32?
        for words in lines {
            if words.count >= 2, words[1].uppercased() == "EXISTS", let count = Int(words[0]) {
                exists = count
            } else if words.count >= 3, words[0].uppercased() == "OK" {
                // * OK [UIDVALIDITY 3857529045] UIDs valid
                let code = words[1].uppercased()
                let value = words[2].prefix { $0 != "]" }
                if code == "[UIDVALIDITY" {
                    uidValidity = UInt32(value)
                } else if code == "[UIDNEXT" {
                    uidNext = UInt32(value)
                }
            }
        }
        guard let exists, let uidValidity else {
            throw CurlError(code: .weirdServerReply, message: "the server's reply to EXAMINE lacks EXISTS or UIDVALIDITY", isRetriable: false)
        }
        return IMAPMailboxStatus(uidValidity: uidValidity, messageCount: exists, uidNext: uidNext)
    }
}

/// A UID set such as `4,7:9` (RFC 3501 `sequence-set`, without `*`).
struct IMAPUIDSet {
    private var ranges: [ClosedRange<UInt32>] = []

    /// The set `text` names; ranges it cannot read are left out.
    init(_ text: Substring) {
        for part in text.split(separator: ",") {
            let bounds = part.split(separator: ":", maxSplits: 1).compactMap { UInt32($0) }
            if bounds.count == 1 {
                ranges.append(bounds[0]...bounds[0])
            } else if bounds.count == 2 {
                ranges.append(min(bounds[0], bounds[1])...max(bounds[0], bounds[1]))
            }
        }
    }

    func contains(_ uid: UInt32) -> Bool {
        ranges.contains { $0.contains(uid) }
    }
}
