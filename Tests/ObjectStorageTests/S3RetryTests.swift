import Foundation
import Testing

@testable import ObjectStorage

/// S3ObjectStore against a fault-injecting endpoint (``FaultyS3Server``): which failures are
/// retried, how often, and that a failed multipart upload is aborted.
@Suite("S3ObjectStore retries and faults")
struct S3RetryTests {
    typealias Rule = FaultyS3Server.Rule
    typealias Reply = FaultyS3Server.Reply

    static let slowDown = Reply.error(503, "SlowDown", "Please reduce your request rate.")

    @Test("PUT: 503 SlowDown twice, then 200; three attempts in all")
    func putRetriesSlowDown() async throws {
        try await FaultyS3Server.with([
            Rule(method: "PUT", path: "/faulty/k/put", replies: [Self.slowDown, Self.slowDown, .ok(etag: "e1")]),
        ]) { server in
            try await server.store().put(key: "k/put", bytes: Array("hello".utf8))
            let requests = try server.requests()
            #expect(requests.count == 3, "\(requests)")
            #expect(requests.allSatisfy { $0.method == "PUT" && $0.path == "/faulty/k/put" })
        }
    }

    @Test("GET: 500 InternalError once, then 200 with the body")
    func getRetriesInternalError() async throws {
        try await FaultyS3Server.with([
            Rule(method: "GET", path: "/faulty/k/get", replies: [.error(500, "InternalError"), .ok(body: "the body")]),
        ]) { server in
            let bytes = try await server.store().get(key: "k/get")
            #expect(String(decoding: bytes, as: UTF8.self) == "the body")
            #expect(try server.requests().count == 2)
        }
    }

