import Foundation

extension NotificationEventKind {
    /// The one kind a mail is about when a webhook is several (an assignment is also an update):
    /// deleted, created, commented, resolved, assigned, then updated.
    public static func primary(of kinds: Set<NotificationEventKind>) -> NotificationEventKind? {
        [.deleted, .created, .commented, .resolved, .assigned, .updated].first { kinds.contains($0) }
    }
}

extension NotificationView {
    /// The longest description a mail quotes; the issue link shows the rest.
    static let descriptionLimit = 4_000
    /// The longest old or new value of a changed field a mail shows (a changed description).
    static let changeValueLimit = 1_000

    /// A view built from the webhook alone, without asking Jira anything (what
    /// `mailbridge template preview` shows): attachments added by the event become links of
    /// unknown size, and the footer names the project's notification scheme.
    /// - Throws: `NotificationError` when the webhook is no notification kind at all.
    public init(event: NotificationEvent, siteBaseURL: String, siteName: String? = nil) throws {
        guard let kind = NotificationEventKind.primary(of: event.kinds) else {
            throw NotificationError("\(event.webhookEvent) on \(event.issueKey) is not an event a notification is sent for")
        }
        let base = siteBaseURL.hasSuffix("/") ? String(siteBaseURL.dropLast()) : siteBaseURL
        let actor = event.actor?.displayName ?? event.comment?.author?.displayName
        let cut: (String?, Int) -> String? = { text, limit in
            guard let text, text.count > limit else { return text }
            return String(text.prefix(limit)) + "…"
        }
        let attachmentChanges = event.changes.filter { $0.field.lowercased() == "attachment" && $0.to != nil }
        self.init(
            site: Site(name: siteName ?? URL(string: base)?.host ?? base, baseURL: base),
            project: Project(key: event.projectKey, name: event.projectName),
            issue: Issue(
                key: event.issueKey, summary: event.summary, type: event.issueType, status: event.status,
                url: base + "/browse/" + event.issueKey, descriptionText: cut(event.description, Self.descriptionLimit)),
            event: Event(kind: kind, headline: Self.headline(kind: kind, event: event, actor: actor)),
            actorName: actor,
            changes: event.changes.filter { $0.field.lowercased() != "attachment" }.map {
                Change(field: $0.field, from: cut($0.from, Self.changeValueLimit), to: cut($0.to, Self.changeValueLimit))
            },
            comment: event.comment.map { Comment(author: $0.author?.displayName, text: $0.body) },
            attachments: attachmentChanges.map { change in
                let name = change.to ?? ""
                let link = change.toValue.map { id in
                    base + "/secure/attachment/" + id + "/" + (name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? "")
                }
                return Attachment(filename: name, byteCount: nil, attached: false, link: link)
            },
            footer: "You receive this mail because of the notification scheme of project \(event.projectKey).")
    }

    /// "Ada Lovelace assigned ACME-7 to Bob", "Ada Lovelace commented on ACME-7", ….
    static func headline(kind: NotificationEventKind, event: NotificationEvent, actor: String?) -> String {
        let who = actor ?? "Someone"
        let key = event.issueKey
        switch kind {
        case .created: return "\(who) created \(key)"
        case .updated: return "\(who) updated \(key)"
        case .commented: return "\(who) commented on \(key)"
        case .deleted: return "\(who) deleted \(key)"
        case .assigned:
            let assignee = event.changes.last { ($0.fieldID ?? $0.field) == "assignee" }?.to
            return assignee.map { "\(who) assigned \(key) to \($0)" } ?? "\(who) unassigned \(key)"
        case .resolved:
            let resolution = event.changes.last { ($0.fieldID ?? $0.field) == "resolution" }?.to
            return resolution.map { "\(who) resolved \(key) as \($0)" } ?? "\(who) resolved \(key)"
        }
    }
}
