import Crypto
import Encryption
import Foundation
import Jira
import Kafka
import Logging
import Mail
import Messaging
import ObjectStorage
import Postgres

/// Turns one sealed Jira event into one sealed mail in the object store and a
/// `mail.outbound` record, or into nothing when no scheme applies.
///
/// Replays are harmless: the object key, the Message-ID and the request id are derived from the
/// event id, so a second run overwrites the same object and produces a record the sender has
/// already served (its ledger is keyed by request id and recipient).
public struct NotificationRenderer: Sendable {
    /// What became of an event.
    public enum Result: Sendable, Equatable {
        case rendered(OutboundMailRequest)
        case dropped(RenderAudit.Outcome)
    }

    let settings: RendererSettings
    let cipher: TenantCipher
    let schemes: SchemeCache
    let templates: TemplateStore
    let jira: TenantJiraClients
    let objects: any ObjectStore
    let publisher: EventPublisher
    let audit: RenderAudit
    let logger: Logger

    public init(
        settings: RendererSettings, cipher: TenantCipher, schemes: SchemeCache, templates: TemplateStore, jira: TenantJiraClients,
        objects: any ObjectStore, publisher: EventPublisher, audit: RenderAudit, logger: Logger
    ) {
        self.settings = settings
        self.cipher = cipher
        self.schemes = schemes
        self.templates = templates
        self.jira = jira
        self.objects = objects
        self.publisher = publisher
        self.audit = audit
        self.logger = logger
    }

    /// Renders the event in `envelope`, stores the mail and produces its `mail.outbound` record.
    /// - Throws: what failed; ``isTransient(_:)`` says whether trying again may help.
    public func render(_ envelope: EventEnvelope) async throws -> Result {
        let tenant = envelope.tenant
        let body = try await envelope.openBody(with: cipher, purpose: RendererSettings.Topics.eventsPurpose)
        let event = try NotificationEvent(webhookJSON: body)
        guard let scheme = try await schemes.scheme(tenant: tenant, project: event.projectKey) else {
            try await audit.record(tenant: tenant, eventID: envelope.id, issueKey: event.issueKey, outcome: .noScheme)
            return .dropped(.noScheme)
        }
        let rules = scheme.rules(matching: event)
        guard !rules.isEmpty else {
            try await audit.record(tenant: tenant, eventID: envelope.id, issueKey: event.issueKey, outcome: .noRule)
            return .dropped(.noRule)
        }
        let (client, record) = try await jira.client(for: tenant)
        let issue = try await currentIssue(event, rules: rules, client: client)
        let watchers = rules.contains(where: \.recipients.watchers) && !event.kinds.contains(.deleted)
            ? try await client.watchers(ofIssue: event.issueKey).watchers : []
        let recipients = RecipientResolver().resolve(rules: rules, event: event, issue: issue, watchers: watchers)
        guard !recipients.recipients.isEmpty else {
            try await audit.record(
                tenant: tenant, eventID: envelope.id, issueKey: event.issueKey, outcome: .noRecipient, hiddenAccounts: recipients.hiddenAccounts)
            return .dropped(.noRecipient)
        }
        let siteURL = record.displayURL ?? record.baseURL
        var view = try NotificationView(event: event, siteBaseURL: siteURL)
        view.apply(issue: issue, recipients: recipients)
        let files = try await attachments(for: event, issue: issue, client: client, siteURL: siteURL, view: &view)
        let rendered = try await templates.templates(tenant: tenant, name: scheme.templateSet).render(view)
        let built = try build(rendered, scheme: scheme, event: event, view: view, files: files, envelope: envelope)
        let objectKey = try Self.objectKey(tenant: tenant, envelope: envelope)
        let sealed = try await cipher.seal(built.bytes, tenant: tenant, purpose: OutboundMailRequest.objectPurpose)
        try await objects.put(key: objectKey, bytes: sealed)
        let request = OutboundMailRequest(
            tenant: tenant, requestID: envelope.id, kind: .notification, objectKey: objectKey, messageID: built.messageID,
            envelopeFrom: scheme.from ?? settings.defaultFrom, recipients: recipients.addresses, subject: rendered.subject,
            byteCount: built.bytes.count, issueKey: event.issueKey)
        try await publisher.publish(
            topic: settings.topics.outbound, purpose: RendererSettings.Topics.outboundPurpose, tenant: tenant,
            type: OutboundMailRequest.Kind.notification.rawValue, id: envelope.id, body: try TopicRecordCoding.encode(request))
        try await audit.record(
            tenant: tenant, eventID: envelope.id, issueKey: event.issueKey, outcome: .rendered, recipientCount: recipients.recipients.count,
            hiddenAccounts: recipients.hiddenAccounts, objectKey: objectKey)
        return .rendered(request)
    }