    @Test("get(to:): 503 ServiceUnavailable once, then the file; no temporary file left")
    func downloadRetries() async throws {
        let directory = StoreFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await FaultyS3Server.with([
            Rule(method: "GET", path: "/faulty/k/file", replies: [.error(503, "ServiceUnavailable"), .ok(body: "file body")]),
        ]) { server in
            let target = directory.appendingPathComponent("target")
            try await server.store().get(key: "k/file", to: target)
            #expect(try String(contentsOf: target, encoding: .utf8) == "file body")
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["target"])
            #expect(try server.requests().count == 2)
        }
    }

    @Test("get(to:): a body cut off mid-transfer is retried as a Transport error; no partial or temporary file is left")
    func truncatedDownloadRetried() async throws {
        let directory = StoreFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let body = String(repeating: "0123456789", count: 1000)
        try await FaultyS3Server.with([
            Rule(method: "GET", path: "/faulty/k/cut", replies: [.truncated(body: body, after: 100), .ok(body: body)]),
            Rule(method: "GET", path: "/faulty/k/always-cut", replies: [.truncated(body: body, after: 100)]),
        ]) { server in
            let store = try server.store(maxAttempts: 3)
            let target = directory.appendingPathComponent("target")
            try await store.get(key: "k/cut", to: target)
            #expect(try String(contentsOf: target, encoding: .utf8) == body)
            let other = directory.appendingPathComponent("other")
            await expectStorageError("Transport") { try await store.get(key: "k/always-cut", to: other) }
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["target"])
            let requests = try server.requests()
            #expect(requests.filter { $0.path == "/faulty/k/cut" }.count == 2)
            #expect(requests.filter { $0.path == "/faulty/k/always-cut" }.count == 3)
        }
    }

    @Test("429 and a bare 502 are retried; 400 RequestTimeout is retried by its code")
    func retriableStatusesAndCodes() async throws {
        try await FaultyS3Server.with([
            Rule(method: "PUT", path: "/faulty/a", replies: [.status(429), .status(502), .error(400, "RequestTimeout"), .ok(etag: "e")]),
        ]) { server in
            try await server.store(maxAttempts: 4).put(key: "a", bytes: [1])
            #expect(try server.requests().count == 4)
        }
    }

    @Test("a PUT that always fails with SlowDown is tried exactly maxAttempts times", arguments: [1, 3, 5])
    func maxAttemptsBound(maxAttempts: Int) async throws {
        try await FaultyS3Server.with([
            Rule(method: "PUT", path: "/faulty/always", replies: [Self.slowDown]),
        ]) { server in
            do {
                try await server.store(maxAttempts: maxAttempts).put(key: "always", bytes: [1, 2, 3])
                Issue.record("the PUT succeeded")
            } catch let error as ObjectStorageError {
                #expect(error.code == "SlowDown", "\(error)")
                #expect(error.status == 503)
                #expect(error.isRetriable)
                #expect(error.message.contains("Please reduce your request rate."), "\(error)")
            }
            #expect(try server.requests().count == maxAttempts)
        }
    }

    @Test("403 AccessDenied is not retried")
    func accessDeniedNotRetried() async throws {
        try await FaultyS3Server.with([
            Rule(method: "PUT", path: "/faulty/denied", replies: [.error(403, "AccessDenied", "Access Denied"), .ok(etag: "e")]),
            Rule(method: "GET", path: "/faulty/denied", replies: [.error(403, "AccessDenied", "Access Denied"), .ok(body: "x")]),
        ]) { server in
            let store = try server.store()
            do {
                try await store.put(key: "denied", bytes: [1])
                Issue.record("the PUT succeeded")
            } catch let error as ObjectStorageError {
                #expect(error.code == "AccessDenied")
                #expect(error.status == 403)
                #expect(!error.isRetriable)
            }
            await expectStorageError("AccessDenied") { _ = try await store.get(key: "denied") }
            let requests = try server.requests()
            #expect(requests.map(\.method) == ["PUT", "GET"], "\(requests)")
        }
    }

    @Test("a connection refused is retried as a Transport error, bounded by maxAttempts")
    func transportErrorBounded() async throws {
        // A port that was free a moment ago: nothing listens on it once the server has stopped.
        let server = try await FaultyS3Server.start([])
        let store = try server.store(maxAttempts: 2)
        await server.stop()
        do {
            try await store.put(key: "nowhere", bytes: [1])
            Issue.record("the PUT succeeded")
        } catch let error as ObjectStorageError {
            #expect(error.code == "Transport", "\(error)")
            #expect(error.isRetriable, "\(error)")
        }
    }

    // MARK: - Multipart

    static let uploadID = "upload-1~x"
    static let created = Reply.ok(body: """
        <?xml version="1.0" encoding="UTF-8"?>
        <InitiateMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>faulty</Bucket><Key>big</Key><UploadId>\(uploadID)</UploadId></InitiateMultipartUploadResult>
        """)

    /// A file of `size` bytes, removed after `body`.
    func withFile(size: Int, _ body: (URL) async throws -> Void) async throws {
        let directory = StoreFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("big")
        try Data(StoreFixture.bytes(size, seed: 7)).write(to: file)
        try await body(file)
    }

    @Test("multipart: a part refused with 400 InvalidPart is not retried, and the upload is aborted")
    func multipartAbortAfterPermanentPartFailure() async throws {
        try await FaultyS3Server.with([
            Rule(method: "POST", path: "/faulty/big", query: "uploads", replies: [Self.created]),
            Rule(method: "PUT", path: "/faulty/big", query: "partNumber", replies: [.error(400, "InvalidPart")]),
            Rule(method: "DELETE", path: "/faulty/big", query: "uploadId", replies: [.status(204)]),
        ]) { server in
            try await withFile(size: 100) { file in
                await expectStorageError("InvalidPart") {
                    try await server.store(multipartThreshold: 10).put(key: "big", file: file)
                }
            }
            let requests = try server.requests()
            #expect(requests.map(\.method) == ["POST", "PUT", "DELETE"], "\(requests)")
            guard requests.count == 3 else { return }
            #expect(requests[0].query == ["uploads": ""])
            #expect(requests[1].query == ["partNumber": "1", "uploadId": Self.uploadID])
            #expect(requests[2].path == "/faulty/big")
            #expect(requests[2].query == ["uploadId": Self.uploadID])
        }
    }

    @Test("multipart: a part failing with 500 is tried maxAttempts times, then the upload is aborted")
    func multipartAbortAfterRetriesExhausted() async throws {
        try await FaultyS3Server.with([
            Rule(method: "POST", path: "/faulty/big", query: "uploads", replies: [Self.created]),
            Rule(method: "PUT", path: "/faulty/big", query: "partNumber", replies: [.error(500, "InternalError")]),
            Rule(method: "DELETE", path: "/faulty/big", query: "uploadId", replies: [.status(204)]),
        ]) { server in
            try await withFile(size: 100) { file in
                await expectStorageError("InternalError") {
                    try await server.store(maxAttempts: 3, multipartThreshold: 10).put(key: "big", file: file)
                }
            }
            let requests = try server.requests()
            #expect(requests.map(\.method) == ["POST", "PUT", "PUT", "PUT", "DELETE"], "\(requests)")
            #expect(requests.last?.query == ["uploadId": Self.uploadID])
        }
    }

    @Test("multipart: an Error inside a 200 CompleteMultipartUpload reply fails the upload and aborts it")
    func multipartCompleteErrorIn200() async throws {
        try await FaultyS3Server.with([
            Rule(method: "POST", path: "/faulty/big", query: "uploads", replies: [Self.created]),
            Rule(method: "PUT", path: "/faulty/big", query: "partNumber", replies: [.ok(etag: "p1")]),
            Rule(method: "POST", path: "/faulty/big", query: "uploadId", replies: [
                .ok(body: "<Error><Code>InternalError</Code><Message>We encountered an internal error.</Message></Error>"),
            ]),
            Rule(method: "DELETE", path: "/faulty/big", query: "uploadId", replies: [.status(204)]),
        ]) { server in
            try await withFile(size: 100) { file in
                await expectStorageError("InternalError") {
                    try await server.store(maxAttempts: 2, multipartThreshold: 10).put(key: "big", file: file)
                }
            }
            let requests = try server.requests()
            #expect(requests.first?.query == ["uploads": ""])
            #expect(requests.last?.method == "DELETE" && requests.last?.query == ["uploadId": Self.uploadID], "\(requests)")
            #expect(requests.filter { $0.method == "DELETE" }.count == 1, "\(requests)")
        }
    }

    /// S3 documents that CompleteMultipartUpload can fail after its 200 status line, with the
    /// error in the body, and that such an `InternalError` should be retried. (Regression: the
    /// store used to throw it outside its retry loop and abort the upload.)
    @Test("multipart: an InternalError inside a 200 CompleteMultipartUpload reply is retried")
    func multipartCompleteErrorIn200IsRetried() async throws {
        try await FaultyS3Server.with([
            Rule(method: "POST", path: "/faulty/big", query: "uploads", replies: [Self.created]),
            Rule(method: "PUT", path: "/faulty/big", query: "partNumber", replies: [.ok(etag: "p1")]),
            Rule(method: "POST", path: "/faulty/big", query: "uploadId", replies: [
                .ok(body: "<Error><Code>InternalError</Code><Message>We encountered an internal error.</Message></Error>"),
                .ok(body: "<CompleteMultipartUploadResult><ETag>\"all-1\"</ETag></CompleteMultipartUploadResult>"),
            ]),
            Rule(method: "DELETE", path: "/faulty/big", query: "uploadId", replies: [.status(204)]),
        ]) { server in
            try await withFile(size: 100) { file in
                try await server.store(maxAttempts: 3, multipartThreshold: 10).put(key: "big", file: file)
            }
            let requests = try server.requests()
            #expect(requests.map(\.method) == ["POST", "PUT", "POST", "POST"], "\(requests)")
        }
    }

    @Test("multipart: the upload is aborted even when the uploading task is cancelled mid-part")
    func multipartAbortOnCancellation() async throws {
        try await FaultyS3Server.with([
            Rule(method: "POST", path: "/faulty/big", query: "uploads", replies: [Self.created]),
            Rule(method: "PUT", path: "/faulty/big", query: "partNumber", replies: [Reply(status: 200, headers: ["ETag": "\"p1\""], delay: 30)]),
            Rule(method: "DELETE", path: "/faulty/big", query: "uploadId", replies: [.status(204)]),
        ]) { server in
            try await withFile(size: 100) { file in
                let store = try server.store(multipartThreshold: 10)
                let upload = Task { try await store.put(key: "big", file: file) }
                let clock = ContinuousClock()
                let deadline = clock.now + .seconds(10)
                while try !server.requests().contains(where: { $0.method == "PUT" }), clock.now < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                }
                let started = clock.now
                upload.cancel()
                let result = await upload.result
                #expect(clock.now - started < .seconds(10), "the cancelled upload waited for the slow part")
                if case .success = result { Issue.record("the cancelled upload succeeded") }
            }
            let requests = try server.requests()
            #expect(requests.map(\.method) == ["POST", "PUT", "DELETE"], "\(requests)")
            #expect(requests.last?.query == ["uploadId": Self.uploadID])
        }
    }

    @Test("multipart: retried parts succeed and the upload completes with no abort")
    func multipartRetriedPartCompletes() async throws {
        try await FaultyS3Server.with([
            Rule(method: "POST", path: "/faulty/big", query: "uploads", replies: [.error(503, "SlowDown"), Self.created]),
            Rule(method: "PUT", path: "/faulty/big", query: "partNumber", replies: [.error(500, "InternalError"), .ok(etag: "p1")]),
            Rule(method: "POST", path: "/faulty/big", query: "uploadId", replies: [
                .ok(body: "<CompleteMultipartUploadResult><ETag>\"all-1\"</ETag></CompleteMultipartUploadResult>"),
            ]),
        ]) { server in
            try await withFile(size: 100) { file in
                try await server.store(multipartThreshold: 10).put(key: "big", file: file)
            }
            let requests = try server.requests()
            #expect(requests.map(\.method) == ["POST", "POST", "PUT", "PUT", "POST"], "\(requests)")
            #expect(!requests.contains { $0.method == "DELETE" })
        }
    }
}
