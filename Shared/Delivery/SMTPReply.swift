import Curl
import Platform

/// What an SMTP server last said about a delivery, kept for the ledger, the audit and the DLQ.
/// Addresses in the text are replaced by their `PIIHasher` tokens before it is stored.
public struct SMTPReply: Sendable, Codable, Equatable {
    /// The reply code (250, 451, 550…); `nil` when no reply was received (connection failure).
    public var code: Int?
    /// The reply line, or the error's description when there was no reply; addresses redacted.
    public var text: String

    public init(code: Int?, text: String) {
        self.code = code
        self.text = text
    }

    /// The reply a failed send carries.
    init(error: any Error, hasher: PIIHasher) {
        if let curl = error as? CurlError {
            self.init(code: curl.responseCode, text: hasher.redactAddresses(in: curl.serverReply ?? curl.description))
        } else {
            self.init(code: nil, text: hasher.redactAddresses(in: "\(error)"))
        }
    }
}
