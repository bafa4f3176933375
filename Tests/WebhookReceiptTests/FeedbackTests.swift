import Foundation
import Messaging
import Testing

@testable import WebhookReceipt

extension WebhookReceiptSerialSuites {
    @Suite struct FeedbackTests {
        @Test("feedback from a user of an active tenant reaches app.feedback, sealed; bad calls are refused")
        func feedback() async throws {
            try await WebhookStack.with { (stack: WebhookStack) async throws -> Void in
                #expect(try await stack.lifecycle("installed") == 200)
                let tenant = try await stack.tenant()
                let path = WebhookServer.feedbackPath
                let context = try stack.token(path: path, qsh: "context-qsh", subject: "5b10ac8d82e05b22cc7d4ef5")
                let good = Array(#"{"email":"ada@example.test","message":"Love it"}"#.utf8)

                #expect(try await stack.call(path, body: good, token: nil).status == 401)
                let wrongSecret = try stack.token(path: path, secret: "wrong-secret-wrong-secret-wrong-secret", qsh: "context-qsh")
                #expect(try await stack.call(path, body: good, token: wrongSecret).status == 401)
                let notAnAddress = Array(#"{"email":"not an address"}"#.utf8)
                #expect(try await stack.call(path, body: notAnAddress, token: context).status == 400)
                #expect(try await stack.call(path, body: Array("{}".utf8), token: context).status == 400)
                #expect(try await stack.call(path, body: good, token: context).status == 200)
                // Signed for this very request (not a context token) works too.
                let request = try stack.token(path: path)
                let other = Array(#"{"email":"bob@example.test"}"#.utf8)
                #expect(try await stack.call(path, body: other, token: request).status == 200)

                let records = try await stack.records(stack.configuration.topics.feedback, count: 2)
                #expect(records.allSatisfy { $0.keyString == tenant.tenantID })
                let envelope = try EventEnvelope(json: records[0].value)
                #expect(envelope.type == "feedback")
                #expect(!String(decoding: records[0].value, as: UTF8.self).contains("ada@example.test"))
                let opened = try await stack.open(envelope, purpose: WebhookReceiptConfiguration.Topics.feedbackPurpose)
                let event = try JSONDecoder().decode(FeedbackEvent.self, from: Data(opened))
                #expect(event.email == "ada@example.test")
                #expect(event.message == "Love it")
                #expect(event.accountId == "5b10ac8d82e05b22cc7d4ef5")
                #expect(event.hostBaseUrl == tenant.baseURL)
            }
        }
    }
}
