import Curl

extension JiraClient {
    /// Limits and retry settings of a client.
    public struct Configuration: Sendable {
        /// The HTTP settings: TLS, timeouts, the largest JSON answer kept in memory. Redirects are
        /// never followed automatically (attachment downloads follow them one hop at a time).
        public var http: HTTPClient.Configuration
        /// Tries per call, the first included (at least 1).
        public var maxAttempts: Int
        /// The ceiling of the first back-off; doubled per try, up to ``maxBackoff``; the actual
        /// wait is random below the ceiling (full jitter).
        public var initialBackoff: Duration
        public var maxBackoff: Duration
        /// The longest `Retry-After` waited out inside a call; a longer one ends the call with a
        /// retriable ``JiraError`` carrying ``JiraError/retryAfter``, for the caller to reschedule.
        public var maxRetryAfter: Duration
        /// The largest attachment ``JiraClient/addAttachment(issue:filename:contentType:bytes:)``
        /// sends (Jira Cloud's own default limit is 10 MB; sites may raise it).
        public var maxUploadBytes: Int
        /// The most redirects an attachment download follows.
        public var maxRedirects: Int

        public init(
            http: HTTPClient.Configuration = HTTPClient.Configuration(timeout: .seconds(60), followRedirects: false),
            maxAttempts: Int = 4,
            initialBackoff: Duration = .milliseconds(500),
            maxBackoff: Duration = .seconds(10),
            maxRetryAfter: Duration = .seconds(60),
            maxUploadBytes: Int = 100 << 20,
            maxRedirects: Int = 3
        ) {
            self.http = http
            self.http.followRedirects = false
            self.maxAttempts = max(1, maxAttempts)
            self.initialBackoff = initialBackoff
            self.maxBackoff = maxBackoff
            self.maxRetryAfter = maxRetryAfter
            self.maxUploadBytes = maxUploadBytes
            self.maxRedirects = maxRedirects
        }
    }
}
