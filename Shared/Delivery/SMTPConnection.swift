import Curl
import Encryption
import Foundation

/// A tenant's SMTP server and how to log in to it (the `smtp_connections` row, secret opened).
public struct SMTPConnection: Sendable {
    /// How the sender logs in.
    public enum Login: Sendable {
        case none
        case password(username: String, password: Secret)
        /// Google-style XOAUTH2: an access token obtained from `client` with its refresh token.
        case xoauth2(username: String, client: OAuthClient)
    }

    public var tenant: String
    public var host: String
    public var port: Int
    public var security: MailSecurity
    public var login: Login
    /// The `MAIL FROM` address used when a request names none.
    public var envelopeFrom: String
    /// At most this many SMTP sends at once for the tenant; `nil` for the sender's default.
    public var maximumConnections: Int?

    public init(
        tenant: String, host: String, port: Int, security: MailSecurity, login: Login, envelopeFrom: String, maximumConnections: Int? = nil
    ) {
        self.tenant = tenant
        self.host = host
        self.port = port
        self.security = security
        self.login = login
        self.envelopeFrom = envelopeFrom
        self.maximumConnections = maximumConnections
    }
}

/// An OAuth 2.0 client allowed to refresh a mailbox's access token (Google's token endpoint, or
/// a stand-in in tests). Descriptions never show the secrets.
public struct OAuthClient: Sendable, Codable, Hashable, CustomStringConvertible {
    public var tokenURL: String
    public var clientID: String
    public var clientSecret: String
    public var refreshToken: String

    public init(tokenURL: String, clientID: String, clientSecret: String, refreshToken: String) {
        self.tokenURL = tokenURL
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.refreshToken = refreshToken
    }

    public var description: String { "OAuthClient(tokenURL: \(tokenURL), clientID: \(clientID), secrets: <redacted>)" }
}

extension MailSecurity {
    /// The `smtp_connections.security` spelling.
    public var databaseName: String {
        switch self {
        case .none: "none"
        case .startTLS: "starttls"
        case .implicitTLS: "implicit-tls"
        }
    }

    /// The security a `smtp_connections.security` value names.
    public init(databaseName: String) throws {
        switch databaseName {
        case "none": self = .none
        case "starttls": self = .startTLS
        case "implicit-tls": self = .implicitTLS
        default: throw DeliveryError("unknown SMTP security \"\(databaseName)\" (expected implicit-tls, starttls or none)")
        }
    }
}
