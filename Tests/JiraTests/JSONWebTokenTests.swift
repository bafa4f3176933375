import Foundation
import Jira
import Testing

@Suite("JSON Web Tokens: strict parsing and HS256 signing")
struct JSONWebTokenTests {
    private let issuedAt = Date(timeIntervalSince1970: TimeInterval(JWTVectors.issuedAt))

    @Test("our HS256 token is byte for byte PyJWT's for the same claims")
    func signingMatchesPyJWT() throws {
        let claims = JWTClaims(
            iss: JWTVectors.appKey, iat: JWTVectors.issuedAt, exp: JWTVectors.expiresAt, qsh: JWTVectors.outgoingQSH
        )
        let token = try JSONWebToken.signedHS256(claims: claims, secret: Array(JWTVectors.secret.utf8))
        #expect(token == JWTVectors.outgoingToken)
    }

    @Test("a Connect authorization header is PyJWT's token for that request")
    func connectAuthorization() throws {
        let authentication = JiraAuthentication.connect(appKey: JWTVectors.appKey, sharedSecret: JWTVectors.secret)
        let request = CanonicalRequest(method: "GET", path: "/rest/api/3/issue/ACME-1", query: [.init("fields", "summary,status")])
        let header = try authentication.authorization(for: request, now: issuedAt.addingTimeInterval(0.9))
        #expect(header == "JWT " + JWTVectors.outgoingToken)
    }

    @Test("API-token authentication is basic authentication with email and token")
    func basicAuthorization() throws {
        let authentication = JiraAuthentication.apiToken(email: "ada@example.com", token: "t0ken")
        let header = try authentication.authorization(for: CanonicalRequest(method: "GET", path: "/"))
        #expect(header == "Basic " + Data("ada@example.com:t0ken".utf8).base64EncodedString())
        #expect(!"\(authentication)".contains("t0ken"))
        #expect(!"\(authentication)".contains("ada@"))
        let connect = JiraAuthentication.connect(appKey: "app", sharedSecret: "s3cret-value")
        #expect(!"\(connect)".contains("s3cret"))
        #expect(throws: JiraAuthenticationError.self) {
            try JiraAuthentication.apiToken(email: "a@b", token: "").authorization(for: CanonicalRequest(method: "GET", path: "/"))
        }
        #expect(throws: JiraAuthenticationError.self) {
            try JiraAuthentication.connect(appKey: "app", sharedSecret: "").authorization(for: CanonicalRequest(method: "GET", path: "/"))
        }
    }

    @Test("parsing reads header and claims; aud may be a string or an array")
    func parsing() throws {
        let install = try JSONWebToken(parsing: JWTVectors.installToken)
        #expect(install.header.alg == "RS256")
        #expect(install.header.kid == "key-2024-01")
        #expect(install.claims.aud == [JWTVectors.appBaseURL])
        #expect(install.claims.iss == JWTVectors.clientKey)
        let webhook = try JSONWebToken(parsing: JWTVectors.webhookToken)
        #expect(webhook.claims.sub == "557058:f58131cb-b67d-43c7-b30d-6b58d40bd077")
        #expect(webhook.claims.exp == JWTVectors.expiresAt)
        let wrongAudience = try JSONWebToken(parsing: JWTVectors.installTokenWrongAudience)
        #expect(wrongAudience.claims.aud == ["https://evil.example.com"])
    }

    @Test("malformed tokens are refused, naming the part", arguments: [
        ("", "segments"),
        ("a.b", "segments"),
        ("a.b.c.d", "segments"),
        ("eyJhbGciOiJIUzI1NiJ9=.e30.", "header is not unpadded base64url"),
        ("eyJhbGciOiJIUzI1NiJ9.e30=.", "claims are not unpadded base64url"),
        ("eyJhbGciOiJIUzI1NiJ9.e30.a+b", "signature is not unpadded base64url"),
        ("e30.e30.", "header is not a JSON object"),
        ("WzFd.e30.", "header is not a JSON object"),
        ("eyJhbGciOiJIUzI1NiJ9.WzFd.", "claims are not a JSON object"),
        ("eyJhbGciOiJIUzI1NiJ9.eyJleHAiOiIxIn0.", "claims are not a JSON object"),
        ("eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjEuNX0.", "claims are not a JSON object"),
        ("eyJhbGciOiJIUzI1NiJ9.e31.", "claims are not unpadded base64url"),
    ])
    func malformed(token: String, problem: String) {
        #expect {
            try JSONWebToken(parsing: token)
        } throws: { error in
            guard let error = error as? JiraAuthenticationError else { return false }
            return error.reason == .malformed && error.message.contains(problem)
        }
    }

    @Test("a signature character is accepted exactly when it is in the base64url alphabet")
    func signatureAlphabet() throws {
        let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".unicodeScalars)
        // Every ASCII character and a few beyond, each as the last of a 4-character signature
        // (3 whole bytes, so no spare bits decide the outcome).
        let candidates = (0..<128).compactMap(Unicode.Scalar.init) + ["é", "€", "😀"]
        for scalar in candidates where scalar != "." {
            let token = "eyJhbGciOiJIUzI1NiJ9.e30.AAA" + String(scalar)
            if alphabet.contains(scalar) {
                #expect((try? JSONWebToken(parsing: token)) != nil, "\(scalar.value) is in the alphabet")
            } else {
                #expect(throws: JiraAuthenticationError.self, "\(scalar.value) is not in the alphabet") { try JSONWebToken(parsing: token) }
            }
        }
    }

    @Test("tokens signed here verify for every length of claims (every base64url remainder)")
    func roundTripsEveryLength() throws {
        let verifier = ConnectTokenVerifier(clockSkew: 30)
        let request = CanonicalRequest(method: "POST", target: "/webhooks/jira")
        for length in 0..<12 {
            let claims = JWTClaims(iss: "client-" + String(repeating: "k", count: length), iat: 1_000, exp: 2_000, qsh: request.queryStringHash)
            let token = try JSONWebToken.signedHS256(claims: claims, secret: Array("secret-\(length)".utf8))
            let parsed = try JSONWebToken(parsing: token)
            #expect(parsed.claims == claims)
            let verified = try verifier.verify(parsed, sharedSecret: "secret-\(length)", request: request, now: Date(timeIntervalSince1970: 1_500))
            #expect(verified == claims)
            #expect(throws: JiraAuthenticationError.self) {
                try verifier.verify(parsed, sharedSecret: "secret-x", request: request, now: Date(timeIntervalSince1970: 1_500))
            }
        }
    }

    @Test("a token over the length limit is refused before decoding")
    func tooLong() {
        let token = String(repeating: "a", count: JSONWebToken.maxLength + 1)
        #expect(throws: JiraAuthenticationError.self) { try JSONWebToken(parsing: token) }
    }
}
