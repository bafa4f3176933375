import Curl
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Testing
import TestSupport

@testable import WebhookReceipt

/// The plain NIO server under the webhook routes, spoken to over a raw socket: pipelining,
/// `.now` and `.later` answers in order, body limits, `Connection: close`.
@Suite struct HTTPServerServiceTests {
    /// A server with three routes: `GET /now` answers at once, `POST /later` echoes the body
    /// after a pause, `POST /now` answers at once with the body's length.
    static func withServer(
        maximumBodyBytes: Int = 64, readTimeout: Duration = .seconds(60), _ body: (Int) async throws -> Void
    ) async throws {
        var routes = WebhookRoutes()
        routes.add(.GET, "/now") { _ in .now(PlainResponse(status: .ok, contentType: "text/plain", body: Array("now".utf8))) }
        routes.add(.POST, "/now") { request in .now(PlainResponse(status: .ok, body: Array(String(request.body.count).utf8))) }
        routes.add(.POST, "/later") { request in
            .later {
                try? await Task.sleep(for: .milliseconds(100))
                return PlainResponse(status: .created, body: request.body)
            }
        }
        var (server, boundPort) = makeServer(routes: routes, maximumBodyBytes: maximumBodyBytes)
        server.readTimeout = .nanoseconds(Int64(readTimeout / .nanoseconds(1)))
        let task = Task { [server] in try await server.run() }
        defer { task.cancel() }
        try await body(try await boundPort())
    }

    static let quietLogger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// A server for `routes` on a free loopback port, not started yet, and a function that waits
    /// until it runs and returns its port.
    static func makeServer(
        routes: WebhookRoutes, maximumBodyBytes: Int = 64
    ) -> (HTTPServerService, boundPort: @Sendable () async throws -> Int) {
        let running = RunningSignal()
        let port = BoundPort()
        let server = HTTPServerService(
            host: "127.0.0.1", port: 0, routes: routes, maximumBodyBytes: maximumBodyBytes, serverName: "test", logger: quietLogger,
            onServerRunning: { bound in
                port.set(bound)
                running.raise()
            })
        return (server, {
            try await running.wait(timeout: .seconds(10))
            return port.value
        })
    }

    /// The port a server reported once it was bound.
    final class BoundPort: Sendable {
        private let port = Mutex(0)
        func set(_ value: Int) { port.withLock { $0 = value } }
        var value: Int { port.withLock { $0 } }
    }

