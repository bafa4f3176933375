/// How a mail client logs in. Descriptions never show passwords or tokens.
public enum MailAuthentication: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The SASL mechanism used with a password.
    public enum PasswordMechanism: Sendable, Hashable {
        /// The strongest the server offers that libcurl supports (for IMAP, possibly the `LOGIN` command).
        case automatic
        /// `AUTH=PLAIN` only.
        case plain
        /// `AUTH=LOGIN` only.
        case login
    }

    /// No login.
    case none
    /// A user name and password.
    case password(username: String, password: String, mechanism: PasswordMechanism = .automatic)
    /// An OAuth 2.0 access token, sent with SASL `XOAUTH2` (Google, Microsoft).
    ///
    /// When the server refuses the token, libcurl 7.88 stops at the server's `334` error
    /// challenge: the ``CurlError`` has code `CURLE_LOGIN_DENIED` and response code 334.
    case xoauth2(username: String, accessToken: String)
    /// An OAuth 2.0 access token, sent with SASL `OAUTHBEARER` (RFC 7628).
    case oauthBearer(username: String, accessToken: String)

    public var description: String {
        switch self {
        case .none:
            "none"
        case .password(let username, _, let mechanism):
            "password(username: \(username), mechanism: \(mechanism), password: <redacted>)"
        case .xoauth2(let username, _):
            "xoauth2(username: \(username), accessToken: <redacted>)"
        case .oauthBearer(let username, _):
            "oauthBearer(username: \(username), accessToken: <redacted>)"
        }
    }

    public var debugDescription: String { description }
}
