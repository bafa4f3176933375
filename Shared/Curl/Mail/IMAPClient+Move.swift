extension IMAPClient {
    /// Moves the message with `uid` from `mailbox` to `destination`.
    ///
    /// Uses `UID MOVE` (RFC 6851) when the server offers `MOVE`; otherwise `UID COPY`, then
    /// `\Deleted` and an expunge: `UID EXPUNGE uid` with `UIDPLUS`, else a plain `EXPUNGE`, which
    /// also removes any other message already marked `\Deleted` in `mailbox`.
    /// - Throws: ``CurlError``: `CURLE_REMOTE_FILE_NOT_FOUND` when no message with `uid` is in
    ///   `mailbox` (checked on a new connection before saying so); `CURLE_QUOTE_ERROR` with the
    ///   server's `NO [TRYCREATE]` in `serverReply` when `destination` does not exist.
    public func move(mailbox: String, uid: UInt32, to destination: String, expectedUIDValidity: UInt32? = nil) async throws {
        let capabilities = try await capabilities()
        guard capabilities.contains("MOVE") else {
            try await copyAndExpunge(mailbox: mailbox, uid: uid, to: destination, uidValidity: expectedUIDValidity, hasUIDPlus: capabilities.contains("UIDPLUS"))
            return
        }
        let target = IMAPMailboxName.quoted(try IMAPMailboxName.encode(destination))
        let text = "UID MOVE \(uid) \(target)"
        let command = try IMAPCommand(client: self, mailbox: mailbox, uidValidity: expectedUIDValidity, text: text, context: "\(text) in \(mailbox.debugDescription)")
        // With UIDPLUS a move names what it moved (COPYUID); without, it reports the expunge
        // (which, on a view that was behind, might also be another session's).
        let hasUIDPlus = capabilities.contains("UIDPLUS")
        let moved: (IMAPUntaggedResponses) -> Bool = { responses in
            hasUIDPlus ? responses.copiedUIDs?.contains(uid) == true : responses.reportsExpunge
        }
        guard moved(try await command.runCurrent(accept: moved)) else {
            throw command.noSuchMessage(uid)
        }
    }

    /// The fallback of ``move(mailbox:uid:to:expectedUIDValidity:)`` for servers without `MOVE`.
    func copyAndExpunge(mailbox: String, uid: UInt32, to destination: String, uidValidity: UInt32?, hasUIDPlus: Bool) async throws {
        let target = IMAPMailboxName.quoted(try IMAPMailboxName.encode(destination))
        let copyText = "UID COPY \(uid) \(target)"
        let copy = try IMAPCommand(client: self, mailbox: mailbox, uidValidity: uidValidity, text: copyText, context: "\(copyText) in \(mailbox.debugDescription)")
        if hasUIDPlus {
            // COPYUID tells whether anything was copied, so a copy that missed can safely run again.
            let responses = try await copy.runCurrent { $0.copiedUIDs?.contains(uid) == true }
            guard responses.copiedUIDs?.contains(uid) == true else {
                throw copy.noSuchMessage(uid)
            }
        } else {
            _ = try await copy.run(try copy.transfer())
        }
        try await store(mailbox: mailbox, uid: uid, operation: "+FLAGS.SILENT", flags: ["\\Deleted"], uidValidity: uidValidity)
        let expungeText = hasUIDPlus ? "UID EXPUNGE \(uid)" : "EXPUNGE"
        let expunge = try IMAPCommand(client: self, mailbox: mailbox, uidValidity: uidValidity, text: expungeText, context: "\(expungeText) in \(mailbox.debugDescription)")
        // A view that was behind may not know of the \Deleted flag yet and expunge nothing.
        _ = try await expunge.runCurrent { $0.reportsExpunge }
    }
}
