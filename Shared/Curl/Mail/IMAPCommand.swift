import CCurl
import Foundation

/// One command of an ``IMAPClient``: the URL it goes to, the text libcurl sends, and what to say
/// when it fails.
struct IMAPCommand {
    let client: IMAPClient
    /// The URL path: empty, or the escaped mailbox with `;UIDVALIDITY=` and `;UID=` parameters.
    let path: String
    /// The command (`CURLOPT_CUSTOMREQUEST`); `nil` for libcurl's own `UID FETCH` of `;UID=`.
    let text: String?
    /// What the command does, in words, for error messages.
    let context: String
    var mailbox: String?
    var uid: UInt32?
    var uidValidity: UInt32?

    /// A command that needs no mailbox selected.
    init(client: IMAPClient, path: String, text: String, context: String) {
        self.client = client
        self.path = path
        self.text = text
        self.context = context
    }

    /// A command run with `mailbox` selected (libcurl selects it unless this connection has),
    /// failing when the mailbox's UIDVALIDITY is no longer `uidValidity`.
    init(client: IMAPClient, mailbox: String, uidValidity: UInt32?, text: String, context: String) throws(CurlError) {
        let path = CurlURL.percentEncoded(try IMAPMailboxName.encode(mailbox))
        self.init(client: client, path: uidValidity.map { path + ";UIDVALIDITY=\($0)" } ?? path, text: text, context: context)
        self.mailbox = mailbox
        self.uidValidity = uidValidity
    }

    /// libcurl's `UID FETCH uid BODY[]` of `imap://host/mailbox;UIDVALIDITY=v;UID=uid`.
    init(client: IMAPClient, fetching uid: UInt32, in mailbox: String, uidValidity: UInt32) throws(CurlError) {
        let path = CurlURL.percentEncoded(try IMAPMailboxName.encode(mailbox)) + ";UIDVALIDITY=\(uidValidity);UID=\(uid)"
        self.client = client
        self.path = path
        self.text = nil
        self.context = "UID FETCH \(uid) in \(mailbox.debugDescription)"
        self.mailbox = mailbox
        self.uid = uid
        self.uidValidity = uidValidity
    }

    /// The transfer for this command, its replies (or body) kept in memory unless told otherwise.
    func transfer(destination: CurlTransferRequest.Destination = .memory(limit: 16 << 20)) throws(CurlError) -> CurlTransferRequest {
        let settings = client.settings
        let scheme = CurlTransferRequest.mailScheme("imap", settings.security)
        let origin = try CurlURL.origin(scheme: scheme, host: settings.host, port: settings.port)
        var transfer = CurlTransferRequest(family: .imap, url: origin + "/" + path)
        transfer.capturesServerReplies = true
        transfer.connectionPool = CurlTransferRequest.mailPool(scheme, settings.security, settings.tls, settings.authentication)
        transfer.destination = destination
        transfer.options = try CurlTransferRequest.mailOptions(
            protocols: "imap,imaps",
            security: settings.security,
            authentication: settings.authentication,
            tls: settings.tls,
            timeout: settings.timeout,
            connectTimeout: settings.connectTimeout
        )
        if let text {
            // libcurl URL-decodes a custom request before sending it: keep every % literal.
            transfer.options.append(.string(CURLOPT_CUSTOMREQUEST, text.replacingOccurrences(of: "%", with: "%25")))
        }
        return transfer
    }

    /// Runs `transfer` and parses the untagged replies libcurl hands over, and the tagged one.
    func run(_ transfer: CurlTransferRequest) async throws -> IMAPUntaggedResponses {
        let result = try await perform(transfer)
        return IMAPUntaggedResponses(result.body, taggedReply: result.serverReply)
    }

    /// Runs the command; when `accept` rejects the replies (they show the connection's view was
    /// behind), runs it once more on a new connection and returns those replies instead.
    func runCurrent(accept: (IMAPUntaggedResponses) -> Bool) async throws -> IMAPUntaggedResponses {
        var transfer = try transfer()
        let responses = try await run(transfer)
        if accept(responses) {
            return responses
        }
        transfer.options.append(.long(CURLOPT_FRESH_CONNECT, 1))
        return try await run(transfer)
    }

