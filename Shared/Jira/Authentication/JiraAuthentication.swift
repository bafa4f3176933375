import Foundation

/// How Mailbridge authenticates its calls to one tenant's Jira site.
///
/// `description` never shows the secret or token.
public enum JiraAuthentication: Sendable, Hashable, CustomStringConvertible {
    /// Atlassian Connect: each request carries `Authorization: JWT …`, an HS256 token signed with
    /// the tenant's shared secret (from the `installed` callback), `iss` = our app key, and a
    /// `qsh` over that exact request.
    case connect(appKey: String, sharedSecret: String)
    /// A self-hoster's single site: HTTP basic authentication with an Atlassian account's email
    /// address and an API token.
    case apiToken(email: String, token: String)

    /// How long a Connect token we sign stays valid.
    public static let connectTokenLifetime: Int64 = 180

    public var description: String {
        switch self {
        case .connect(let appKey, _): "Atlassian Connect JWT (app key \(appKey), shared secret hidden)"
        case .apiToken: "API token (email and token hidden)"
        }
    }

    /// The `Authorization` header value for `request` at time `now`.
    ///
    /// - Parameter request: The request, its path relative to the site's base URL.
    /// - Throws: ``JiraAuthenticationError`` `invalidKey` for an empty secret, token or app key.
    public func authorization(for request: CanonicalRequest, now: Date = Date()) throws(JiraAuthenticationError) -> String {
        switch self {
        case .connect(let appKey, let sharedSecret):
            guard !appKey.isEmpty else {
                throw JiraAuthenticationError(.invalidKey, "the Connect app key is empty")
            }
            let issuedAt = Int64(now.timeIntervalSince1970.rounded(.down))
            let claims = JWTClaims(
                iss: appKey, iat: issuedAt, exp: issuedAt + Self.connectTokenLifetime, qsh: request.queryStringHash
            )
            return "JWT " + (try JSONWebToken.signedHS256(claims: claims, secret: Array(sharedSecret.utf8)))
        case .apiToken(let email, let token):
            guard !email.isEmpty, !token.isEmpty else {
                throw JiraAuthenticationError(.invalidKey, "the API token or its account email is empty")
            }
            return "Basic " + Data("\(email):\(token)".utf8).base64EncodedString()
        }
    }
}
