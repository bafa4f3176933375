import Curl
import Foundation
import TestSupport
import Testing

@testable import ObjectStorage

/// What only the S3 store does: S3's error codes, signing against a live server, addressing,
/// retries.
@Suite("S3ObjectStore")
struct S3ObjectStoreTests {
    @Test("a missing key is NoSuchKey, and get(to:) leaves no file")
    func missingKey() async throws {
        let directory = StoreFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await StoreFixture.withS3Store { store in
            do {
                _ = try await store.get(key: "no/such/key")
                Issue.record("get of a missing key succeeded")
            } catch let error as ObjectStorageError {
                #expect(error.code == "NoSuchKey")
                #expect(error.status == 404)
                #expect(!error.isRetriable)
            }
            let target = directory.appendingPathComponent("target")
            await expectStorageError("NoSuchKey") { try await store.get(key: "no/such/key", to: target) }
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
        }
    }

    /// moto's S3 server does not check signatures (it accepts any), so against the local stack a
    /// wrong secret succeeds; a real S3 or MinIO answers `SignatureDoesNotMatch`. The signature
    /// itself is checked by the SigV4 vectors.
    @Test("a wrong secret is SignatureDoesNotMatch where the server checks signatures")
    func wrongSecret() async throws {
        try await StoreFixture.withS3Store { store in
            var configuration = store.configuration
            configuration.credentials.secretAccessKey = "not-the-secret"
            let impostor = try S3ObjectStore(configuration: configuration)
            do {
                try await impostor.put(key: "signed", bytes: [1])
                #expect(try await store.get(key: "signed") == [1], "moto accepted the request")
            } catch let error as ObjectStorageError {
                #expect(error.code == "SignatureDoesNotMatch", "\(error)")
                #expect(error.status == 403)
            }
        }
    }

    @Test("UNSIGNED-PAYLOAD requests work")
    func unsignedPayload() async throws {
        var configuration = try StoreFixture.s3Configuration()
        configuration.payloadSigning = .unsigned
        try await StoreFixture.withS3Store(configuration) { store in
            try await store.put(key: "u/1", bytes: [1, 2, 3])
            #expect(try await store.get(key: "u/1") == [1, 2, 3])
        }
    }

    @Test("S3 error bodies give the code and message; 5xx and SlowDown are retriable")
    func errorBodies() {
        let signature = S3ObjectStore.error(status: 403, body: Array("""
            <?xml version="1.0" encoding="UTF-8"?>
            <Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided. Check your key &amp; signing method.</Message><RequestId>4442587FB7D0A2F9</RequestId></Error>
            """.utf8), "PUT k")
        #expect(signature.code == "SignatureDoesNotMatch")
        #expect(signature.message == "PUT k: The request signature we calculated does not match the signature you provided. Check your key & signing method.")
        #expect(signature.status == 403)
        #expect(!signature.isRetriable)
        let slowDown = S3ObjectStore.error(status: 503, body: Array("<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>".utf8), "GET k")
        #expect(slowDown.code == "SlowDown" && slowDown.isRetriable)
        let bare = S3ObjectStore.error(status: 502, body: [], "GET k")
        #expect(bare.code == "HTTP502" && bare.isRetriable)
    }

    @Test("path-style and virtual-hosted addresses; keys encoded once per segment")
    func addressing() throws {
        var configuration = S3ObjectStore.Configuration(
            endpoint: URL(string: "https://s3.eu-west-1.amazonaws.com")!, region: "eu-west-1", bucket: "mail-raw",
            credentials: SigV4Credentials(accessKeyID: "a", secretAccessKey: "b")
        )
        let pathStyle = try S3ObjectStore(configuration: configuration)
        let request = S3Request(method: .get, key: "raw/t 1/ü+=.eml", query: [.init("uploadId", "x/y"), .init("partNumber", "2")])
        let (url, host, path) = try pathStyle.address(request)
        #expect(url.absoluteString == "https://s3.eu-west-1.amazonaws.com/mail-raw/raw/t%201/%C3%BC%2B%3D.eml?partNumber=2&uploadId=x%2Fy")
        #expect(host == "s3.eu-west-1.amazonaws.com")
        #expect(path == "/mail-raw/raw/t%201/%C3%BC%2B%3D.eml")
        configuration.addressing = .virtualHosted
        configuration.endpoint = URL(string: "http://127.0.0.1:59000")!
        let virtual = try S3ObjectStore(configuration: configuration)
        #expect(try virtual.address(S3Request(method: .post, key: nil, query: [.init("delete")])).url.absoluteString == "http://mail-raw.127.0.0.1:59000/?delete")
    }

    @Test("a configuration below S3's limits is refused")
    func configurationLimits() {
        let configuration = S3ObjectStore.Configuration(
            endpoint: URL(string: "http://127.0.0.1:59000")!, region: "us-east-1", bucket: "b",
            credentials: SigV4Credentials(accessKeyID: "a", secretAccessKey: "b"), partSize: 1 << 20
        )
        #expect(throws: ObjectStorageError.self) { try S3ObjectStore(configuration: configuration) }
    }

    @Test("transport failures are retried a bounded number of times")
    func boundedRetries() async throws {
        // Nothing listens on port 1 of the loopback interface: every try is refused.
        let configuration = S3ObjectStore.Configuration(
            endpoint: URL(string: "http://127.0.0.1:1")!, region: "us-east-1", bucket: "b",
            credentials: SigV4Credentials(accessKeyID: "a", secretAccessKey: "b"),
            maxAttempts: 3, initialBackoff: .milliseconds(5), maxBackoff: .milliseconds(20)
        )
        let store = try S3ObjectStore(configuration: configuration)
        do {
            _ = try await store.get(key: "k")
            Issue.record("a request to a closed port succeeded")
        } catch let error as ObjectStorageError {
            #expect(error.code == "Transport")
            #expect(error.isRetriable)
        }
        // That the tries stop at `maxAttempts` is counted in S3RetryTests; here the back-off
        // between them never exceeds its cap, so three tries cannot take long.
        for tries in 1...30 {
            #expect(store.backoff(afterTry: tries) <= .milliseconds(20))
        }
    }
}
