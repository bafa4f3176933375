/// The claims of a Connect JSON Web Token.
///
/// Times are whole seconds since 1970 (NumericDate); a token with a fractional or non-numeric
/// time is refused as malformed. `aud` may be one string or an array; it is read as an array.
/// Claims not listed here (`context`, …) are ignored when reading and never written.
public struct JWTClaims: Sendable, Hashable, Codable {
    /// Issuer: the app key on calls we make; the tenant's `clientKey` on calls Jira makes.
    public var iss: String?
    /// Subject: the Atlassian account the call acts for, when Jira sends one.
    public var sub: String?
    /// Audience: our app's base URL on install callbacks.
    public var aud: [String]?
    /// Issued at.
    public var iat: Int64?
    /// Expires at.
    public var exp: Int64?
    /// Not before.
    public var nbf: Int64?
    /// The query string hash (see ``CanonicalRequest``), or `context-qsh` on context tokens.
    public var qsh: String?

    public init(
        iss: String? = nil, sub: String? = nil, aud: [String]? = nil,
        iat: Int64? = nil, exp: Int64? = nil, nbf: Int64? = nil, qsh: String? = nil
    ) {
        self.iss = iss
        self.sub = sub
        self.aud = aud
        self.iat = iat
        self.exp = exp
        self.nbf = nbf
        self.qsh = qsh
    }

    /// The `qsh` value Atlassian puts in context tokens, which hash no request.
    public static let contextQueryStringHash = "context-qsh"

    private enum CodingKeys: String, CodingKey {
        case iss, sub, aud, iat, exp, nbf, qsh
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        iss = try container.decodeIfPresent(String.self, forKey: .iss)
        sub = try container.decodeIfPresent(String.self, forKey: .sub)
        if let single = try? container.decodeIfPresent(String.self, forKey: .aud) {
            aud = [single]
        } else {
            aud = try container.decodeIfPresent([String].self, forKey: .aud)
        }
        iat = try container.decodeIfPresent(Int64.self, forKey: .iat)
        exp = try container.decodeIfPresent(Int64.self, forKey: .exp)
        nbf = try container.decodeIfPresent(Int64.self, forKey: .nbf)
        qsh = try container.decodeIfPresent(String.self, forKey: .qsh)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(iss, forKey: .iss)
        try container.encodeIfPresent(sub, forKey: .sub)
        if let aud {
            if aud.count == 1 {
                try container.encode(aud[0], forKey: .aud)
            } else {
                try container.encode(aud, forKey: .aud)
            }
        }
        try container.encodeIfPresent(iat, forKey: .iat)
        try container.encodeIfPresent(exp, forKey: .exp)
        try container.encodeIfPresent(nbf, forKey: .nbf)
        try container.encodeIfPresent(qsh, forKey: .qsh)
    }
}
