import Curl
import Foundation

/// Access tokens for XOAUTH2 logins, obtained by exchanging each client's refresh token at its
/// token URL (`grant_type=refresh_token`, a form POST) and cached until shortly before they
/// expire. One actor serves every tenant; concurrent callers for one client share one exchange.
public actor OAuthTokenSource {
    private struct Cached {
        let token: String
        let expires: ContinuousClock.Instant
    }

    private let http: HTTPClient
    /// A token is refreshed this long before its `expires_in` runs out.
    private let margin: Duration
    private var cache: [OAuthClient: Cached] = [:]
    private var inFlight: [OAuthClient: Task<Cached, any Error>] = [:]

    public init(http: HTTPClient = HTTPClient(), margin: Duration = .seconds(60)) {
        self.http = http
        self.margin = margin
    }

    /// A current access token for `client`: the cached one while it is valid, else a new one.
    /// - Throws: ``DeliveryError`` naming the token URL and the endpoint's status or the
    ///   response's problem (never the secrets), or the transport's `CurlError`.
    public func accessToken(for client: OAuthClient) async throws -> String {
        if let cached = cache[client], ContinuousClock.now < cached.expires {
            return cached.token
        }
        if let running = inFlight[client] {
            return try await running.value.token
        }
        let http = self.http
        let margin = self.margin
        let task = Task { try await Self.exchange(client, http: http, margin: margin) }
        inFlight[client] = task
        defer { inFlight[client] = nil }
        let fresh = try await task.value
        cache[client] = fresh
        return fresh.token
    }

    /// Forgets the cached token of `client` (the server refused it); the next call refreshes.
    public func invalidate(_ client: OAuthClient) {
        cache[client] = nil
    }

    private static func exchange(_ client: OAuthClient, http: HTTPClient, margin: Duration) async throws -> Cached {
        guard let url = URL(string: client.tokenURL), url.scheme == "https" || url.scheme == "http" else {
            throw DeliveryError("OAuth token URL \"\(client.tokenURL)\" is not an http(s) URL")
        }
        let form = [
            ("grant_type", "refresh_token"), ("refresh_token", client.refreshToken),
            ("client_id", client.clientID), ("client_secret", client.clientSecret),
        ].map { "\($0.0)=\(formEncoded($0.1))" }.joined(separator: "&")
        let request = HTTPRequest(
            method: .post, url: url,
            headers: ["Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"],
            body: Array(form.utf8))
        let response = try await http.execute(request)
        guard response.isSuccess else {
            // Google answers {"error": "invalid_grant", …}: the error code names the problem.
            let code = (try? JSONDecoder().decode(TokenError.self, from: Data(response.body)))?.error ?? "no error code"
            throw DeliveryError("OAuth token endpoint \(client.tokenURL) answered \(response.status) (\(code))")
        }
        let body: TokenResponse
        do {
            body = try JSONDecoder().decode(TokenResponse.self, from: Data(response.body))
        } catch {
            throw DeliveryError("OAuth token endpoint \(client.tokenURL) answered without a usable access_token: \(error)")
        }
        let lifetime = Duration.seconds(max(body.expires_in ?? 3600, 0))
        return Cached(token: body.access_token, expires: .now + max(lifetime - margin, .zero))
    }

    private struct TokenResponse: Decodable {
        let access_token: String
        let expires_in: Int?
    }

    private struct TokenError: Decodable {
        let error: String
    }

    /// `application/x-www-form-urlencoded` escaping of one value.
    static func formEncoded(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}
