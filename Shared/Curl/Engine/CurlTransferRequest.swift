import CCurl

/// One transfer, described by plain values so that it can cross to the engine thread, which
/// alone builds and owns the libcurl easy handle.
struct CurlTransferRequest: Sendable {
    /// The protocol family, which decides what a reply code means for retrying.
    enum Family: Sendable {
        case http
        case smtp
        case imap
    }

    /// Where the response body goes.
    enum Destination: Sendable {
        /// Kept in memory; the transfer fails once it exceeds `limit` bytes.
        case memory(limit: Int64?)
        /// Written to a file created (or truncated) at `path` with mode 0600, removed again when
        /// the transfer fails or is cancelled; the transfer fails once it exceeds `limit` bytes.
        case file(path: String, limit: Int64?)
    }

    /// What is sent to the server.
    enum Upload: Sendable {
        /// Bytes sent as the request body through `CURLOPT_POSTFIELDS` (HTTP).
        case postFields([UInt8])
        /// Bytes read through the read callback (`CURLOPT_UPLOAD`; SMTP).
        case bytes([UInt8])
        /// A file read through the read callback (`CURLOPT_UPLOAD`; SMTP).
        case file(path: String)
    }

    /// A `curl_easy_setopt` call.
    enum Option: Sendable {
        case long(CURLoption, Int)
        case offset(CURLoption, Int64)
        case string(CURLoption, String)
        /// A `curl_slist` of the strings (`CURLOPT_HTTPHEADER`, `CURLOPT_MAIL_RCPT`).
        case list(CURLoption, [String])
    }

    var family: Family
    var url: String
    /// Applied in order, after the module's defaults and before the callbacks.
    var options: [Option] = []
    var upload: Upload?
    var destination: Destination = .memory(limit: nil)
    /// Collect the response header lines of the last response (HTTP).
    var collectsHeaders = false
    /// Keep the last protocol line the server sent, for error messages (SMTP, IMAP).
    var capturesServerReplies = false
    /// The connection pool (see ``CurlConnectionPool``): transfers reuse connections only within
    /// their pool. `nil` for the multi handle's own cache.
    var connectionPool: String?
}
