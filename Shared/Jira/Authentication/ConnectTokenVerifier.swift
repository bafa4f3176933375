import Foundation
import _CryptoExtras

/// Checks the JSON Web Tokens Jira sends with its calls to Mailbridge.
///
/// - ``verify(_:sharedSecret:request:queryStringHash:now:)``: HS256 tokens signed with the
///   tenant's shared secret (webhooks, `enabled`/`disabled`, and any later call).
/// - ``verifyInstallCallback(_:keys:appBaseURL:clientKey:request:now:)``: RS256 tokens on the
///   `installed` and `uninstalled` callbacks, signed by Atlassian's key named in `kid`.
///
/// Both check the signature first (the algorithm must be exactly the expected one, so `none` or
/// an algorithm switch is refused), then `exp` (required), `iat` (required) and `nbf` with
/// ``clockSkew`` of tolerance, then `qsh`.
public struct ConnectTokenVerifier: Sendable {
    /// Which `qsh` values are accepted.
    public enum QueryStringHashRule: Sendable, Hashable {
        /// Only the hash of the request that carried the token (webhooks and lifecycle calls).
        case request
        /// That, or `context-qsh` (context tokens from Jira's front end, as Atlassian issues them).
        case requestOrContext
    }

    /// How far clocks may disagree, in seconds.
    public var clockSkew: Int64

    public init(clockSkew: Int64 = 30) {
        self.clockSkew = clockSkew
    }

    /// Verifies an HS256 token from Jira and returns its claims.
    ///
    /// - Parameters:
    ///   - sharedSecret: The secret of the tenant that `token.claims.iss` (its `clientKey`) names.
    ///   - request: The request that carried the token, its path relative to our app's base URL.
    /// - Throws: ``JiraAuthenticationError``.
    public func verify(
        _ token: JSONWebToken,
        sharedSecret: String,
        request: CanonicalRequest,
        queryStringHash rule: QueryStringHashRule = .request,
        now: Date = Date()
    ) throws(JiraAuthenticationError) -> JWTClaims {
        try verify(token, key: HS256Key(secret: Array(sharedSecret.utf8)), request: request, queryStringHash: rule, now: now)
    }

    /// Verifies an HS256 token from Jira with its tenant's prepared key and returns its claims.
    ///
    /// - Parameters:
    ///   - key: The shared secret of the tenant that `token.claims.iss` names, made into a key
    ///     once when the secret was loaded.
    ///   - request: The request that carried the token, its path relative to our app's base URL.
    /// - Throws: ``JiraAuthenticationError``.
    public func verify(
        _ token: JSONWebToken,
        key: HS256Key,
        request: CanonicalRequest,
        queryStringHash rule: QueryStringHashRule = .request,
        now: Date = Date()
    ) throws(JiraAuthenticationError) -> JWTClaims {
        try token.verifyHS256(key: key)
        try checkTimes(token.claims, now: now)
        try checkQueryStringHash(token.claims, request: request, rule: rule)
        return token.claims
    }

    /// Verifies the RS256 token of an `installed` or `uninstalled` callback and returns its claims.
    ///
    /// - Parameters:
    ///   - keys: Where the public key named by the header's `kid` is found.
    ///   - appBaseURL: Our app's base URL, as in its descriptor; `aud` must name it (a trailing
    ///     `/` on either side is ignored).
    ///   - clientKey: The `clientKey` of the callback's body; `iss` must equal it. `nil` skips the
    ///     check (only for callers that check it themselves).
    ///   - request: The callback request, its path relative to `appBaseURL`.
    /// - Throws: ``JiraAuthenticationError``.
    public func verifyInstallCallback(
        _ token: JSONWebToken,
        keys: ConnectInstallKeys,
        appBaseURL: String,
        clientKey: String?,
        request: CanonicalRequest,
        now: Date = Date()
    ) async throws(JiraAuthenticationError) -> JWTClaims {
        guard token.header.alg == "RS256" else {
            throw JiraAuthenticationError(.unsupportedAlgorithm, "algorithm \"\(token.header.alg)\" where RS256 is required for install callbacks")
        }
        guard let kid = token.header.kid, !kid.isEmpty else {
            throw JiraAuthenticationError(.missingClaim, "install callback token has no \"kid\" header")
        }
        let pem = try await keys.pem(for: kid)
        let key: _RSA.Signing.PublicKey
        do {
            key = try _RSA.Signing.PublicKey(pemRepresentation: pem)
        } catch {
            throw JiraAuthenticationError(.invalidKey, "public key \(kid) is not an RSA public key of 2048 bits or more in PEM")
        }
        let signature = _RSA.Signing.RSASignature(rawRepresentation: token.signature)
        guard key.isValidSignature(signature, for: token.signingInput, padding: .insecurePKCS1v1_5) else {
            throw JiraAuthenticationError(.badSignature, "RS256 signature does not match key \(kid)")
        }
        try checkTimes(token.claims, now: now)
        let audience = Self.trimmingSlashes(appBaseURL)
        guard let aud = token.claims.aud, aud.contains(where: { Self.trimmingSlashes($0) == audience }) else {
            throw JiraAuthenticationError(.audienceMismatch, "\"aud\" does not name the app base URL \(audience)")
        }
        if let clientKey {
            guard token.claims.iss == clientKey else {
                throw JiraAuthenticationError(.issuerMismatch, "\"iss\" is not the clientKey of the callback")
            }
        }
        try checkQueryStringHash(token.claims, request: request, rule: .request)
        return token.claims
    }

