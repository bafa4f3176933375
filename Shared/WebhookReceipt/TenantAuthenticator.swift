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

    /// - Parameters:
    ///   - target: the request target as received (`/path?query`).
    ///   - rule: which `qsh` values are accepted (`.requestOrContext` only for calls from
    ///     Jira's front end on behalf of a user).
    /// - Throws: only when the database or the key store failed (not the caller's fault).
    func authenticate(
        method: String, target: String, authorization: String?, queryStringHash rule: ConnectTokenVerifier.QueryStringHashRule = .request
    ) async throws -> Outcome {
        switch token(target: target, authorization: authorization) {
        case .failure(let refusal):
            return refusal.outcome
        case .success(let (token, issuer)):
            guard let (tenant, secret) = try await tenants.lookup(clientKey: issuer) else {
                return .unknownTenant(clientKey: issuer)
            }
            return verify(token, tenant: tenant, secret: secret, method: method, target: target, rule: rule)
        }
    }

    /// The same decision without I/O when it needs none: a refused token, or a tenant held by
    /// the cache. Nil means the tenant must be looked up (`authenticate`).
    func authenticateIfCached(
        method: String, target: String, authorization: String?, queryStringHash rule: ConnectTokenVerifier.QueryStringHashRule = .request
    ) -> Outcome? {
        switch token(target: target, authorization: authorization) {
        case .failure(let refusal):
            return refusal.outcome
        case .success(let (token, issuer)):
            guard let (tenant, secret) = tenants.cached(clientKey: issuer) else { return nil }
            return verify(token, tenant: tenant, secret: secret, method: method, target: target, rule: rule)
        }
    }

    private struct Refusal: Error {
        let outcome: Outcome
    }

    /// The parsed HS256 token and its issuer, or the refusal.
    private func token(target: String, authorization: String?) -> Result<(JSONWebToken, String), Refusal> {
        guard let text = JSONWebToken.token(authorization: authorization, target: target) else {
            return .failure(Refusal(outcome: .rejected(reason: "no JWT in Authorization or the jwt parameter")))
        }
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

    private func verify(
        _ token: JSONWebToken, tenant: TenantRecord, secret: Secret, method: String, target: String,
        rule: ConnectTokenVerifier.QueryStringHashRule
    ) -> Outcome {
        let request = CanonicalRequest(method: method, target: target, basePath: basePath)
        do {
            let claims = try verifier.verify(token, sharedSecret: secret.revealed, request: request, queryStringHash: rule)
            return .verified(tenant, claims)
        } catch {
            return .rejected(reason: "\(error.reason.rawValue)")
        }
    }
}
