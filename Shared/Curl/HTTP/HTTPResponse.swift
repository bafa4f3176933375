/// The final response to an ``HTTPRequest`` (after any `1xx`, and after redirects when following them).
public struct HTTPResponse: Sendable, Hashable {
    /// The status code, whatever it is: a `4xx` or `5xx` is a response, not an error.
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: Int, headers: HTTPHeaders, body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// Whether the status is `2xx`.
    public var isSuccess: Bool {
        (200..<300).contains(status)
    }
}

/// The response to ``HTTPClient/download(_:to:maxBytes:)``: its head, and how many body bytes
/// were written to the file.
public struct HTTPDownload: Sendable, Hashable {
    public var status: Int
    public var headers: HTTPHeaders
    /// The body's size, as written to the file.
    public var byteCount: Int64

    public var isSuccess: Bool {
        (200..<300).contains(status)
    }
}
