import Curl
import Foundation
import Testing

@Suite("HTTPClient over TLS against a real local HTTPS server")
struct HTTPSTests {
    @Test func verifiesAgainstTheGivenCAFile() async throws {
        let url = try await HTTPTestServer.tls.url("/echo")
        let client = HTTPClient(configuration: .init(tls: TLSSettings(caFile: try await HTTPTestServer.tls.caFile())))
        let response = try await client.execute(HTTPRequest(method: .post, url: url, body: Array("over tls".utf8)))
        #expect(response.status == 200)
    }

    @Test func refusesAnUntrustedCertificateByDefault() async throws {
        let url = try await HTTPTestServer.tls.url("/echo")
        let error = await #expect(throws: CurlError.self) { try await HTTPClient().execute(HTTPRequest(url: url)) }
        #expect(error?.code == .peerFailedVerification)
        #expect(error?.isRetriable == false)
    }

    @Test func skipsVerificationOnlyWhenToldTo() async throws {
        let url = try await HTTPTestServer.tls.url("/echo")
        let client = HTTPClient(configuration: .init(tls: .insecureForTestsOnly))
        #expect(try await client.execute(HTTPRequest(url: url)).status == 200)
    }

    @Test func aMissingCAFileIsAnError() async throws {
        let url = try await HTTPTestServer.tls.url("/echo")
        let client = HTTPClient(configuration: .init(tls: TLSSettings(caFile: "/nonexistent/ca.pem")))
        let error = await #expect(throws: CurlError.self) { try await client.execute(HTTPRequest(url: url)) }
        #expect(error?.code == .sslCACertBadFile)
    }
}
