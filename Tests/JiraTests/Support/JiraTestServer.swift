import Curl
import Foundation
import Jira
import TestSupport

/// The unit tests' scripted HTTP server (see `script`), a Python subprocess started once per
/// test process. Each test uses a scenario of its own, so tests run in parallel.
actor JiraTestServer {
    static let shared = JiraTestServer()

    private var process: Process?
    private var stdin: Pipe?
    private var starting: Task<URL, any Error>?

    /// The server's base URL, starting it on first use.
    func baseURL() async throws -> URL {
        let starting = self.starting ?? Task { try await start() }
        self.starting = starting
        return try await starting.value
    }

    private func start() async throws -> URL {
        let server = try await SubprocessServer.start(["python3", "-c", Self.script], name: "the Jira test server")
        self.process = server.process
        self.stdin = server.input
        return URL(string: "http://127.0.0.1:\(server.port)")!
    }
}

/// One test's corner of the server: a Jira site at `/s/<id>` whose answers the test scripts.
struct Scenario {
    let id = UUID().uuidString.lowercased()
    let server: URL

    static func make() async throws -> Scenario {
        Scenario(server: try await JiraTestServer.shared.baseURL())
    }

    /// The site's base URL.
    var siteURL: String { "\(server.absoluteString)/s/\(id)" }

    /// The same server under another name (`localhost`): another origin for redirects.
    var elsewhereURL: String {
        "http://localhost:\(server.port!)/elsewhere/\(id)"
    }

    /// Queues answers (and the secret the server checks HS256 signatures with).
    func script(_ answers: [Answer], secret: String? = nil) async throws {
        var spec: [String: Any] = ["responses": answers.map(\.object)]
        if let secret { spec["secret"] = secret }
        let body = try JSONSerialization.data(withJSONObject: spec)
        let response = try await TestHTTP.client.execute(HTTPRequest(
            method: .post, url: server.appendingPathComponent("__script/\(id)"), headers: ["Content-Type": "application/json"], body: Array(body)
        ))
        guard response.status == 204 else { throw TestFailure("scripting the test server answered \(response.status)") }
    }

    /// What the server received, in order.
    func requests() async throws -> [RecordedRequest] {
        let response = try await TestHTTP.client.execute(HTTPRequest(url: server.appendingPathComponent("__requests/\(id)")))
        return try JSONDecoder().decode([RecordedRequest].self, from: Data(response.body))
    }
}

enum TestHTTP {
    static let client = HTTPClient()
}

/// One scripted answer.
struct Answer {
    var status = 200
    var headers: [[String]] = []
    var payload: Any?
    var body: String?
    var bytes: (count: Int, byte: UInt8)?
    var delay: Double?
    var sticky = false

    static func json(_ value: Any, status: Int = 200, headers: [[String]] = []) -> Answer {
        Answer(status: status, headers: headers, payload: value)
    }

    static func status(_ status: Int, _ value: Any? = nil, headers: [[String]] = []) -> Answer {
        Answer(status: status, headers: headers, payload: value)
    }

    var object: [String: Any] {
        var object: [String: Any] = ["status": status, "headers": headers, "sticky": sticky]
        if let payload { object["json"] = payload }
        if let body { object["body"] = body }
        if let bytes { object["bytes"] = ["count": bytes.count, "byte": Int(bytes.byte)] }
        if let delay { object["delay"] = delay }
        return object
    }
}

/// A request the server recorded.
struct RecordedRequest: Decodable {
    var method: String
    var target: String
    var relative: String
    var query: String
    var headers: [[String]]
    var body_hex: String
    var qsh: String?
    var claims: [String: JSONValue]?
    var signature_valid: Bool?

    func header(_ name: String) -> String? {
        headers.first { $0[0].lowercased() == name.lowercased() }?[1]
    }

    var body: [UInt8] {
        let digits = Array(body_hex.utf8)
        func value(_ digit: UInt8) -> UInt8 {
            digit <= UInt8(ascii: "9") ? digit - UInt8(ascii: "0") : digit - UInt8(ascii: "a") + 10
        }
        return stride(from: 0, to: digits.count, by: 2).map { value(digits[$0]) << 4 | value(digits[$0 + 1]) }
    }

    var jsonBody: JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(body))
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

