import Curl
import Foundation

/// One call to a Jira site, before authentication.
struct JiraRequest: Sendable {
    var method: HTTPMethod
    /// The path relative to the site's base URL, each segment already percent-encoded.
    var path: String
    /// Decoded query parameters, sent percent-encoded as ``CanonicalRequest`` encodes them.
    var query: [CanonicalRequest.Parameter]
    var headers: HTTPHeaders
    var body: [UInt8]?
    /// Whether sending it twice does no harm: such calls are retried on 5xx and after a
    /// connection broke mid-exchange; others only when Jira surely did not act on them.
    var isIdempotent: Bool

    init(
        _ method: HTTPMethod, _ path: String, query: [CanonicalRequest.Parameter] = [], headers: HTTPHeaders = [:],
        body: [UInt8]? = nil, isIdempotent: Bool? = nil
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.isIdempotent = isIdempotent ?? (method == .get || method == .put || method == .delete || method == .head)
    }

    /// A request with a JSON body.
    static func json<Body: Encodable>(
        _ method: HTTPMethod, _ path: String, body: Body, query: [CanonicalRequest.Parameter] = [], isIdempotent: Bool? = nil
    ) throws(JiraError) -> JiraRequest {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let bytes: Data
        do {
            bytes = try encoder.encode(body)
        } catch {
            throw JiraError(kind: .invalidArgument, request: "\(method) \(path)", message: "cannot encode the JSON body: \(error)")
        }
        return JiraRequest(
            method, path, query: query, headers: ["Content-Type": "application/json"], body: Array(bytes), isIdempotent: isIdempotent
        )
    }

    /// `"POST /rest/api/3/issue"`: what errors and logs name (no query: it may hold PII).
    var context: String { "\(method) \(path)" }

    /// The query as sent: `name=value` pairs, percent-encoded, in the given order.
    var encodedQuery: String {
        query.map { CanonicalRequest.percentEncode($0.name) + "=" + CanonicalRequest.percentEncode($0.value) }.joined(separator: "&")
    }

    var canonical: CanonicalRequest {
        CanonicalRequest(method: method.rawValue, path: path, query: query)
    }
}

/// Percent-encoding of one path segment (an issue key, a property key, an id).
enum JiraPath {
    static func segment(_ value: String) -> String {
        CanonicalRequest.percentEncode(value)
    }
}
