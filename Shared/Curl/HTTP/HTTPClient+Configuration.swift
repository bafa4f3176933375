extension HTTPClient {
    /// Settings that apply to every request of a client.
    public struct Configuration: Sendable {
        /// Certificate checks for `https` (on by default).
        public var tls: TLSSettings
        /// The limit on a whole exchange, unless the request sets its own; `nil` for none.
        public var timeout: Duration?
        /// The limit on connecting (TLS included), unless the request sets its own.
        public var connectTimeout: Duration?
        /// Follow `3xx` redirects (`CURLOPT_FOLLOWLOCATION`); off by default, so a `3xx` is returned.
        public var followRedirects: Bool
        /// How many redirects to follow at most, when following them.
        public var maxRedirects: Int
        /// The largest body ``HTTPClient/execute(_:)`` keeps in memory; a larger one fails the request.
        public var maxResponseBytes: Int64
        /// The `User-Agent` sent unless a request sets its own; `nil` sends none.
        public var userAgent: String?

        public init(
            tls: TLSSettings = TLSSettings(),
            timeout: Duration? = .seconds(60),
            connectTimeout: Duration? = .seconds(10),
            followRedirects: Bool = false,
            maxRedirects: Int = 5,
            maxResponseBytes: Int64 = 64 << 20,
            userAgent: String? = "mailbridge"
        ) {
            self.tls = tls
            self.timeout = timeout
            self.connectTimeout = connectTimeout
            self.followRedirects = followRedirects
            self.maxRedirects = maxRedirects
            self.maxResponseBytes = maxResponseBytes
            self.userAgent = userAgent
        }
    }
}
