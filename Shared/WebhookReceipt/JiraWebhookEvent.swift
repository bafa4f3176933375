import Foundation

/// The fields of a Jira webhook body that decide whether it is kept: its event name and the
/// project of its issue. The body itself is kept as received (sealed), never re-encoded.
struct JiraWebhookEvent: Sendable, Equatable {
    /// `webhookEvent`, e.g. `jira:issue_created` or `comment_created`.
    var event: String
    /// `issue.fields.project.key`, when the event carries an issue.
    var projectKey: String?

    /// - Throws: `WebhookReceiptError` when the body is not a JSON object with a `webhookEvent` string.
    init(json: [UInt8]) throws {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(json))
        } catch {
            throw WebhookReceiptError("webhook body is not JSON")
        }
        guard let root = object as? [String: Any] else { throw WebhookReceiptError("webhook body is not a JSON object") }
        guard let event = root["webhookEvent"] as? String, !event.isEmpty else {
            throw WebhookReceiptError("webhook body has no webhookEvent string")
        }
        self.event = event
        let issue = root["issue"] as? [String: Any]
        let fields = issue?["fields"] as? [String: Any]
        let project = fields?["project"] as? [String: Any]
        projectKey = project?["key"] as? String
    }
}
