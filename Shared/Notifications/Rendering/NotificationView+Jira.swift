import Jira

extension NotificationView {
    /// Brings what the webhook carried up to date with the issue as Jira has it now, and says
    /// in the footer why the recipients get the mail.
    mutating func apply(issue: JiraIssue?, recipients: NotificationRecipients) {
        if let fields = issue?.fields {
            self.issue.summary = fields.summary ?? self.issue.summary
            self.issue.status = fields.status?.name ?? self.issue.status
            self.issue.type = fields.issueType?.name ?? self.issue.type
            if let description = fields.description?.plainText, !description.isEmpty {
                self.issue.descriptionText = description.count > Self.descriptionLimit
                    ? String(description.prefix(Self.descriptionLimit)) + "…" : description
            }
            project.name = fields.project?.name ?? project.name
        }
        footer = Self.footer(reasons: Set(recipients.recipients.flatMap(\.reasons)), project: project.key)
    }

    /// "You receive this mail as the reporter, assignee or a watcher of this issue, …".
    static func footer(reasons: Set<NotificationRecipients.Reason>, project: String) -> String {
        let roles = reasons.sorted().compactMap { reason -> String? in
            switch reason {
            case .reporter: "the reporter"
            case .assignee: "the assignee"
            case .watcher: "a watcher"
            case .participant: "a participant"
            case .address: nil
            }
        }
        var parts = [String]()
        if !roles.isEmpty {
            let list = roles.count == 1 ? roles[0] : roles.dropLast().joined(separator: ", ") + " or " + roles.last!
            parts.append("as \(list) of this issue")
        }
        if reasons.contains(.address) { parts.append("as an address on the notification list of project \(project)") }
        return "You receive this mail " + parts.joined(separator: ", or ") + "."
    }
}
