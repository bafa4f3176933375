import Jira

/// The fields of a Jira webhook body that decide whether it is kept: its event name and the
/// project of its issue. The body itself is kept as received (sealed), never re-encoded.
struct JiraWebhookEvent: Sendable, Equatable {
    /// `webhookEvent`, e.g. `jira:issue_created` or `comment_created`.
    var event: String
    /// `issue.fields.project.key`, when the event carries an issue.
    var projectKey: String?

    private static let reader = JSONFieldReader(paths: [["webhookEvent"], ["issue", "fields", "project", "key"]])

    /// - Throws: `WebhookReceiptError` when the body is not a JSON object with a `webhookEvent` string.
    init(json: [UInt8]) throws {
        let fields: JSONFieldReader.Fields
        do {
            fields = try Self.reader.read(json)
        } catch {
            throw WebhookReceiptError("webhook body is not a JSON object: \(error)")
        }
        guard case .string(let event)? = fields[["webhookEvent"]], !event.isEmpty else {
            throw WebhookReceiptError("webhook body has no webhookEvent string")
        }
        self.event = event
        if case .string(let key)? = fields[["issue", "fields", "project", "key"]] {
            projectKey = key
        } else {
            projectKey = nil
        }
    }
}