    /// The issue as Jira has it now, with the fields the rules need; `nil` once it is deleted, or
    /// when the webhook already carries everything the rules and the mail need (no call back).
    private func currentIssue(_ event: NotificationEvent, rules: [NotificationRule], client: JiraClient) async throws -> JiraIssue? {
        guard !event.kinds.contains(.deleted), Self.needsCallBack(event, rules: rules) else { return nil }
        let fields = JiraIssue.defaultFields + ["attachment"] + Set(rules.flatMap(\.recipients.emailParticipantFields)).sorted()
        do {
            return try await client.issue(event.issueKey, fields: fields)
        } catch let error as JiraError where error.status == 404 {
            return nil
        }
    }

    /// Whether the webhook lacks something the rules or the mail need, so Jira must be asked:
    /// the summary; the address of a reporter or assignee a rule names; a participants field; the
    /// list of files a created issue has; the details of a file an update added.
    static func needsCallBack(_ event: NotificationEvent, rules: [NotificationRule]) -> Bool {
        guard event.summary != nil else { return true }
        let wanted = rules.map(\.recipients)
        if wanted.contains(where: \.reporter), event.reporter?.emailAddress == nil { return true }
        if wanted.contains(where: \.assignee), event.assignee?.emailAddress == nil { return true }
        if wanted.flatMap(\.emailParticipantFields).contains(where: { event.fieldsJSON[$0] == nil }) { return true }
        if event.webhookEvent == "jira:issue_created", event.attachments == nil { return true }
        if event.changes.contains(where: { $0.field.lowercased() == "attachment" && $0.toValue != nil }) {
            // The changelog names the file; its size and type are in the issue's list.
            let listed = Set(event.attachments?.map(\.id) ?? [])
            return event.changes.contains { $0.field.lowercased() == "attachment" && $0.toValue.map { !listed.contains($0) } ?? false }
        }
        return false
    }

    private func attachments(
        for event: NotificationEvent, issue: JiraIssue?, client: JiraClient, siteURL: String, view: inout NotificationView
    ) async throws -> [OutboundAttachment] {
        let added = try EventAttachments.added(by: event, issue: issue)
        guard !added.isEmpty else { return [] }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mailbridge-render-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let collected = try await settings.attachments.collect(added, client: client, siteBaseURL: siteURL, directory: directory)
        view.attachments = collected.listed
        return collected.files
    }

    private func build(
        _ rendered: RenderedNotification, scheme: NotificationScheme, event: NotificationEvent, view: NotificationView,
        files: [OutboundAttachment], envelope: EventEnvelope
    ) throws -> BuiltMail {
        let fromAddress = scheme.from ?? settings.defaultFrom
        let fromName = view.actorName.map { "\($0) (Jira)" } ?? "Jira"
        let mail = OutboundMail(
            from: MailAddress(displayName: fromName, address: fromAddress), to: [], subject: rendered.subject,
            textBody: rendered.text, htmlBody: rendered.html, attachments: files,
            threading: MailThreading.forIssue(event.issueKey, tenantID: envelope.tenant, domain: settings.messageIDDomain),
            extraHeaders: [OutboundHeader(name: "X-Mailbridge-Issue", value: event.issueKey)])
        let date = event.timestamp.map { Date(timeIntervalSince1970: Double($0) / 1000) } ?? Date()
        return try MailBuilder(messageIDDomain: settings.messageIDDomain, origin: settings.origin)
            .build(mail, date: date, messageID: Self.messageID(tenant: envelope.tenant, eventID: envelope.id, domain: settings.messageIDDomain))
    }

    /// `sent/<tenant>/<yyyy>/<mm>/<dd>/<digest of the event id>.eml`, dated when the event arrived.
    static func objectKey(tenant: String, envelope: EventEnvelope) throws -> String {
        let day = envelope.at.prefix(10).split(separator: "-")
        guard day.count == 3, day.allSatisfy({ $0.allSatisfy(\.isNumber) }) else {
            throw NotificationError("envelope \(envelope.id): at \"\(envelope.at)\" is not an ISO 8601 date")
        }
        return "sent/\(tenant)/\(day[0])/\(day[1])/\(day[2])/\(digest(tenant + "\u{0}" + envelope.id)).eml"
    }

    /// A Message-ID that is the same every time this event is rendered.
    static func messageID(tenant: String, eventID: String, domain: String) -> String {
        "notification." + digest(tenant + "\u{0}" + eventID) + "@" + domain
    }

    private static func digest(_ text: String) -> String {
        SHA256.hash(data: Array(text.utf8)).prefix(16).map { String(format: "%02x", $0) }.joined()
    }
}
