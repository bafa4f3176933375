/// Where and how ``SMTPClient`` sends mail.
public struct SMTPSettings: Sendable, Hashable {
    /// The server's host name or IP address.
    public var host: String
    public var port: Int
    public var security: MailSecurity
    public var authentication: MailAuthentication
    /// Certificate checks (and the CA file) for STARTTLS and implicit TLS.
    public var tls: TLSSettings
    /// The limit on one whole send (connect, login, transfer, final reply); `nil` for none.
    public var timeout: Duration?
    /// The limit on connecting, TLS included.
    public var connectTimeout: Duration?
    /// The name given in `EHLO`; `nil` for this machine's host name.
    public var heloName: String?

    /// Settings for `host`. `port` defaults to 587 for STARTTLS, 465 for implicit TLS, 25 otherwise.
    public init(
        host: String,
        port: Int? = nil,
        security: MailSecurity = .startTLS,
        authentication: MailAuthentication = .none,
        tls: TLSSettings = TLSSettings(),
        timeout: Duration? = .seconds(120),
        connectTimeout: Duration? = .seconds(15),
        heloName: String? = nil
    ) {
        self.host = host
        self.port = port ?? (security == .implicitTLS ? 465 : security == .startTLS ? 587 : 25)
        self.security = security
        self.authentication = authentication
        self.tls = tls
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.heloName = heloName
    }
}
