import Curl
import Foundation
import Testing

/// Echo of the test server's `/echo` endpoint.
private struct Echo: Decodable {
    var method: String
    var path: String
    var headers: [[String]]
    var body_hex: String

    func header(_ name: String) -> [String] {
        headers.filter { $0[0].lowercased() == name.lowercased() }.map { $0[1] }
    }

    var body: [UInt8] {
        let digits = Array(body_hex.utf8)
        func value(_ digit: UInt8) -> UInt8 {
            digit <= UInt8(ascii: "9") ? digit - UInt8(ascii: "0") : digit - UInt8(ascii: "a") + 10
        }
        return stride(from: 0, to: digits.count, by: 2).map { value(digits[$0]) << 4 | value(digits[$0 + 1]) }
    }
}

@Suite("HTTPClient against a real local HTTP server")
struct HTTPClientTests {
    let client = HTTPClient()

    private func echo(_ response: HTTPResponse) throws -> Echo {
        try JSONDecoder().decode(Echo.self, from: Data(response.body))
    }

    @Test func getSendsHeadersAndReadsTheResponse() async throws {
        var headers: HTTPHeaders = ["X-Test": "one", "X-Multi": "a"]
        headers.add(name: "X-Multi", value: "b")
        headers.add(name: "X-Empty", value: "")
        let response = try await client.execute(HTTPRequest(url: try await HTTPTestServer.shared.url("/echo?q=1"), headers: headers))
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "application/json")
        #expect(response.headers["CONTENT-TYPE"] == "application/json")
        let echo = try echo(response)
        #expect(echo.method == "GET")
        #expect(echo.path == "/echo?q=1")
        #expect(echo.header("X-Test") == ["one"])
        #expect(echo.header("X-Multi") == ["a", "b"])
        #expect(echo.header("X-Empty") == [""])
        #expect(echo.header("Expect").isEmpty)
        #expect(echo.header("User-Agent") == ["mailbridge"])
        #expect(echo.body.isEmpty)
    }

    @Test(arguments: [HTTPMethod.post, .put, .patch, .delete])
    func sendsBodiesWithEveryMethod(method: HTTPMethod) async throws {
        let body: [UInt8] = Array("line one\r\n".utf8) + [0, 1, 2, 255] + Array(repeating: 0x41, count: 1_500_000)
        let request = HTTPRequest(
            method: method,
            url: try await HTTPTestServer.shared.url("/echo"),
            headers: ["Content-Type": "application/octet-stream"],
            body: body
        )
        let response = try await client.execute(request)
        #expect(response.status == 200)
        let echo = try echo(response)
        #expect(echo.method == method.rawValue)
        #expect(echo.body == body)
        #expect(echo.header("Content-Length") == ["\(body.count)"])
        #expect(echo.header("Content-Type") == ["application/octet-stream"])
        #expect(echo.header("Expect").isEmpty)
    }

    @Test func sendsNoContentTypeUnlessAsked() async throws {
        let response = try await client.execute(HTTPRequest(method: .post, url: try await HTTPTestServer.shared.url("/echo"), body: Array("{}".utf8)))
        let echo = try echo(response)
        #expect(echo.header("Content-Type").isEmpty)
        #expect(echo.body == Array("{}".utf8))
    }

    @Test func deleteAndPostWithoutBody() async throws {
        let deleted = try echo(try await client.execute(HTTPRequest(method: .delete, url: try await HTTPTestServer.shared.url("/echo/1"))))
        #expect(deleted.method == "DELETE")
        #expect(deleted.path == "/echo/1")
        let posted = try echo(try await client.execute(HTTPRequest(method: .post, url: try await HTTPTestServer.shared.url("/echo"))))
        #expect(posted.method == "POST")
        #expect(posted.header("Content-Length") == ["0"])
    }

    @Test func headHasNoBody() async throws {
        let response = try await client.execute(HTTPRequest(method: .head, url: try await HTTPTestServer.shared.url("/headers")))
        #expect(response.status == 200)
        #expect(response.body.isEmpty)
        #expect(response.headers["content-length"] == "7")
    }

    @Test func non2xxIsAResponseNotAnError() async throws {
        let response = try await client.execute(HTTPRequest(url: try await HTTPTestServer.shared.url("/status/503")))
        #expect(response.status == 503)
        #expect(!response.isSuccess)
        #expect(response.headers["retry-after"] == "7")
        #expect(String(decoding: response.body, as: UTF8.self) == "status 503")
    }

    @Test func headersRepeatAndIgnoreCase() async throws {
        let response = try await client.execute(HTTPRequest(url: try await HTTPTestServer.shared.url("/headers")))
        #expect(response.headers.values(for: "set-cookie") == ["a=1", "b=2"])
        #expect(response.headers["x-mixed-case"] == "yes")
        #expect(response.headers.contains("X-MIXED-CASE"))
    }

    @Test func redirectsAreNotFollowedByDefault() async throws {
        let response = try await client.execute(HTTPRequest(url: try await HTTPTestServer.shared.url("/redirect")))
        #expect(response.status == 302)
        #expect(response.headers["location"] == "/echo")

        let following = HTTPClient(configuration: .init(followRedirects: true))
        let followed = try await following.execute(HTTPRequest(url: try await HTTPTestServer.shared.url("/redirect")))
        #expect(followed.status == 200)
        #expect(try echo(followed).path == "/echo")
    }

    @Test func timeoutIsARetriableCurlError() async throws {
        let request = HTTPRequest(url: try await HTTPTestServer.shared.url("/slow?seconds=20"), timeout: .milliseconds(500))
        let (error, elapsed) = await measure {
            await #expect(throws: CurlError.self) { try await client.execute(request) }
        }
        #expect(error?.code == .operationTimedOut)
        #expect(error?.isRetriable == true)
        // Far below the server's 20 s (the margin is for a loaded 2-core machine).
        #expect(elapsed < .seconds(5))
    }

    @Test func connectionRefusedIsACurlError() async throws {
        let port = try await unusedLoopbackPort()
        let error = await #expect(throws: CurlError.self) {
            try await client.execute(HTTPRequest(url: URL(string: "http://127.0.0.1:\(port)/")!))
        }
        #expect(error?.code == .couldntConnect)
        #expect(error?.code.name == "CURLE_COULDNT_CONNECT")
        #expect(error?.isRetriable == true)
        #expect(error?.responseCode == nil)
        #expect(error?.file.hasPrefix("Curl/") == true)
    }

    @Test func refusesHeaderInjection() async throws {
        let request = HTTPRequest(url: try await HTTPTestServer.shared.url("/echo"), headers: ["X-Bad": "a\r\nX-Injected: 1"])
        let error = await #expect(throws: CurlError.self) { try await client.execute(request) }
        #expect(error?.code == .badFunctionArgument)
        #expect(error?.isRetriable == false)
    }

    @Test func refusesOtherSchemes() async throws {
        let error = await #expect(throws: CurlError.self) {
            try await client.execute(HTTPRequest(url: URL(fileURLWithPath: "/etc/passwd")))
        }
        #expect(error?.code == .badFunctionArgument)
    }

    @Test func downloadStreamsALargeBodyToAFile() async throws {
        let count = 20 << 20
        for chunked in [false, true] {
            let file = try temporaryFile("download.bin")
            defer { removeTemporaryFile(file) }
            let url = try await HTTPTestServer.shared.url("/bytes?count=\(count)&seed=7\(chunked ? "&chunked=1" : "")")
            let download = try await client.download(HTTPRequest(url: url), to: file, maxBytes: Int64(count))
            #expect(download.status == 200)
            #expect(download.byteCount == Int64(count))
            let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
            #expect((attributes[.size] as? NSNumber)?.intValue == count)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
            let digest = try await runCommand(["sha256sum", file.path]).split(separator: " ").first.map(String.init)
            #expect(digest == download.headers["x-content-sha256"])
        }
    }

    @Test(arguments: [false, true])
    func downloadStopsPastMaxBytesAndRemovesTheFile(chunked: Bool) async throws {
        let file = try temporaryFile("too-big.bin")
        defer { removeTemporaryFile(file) }
        let url = try await HTTPTestServer.shared.url("/bytes?count=\(4 << 20)&seed=3\(chunked ? "&chunked=1" : "")")
        let error = await #expect(throws: CurlError.self) {
            try await client.download(HTTPRequest(url: url), to: file, maxBytes: 1 << 20)
        }
        #expect(error?.code == .filesizeExceeded)
        #expect(error?.isRetriable == false)
        #expect(error?.message.contains("maxBytes (1048576 bytes)") == true)
        #expect(!FileManager.default.fileExists(atPath: file.path))
    }

    @Test func executeStopsPastMaxResponseBytes() async throws {
        let small = HTTPClient(configuration: .init(maxResponseBytes: 1000))
        let error = await #expect(throws: CurlError.self) {
            try await small.execute(HTTPRequest(url: try await HTTPTestServer.shared.url("/bytes?count=5000&chunked=1")))
        }
        #expect(error?.code == .filesizeExceeded)
    }

    @Test func hundredConcurrentRequestsRunTogether() async throws {
        let url = try await HTTPTestServer.shared.url("/slow?seconds=1")
        let (statuses, elapsed) = try await measure {
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<100 {
                    group.addTask { try await client.execute(HTTPRequest(url: url)).status }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
        }
        #expect(statuses.count == 100)
        #expect(statuses.allSatisfy { $0 == 200 })
        // One at a time would take 100 s.
        #expect(elapsed < .seconds(20))
    }

    @Test func cancellationEndsASlowRequestPromptly() async throws {
        let url = try await HTTPTestServer.shared.url("/slow?seconds=30")
        let task = Task { try await client.execute(HTTPRequest(url: url)) }
        try await Task.sleep(for: .milliseconds(300))
        let (result, elapsed) = await measure {
            task.cancel()
            return await task.result
        }
        #expect(throws: CancellationError.self) { try result.get() }
        // Far below the server's 30 s (the margin is for a loaded 2-core machine).
        #expect(elapsed < .seconds(5))
    }

    @Test func alreadyCancelledTaskDoesNotSend() async throws {
        let url = try await HTTPTestServer.shared.url("/slow?seconds=30")
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await client.execute(HTTPRequest(url: url))
        }
        await #expect(throws: CancellationError.self) { try await task.value }
    }

    @Test func shutdownFailsRunningAndLaterTransfers() async throws {
        let engine = CurlEngine(label: "test-engine")
        let client = HTTPClient(engine: engine)
        #expect(try await client.execute(HTTPRequest(url: try await HTTPTestServer.shared.url("/echo"))).status == 200)
        let slow = try await HTTPTestServer.shared.url("/slow?seconds=30")
        let running = Task { try await client.execute(HTTPRequest(url: slow)) }
        try await Task.sleep(for: .milliseconds(300))
        await engine.shutdown()
        let error = await #expect(throws: CurlError.self) { try await running.value }
        #expect(error?.message.contains("shut down") == true)
        await #expect(throws: CurlError.self) { try await client.execute(HTTPRequest(url: slow)) }
        await engine.shutdown()
    }
}
