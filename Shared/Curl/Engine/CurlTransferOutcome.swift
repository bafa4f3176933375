/// What a finished transfer hands back from the engine thread.
enum CurlTransferOutcome: Sendable {
    case completed(CurlTransferResult)
    case failed(CurlTransferFailure)
    case cancelled
    case engineShutDown
}

/// A transfer that libcurl finished without error.
struct CurlTransferResult: Sendable {
    /// `CURLINFO_RESPONSE_CODE`: the HTTP status or last SMTP reply code; 0 when there is none.
    var responseCode: Int
    /// The raw header lines of the last response, each with its line ending (HTTP only).
    var headerLines: [[UInt8]]
    /// The body, when the destination was memory.
    var body: [UInt8]
    /// How many body bytes were received (to memory or file).
    var bodyByteCount: Int64
    /// The last protocol line the server sent, when captured (an IMAP tagged `OK`, say).
    var serverReply: String?
}

/// A transfer that failed; the engine turns it into a ``CurlError`` in the caller's task.
struct CurlTransferFailure: Sendable, Error {
    var code: CurlError.Code
    var responseCode: Int?
    var message: String
    var serverReply: String?
}
