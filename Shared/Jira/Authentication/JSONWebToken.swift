import Foundation

/// A compact-serialised JSON Web Token, parsed but not yet verified.
///
/// Parsing is strict: exactly three segments of unpadded base64url, a header and claims that are
/// JSON objects of the expected types, at most ``maxLength`` characters. Reading ``claims`` before
/// verification is only for finding the key (the `iss` names the tenant whose secret checks it).
public struct JSONWebToken: Sendable {
    /// The longest token accepted (Atlassian's are well under 2 KiB).
    public static let maxLength = 16 * 1024

    public let header: JWTHeader
    public let claims: JWTClaims
    /// `base64url(header) "." base64url(claims)`, the bytes the signature covers.
    let signingInput: [UInt8]
    let signature: [UInt8]

    /// Parses `token` (without any `JWT ` prefix).
    ///
    /// - Throws: ``JiraAuthenticationError`` `malformed`, naming the part that is wrong.
    public init(parsing token: some StringProtocol) throws(JiraAuthenticationError) {
        guard token.utf8.count <= Self.maxLength else {
            throw JiraAuthenticationError(.malformed, "token longer than \(Self.maxLength) characters")
        }
        let utf8 = Array(token.utf8)
        let dots = utf8.indices.filter { utf8[$0] == UInt8(ascii: ".") }
        guard dots.count == 2 else {
            throw JiraAuthenticationError(.malformed, "token has \(dots.count + 1) segments, expected 3")
        }
        let encodedHeader = utf8[..<dots[0]]
        let encodedClaims = utf8[(dots[0] + 1)..<dots[1]]
        guard let headerBytes = Base64URL.decode(bytes: encodedHeader) else {
            throw JiraAuthenticationError(.malformed, "header is not unpadded base64url")
        }
        guard let claimBytes = Base64URL.decode(bytes: encodedClaims) else {
            throw JiraAuthenticationError(.malformed, "claims are not unpadded base64url")
        }
        guard let signature = Base64URL.decode(bytes: utf8[(dots[1] + 1)...]) else {
            throw JiraAuthenticationError(.malformed, "signature is not unpadded base64url")
        }
        guard let header = JWTHeader(json: headerBytes) else {
            throw JiraAuthenticationError(.malformed, "header is not a JSON object with a string \"alg\"")
        }
        guard let claims = JWTClaims(json: claimBytes) else {
            throw JiraAuthenticationError(.malformed, "claims are not a JSON object of the expected types (string iss/sub/qsh, integer iat/exp/nbf)")
        }
        self.header = header
        self.claims = claims
        signingInput = Array(utf8[..<dots[1]])
        self.signature = signature
    }

    /// A token over `claims` signed with HMAC-SHA256 and `secret` (header `{"alg":"HS256","typ":"JWT"}`).
    ///
    /// - Throws: ``JiraAuthenticationError`` `invalidKey` when `secret` is empty.
    public static func signedHS256(claims: JWTClaims, secret: [UInt8]) throws(JiraAuthenticationError) -> String {
        let key = try HS256Key(secret: secret)
        let input = signingInput(header: JWTHeader(alg: "HS256"), claims: claims)
        return String(decoding: input, as: UTF8.self) + "." + Base64URL.encode(key.authenticationCode(for: input))
    }

    /// `base64url(header) "." base64url(claims)` with compact JSON and sorted keys.
    static func signingInput(header: JWTHeader, claims: JWTClaims) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding these two plain structs cannot fail.
        let headerJSON = (try? encoder.encode(header)) ?? Data()
        let claimsJSON = (try? encoder.encode(claims)) ?? Data()
        return Array((Base64URL.encode(headerJSON) + "." + Base64URL.encode(claimsJSON)).utf8)
    }

    /// Whether the signature is HMAC-SHA256 of the signing input under `key`, compared in
    /// constant time; checks that the header says `HS256` first.
    ///
    /// - Throws: ``JiraAuthenticationError`` `unsupportedAlgorithm` or `badSignature`.
    func verifyHS256(key: HS256Key) throws(JiraAuthenticationError) {
        guard header.alg == "HS256" else {
            throw JiraAuthenticationError(.unsupportedAlgorithm, "algorithm \"\(header.alg)\" where HS256 is required")
        }
        guard key.isValidSignature(signature, for: signingInput) else {
            throw JiraAuthenticationError(.badSignature, "HS256 signature does not match")
        }
    }
}
