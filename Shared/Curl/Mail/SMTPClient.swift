import CCurl
import Foundation

/// Sends mail to one SMTP server.
///
/// Each send is one SMTP transaction (`MAIL FROM`, one `RCPT TO` per recipient, `DATA`) on a
/// ``CurlEngine``; connections are reused between sends. A client is a small value: copy it freely.
public struct SMTPClient: Sendable {
    public let settings: SMTPSettings
    private let engine: CurlEngine

    public init(settings: SMTPSettings, engine: CurlEngine = .shared) {
        self.settings = settings
        self.engine = engine
    }

    /// Sends `message` (a complete RFC 5322 message with CRLF line endings, headers included)
    /// from `envelopeFrom` to every one of `recipients`.
    ///
    /// libcurl dot-stuffs the data; the message is otherwise sent byte for byte.
    ///
    /// - Parameters:
    ///   - envelopeFrom: The `MAIL FROM` address; empty for the null reverse-path `<>` (bounces).
    ///   - recipients: The `RCPT TO` addresses; the send fails if the server refuses any of them.
    /// - Returns: The server's final reply code (250 when accepted).
    /// - Throws: ``CurlError`` with the server's reply code in `responseCode` (535 for a refused
    ///   login, 550 for a refused recipient) and its reply line in `serverReply`; retriable for a
    ///   transient (4xx) reply or a lost connection. `CancellationError` when the task is cancelled.
    @discardableResult
    public func send(envelopeFrom: String, recipients: [String], message: [UInt8]) async throws -> Int {
        try await send(envelopeFrom: envelopeFrom, recipients: recipients, upload: .bytes(message))
    }

    /// Sends the message in `messageFile` (read while sending) like ``send(envelopeFrom:recipients:message:)``.
    @discardableResult
    public func send(envelopeFrom: String, recipients: [String], messageFile: URL) async throws -> Int {
        guard messageFile.isFileURL else {
            throw CurlError.invalidArgument("\(messageFile) is not a file URL")
        }
        return try await send(envelopeFrom: envelopeFrom, recipients: recipients, upload: .file(path: messageFile.path))
    }

    private func send(envelopeFrom: String, recipients: [String], upload: CurlTransferRequest.Upload) async throws -> Int {
        guard !recipients.isEmpty else {
            throw CurlError.invalidArgument("a message needs at least one recipient")
        }
        if !envelopeFrom.isEmpty {
            try Self.checkAddress(envelopeFrom)
        }
        for recipient in recipients {
            try Self.checkAddress(recipient)
        }
        let scheme = CurlTransferRequest.mailScheme("smtp", settings.security)
        let origin = try CurlURL.origin(scheme: scheme, host: settings.host, port: settings.port)
        var transfer = CurlTransferRequest(family: .smtp, url: origin + "/" + CurlURL.percentEncoded(settings.heloName ?? ""))
        transfer.capturesServerReplies = true
        transfer.connectionPool = CurlTransferRequest.mailPool(scheme, settings.security, settings.tls, settings.authentication)
        transfer.options = try CurlTransferRequest.mailOptions(
            protocols: "smtp,smtps",
            security: settings.security,
            authentication: settings.authentication,
            tls: settings.tls,
            timeout: settings.timeout,
            connectTimeout: settings.connectTimeout
        )
        // Given in angle brackets, libcurl sends the addresses exactly as written.
        transfer.options.append(.string(CURLOPT_MAIL_FROM, "<\(envelopeFrom)>"))
        transfer.options.append(.list(CURLOPT_MAIL_RCPT, recipients.map { "<\($0)>" }))
        transfer.upload = upload
        do {
            return try await engine.perform(transfer).responseCode
        } catch let error as CurlError {
            throw Self.explain(error).adding(context: "SMTP \(settings.host):\(settings.port)")
        }
    }

    /// Spells out the error a server puts in a `334` challenge when it refuses an OAuth token
    /// (libcurl stops there with `CURLE_LOGIN_DENIED` for `XOAUTH2`).
    private static func explain(_ error: CurlError) -> CurlError {
        guard error.code == .loginDenied, error.responseCode == 334, let reply = error.serverReply, reply.hasPrefix("334 "),
            let decoded = Data(base64Encoded: String(reply.dropFirst(4)))
        else {
            return error
        }
        return CurlError(
            code: error.code,
            responseCode: error.responseCode,
            message: "\(error.message): the server refused the OAuth token: \(String(decoding: decoded, as: UTF8.self))",
            serverReply: error.serverReply,
            isRetriable: false,
            file: error.file,
            line: error.line
        )
    }

    /// Refuses addresses that would break the SMTP command they go into.
    private static func checkAddress(_ address: String) throws(CurlError) {
        guard !address.isEmpty else {
            throw .invalidArgument("an email address is empty")
        }
        let forbidden: Set<UInt8> = [0, 0x0D, 0x0A, UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: " ")]
        if address.utf8.contains(where: forbidden.contains) {
            throw .invalidArgument("\"\(address)\" is not a usable email address (space, <, >, CR, LF or NUL)")
        }
    }
}
