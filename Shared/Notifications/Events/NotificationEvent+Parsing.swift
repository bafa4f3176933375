import Foundation

extension NotificationEvent {
    /// Reads a Jira webhook body.
    /// - Throws: `NotificationError` naming the first missing or mistyped part (`webhookEvent`,
    ///   `issue.id`, `issue.key`, `issue.fields.project.key`).
    public init(webhookJSON json: [UInt8]) throws {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(json))
        } catch {
            throw NotificationError("webhook body is not JSON: \(error.localizedDescription)")
        }
        guard let root = object as? [String: Any] else { throw NotificationError("webhook body is not a JSON object") }
        guard let event = root["webhookEvent"] as? String, !event.isEmpty else {
            throw NotificationError("webhook body has no webhookEvent string")
        }
        guard let issue = root["issue"] as? [String: Any] else { throw NotificationError("\(event): webhook body has no issue object") }
        guard let issueID = Self.string(issue["id"]) else { throw NotificationError("\(event): issue.id is missing") }
        guard let issueKey = issue["key"] as? String, !issueKey.isEmpty else { throw NotificationError("\(event): issue.key is missing") }
        let fields = issue["fields"] as? [String: Any] ?? [:]
        let project = fields["project"] as? [String: Any]
        guard let projectKey = project?["key"] as? String, !projectKey.isEmpty else {
            throw NotificationError("\(event): issue.fields.project.key is missing")
        }
        webhookEvent = event
        issueEventTypeName = root["issue_event_type_name"] as? String
        timestamp = (root["timestamp"] as? NSNumber)?.int64Value
        actor = Self.person(root["user"])
        self.issueID = issueID
        self.issueKey = issueKey
        self.projectKey = projectKey
        projectName = project?["name"] as? String
        issueType = (fields["issuetype"] as? [String: Any])?["name"] as? String
        summary = fields["summary"] as? String
        status = (fields["status"] as? [String: Any])?["name"] as? String
        description = fields["description"] as? String
        reporter = Self.person(fields["reporter"])
        assignee = Self.person(fields["assignee"])
        var texts = [String: String]()
        for (name, value) in fields {
            if let text = value as? String { texts[name] = text }
        }
        fieldsJSON = texts
        let items = (root["changelog"] as? [String: Any])?["items"] as? [[String: Any]] ?? []
        changes = items.compactMap { item in
            guard let field = item["field"] as? String else { return nil }
            return Change(
                field: field, fieldID: item["fieldId"] as? String, from: item["fromString"] as? String,
                to: item["toString"] as? String, toValue: Self.string(item["to"]))
        }
        if let files = fields["attachment"] as? [[String: Any]] {
            attachments = files.compactMap { file in
                guard let id = Self.string(file["id"]), let name = file["filename"] as? String else { return nil }
                return Attachment(
                    id: id, filename: name, size: (file["size"] as? NSNumber)?.int64Value, mimeType: file["mimeType"] as? String,
                    content: file["content"] as? String)
            }
        } else {
            attachments = nil
        }
        if let comment = root["comment"] as? [String: Any], let id = Self.string(comment["id"]) {
            let properties = comment["jsdPublic"] as? Bool
            self.comment = Comment(
                id: id, body: comment["body"] as? String ?? "", author: Self.person(comment["author"]),
                isInternal: properties == false)
        } else {
            comment = nil
        }
    }

    private static func person(_ value: Any?) -> Person? {
        guard let object = value as? [String: Any], let id = object["accountId"] as? String, !id.isEmpty else { return nil }
        return Person(accountID: id, displayName: object["displayName"] as? String, emailAddress: object["emailAddress"] as? String)
    }

    private static func string(_ value: Any?) -> String? {
        if let text = value as? String { return text.isEmpty ? nil : text }
        if let number = value as? NSNumber { return number.stringValue }
        return nil
    }
}
