import Curl
import Foundation
import Jira
import Testing

@Suite("JiraClient attachments")
struct JiraClientAttachmentTests {
    private func temporaryFile() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("jira-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent("attachment.bin")
    }

    @Test("upload: multipart with the file part, X-Atlassian-Token: no-check, signed")
    func upload() async throws {
        let scenario = try await Scenario.make()
        try await scenario.script([
            .json([["id": "30001", "filename": "Bericht \"Q3\" ü.pdf", "size": 6, "mimeType": "application/pdf", "content": "https://x/30001"]]),
        ], secret: JiraClientTests.secret)
        let bytes: [UInt8] = [0x25, 0x50, 0x44, 0x46, 0x0D, 0x0A]
        let attachments = try await JiraClientTests.client(scenario).addAttachment(
            issue: "ACME-1", filename: "Bericht \"Q3\" ü.pdf", contentType: "application/pdf", bytes: bytes
        )
        #expect(attachments.map(\.id) == ["30001"])
        let request = try #require(try await scenario.requests().first)
        #expect(request.relative == "/rest/api/3/issue/ACME-1/attachments")
        #expect(request.header("X-Atlassian-Token") == "no-check")
        let contentType = try #require(request.header("Content-Type"))
        #expect(contentType.hasPrefix("multipart/form-data; boundary=mailbridge-"))
        let boundary = String(contentType.split(separator: "=", maxSplits: 1)[1])
        let expected = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"Bericht %22Q3%22 ü.pdf\"\r\nContent-Type: application/pdf\r\n\r\n".utf8)
            + bytes + Array("\r\n--\(boundary)--\r\n".utf8)
        #expect(request.body == expected)
        JiraClientTests.expectSigned(request)
    }

    @Test("upload: over the configured size or without a name is refused before sending")
    func uploadLimits() async throws {
        let scenario = try await Scenario.make()
        let client = JiraClientTests.client(scenario, configuration: JiraClient.Configuration(maxUploadBytes: 4))
        await #expect(throws: JiraError.self) {
            _ = try await client.addAttachment(issue: "ACME-1", filename: "a.bin", contentType: "application/octet-stream", bytes: [1, 2, 3, 4, 5])
        }
        await #expect(throws: JiraError.self) {
            _ = try await client.addAttachment(issue: "ACME-1", filename: "", contentType: "text/plain", bytes: [1])
        }
        #expect(try await scenario.requests().isEmpty)
    }

    @Test("download: follows Jira's redirect within the site (signed again) to the content")
    func downloadWithinSite() async throws {
        let scenario = try await Scenario.make()
        try await scenario.script([
            Answer(status: 303, headers: [["Location", "/s/\(scenario.id)/media/file/abc/binary?token=t0k&client=c1"]]),
            Answer(bytes: (count: 100_000, byte: 0x42)),
        ], secret: JiraClientTests.secret)
        let file = try temporaryFile()
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        let size = try await JiraClientTests.client(scenario).downloadAttachment(id: "30001", to: file, maxBytes: 1 << 20)
        #expect(size == 100_000)
        let data = try Data(contentsOf: file)
        #expect(data.count == 100_000)
        #expect(data.allSatisfy { $0 == 0x42 })
        let requests = try await scenario.requests()
        #expect(requests.map(\.relative) == ["/rest/api/3/attachment/content/30001", "/media/file/abc/binary"])
        #expect(requests[1].query == "token=t0k&client=c1")
        for request in requests { JiraClientTests.expectSigned(request) }
    }

    @Test("download: a redirect to another origin goes without our credentials")
    func downloadElsewhere() async throws {
        let scenario = try await Scenario.make()
        try await scenario.script([
            Answer(status: 303, headers: [["Location", "\(scenario.elsewhereURL)/file/abc/binary?token=media-token"]]),
            Answer(bytes: (count: 10, byte: 0x43)),
        ], secret: JiraClientTests.secret)
        let file = try temporaryFile()
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        #expect(try await JiraClientTests.client(scenario).downloadAttachment(id: "30001", to: file, maxBytes: 100) == 10)
        let requests = try await scenario.requests()
        #expect(requests.count == 2)
        JiraClientTests.expectSigned(requests[0])
        #expect(requests[1].target.hasPrefix("/elsewhere/"))
        #expect(requests[1].header("Authorization") == nil)
    }

    @Test("download: too large fails without a file left; 404 is Jira's error")
    func downloadFailures() async throws {
        let scenario = try await Scenario.make()
        try await scenario.script([
            Answer(bytes: (count: 5000, byte: 1)),
            .status(404, ["errorMessages": ["The attachment does not exist."]]),
        ])
        let client = JiraClientTests.client(scenario, apiToken: true)
        let file = try temporaryFile()
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        do {
            _ = try await client.downloadAttachment(id: "1", to: file, maxBytes: 1000)
            Issue.record("a body over maxBytes was accepted")
        } catch let error as JiraError {
            #expect(error.kind == .transport)
            #expect(!error.isRetriable)
        }
        #expect(!FileManager.default.fileExists(atPath: file.path))
        do {
            _ = try await client.downloadAttachment(id: "2", to: file, maxBytes: 1000)
            Issue.record("a 404 was accepted")
        } catch let error as JiraError {
            #expect(error.status == 404)
            #expect(error.errorMessages == ["The attachment does not exist."])
        }
        #expect(!FileManager.default.fileExists(atPath: file.path))
    }

    @Test("install keys fetched from a key server by kid")
    func installKeysFromServer() async throws {
        let scenario = try await Scenario.make()
        try await scenario.script([Answer(body: JWTVectors.installPublicKey), .status(404)])
        let keys = ConnectInstallKeys.server(URL(string: scenario.siteURL + "/keys")!)
        let verifier = ConnectTokenVerifier()
        let request = CanonicalRequest(method: "POST", target: "/jira/installed", basePath: "/jira")
        let claims = try await verifier.verifyInstallCallback(
            try JSONWebToken(parsing: JWTVectors.installToken), keys: keys, appBaseURL: JWTVectors.appBaseURL,
            clientKey: JWTVectors.clientKey, request: request, now: Date(timeIntervalSince1970: TimeInterval(JWTVectors.issuedAt + 5))
        )
        #expect(claims.iss == JWTVectors.clientKey)
        #expect(try await scenario.requests().first?.relative == "/keys/key-2024-01")
        await #expect(throws: JiraAuthenticationError.self) {
            _ = try await verifier.verifyInstallCallback(
                try JSONWebToken(parsing: JWTVectors.installToken), keys: keys, appBaseURL: JWTVectors.appBaseURL,
                clientKey: JWTVectors.clientKey, request: request, now: Date(timeIntervalSince1970: TimeInterval(JWTVectors.issuedAt + 5))
            )
        }
    }
}
