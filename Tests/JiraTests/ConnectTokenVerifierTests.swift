import Foundation
import Jira
import Testing

@Suite("Verifying tokens Jira sends: HS256 with qsh, RS256 install callbacks")
struct ConnectTokenVerifierTests {
    private let verifier = ConnectTokenVerifier(clockSkew: 30)
    private let now = Date(timeIntervalSince1970: TimeInterval(JWTVectors.issuedAt + 60))
    private let webhookRequest = CanonicalRequest(method: "POST", target: "/jira/webhooks/jira?user_id=admin&tenant=acme", basePath: "/jira")
    private let installRequest = CanonicalRequest(method: "POST", target: "/jira/installed", basePath: "/jira")

    private func reason(_ body: () throws -> Void) -> JiraAuthenticationError.Reason? {
        do {
            try body()
            return nil
        } catch let error as JiraAuthenticationError {
            return error.reason
        } catch {
            return nil
        }
    }

    private func reason(_ body: () async throws -> Void) async -> JiraAuthenticationError.Reason? {
        do {
            try await body()
            return nil
        } catch let error as JiraAuthenticationError {
            return error.reason
        } catch {
            return nil
        }
    }

    private func verifyWebhook(_ token: String, secret: String = JWTVectors.secret, request: CanonicalRequest? = nil, at time: Date? = nil,
                               rule: ConnectTokenVerifier.QueryStringHashRule = .request) throws {
        _ = try verifier.verify(
            try JSONWebToken(parsing: token), sharedSecret: secret, request: request ?? webhookRequest, queryStringHash: rule, now: time ?? now
        )
    }

    @Test("a Jira-shaped HS256 token passes and yields its claims")
    func valid() throws {
        let claims = try verifier.verify(try JSONWebToken(parsing: JWTVectors.webhookToken), sharedSecret: JWTVectors.secret, request: webhookRequest, now: now)
        #expect(claims.iss == JWTVectors.clientKey)
        #expect(claims.sub == "557058:f58131cb-b67d-43c7-b30d-6b58d40bd077")
    }

