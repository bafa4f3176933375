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
        guard let text = Self.tokenText(authorization: authorization, target: target) else {
            return .rejected(reason: "no JWT in Authorization or the jwt parameter")
        }
        let token: JSONWebToken
        do {
            token = try JSONWebToken(parsing: text)
        } catch {
            return .rejected(reason: "malformed JWT: \(error.reason.rawValue)")
        }
        guard token.header.alg == "HS256" else {
            return .rejected(reason: "algorithm \(token.header.alg) where HS256 is required")
        }
        guard let issuer = token.claims.iss, !issuer.isEmpty else {
            return .rejected(reason: "JWT without iss")
        }
        guard let (tenant, secret) = try await tenants.lookup(clientKey: issuer) else {
            return .unknownTenant(clientKey: issuer)
        }
        let request = CanonicalRequest(method: method, target: target, basePath: basePath)
        do {
            let claims = try verifier.verify(token, sharedSecret: secret.revealed, request: request, queryStringHash: rule)
            return .verified(tenant, claims)
        } catch {
            return .rejected(reason: "\(error.reason.rawValue)")
        }
    }

    /// The token of a request, as `JSONWebToken.token(authorization:target:)` finds it, with a
    /// fast path for the usual `Authorization: JWT <token>` that works on UTF-8 bytes: Foundation's
    /// `trimmingCharacters` in the general function cost 13 % of the drop path's CPU in a profile.
    static func tokenText(authorization: String?, target: String) -> String? {
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
        return JSONWebToken.token(authorization: authorization, target: target)
    }
}
