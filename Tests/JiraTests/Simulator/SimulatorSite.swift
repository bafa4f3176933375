import Curl
import Foundation
import Jira
import TestSupport

/// A Jira site of its own in the Jira simulator (`ops/jira-simulator`, started by
/// `ops/stack/up.sh`; its root URL in `MAILBRIDGE_TEST_JIRA_URL`), for one test.
struct SimulatorSite {
    /// How a test's client authenticates.
    enum Mode: String, CaseIterable, Sendable, CustomStringConvertible {
        case connect, apiToken
        var description: String { rawValue }
    }

    static let appKey = "mailbridge-tests"
    static let sharedSecret = "jira-tests-shared-secret-0123456789abcdef"
    static let adaEmail = "ada@example.test"
    static let adaToken = "ada-api-token"
    static let adaAccountID = "5b10a2844c20165700ede21g"
    static let bobAccountID = "5b10ac8d82e05b22cc7d4ef5"
    static let carolAccountID = "70121:5f1e2c3d-4b5a-6978-8a9b-0c1d2e3f4a5b"

    let root: URL
    let name: String
    let baseURL: String

    /// Creates a fresh site: project ACME, two custom fields, four users (one with a hidden
    /// address, one inactive), and the installed Connect app `mailbridge-tests` whose
    /// `jiraEntityProperties` index `mailbridge.message` / `messageId`.
    ///
    /// The app's base URL (`appBaseURL`) has nothing listening: webhooks and lifecycle callbacks
    /// the simulator sends fail once, unretried, and are read back from its delivery records.
    static func create(appBaseURL: String = "http://127.0.0.1:9/app") async throws -> SimulatorSite {
        let root = try TestEnvironment.require("MAILBRIDGE_TEST_JIRA_URL")
        guard let rootURL = URL(string: root) else { throw TestFailure("MAILBRIDGE_TEST_JIRA_URL \(root) is not a URL") }
        let name = TestEnvironment.uniqueName("jira-tests")
        let spec: [String: Any] = [
            "name": name,
            "projects": [["key": "ACME", "name": "Acme", "issueTypes": ["Task", "Bug"]]],
            "fields": [
                ["name": "Email participants", "type": "textarea", "id": "customfield_10050"],
                ["name": "Email message ID", "type": "textfield", "id": "customfield_10051"],
            ],
            "users": [
                ["accountId": adaAccountID, "displayName": "Ada Admin", "emailAddress": adaEmail, "apiTokens": [adaToken]],
                ["accountId": bobAccountID, "displayName": "Bob Visible", "emailAddress": "bob@example.test"],
                ["accountId": carolAccountID, "displayName": "Carol Hidden", "emailAddress": "carol@example.test", "hideEmail": true],
                ["accountId": "5d8f0a1b2c3d4e5f6a7b8c9d", "displayName": "Dan Inactive", "emailAddress": "dan@example.test", "active": false],
            ],
            "apps": [[
                "key": appKey, "name": "Mailbridge tests", "clientKey": "\(name)-client-key", "sharedSecret": sharedSecret,
                "baseUrl": appBaseURL, "scopes": ["READ", "WRITE", "DELETE"], "installed": true,
                "lifecycle": ["installed": "/installed", "uninstalled": "/uninstalled", "enabled": "/enabled", "disabled": "/disabled"],
                "jiraEntityProperties": [[
                    "key": "mailbridge-message-index", "entityType": "issue",
                    "keyConfigurations": [["propertyKey": "mailbridge.message",
                                           "extractions": [["objectName": "messageId", "type": "string", "alias": "mailbridgeMessageId"]]]],
                ]],
            ]],
            "options": ["webhookRetries": 0],
        ]
        let answer = try await admin(rootURL, .post, "__sim/sites", spec)
        guard answer.status == 201, let summary = try JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any],
            let baseURL = summary["baseUrl"] as? String
        else {
            throw TestFailure("the simulator refused site \(name): HTTP \(answer.status) \(String(decoding: answer.body, as: UTF8.self))")
        }
        return SimulatorSite(root: rootURL, name: name, baseURL: baseURL)
    }

    /// A client of this site; `limiter` defaults to one of its own.
    func client(_ mode: Mode, secret: String = sharedSecret, limiter: JiraRequestLimiter = JiraRequestLimiter(),
                configuration: JiraClient.Configuration = JiraClient.Configuration(initialBackoff: .milliseconds(20))) -> JiraClient {
        let authentication: JiraAuthentication = switch mode {
        case .connect: .connect(appKey: Self.appKey, sharedSecret: secret)
        case .apiToken: .apiToken(email: Self.adaEmail, token: Self.adaToken)
        }
        return JiraClient(site: JiraSite(baseURL: baseURL, authentication: authentication), configuration: configuration, limiter: limiter)
    }

    /// The contract violations the simulator recorded for this site (must stay empty).
    func violations() async throws -> [Any] {
        let answer = try await Self.admin(root, .get, "__sim/violations?site=\(name)")
        return try JSONSerialization.jsonObject(with: Data(answer.body)) as? [Any] ?? []
    }

    /// The REST requests the simulator recorded for this site.
    func requests() async throws -> [[String: Any]] {
        let answer = try await Self.admin(root, .get, "__sim/requests?site=\(name)")
        return try JSONSerialization.jsonObject(with: Data(answer.body)) as? [[String: Any]] ?? []
    }

    /// Injects a fault for this site's next matching requests.
    func fault(method: String, pathRegex: String, status: Int, count: Int = 1, retryAfter: Int? = nil) async throws {
        var spec: [String: Any] = ["site": name, "method": method, "pathRegex": pathRegex, "status": status, "count": count]
        if let retryAfter { spec["retryAfter"] = retryAfter }
        let answer = try await Self.admin(root, .post, "__sim/faults", spec)
        guard (200..<300).contains(answer.status) else { throw TestFailure("fault refused: HTTP \(answer.status)") }
    }

    /// The clientKey of the site's app.
    var clientKey: String { "\(name)-client-key" }

    /// Asks the simulator to send a webhook or lifecycle callback now (`kind` is `webhooks` or
    /// `lifecycle`) and returns its (first) delivery record.
    func send(_ kind: String, _ spec: [String: Any]) async throws -> [String: Any] {
        let answer = try await Self.admin(root, .post, "__sim/sites/\(name)/\(kind)", spec)
        let decoded = try JSONSerialization.jsonObject(with: Data(answer.body))
        // Webhooks answer every delivery (one per subscription), lifecycle calls the one.
        guard answer.status == 200, let record = (decoded as? [String: Any]) ?? (decoded as? [[String: Any]])?.first else {
            throw TestFailure("the simulator did not send \(kind): HTTP \(answer.status) \(String(decoding: answer.body, as: UTF8.self))")
        }
        return record
    }

    /// Drops the site.
    func delete() async throws {
        _ = try await Self.admin(root, .delete, "__sim/sites/\(name)")
    }

    private static func admin(_ root: URL, _ method: HTTPMethod, _ path: String, _ body: Any? = nil) async throws -> HTTPResponse {
        guard let url = URL(string: root.absoluteString.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + "/" + path) else {
            throw TestFailure("cannot form the admin URL for \(path)")
        }
        let bytes = try body.map { Array(try JSONSerialization.data(withJSONObject: $0)) }
        return try await TestHTTP.client.execute(HTTPRequest(method: method, url: url, headers: ["Content-Type": "application/json"], body: bytes))
    }
}