    @Test("tampered claims, header or signature fail the signature check")
    func tampered() throws {
        let parts = JWTVectors.webhookToken.split(separator: ".").map(String.init)
        let forgedClaims = Data(#"{"iss":"attacker","iat":1700000000,"exp":1900000000,"qsh":"x"}"#.utf8).base64EncodedString()
            .replacingOccurrences(of: "=", with: "").replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        #expect(reason { try verifyWebhook([parts[0], forgedClaims, parts[2]].joined(separator: ".")) } == .badSignature)
        var signature = Array(parts[2])
        signature[3] = signature[3] == "A" ? "B" : "A"
        #expect(reason { try verifyWebhook([parts[0], parts[1], String(signature)].joined(separator: ".")) } == .badSignature)
        #expect(reason { try verifyWebhook([parts[0], parts[1], ""].joined(separator: ".")) } == .badSignature)
    }

    @Test("a token signed with another secret is refused")
    func wrongSecret() {
        #expect(reason { try verifyWebhook(JWTVectors.webhookWrongSecret) } == .badSignature)
        #expect(reason { try verifyWebhook(JWTVectors.webhookToken, secret: "another-secret") } == .badSignature)
        #expect(reason { try verifyWebhook(JWTVectors.webhookToken, secret: "") } == .invalidKey)
    }

    @Test("alg none and other algorithms are refused")
    func algorithms() {
        #expect(reason { try verifyWebhook(JWTVectors.webhookUnsigned) } == .unsupportedAlgorithm)
        #expect(reason { try verifyWebhook(JWTVectors.webhookHS512) } == .unsupportedAlgorithm)
        #expect(reason { try verifyWebhook(JWTVectors.installToken, request: installRequest) } == .unsupportedAlgorithm)
    }

    @Test("expiry and issue time hold within the clock skew, not beyond")
    func times() {
        let expiry = TimeInterval(JWTVectors.expiresAt)
        #expect(reason { try verifyWebhook(JWTVectors.webhookToken, at: Date(timeIntervalSince1970: expiry + 30)) } == nil)
        #expect(reason { try verifyWebhook(JWTVectors.webhookToken, at: Date(timeIntervalSince1970: expiry + 31)) } == .expired)
        let issued = TimeInterval(JWTVectors.issuedAt)
        #expect(reason { try verifyWebhook(JWTVectors.webhookToken, at: Date(timeIntervalSince1970: issued - 30)) } == nil)
        #expect(reason { try verifyWebhook(JWTVectors.webhookToken, at: Date(timeIntervalSince1970: issued - 31)) } == .notYetValid)
        #expect(reason { try verifyWebhook(JWTVectors.tokenWithoutExpiry) } == .missingClaim)
    }

    @Test("qsh must hash the request; context-qsh only where allowed")
    func queryStringHash() {
        let otherQuery = CanonicalRequest(method: "POST", target: "/jira/webhooks/jira?user_id=admin&tenant=other", basePath: "/jira")
        let otherMethod = CanonicalRequest(method: "GET", target: "/jira/webhooks/jira?user_id=admin&tenant=acme", basePath: "/jira")
        let otherPath = CanonicalRequest(method: "POST", target: "/jira/webhooks/jira2?user_id=admin&tenant=acme", basePath: "/jira")
        let reordered = CanonicalRequest(method: "post", target: "/jira/webhooks/jira/?tenant=acme&user_id=admin&jwt=x", basePath: "/jira")
        #expect(reason { try verifyWebhook(JWTVectors.webhookToken, request: otherQuery) } == .queryStringHashMismatch)
        #expect(reason { try verifyWebhook(JWTVectors.webhookToken, request: otherMethod) } == .queryStringHashMismatch)
        #expect(reason { try verifyWebhook(JWTVectors.webhookToken, request: otherPath) } == .queryStringHashMismatch)
        #expect(reason { try verifyWebhook(JWTVectors.webhookToken, request: reordered) } == nil)
        #expect(reason { try verifyWebhook(JWTVectors.contextToken) } == .queryStringHashMismatch)
        #expect(reason { try verifyWebhook(JWTVectors.contextToken, rule: .requestOrContext) } == nil)
        #expect(reason { try verifyWebhook(JWTVectors.webhookToken, rule: .requestOrContext) } == nil)
    }

    private func keyDirectory() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("jira-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try JWTVectors.installPublicKey.write(to: directory.appendingPathComponent("key-2024-01.pem"), atomically: true, encoding: .utf8)
        try JWTVectors.smallPublicKey.write(to: directory.appendingPathComponent("small-key"), atomically: true, encoding: .utf8)
        return directory.path
    }

    private func verifyInstall(_ token: String, keys: ConnectInstallKeys, clientKey: String? = JWTVectors.clientKey,
                               appBaseURL: String = JWTVectors.appBaseURL, request: CanonicalRequest? = nil) async throws {
        _ = try await verifier.verifyInstallCallback(
            try JSONWebToken(parsing: token), keys: keys, appBaseURL: appBaseURL, clientKey: clientKey,
            request: request ?? installRequest, now: now
        )
    }

    @Test("an RS256 install callback verifies with the key its kid names, from a directory")
    func installFromDirectory() async throws {
        let directory = try keyDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let keys = ConnectInstallKeys.directory(directory)
        #expect(await reason { try await verifyInstall(JWTVectors.installToken, keys: keys) } == nil)
        #expect(await reason { try await verifyInstall(JWTVectors.installToken, keys: keys, appBaseURL: JWTVectors.appBaseURL + "/") } == nil)
        #expect(await reason { try await verifyInstall(JWTVectors.installTokenOtherKey, keys: keys) } == .badSignature)
        #expect(await reason { try await verifyInstall(JWTVectors.installTokenWrongAudience, keys: keys) } == .audienceMismatch)
        #expect(await reason { try await verifyInstall(JWTVectors.installToken, keys: keys, clientKey: "someone-else") } == .issuerMismatch)
        #expect(await reason { try await verifyInstall(JWTVectors.installToken, keys: keys, appBaseURL: "https://other.example.com") } == .audienceMismatch)
        let uninstall = CanonicalRequest(method: "POST", target: "/jira/uninstalled", basePath: "/jira")
        #expect(await reason { try await verifyInstall(JWTVectors.installToken, keys: keys, request: uninstall) } == .queryStringHashMismatch)
        #expect(await reason { try await verifyInstall(JWTVectors.installTokenSmallKey, keys: keys) } == .invalidKey)
        #expect(await reason { try await verifyInstall(JWTVectors.webhookToken, keys: keys) } == .unsupportedAlgorithm)
    }

    @Test("an unknown or unsafe kid finds no key")
    func unknownKey() async throws {
        let directory = try keyDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let keys = ConnectInstallKeys.directory(directory + "/empty-\(UUID().uuidString)")
        #expect(await reason { try await verifyInstall(JWTVectors.installToken, keys: keys) } == .keyUnavailable)
        // A kid with a path in it is refused before any file is read.
        let header = #"{"alg":"RS256","kid":"../key-2024-01","typ":"JWT"}"#
        let encoded = Data(header.utf8).base64EncodedString()
            .replacingOccurrences(of: "=", with: "").replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        let parts = JWTVectors.installToken.split(separator: ".").map(String.init)
        let traversal = [encoded, parts[1], parts[2]].joined(separator: ".")
        let inner = ConnectInstallKeys.directory(directory + "/sub")
        #expect(await reason { try await verifyInstall(traversal, keys: inner) } == .keyUnavailable)
    }
}
