/// Why a JSON Web Token was refused or could not be made.
///
/// The message names what was wrong (which claim, which algorithm, which key id) and never holds
/// the token, its signature or any secret.
public struct JiraAuthenticationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure; switch on it to answer 401 or 403.
    public enum Reason: String, Sendable, Hashable {
        /// Not three base64url segments of JSON objects, or a claim of the wrong type.
        case malformed
        /// The header names an algorithm other than the one this check accepts.
        case unsupportedAlgorithm
        /// The signature does not match the header and claims.
        case badSignature
        /// `exp` is past (beyond the allowed clock skew).
        case expired
        /// `iat` or `nbf` is in the future (beyond the allowed clock skew).
        case notYetValid
        /// A required claim or header field is absent.
        case missingClaim
        /// `qsh` does not hash the request that carried the token.
        case queryStringHashMismatch
        /// `aud` does not name our app's base URL.
        case audienceMismatch
        /// `iss` is not the expected client key.
        case issuerMismatch
        /// No public key could be had for the header's `kid`.
        case keyUnavailable
        /// A secret or key we were given cannot be used.
        case invalidKey
    }

    public let reason: Reason
    /// What was wrong, in words.
    public let message: String

    public init(_ reason: Reason, _ message: String) {
        self.reason = reason
        self.message = message
    }

    public var description: String { "JWT \(reason.rawValue): \(message)" }
}
