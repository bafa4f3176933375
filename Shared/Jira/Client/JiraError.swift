import Foundation

/// Every failure of a Jira call: Jira's refusal (with its status and messages), a failed
/// exchange, an answer we could not read, or input we refused to send.
///
/// One struct, in the manner of `CurlError`: switch on ``kind``, read ``status`` and Jira's
/// ``errorMessages``/``errors``, ask ``isRetriable``. It names the request by method and path
/// only — never the query (it may hold an email address), a body, or a credential.
public struct JiraError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// Jira answered with a status we do not accept (see ``JiraError/status``).
        case http
        /// The exchange failed: no connection, TLS, timeout, a body over a limit.
        case transport
        /// Jira's answer could not be read as the expected JSON.
        case invalidResponse
        /// We refused to send the request (an empty key, a file we cannot read, …).
        case invalidArgument
        /// A credential could not be used to sign the request.
        case authentication
    }

    public let kind: Kind
    /// `"POST /rest/api/3/issue"`: the method and path relative to the site.
    public let request: String
    /// The HTTP status, when Jira answered.
    public let status: Int?
    /// Jira's `errorMessages` (or its `message`/`errorMessage` on endpoints that use those).
    public let errorMessages: [String]
    /// Jira's `errors`: field id → what is wrong with it.
    public let errors: [String: String]
    /// Whether the same call may succeed later: 429, 5xx and transient transport failures.
    public let isRetriable: Bool
    /// How long Jira asked us to wait (`Retry-After` on 429 and 503).
    public let retryAfter: Duration?
    /// What went wrong when Jira did not say: the transport error, the decoding problem.
    public let message: String

    public init(
        kind: Kind,
        request: String,
        status: Int? = nil,
        errorMessages: [String] = [],
        errors: [String: String] = [:],
        isRetriable: Bool = false,
        retryAfter: Duration? = nil,
        message: String = ""
    ) {
        self.kind = kind
        self.request = request
        self.status = status
        self.errorMessages = errorMessages
        self.errors = errors
        self.isRetriable = isRetriable
        self.retryAfter = retryAfter
        self.message = message
    }

    public var description: String {
        var text = "Jira \(kind.rawValue) error: \(request)"
        if let status { text += " → HTTP \(status)" }
        var details = errorMessages
        details += errors.keys.sorted().map { "\($0): \(errors[$0]!)" }
        if !message.isEmpty { details.append(message) }
        if !details.isEmpty { text += ": " + details.joined(separator: "; ") }
        if let retryAfter { text += " (retry after \(retryAfter))" }
        if isRetriable { text += " [retriable]" }
        return text
    }
}

extension JiraError {
    /// Jira's error body: `{"errorMessages": [...], "errors": {...}}`, or the `message` /
    /// `errorMessage` shapes some endpoints and proxies use.
    private struct Body: Decodable {
        var errorMessages: [String]?
        var errors: [String: JSONValue]?
        var message: String?
        var errorMessage: String?
    }

    /// The error a non-accepted response means. 429 and 5xx are retriable; `retryAfter` is read
    /// from `Retry-After` (seconds or an HTTP date).
    static func from(status: Int, headers: [String: String], body: [UInt8], request: String, now: Date = Date()) -> JiraError {
        var messages: [String] = []
        var fieldErrors: [String: String] = [:]
        var text = ""
        if let decoded = try? JSONDecoder().decode(Body.self, from: Data(body)) {
            messages = decoded.errorMessages ?? []
            for (field, value) in decoded.errors ?? [:] {
                fieldErrors[field] = value.stringValue ?? "\(value)"
            }
            messages += [decoded.message, decoded.errorMessage].compactMap { $0 }
        } else if !body.isEmpty {
            text = "body: " + String(decoding: body.prefix(200), as: UTF8.self)
        }
        let retriable = status == 429 || (500...599).contains(status)
        let retryAfter = (status == 429 || status == 503) ? headers["retry-after"].flatMap { RetryAfter.parse($0, now: now) } : nil
        return JiraError(
            kind: .http, request: request, status: status, errorMessages: messages, errors: fieldErrors,
            isRetriable: retriable, retryAfter: retryAfter, message: text
        )
    }
}
