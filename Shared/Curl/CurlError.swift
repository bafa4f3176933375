/// Every failure of a transfer: a transport error from libcurl, a refusal by the server, a limit
/// this module enforces, or input it refused to send.
///
/// One struct rather than a family of enums, in the manner of swift-kafka-client's `KafkaError`:
/// switch on ``code``, read ``responseCode`` for the protocol's own verdict, show ``description``.
/// A non-2xx HTTP status is not an error: ``HTTPClient`` returns it as a response.
public struct CurlError: Error, Sendable, Hashable, CustomStringConvertible {
    /// libcurl's `CURLcode`, with its C name (see ``CurlError/Code-swift.struct``).
    public let code: Code

    /// The protocol's reply code when the server gave one: the HTTP status or the SMTP reply code
    /// (`CURLINFO_RESPONSE_CODE`). `nil` for IMAP, and when no reply was received.
    public let responseCode: Int?

    /// What went wrong, in words: libcurl's error buffer text (or its description of ``code``),
    /// with the context this module adds (which mailbox, which limit).
    public let message: String

    /// The last protocol line the server sent (an SMTP reply or IMAP tagged response such as
    /// `A005 NO [TRYCREATE] Mailbox doesn't exist`), when this module captured it.
    public let serverReply: String?

    /// Whether the same request may succeed if tried again later: connection, timeout and
    /// transient-reply failures are; authentication, verification and malformed input are not.
    public let isRetriable: Bool

    /// The source file (`#fileID`) where the error was raised.
    public let file: String

    /// The line in ``file`` where the error was raised.
    public let line: UInt

    /// An error with the given parts. `isRetriable` defaults to ``Code/isTransient``.
    public init(
        code: Code,
        responseCode: Int? = nil,
        message: String,
        serverReply: String? = nil,
        isRetriable: Bool? = nil,
        file: String = #fileID,
        line: UInt = #line
    ) {
        self.code = code
        self.responseCode = responseCode
        self.message = message
        self.serverReply = serverReply
        self.isRetriable = isRetriable ?? code.isTransient
        self.file = file
        self.line = line
    }

    public var description: String {
        var text = "\(code): \(message)"
        if let responseCode {
            text += " (response \(responseCode))"
        }
        if let serverReply, !message.contains(serverReply) {
            text += " [server: \(serverReply)]"
        }
        return text + " at \(file):\(line)"
    }

    /// The same error with `context` put in front of its message, keeping its code, reply and location.
    func adding(context: String) -> CurlError {
        CurlError(
            code: code,
            responseCode: responseCode,
            message: "\(context): \(message)",
            serverReply: serverReply,
            isRetriable: isRetriable,
            file: file,
            line: line
        )
    }

    /// An error for input this module refuses to send (`CURLE_BAD_FUNCTION_ARGUMENT`), never retriable.
    static func invalidArgument(_ message: String, file: String = #fileID, line: UInt = #line) -> CurlError {
        CurlError(code: .badFunctionArgument, message: message, isRetriable: false, file: file, line: line)
    }
}
