/// Where and how ``IMAPClient`` reads mail.
public struct IMAPSettings: Sendable, Hashable {
    /// The server's host name or IP address.
    public var host: String
    public var port: Int
    public var security: MailSecurity
    public var authentication: MailAuthentication
    /// Certificate checks (and the CA file) for STARTTLS and implicit TLS.
    public var tls: TLSSettings
    /// The limit on one whole command (connect, login, select, the command); `nil` for none.
    public var timeout: Duration?
    /// The limit on connecting, TLS included.
    public var connectTimeout: Duration?
    /// The largest message ``IMAPClient/fetchMessage(mailbox:uid:expectedUIDValidity:)`` keeps in memory.
    public var maxMessageBytes: Int64

    /// Settings for `host`. `port` defaults to 993 for implicit TLS, 143 otherwise.
    public init(
        host: String,
        port: Int? = nil,
        security: MailSecurity = .startTLS,
        authentication: MailAuthentication,
        tls: TLSSettings = TLSSettings(),
        timeout: Duration? = .seconds(120),
        connectTimeout: Duration? = .seconds(15),
        maxMessageBytes: Int64 = 64 << 20
    ) {
        self.host = host
        self.port = port ?? (security == .implicitTLS ? 993 : 143)
        self.security = security
        self.authentication = authentication
        self.tls = tls
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.maxMessageBytes = maxMessageBytes
    }
}
