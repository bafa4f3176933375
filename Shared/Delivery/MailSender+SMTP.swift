import Curl
import Messaging

extension MailSender {
    /// Why one recipient's send failed for good.
    struct SendFailure: Error {
        let error: String
        let reply: SMTPReply?
    }

    /// Sends `message` to one recipient in its own SMTP transaction, retrying transient failures
    /// (no reply, a 4xx reply, a lost connection) with back-off; a 5xx reply ends at once.
    /// - Returns: the server's final reply code, or the failure after the last attempt.
    func send(
        _ message: [UInt8], request: OutboundMailRequest, to recipient: (address: String, token: String), connection: SMTPConnection
    ) async -> Result<Int, SendFailure> {
        let from = request.envelopeFrom.isEmpty ? connection.envelopeFrom : request.envelopeFrom
        var attempt = 1
        var refreshedToken = false
        while true {
            do {
                try await ledger.countAttempt(tenant: request.tenant, requestID: request.requestID, recipient: recipient.token)
                let client = SMTPClient(settings: try await settings(for: connection), engine: engine)
                let code = try await sessions.withSession(tenant: request.tenant, limit: connection.maximumConnections) {
                    try await client.send(envelopeFrom: from, recipients: [recipient.address], message: message)
                }
                return .success(code)
            } catch let error as CurlError {
                let reply = SMTPReply(error: error, hasher: hasher)
                if Self.isAuthenticationRefusal(error), case .xoauth2(_, let client) = connection.login, !refreshedToken {
                    // The cached access token may have been revoked or expired early: refresh once.
                    refreshedToken = true
                    await tokens.invalidate(client)
                    continue
                }
                let transient = Self.isTransient(error)
                guard transient, attempt < configuration.retry.maximumAttempts, !Task.isCancelled else {
                    let why = transient ? "retries exhausted after \(attempt) attempts" : "refused"
                    return .failure(SendFailure(error: "SMTP \(why): \(hasher.redactAddresses(in: error.description))", reply: reply))
                }
                logger.info(
                    "transient SMTP failure; retrying",
                    metadata: ["tenant": "\(request.tenant)", "attempt": "\(attempt)", "code": "\(error.responseCode.map(String.init) ?? "-")"])
                do {
                    try await Task.sleep(for: configuration.retry.delay(after: attempt))
                } catch {
                    return .failure(SendFailure(error: "SMTP retry cancelled at shutdown after \(attempt) attempts", reply: reply))
                }
                attempt += 1
            } catch {
                // The ledger or the token endpoint failed: treated as transient too.
                guard attempt < configuration.retry.maximumAttempts, !Task.isCancelled else {
                    return .failure(SendFailure(error: "sending failed after \(attempt) attempts: \(hasher.redactAddresses(in: "\(error)"))", reply: nil))
                }
                try? await Task.sleep(for: configuration.retry.delay(after: attempt))
                attempt += 1
            }
        }
    }

    /// The libcurl settings for `connection`, with a current access token for XOAUTH2.
    func settings(for connection: SMTPConnection) async throws -> SMTPSettings {
        let authentication: MailAuthentication
        switch connection.login {
        case .none:
            authentication = .none
        case .password(let username, let password):
            authentication = .password(username: username, password: password.revealed)
        case .xoauth2(let username, let client):
            authentication = .xoauth2(username: username, accessToken: try await tokens.accessToken(for: client))
        }
        return SMTPSettings(
            host: connection.host, port: connection.port, security: connection.security, authentication: authentication,
            tls: TLSSettings(caFile: configuration.smtpCAFile), timeout: configuration.smtpTimeout,
            connectTimeout: configuration.smtpConnectTimeout)
    }

    /// Whether trying again later may succeed: a 5xx reply never, a 4xx reply always, otherwise
    /// (no reply: connection, timeout) as libcurl classifies the failure.
    static func isTransient(_ error: CurlError) -> Bool {
        switch error.responseCode {
        case .some(500...): false
        case .some(400..<500): true
        default: error.isRetriable
        }
    }

    /// A refused login: libcurl stops at the `334` error challenge for XOAUTH2, or the server says 535.
    static func isAuthenticationRefusal(_ error: CurlError) -> Bool {
        error.code == .loginDenied || error.responseCode == 334 || error.responseCode == 535
    }
}
