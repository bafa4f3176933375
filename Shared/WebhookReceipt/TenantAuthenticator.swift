import Encryption
import Foundation
import Jira
import Tenancy

/// Finds the tenant an HS256 Connect token names (`iss` = its client key; through the
/// `TenantCache`) and verifies the token against that tenant's shared secret, with `qsh` bound to
/// the request that carried it.
struct TenantAuthenticator: Sendable {
    enum Outcome: Sendable {
        /// The token is valid for this tenant.
        case verified(TenantRecord, JWTClaims)
        /// The token is well-formed but names a client key we do not know.
        case unknownTenant(clientKey: String)
        /// Missing, malformed, wrongly signed, expired or for another request; `reason` is for
        /// the log only (it names no secret).
        case rejected(reason: String)
    }

    let tenants: TenantCache
    let verifier: ConnectTokenVerifier
    let basePath: String
    /// Tokens verified before, reused while their secret, request and times still hold; nil
    /// verifies every token in full.
    var verifiedTokens: VerifiedTokenCache? = nil

    /// - Parameters:
    ///   - target: the request target as received (`/path?query`).
    ///   - rule: which `qsh` values are accepted (`.requestOrContext` only for calls from
    ///     Jira's front end on behalf of a user).
    /// - Throws: only when the database or the key store failed (not the caller's fault).
    func authenticate(
        method: String, target: String, authorization: String?, queryStringHash rule: ConnectTokenVerifier.QueryStringHashRule = .request
    ) async throws -> Outcome {
        switch begin(method: method, target: target, authorization: authorization, rule: rule) {
        case .decided(let outcome):
            return outcome
        case .parsed(let token, let issuer, let key):
            guard let tenant = try await tenants.lookup(clientKey: issuer) else {
                return .unknownTenant(clientKey: issuer)
            }
            return verify(token, tenant: tenant, key: key)
        }
    }

    /// The same decision without I/O when it needs none: a refused token, or a tenant held by
    /// the cache. Nil means the tenant must be looked up (`authenticate`).
    func authenticateIfCached(
        method: String, target: String, authorization: String?, queryStringHash rule: ConnectTokenVerifier.QueryStringHashRule = .request
    ) -> Outcome? {
        switch begin(method: method, target: target, authorization: authorization, rule: rule) {
        case .decided(let outcome):
            return outcome
        case .parsed(let token, let issuer, let key):
            guard let tenant = tenants.cached(clientKey: issuer) else { return nil }
            return verify(token, tenant: tenant, key: key)
        }
    }

    private struct Refusal: Error {
        let outcome: Outcome
    }

    /// How far a request gets without its tenant's secret.
    private enum Beginning {
        /// No token, a malformed one, or one verified before that is still good or has expired.
        case decided(Outcome)
        /// A well-formed HS256 token whose issuer must be looked up and checked.
        case parsed(JSONWebToken, issuer: String, key: VerifiedTokenCache.Key)
    }

    private func begin(
        method: String, target: String, authorization: String?, rule: ConnectTokenVerifier.QueryStringHashRule
    ) -> Beginning {
        guard let text = JSONWebToken.token(authorization: authorization, target: target) else {
            return .decided(.rejected(reason: "no JWT in Authorization or the jwt parameter"))
        }
        let key = VerifiedTokenCache.Key(token: text, method: method, target: target, rule: rule)
        if let outcome = reusedVerification(key) { return .decided(outcome) }
        switch token(text) {
        case .failure(let refusal):
            return .decided(refusal.outcome)
        case .success(let (token, issuer)):
            return .parsed(token, issuer: issuer, key: key)
        }
    }

    /// The outcome of a token verified before for the same request, when its tenant is cached
    /// with the same secret and its times still hold; nil means "verify it in full".
    private func reusedVerification(_ key: VerifiedTokenCache.Key) -> Outcome? {
        guard let held = verifiedTokens?.entry(for: key), let issuer = held.claims.iss,
            let tenant = tenants.cached(clientKey: issuer), tenant.secret.hasSameBytes(as: held.secret)
        else { return nil }
        let claims = held.claims
        do {
            try verifier.checkTimes(claims)
        } catch {
            return .rejected(reason: "\(error.reason.rawValue)")
        }
        return .verified(tenant.tenant, claims)
    }

    /// The parsed HS256 token and its issuer, or the refusal.
    private func token(_ text: String) -> Result<(JSONWebToken, String), Refusal> {
        let token: JSONWebToken
        do {
            token = try JSONWebToken(parsing: text)
        } catch {
            return .failure(Refusal(outcome: .rejected(reason: "malformed JWT: \(error.reason.rawValue)")))
        }
        guard token.header.alg == "HS256" else {
            return .failure(Refusal(outcome: .rejected(reason: "algorithm \(token.header.alg) where HS256 is required")))
        }
        guard let issuer = token.claims.iss, !issuer.isEmpty else {
            return .failure(Refusal(outcome: .rejected(reason: "JWT without iss")))
        }
        return .success((token, issuer))
    }

    private func verify(_ token: JSONWebToken, tenant: TenantCache.Entry, key: VerifiedTokenCache.Key) -> Outcome {
        guard let signingKey = tenant.signingKey else {
            return .rejected(reason: JiraAuthenticationError.Reason.invalidKey.rawValue)
        }
        let request = CanonicalRequest(method: key.method, target: key.target, basePath: basePath)
        do {
            let claims = try verifier.verify(token, key: signingKey, request: request, queryStringHash: key.rule)
            verifiedTokens?.remember(claims, for: key, secret: tenant.secret)
            return .verified(tenant.tenant, claims)
        } catch {
            return .rejected(reason: "\(error.reason.rawValue)")
        }
    }
}
