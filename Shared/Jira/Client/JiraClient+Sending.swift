import Curl
import Foundation
import Logging

extension JiraClient {
    /// Sends `request` with authentication, the site's concurrency limit and retries; returns
    /// the response when its status is 2xx or in `accepting`.
    ///
    /// Retried: 429 and 503 (after `Retry-After` when given, up to
    /// ``Configuration/maxRetryAfter``, else a jittered back-off), other 5xx and transport
    /// failures when the request is idempotent or surely did not reach Jira (no connection).
    ///
    /// - Throws: ``JiraError``; `CancellationError` when the task is cancelled.
    func send(_ request: JiraRequest, accepting: Set<Int> = []) async throws -> HTTPResponse {
        try await withRetries(request) {
            try await sendOnce(request, accepting: accepting)
        }
    }

    /// Runs `attempt` until it succeeds, throws an error that ``shouldRetry(_:_:)`` declines,
    /// or has run ``Configuration/maxAttempts`` times; waits `Retry-After` or a jittered
    /// back-off between tries. A 429's `Retry-After` also pauses the whole site in the limiter.
    func withRetries<T: Sendable>(_ request: JiraRequest, _ attempt: () async throws -> T) async throws -> T {
        var tries = 1
        while true {
            do {
                return try await attempt()
            } catch let error as JiraError {
                guard tries < configuration.maxAttempts, shouldRetry(error, request) else { throw error }
                let delay: Duration
                if let retryAfter = error.retryAfter {
                    guard retryAfter <= configuration.maxRetryAfter else { throw error }
                    delay = retryAfter
                    if error.status == 429 { await limiter.pause(site: site.baseURL, for: retryAfter) }
                } else {
                    delay = backoff(afterAttempt: tries)
                }
                logger.warning("retrying Jira request", metadata: [
                    "request": "\(request.context)", "status": "\(error.status.map(String.init) ?? "-")",
                    "attempt": "\(tries)", "delay": "\(delay)",
                ])
                try await Task.sleep(for: delay)
                tries += 1
            }
        }
    }

    /// One try: a fresh signature (a Connect token's `exp` and `qsh` are per request), then the exchange.
    private func sendOnce(_ request: JiraRequest, accepting: Set<Int>) async throws -> HTTPResponse {
        let http = try authenticated(request)
        let response: HTTPResponse
        do {
            response = try await limiter.withPermit(site: site.baseURL) { [client] in
                try await client.execute(http)
            }
        } catch let error as CurlError {
            throw Self.transportError(error, request)
        }
        guard response.isSuccess || accepting.contains(response.status) else {
            throw JiraError.from(status: response.status, headers: Self.headerMap(response.headers), body: response.body, request: request.context)
        }
        return response
    }

    /// The HTTP request for `request`, with `Authorization` and `Accept`.
    func authenticated(_ request: JiraRequest, accept: String = "application/json") throws(JiraError) -> HTTPRequest {
        let query = request.encodedQuery
        guard let url = URL(string: site.baseURL + request.path + (query.isEmpty ? "" : "?" + query)) else {
            throw JiraError(kind: .invalidArgument, request: request.context, message: "cannot form a URL from the site's base URL and this path")
        }
        var headers = request.headers
        do {
            headers.replaceOrAdd(name: "Authorization", value: try site.authentication.authorization(for: request.canonical))
        } catch {
            throw JiraError(kind: .authentication, request: request.context, message: error.description)
        }
        if !headers.contains("Accept") { headers.add(name: "Accept", value: accept) }
        return HTTPRequest(method: request.method, url: url, headers: headers, body: request.body)
    }

    func shouldRetry(_ error: JiraError, _ request: JiraRequest) -> Bool {
        guard error.isRetriable else { return false }
        switch error.kind {
        case .http:
            guard let status = error.status else { return false }
            // Jira turned these away before acting on them.
            if status == 429 || status == 503 { return true }
            return request.isIdempotent
        case .transport:
            return request.isIdempotent || error.message.hasPrefix(Self.notSentMarker)
        default:
            return false
        }
    }

    /// Full jitter: a random wait below `initialBackoff · 2^(attempt-1)`, capped at `maxBackoff`.
    func backoff(afterAttempt attempt: Int) -> Duration {
        let ceiling = min(configuration.maxBackoff, configuration.initialBackoff * (1 << min(attempt - 1, 20)))
        let nanoseconds = ceiling.components.seconds * 1_000_000_000 + ceiling.components.attoseconds / 1_000_000_000
        return .nanoseconds(Int64.random(in: 0...max(nanoseconds, 0)))
    }

    /// Starts the message of transport errors where the request never reached Jira.
    static let notSentMarker = "not sent: "

    static func transportError(_ error: CurlError, _ request: JiraRequest) -> JiraError {
        let notSent: Set<CurlError.Code> = [.couldntResolveHost, .couldntConnect]
        return JiraError(
            kind: .transport, request: request.context, status: error.responseCode, isRetriable: error.isRetriable,
            message: (notSent.contains(error.code) ? notSentMarker : "") + error.description
        )
    }

    /// Header names lower-cased, first value kept.
    static func headerMap(_ headers: HTTPHeaders) -> [String: String] {
        var map: [String: String] = [:]
        for field in headers where map[field.name.lowercased()] == nil {
            map[field.name.lowercased()] = field.value
        }
        return map
    }

    /// Decodes a JSON answer.
    func decode<T: Decodable>(_ type: T.Type, from response: HTTPResponse, _ request: JiraRequest) throws(JiraError) -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(response.body))
        } catch {
            throw JiraError(
                kind: .invalidResponse, request: request.context, status: response.status,
                message: "cannot read the answer as \(T.self): \(Self.decodingProblem(error))"
            )
        }
    }

    /// Where decoding failed, without echoing the data.
    private static func decodingProblem(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "not JSON" }
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .keyNotFound(_, let context), .dataCorrupted(let context):
            let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return "\(context.debugDescription) at \(path.isEmpty ? "the top" : path)"
        @unknown default:
            return "undecodable"
        }
    }
}
