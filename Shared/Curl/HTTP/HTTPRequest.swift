import Foundation

/// One HTTP request for ``HTTPClient``.
public struct HTTPRequest: Sendable {
    public var method: HTTPMethod
    /// An `http` or `https` URL; other schemes are refused.
    public var url: URL
    /// Sent as given. Names must be tokens and values must not hold CR, LF or NUL. Unless set
    /// here, no `Content-Type` is sent with a body, and `Expect: 100-continue` is never sent.
    public var headers: HTTPHeaders
    /// The request body, sent with a `Content-Length`; `nil` for none.
    public var body: [UInt8]?
    /// The limit on the whole exchange; `nil` for the client's ``HTTPClient/Configuration/timeout``.
    public var timeout: Duration?
    /// The limit on connecting (TLS included); `nil` for the client's ``HTTPClient/Configuration/connectTimeout``.
    public var connectTimeout: Duration?

    public init(
        method: HTTPMethod = .get,
        url: URL,
        headers: HTTPHeaders = [:],
        body: [UInt8]? = nil,
        timeout: Duration? = nil,
        connectTimeout: Duration? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.connectTimeout = connectTimeout
    }
}