    @Test("pipelined requests are answered in order, a .later answer before the .now one after it")
    func pipelining() async throws {
        try await Self.withServer { port in
            let answer = try await RawHTTPClient.exchange(
                port: port,
                "POST /later HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nfirstGET /now HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(RawHTTPClient.statusCodes(answer) == ["201", "200"])
            #expect(answer.contains("\r\n\r\nfirstHTTP/1.1 200 OK"))
            #expect(answer.hasSuffix("\r\n\r\nnow"))
        }
    }

    @Test("thousands of requests pipelined behind a .later one are answered in order, without nesting a call per request")
    func deepPipelining() async throws {
        try await Self.withServer { port in
            let count = 5_000
            let request = "POST /later HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi"
                + String(repeating: "GET /now HTTP/1.1\r\nHost: x\r\n\r\n", count: count - 1)
                + "GET /now HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            let codes = RawHTTPClient.statusCodes(try await RawHTTPClient.exchange(port: port, request))
            #expect(codes.count == count + 1)
            #expect(codes.first == "201")
            #expect(codes.dropFirst().allSatisfy { $0 == "200" })
        }
    }

    @Test("nothing pipelined behind an answer that closes the connection is handled")
    func closeEndsTheConnection() async throws {
        try await Self.withServer { port in
            let answer = try await RawHTTPClient.exchange(
                port: port,
                "GET /now HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nPOST /later HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi")
            #expect(RawHTTPClient.statusCodes(answer) == ["200"])
        }
    }

    @Test("a connection that sends nothing for the read timeout is closed")
    func readTimeout() async throws {
        try await Self.withServer(readTimeout: .milliseconds(200)) { port in
            let start = ContinuousClock.now
            // The client would give up after 30 s; the server must close well before (the bound
            // leaves room for a loaded machine).
            let answer = try await RawHTTPClient.exchange(
                port: port, "POST /later HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nhalf", receiveTimeout: 30)
            #expect(answer.isEmpty)
            #expect(ContinuousClock.now - start < .seconds(20))
        }
    }

    @Test("cancelling the server closes its connections, even one stalled in the middle of a body")
    func cancellationClosesConnections() async throws {
        var routes = WebhookRoutes()
        routes.add(.POST, "/now") { _ in .now(PlainResponse(status: .ok)) }
        let (server, boundPort) = Self.makeServer(routes: routes)
        let task = Task { try await server.run() }
        let port = try await boundPort()
        let stalled = Task {
            try await RawHTTPClient.exchange(
                port: port, "POST /now HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nhalf", receiveTimeout: 30)
        }
        try await Task.sleep(for: .milliseconds(200))
        let start = ContinuousClock.now
        task.cancel()
        _ = try? await task.value
        // Without the close on cancellation, run() would wait for the client's 30 s timeout.
        #expect(ContinuousClock.now - start < .seconds(20))
        #expect(try await stalled.value.isEmpty)
    }

    @Test("a graceful shutdown closes an idle keep-alive connection at once and a busy one after its answer")
    func gracefulShutdown() async throws {
        // The busy request is answered only once the shutdown has closed the idle connection.
        let busyArrived = RunningSignal()
        let idleClosed = RunningSignal()
        let idleServed = RunningSignal()
        var routes = WebhookRoutes()
        routes.add(.GET, "/now") { _ in
            idleServed.raise()
            return .now(PlainResponse(status: .ok))
        }
        routes.add(.POST, "/later") { _ in
            .later {
                busyArrived.raise()
                try? await idleClosed.wait(timeout: .seconds(20))
                try? await Task.sleep(for: .milliseconds(200))
                return PlainResponse(status: .created)
            }
        }
        let (server, boundPort) = Self.makeServer(routes: routes)
        let group = ServiceGroup(services: [server], logger: Self.quietLogger)
        let task = Task { try await group.run() }
        let bound = try await boundPort()
        // Neither client closes: each waits (30 s at most) for the server to.
        let idle = Task { try await RawHTTPClient.exchange(port: bound, "GET /now HTTP/1.1\r\nHost: x\r\n\r\n", receiveTimeout: 30) }
        let busy = Task {
            try await RawHTTPClient.exchange(port: bound, "POST /later HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", receiveTimeout: 30)
        }
        try await busyArrived.wait(timeout: .seconds(10))
        try await idleServed.wait(timeout: .seconds(10))
        try await Task.sleep(for: .milliseconds(200))  // the idle answer is written
        let start = ContinuousClock.now
        await group.triggerGracefulShutdown()
        // Without closing it, the idle connection would stay open for the client's 30 s.
        #expect(RawHTTPClient.statusCodes(try await idle.value) == ["200"])
        idleClosed.raise()
        try await task.value
        #expect(ContinuousClock.now - start < .seconds(20))
        let answered = try await busy.value
        #expect(RawHTTPClient.statusCodes(answered) == ["201"])
        #expect(answered.lowercased().contains("connection: close"))
    }

    @Test("a body over the limit is refused with 413 and the connection closed: by Content-Length, or when chunks pass it")
    func bodyLimit() async throws {
        try await Self.withServer(maximumBodyBytes: 64) { port in
            let declared = try await RawHTTPClient.exchange(port: port, "POST /now HTTP/1.1\r\nHost: x\r\nContent-Length: 65\r\n\r\n")
            #expect(declared.hasPrefix("HTTP/1.1 413 Payload Too Large"))
            #expect(declared.lowercased().contains("connection: close"))
            let chunk = String(repeating: "a", count: 40)
            let chunked = try await RawHTTPClient.exchange(
                port: port, "POST /now HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n28\r\n\(chunk)\r\n28\r\n\(chunk)\r\n0\r\n\r\n")
            #expect(chunked.hasPrefix("HTTP/1.1 413 Payload Too Large"))
            let fits = try await RawHTTPClient.exchange(
                port: port, "POST /now HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n28\r\n\(chunk)\r\n0\r\n\r\n")
            #expect(fits.hasPrefix("HTTP/1.1 200 OK"))
            #expect(fits.hasSuffix("\r\n\r\n40"))
        }
    }

    @Test("a refused body that is still being sent gets its 413 (raw socket and libcurl)")
    func refusedBodyLingers() async throws {
        try await Self.withServer(maximumBodyBytes: 64) { port in
            let size = 4 * 1024 * 1024
            let answer = try await RawHTTPClient.exchange(
                port: port, "POST /now HTTP/1.1\r\nHost: x\r\nContent-Length: \(size)\r\n\r\n" + String(repeating: "a", count: size))
            #expect(answer.hasPrefix("HTTP/1.1 413 Payload Too Large"))
            #expect(RawHTTPClient.statusCodes(answer) == ["413"])
            // libcurl reports a reset while it uploads as an error, not as the answer.
            let request = HTTPRequest(
                method: .post, url: URL(string: "http://127.0.0.1:\(port)/now")!, headers: ["Content-Type": "application/json"],
                body: Array(repeating: UInt8(ascii: " "), count: 16 * 1024 * 1024))
            #expect(try await TestHTTP.client.execute(request).status == 413)
        }
    }

    @Test("Expect: 100-continue is answered before a body the route reads, not before a refused one")
    func expectContinue() async throws {
        try await Self.withServer(maximumBodyBytes: 64) { port in
            let accepted = try await RawHTTPClient.exchange(
                port: port, "POST /now HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc")
            #expect(accepted.hasPrefix("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK"))
            #expect(accepted.hasSuffix("\r\n\r\n3"))
            let refused = try await RawHTTPClient.exchange(
                port: port, "POST /now HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 65\r\n\r\n")
            #expect(RawHTTPClient.statusCodes(refused) == ["413"])
            let unknown = try await RawHTTPClient.exchange(
                port: port, "POST /nowhere HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc")
            #expect(RawHTTPClient.statusCodes(unknown) == ["404"])
        }
    }

    @Test("bytes that are not HTTP behind a .later request get 400 after its answer")
    func garbageBehindLater() async throws {
        try await Self.withServer { port in
            let answer = try await RawHTTPClient.exchange(
                port: port, "POST /later HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhiNOT HTTP AT ALL\r\n\r\n")
            #expect(RawHTTPClient.statusCodes(answer) == ["201", "400"])
        }
    }

    @Test("unknown routes and methods are 404 after their body is read; the connection stays usable")
    func notFound() async throws {
        try await Self.withServer { port in
            let answer = try await RawHTTPClient.exchange(
                port: port, "POST /nowhere HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcDELETE /now HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(RawHTTPClient.statusCodes(answer) == ["404", "404"])
        }
    }

    @Test("a request that is not HTTP gets 400")
    func garbage() async throws {
        try await Self.withServer { port in
            let answer = try await RawHTTPClient.exchange(port: port, "NOT HTTP AT ALL\r\n\r\n")
            #expect(answer.hasPrefix("HTTP/1.1 400 Bad Request"))
        }
    }
}



/// Writes bytes to a loopback port and reads until the server closes the connection.
enum RawHTTPClient {
    struct Failure: Error {
        let step: String
    }

    /// The status codes of the responses in `answer`, in order.
    static func statusCodes(_ answer: String) -> [String] {
        answer.components(separatedBy: "HTTP/1.1 ").dropFirst().map { String($0.prefix(3)) }
    }

    /// Runs the blocking exchange on a thread of its own, so the tests' concurrency threads stay
    /// free for the server's tasks (on Linux `DispatchQueue.global()` shares its threads with them).
    /// - Parameter receiveTimeout: how long a read may wait before the exchange gives up.
    static func exchange(port: Int, _ request: String, receiveTimeout: Int = 10) async throws -> String {
        try await offThePool { try blockingExchange(port: port, request, receiveTimeout: receiveTimeout) }
    }

    private static func blockingExchange(port: Int, _ request: String, receiveTimeout: Int) throws -> String {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw RawHTTPClient.Failure(step: "socket()") }
        defer { close(descriptor) }
        var timeout = timeval(tv_sec: receiveTimeout, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw RawHTTPClient.Failure(step: "connect()") }
        let bytes = Array(request.utf8)
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            // The server may close after refusing a body before the rest is written.
            guard count > 0 else { break }
            sent += count
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { break }
            received += buffer[..<count]
        }
        return String(decoding: received, as: UTF8.self)
    }
}