    /// Checks `exp` (required), `iat` (required) and `nbf` against `now`, with ``clockSkew``; for
    /// claims whose signature was verified earlier.
    /// - Throws: ``JiraAuthenticationError`` `missingClaim`, `expired` or `notYetValid`.
    public func checkTimes(_ claims: JWTClaims, now: Date = Date()) throws(JiraAuthenticationError) {
        let seconds = Int64(now.timeIntervalSince1970.rounded(.down))
        guard let exp = claims.exp else {
            throw JiraAuthenticationError(.missingClaim, "no \"exp\" claim")
        }
        guard let iat = claims.iat else {
            throw JiraAuthenticationError(.missingClaim, "no \"iat\" claim")
        }
        guard seconds <= exp + clockSkew else {
            throw JiraAuthenticationError(.expired, "expired at \(exp), now \(seconds) (skew \(clockSkew) s)")
        }
        guard iat <= seconds + clockSkew else {
            throw JiraAuthenticationError(.notYetValid, "issued at \(iat), in the future (now \(seconds), skew \(clockSkew) s)")
        }
        if let nbf = claims.nbf, nbf > seconds + clockSkew {
            throw JiraAuthenticationError(.notYetValid, "not valid before \(nbf) (now \(seconds), skew \(clockSkew) s)")
        }
    }

    func checkQueryStringHash(_ claims: JWTClaims, request: CanonicalRequest, rule: QueryStringHashRule) throws(JiraAuthenticationError) {
        guard let qsh = claims.qsh else {
            throw JiraAuthenticationError(.missingClaim, "no \"qsh\" claim")
        }
        if rule == .requestOrContext, qsh == JWTClaims.contextQueryStringHash { return }
        guard qsh == request.queryStringHash else {
            throw JiraAuthenticationError(.queryStringHashMismatch, "\"qsh\" does not hash \(request.method.uppercased()) \(request.canonicalPath)")
        }
    }

    private static func trimmingSlashes(_ url: String) -> String {
        var url = url
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }
}

extension JSONWebToken {
    /// The token of an incoming request: from `Authorization: JWT <token>`, else from the `jwt`
    /// query parameter of `target`; `nil` when neither holds one.
    ///
    /// The header is scanned as UTF-8 bytes (spaces and tabs around the scheme and the token are
    /// ignored): this runs on every webhook, and Foundation's trimming was 13 % of the webhook
    /// service's early-drop path.
    public static func token(authorization: String?, target: String) -> String? {
        if let authorization {
            let bytes = Array(authorization.utf8)
            func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
            var start = 0
            var end = bytes.count
            while start < end, isBlank(bytes[start]) { start += 1 }
            while end > start, isBlank(bytes[end - 1]) { end -= 1 }
            if end - start > 4, bytes[start] | 0x20 == UInt8(ascii: "j"), bytes[start + 1] | 0x20 == UInt8(ascii: "w"),
                bytes[start + 2] | 0x20 == UInt8(ascii: "t"), bytes[start + 3] == 0x20
            {
                var tokenStart = start + 4
                while tokenStart < end, isBlank(bytes[tokenStart]) { tokenStart += 1 }
                return String(decoding: bytes[tokenStart..<end], as: UTF8.self)
            }
        }
        guard let mark = target.firstIndex(of: "?") else { return nil }
        let parameters = CanonicalRequest.parseQuery(target[target.index(after: mark)...])
        return parameters.first { $0.name == "jwt" }?.value
    }
}
