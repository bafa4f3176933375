/// The JOSE header of a JSON Web Token: the fields Atlassian Connect uses.
public struct JWTHeader: Sendable, Hashable, Codable {
    /// The signing algorithm (`HS256`, `RS256`).
    public var alg: String
    /// The token type; Atlassian sends `JWT`.
    public var typ: String?
    /// The key id of an asymmetric signature (install callbacks), naming the public key to fetch.
    public var kid: String?

    public init(alg: String, typ: String? = "JWT", kid: String? = nil) {
        self.alg = alg
        self.typ = typ
        self.kid = kid
    }
}
