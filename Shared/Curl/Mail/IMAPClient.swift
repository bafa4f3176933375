import CCurl
import Foundation

/// Reads and files mail in one IMAP account.
///
/// Each call is one transfer on a ``CurlEngine``. Connections are reused between calls, and
/// libcurl re-selects a mailbox only when a call names a different one. Mailbox names are given
/// as plain strings; this client encodes them (modified UTF-7), escapes them in URLs and quotes
/// them in commands, and refuses names with control characters. A client is a small value: copy
/// it freely.
///
/// A cached connection's view of a mailbox learns of changes made by other sessions (new mail,
/// expunges, flags) only at the end of its next command. Where that would make a result wrong,
/// this client notices it in the server's reply and runs the command again on a new connection;
/// each method says where.
///
/// - Important: libcurl fetches with `BODY[]`, not `BODY.PEEK[]`, so fetching a message sets its
///   `\Seen` flag on the server (RFC 3501 §6.4.5). Track progress by UID, not by `UNSEEN`.
public struct IMAPClient: Sendable {
    public let settings: IMAPSettings
    let engine: CurlEngine

    public init(settings: IMAPSettings, engine: CurlEngine = .shared) {
        self.settings = settings
        self.engine = engine
    }

    /// Opens `mailbox` read-only (`EXAMINE`) and returns its `UIDVALIDITY`, `EXISTS` and `UIDNEXT`.
    ///
    /// Runs on a new connection, closed afterwards: the status is current, and no cached
    /// connection is left with a mailbox selected that libcurl does not know about.
    /// - Throws: ``CurlError``: the mailbox does not exist (`CURLE_QUOTE_ERROR`, the server's
    ///   `NO` in `serverReply`), login or connection failures.
    public func select(mailbox: String) async throws -> IMAPMailboxStatus {
        let name = try IMAPMailboxName.encode(mailbox)
        let command = IMAPCommand(
            client: self,
            path: "",
            text: "EXAMINE \(IMAPMailboxName.quoted(name))",
            context: "EXAMINE \(mailbox.debugDescription)"
        )
        var transfer = try command.transfer()
        transfer.options.append(.long(CURLOPT_FRESH_CONNECT, 1))
        transfer.options.append(.long(CURLOPT_FORBID_REUSE, 1))
        let responses = try await command.run(transfer)
        do {
            return try responses.mailboxStatus()
        } catch {
            throw error.adding(context: "IMAP \(command.context)")
        }
    }

    /// The UIDs of the messages in `mailbox` that match `criteria` (`UID SEARCH criteria`), ascending.
    ///
    /// The result is current: when the reply shows that the connection's view was behind (the
    /// server reports new, expunged or re-flagged messages after the result), the search runs
    /// again on a new connection.
    ///
    /// - Parameters:
    ///   - criteria: IMAP search keys in ASCII, such as `UNSEEN`, `UID 10:*` or
    ///     `HEADER Message-ID "<id@host>"` (build quoted strings with ``quoted(_:)``). Note that
    ///     `UID n:*` always matches the highest UID, even when it is below `n`.
    ///   - expectedUIDValidity: When given, the search fails unless the mailbox still has it.
    /// - Throws: ``CurlError``; `CURLE_BAD_FUNCTION_ARGUMENT` for criteria with control or
    ///   non-ASCII characters.
    public func searchUIDs(mailbox: String, criteria: String, expectedUIDValidity: UInt32? = nil) async throws -> [UInt32] {
        try IMAPCommand.checkText(criteria, "search criteria")
        let command = try IMAPCommand(
            client: self,
            mailbox: mailbox,
            uidValidity: expectedUIDValidity,
            text: "UID SEARCH \(criteria)",
            context: "UID SEARCH in \(mailbox.debugDescription)"
        )
        let responses = try await command.runCurrent { !$0.reportsViewChanges }
        return responses.searchUIDs.sorted()
    }

