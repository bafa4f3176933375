import CCurl

extension CurlTransferRequest {
    /// The options of a mail transfer: TLS mode, login, timeouts.
    /// - Throws: ``CurlError`` when a credential holds CR, LF or NUL.
    static func mailOptions(
        protocols: String,
        security: MailSecurity,
        authentication: MailAuthentication,
        tls: TLSSettings,
        timeout: Duration?,
        connectTimeout: Duration?
    ) throws(CurlError) -> [Option] {
        var options = commonOptions(protocols: protocols, tls: tls, timeout: timeout, connectTimeout: connectTimeout)
        switch security {
        case .none:
            options.append(.long(CURLOPT_USE_SSL, Int(CURLUSESSL_NONE.rawValue)))
        case .startTLS:
            options.append(.long(CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue)))
        case .implicitTLS:
            break  // the scheme (smtps, imaps) says it
        }
        switch authentication {
        case .none:
            break
        case .password(let username, let password, let mechanism):
            try checkCredential(username, "user name")
            try checkCredential(password, "password")
            options.append(.string(CURLOPT_USERNAME, username))
            options.append(.string(CURLOPT_PASSWORD, password))
            switch mechanism {
            case .automatic:
                break
            case .plain:
                options.append(.string(CURLOPT_LOGIN_OPTIONS, "AUTH=PLAIN"))
            case .login:
                options.append(.string(CURLOPT_LOGIN_OPTIONS, "AUTH=LOGIN"))
            }
        case .xoauth2(let username, let accessToken), .oauthBearer(let username, let accessToken):
            try checkCredential(username, "user name")
            try checkCredential(accessToken, "access token")
            options.append(.string(CURLOPT_USERNAME, username))
            options.append(.string(CURLOPT_XOAUTH2_BEARER, accessToken))
            let mechanism = if case .xoauth2 = authentication { "XOAUTH2" } else { "OAUTHBEARER" }
            options.append(.string(CURLOPT_LOGIN_OPTIONS, "AUTH=\(mechanism)"))
        }
        return options
    }

    /// The connection pool for these settings: connections are reused only by transfers with the
    /// same security, TLS checks and login mechanism (libcurl itself compares the credentials).
    static func mailPool(_ scheme: String, _ security: MailSecurity, _ tls: TLSSettings, _ authentication: MailAuthentication) -> String {
        let mechanism = switch authentication {
        case .none: "none"
        case .password(_, _, let mechanism): "password-\(mechanism)"
        case .xoauth2: "xoauth2"
        case .oauthBearer: "oauthbearer"
        }
        return [scheme, "\(security)", tls.caFile ?? "-", "\(tls.insecureSkipVerification)", mechanism].joined(separator: "|")
    }

    /// The URL scheme for `security`: `plain` or `plain + "s"`.
    static func mailScheme(_ plain: String, _ security: MailSecurity) -> String {
        security == .implicitTLS ? plain + "s" : plain
    }

    private static func checkCredential(_ value: String, _ what: String) throws(CurlError) {
        if value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) {
            throw .invalidArgument("the \(what) contains CR, LF or NUL")
        }
    }
}