    /// Runs a fetch. When the UID is not found, or libcurl trips over an unsolicited `FETCH`
    /// (a flag change made by another session, which libcurl 7.88 takes for the message and
    /// fails with "Failed to parse FETCH response"), fetches again on a new connection: a
    /// cached connection's view may be behind.
    func fetch(to destination: CurlTransferRequest.Destination) async throws -> CurlTransferResult {
        var transfer = try transfer(destination: destination)
        var attempt = 1
        while true {
            do {
                return try await client.engine.perform(transfer)
            } catch let error as CurlError where Self.isStaleViewSymptom(error) && attempt < 3 {
                // Twice at most: a new connection can still see a flag change made meanwhile.
                attempt += 1
                transfer.options.append(.long(CURLOPT_FRESH_CONNECT, 1))
            } catch let error as CurlError {
                throw explain(error)
            }
        }
    }

    private static func isStaleViewSymptom(_ error: CurlError) -> Bool {
        switch error.code {
        case .remoteFileNotFound:
            !error.message.contains("UIDVALIDITY")
        case .weirdServerReply:
            error.message.contains("FETCH")
        default:
            false
        }
    }

    /// The error for a command that found no message with `uid`.
    func noSuchMessage(_ uid: UInt32, file: String = #fileID, line: UInt = #line) -> CurlError {
        CurlError(
            code: .remoteFileNotFound,
            message: "IMAP \(context): no message with UID \(uid) in mailbox \((mailbox ?? "").debugDescription)",
            isRetriable: false,
            file: file,
            line: line
        )
    }

    private func perform(_ transfer: CurlTransferRequest) async throws -> CurlTransferResult {
        do {
            return try await client.engine.perform(transfer)
        } catch let error as CurlError {
            throw explain(error)
        }
    }

    /// libcurl's IMAP errors, said plainly: which mailbox, which UID, what the server answered.
    private func explain(_ error: CurlError) -> CurlError {
        let message: String
        var isRetriable = error.isRetriable
        switch error.code {
        case .quoteError:
            // libcurl's own text ("Quote command returned error") says less than the server's reply.
            message = "IMAP \(context): " + (error.serverReply.map { "the server refused it: \($0)" } ?? "the server refused it")
        case .remoteFileNotFound where error.message.contains("UIDVALIDITY"):
            message = "IMAP \(context): UIDVALIDITY mismatch: mailbox \((mailbox ?? "").debugDescription) no longer has UIDVALIDITY \(uidValidity.map(String.init) ?? "?"), so its UIDs name other messages (\(error.message))"
            isRetriable = false
        case .remoteFileNotFound where uid != nil:
            message = "IMAP \(context): no message with UID \(uid!) in mailbox \((mailbox ?? "").debugDescription)"
            isRetriable = false
        case .loginDenied where error.message == "Select failed" || error.serverReply?.contains("Mailbox") == true:
            // libcurl reports a failed SELECT as CURLE_LOGIN_DENIED.
            message = "IMAP \(context): cannot select mailbox \((mailbox ?? "").debugDescription)" + (error.serverReply.map { ": \($0)" } ?? "")
        default:
            return error.adding(context: "IMAP \(context)")
        }
        return CurlError(
            code: error.code,
            responseCode: error.responseCode,
            message: message,
            serverReply: error.serverReply,
            isRetriable: isRetriable,
            file: error.file,
            line: error.line
        )
    }

    /// Refuses text that cannot go into a command line: control and non-ASCII characters.
    static func checkText(_ text: String, _ what: String) throws(CurlError) {
        if text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value >= 0x7F }) {
            throw .invalidArgument("the \(what) \(text.debugDescription) contains a control or non-ASCII character")
        }
    }

    /// Refuses anything but a flag atom, optionally after one backslash (`\Seen`, `$Label`).
    static func checkFlag(_ flag: String) throws(CurlError) {
        let body = flag.hasPrefix("\\") ? flag.dropFirst() : flag[...]
        let forbidden = Set("(){ %*\"\\]")
        guard !body.isEmpty, body.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }), !body.contains(where: forbidden.contains) else {
            throw .invalidArgument("\(flag.debugDescription) is not a valid IMAP flag")
        }
    }
}