    /// The whole raw message (RFC 5322 bytes) with `uid` in `mailbox` (`UID FETCH uid BODY[]`).
    ///
    /// - Parameter expectedUIDValidity: The mailbox's `UIDVALIDITY` when `uid` was learnt; if it
    ///   has changed, the UID may name another message, so the fetch fails instead.
    /// - Throws: ``CurlError`` with code `CURLE_REMOTE_FILE_NOT_FOUND` and a message saying
    ///   whether the UIDVALIDITY changed or the UID does not exist (checked on a new connection
    ///   before saying so); `CURLE_FILESIZE_EXCEEDED` past ``IMAPSettings/maxMessageBytes``.
    public func fetchMessage(mailbox: String, uid: UInt32, expectedUIDValidity: UInt32) async throws -> [UInt8] {
        let command = try IMAPCommand(client: self, fetching: uid, in: mailbox, uidValidity: expectedUIDValidity)
        return try await command.fetch(to: .memory(limit: settings.maxMessageBytes)).body
    }

    /// Streams the message with `uid` into `file` (created or truncated, mode 0600), like
    /// ``fetchMessage(mailbox:uid:expectedUIDValidity:)``; on failure the file is removed.
    /// - Parameter maxBytes: The largest message accepted; a larger one fails with `CURLE_FILESIZE_EXCEEDED`.
    /// - Returns: The message's size in bytes.
    @discardableResult
    public func fetchMessage(mailbox: String, uid: UInt32, expectedUIDValidity: UInt32, to file: URL, maxBytes: Int64? = nil) async throws -> Int64 {
        guard file.isFileURL else {
            throw CurlError.invalidArgument("\(file) is not a file URL")
        }
        let command = try IMAPCommand(client: self, fetching: uid, in: mailbox, uidValidity: expectedUIDValidity)
        return try await command.fetch(to: .file(path: file.path, limit: maxBytes)).bodyByteCount
    }

    /// Adds `flags` (such as `\Seen`, `\Flagged`, `$Processed`) to the message with `uid`
    /// (`UID STORE uid +FLAGS.SILENT (…)`); its other flags stay. Run again on a new connection
    /// when the reply shows that the connection's view was behind. Storing on a UID that does not
    /// exist changes nothing and is not an error.
    public func setFlags(mailbox: String, uid: UInt32, flags: [String], expectedUIDValidity: UInt32? = nil) async throws {
        try await store(mailbox: mailbox, uid: uid, operation: "+FLAGS.SILENT", flags: flags, uidValidity: expectedUIDValidity)
    }

    /// Removes `flags` from the message with `uid` (`UID STORE uid -FLAGS.SILENT (…)`), like
    /// ``setFlags(mailbox:uid:flags:expectedUIDValidity:)``.
    public func removeFlags(mailbox: String, uid: UInt32, flags: [String], expectedUIDValidity: UInt32? = nil) async throws {
        try await store(mailbox: mailbox, uid: uid, operation: "-FLAGS.SILENT", flags: flags, uidValidity: expectedUIDValidity)
    }

    /// Creates `mailbox` (`CREATE`).
    /// - Throws: ``CurlError`` when it exists already (`serverReply` holds the server's `NO`) or cannot be made.
    public func createMailbox(_ mailbox: String) async throws {
        let name = try IMAPMailboxName.encode(mailbox)
        let command = IMAPCommand(client: self, path: "", text: "CREATE \(IMAPMailboxName.quoted(name))", context: "CREATE \(mailbox.debugDescription)")
        _ = try await command.run(try command.transfer())
    }

    /// The server's capabilities after login (`CAPABILITY`), upper-cased: `MOVE`, `UIDPLUS`, `IDLE`, …
    public func capabilities() async throws -> Set<String> {
        let command = IMAPCommand(client: self, path: "", text: "CAPABILITY", context: "CAPABILITY")
        return try await command.run(try command.transfer()).capabilities
    }

    /// `text` (ASCII) as an IMAP quoted string for search criteria, with `\` and `"` escaped.
    /// - Throws: ``CurlError`` when `text` holds control or non-ASCII characters.
    public static func quoted(_ text: String) throws(CurlError) -> String {
        try IMAPCommand.checkText(text, "quoted string")
        return IMAPMailboxName.quoted(text)
    }

    func store(mailbox: String, uid: UInt32, operation: String, flags: [String], uidValidity: UInt32?) async throws {
        for flag in flags {
            try IMAPCommand.checkFlag(flag)
        }
        let text = "UID STORE \(uid) \(operation) (\(flags.joined(separator: " ")))"
        let command = try IMAPCommand(client: self, mailbox: mailbox, uidValidity: uidValidity, text: text, context: "\(text) in \(mailbox.debugDescription)")
        // Silent stores answer nothing of their own: any change reported came from elsewhere.
        _ = try await command.runCurrent { !$0.reportsViewChanges }
    }
}
