import Foundation
import Jira
import Mail

/// The files an event added to its issue, fetched from Jira to go with the mail: attached while
/// they fit under the per-mail cap, linked beyond it.
public struct EventAttachments: Sendable {
    /// The most bytes of attachments one mail carries; larger files (or files past the total)
    /// become links.
    public var maximumBytesPerMail: Int64

    public init(maximumBytesPerMail: Int64 = 10 << 20) {
        self.maximumBytesPerMail = maximumBytesPerMail
    }

    /// What the mail carries and what the view lists.
    public struct Collected: Sendable {
        public var files: [OutboundAttachment]
        public var listed: [NotificationView.Attachment]
    }

    /// The attachments of `event`: for a created issue, every file of `issue`; for an update,
    /// the files its changelog adds. Others add none.
    /// - Throws: `NotificationError` when Jira's `attachment` field does not read.
    /// The issue's list comes from Jira's answer when there is one, else from the webhook.
    public static func added(by event: NotificationEvent, issue: JiraIssue?) throws -> [JiraAttachment] {
        let all = issue != nil ? try Self.attachments(of: issue) : (event.attachments ?? []).map {
            JiraAttachment(id: $0.id, filename: $0.filename, size: $0.size, mimeType: $0.mimeType, content: $0.content)
        }
        switch event.webhookEvent {
        case "jira:issue_created":
            return all
        case "jira:issue_updated":
            let ids = Set(event.changes.filter { $0.field.lowercased() == "attachment" }.compactMap(\.toValue))
            return all.filter { ids.contains($0.id) }
        default:
            return []
        }
    }

    /// Downloads `attachments` in order into `directory` while they fit, through `client`.
    /// - Throws: `JiraError` when Jira fails (a file Jira no longer has is listed, not attached).
    public func collect(_ attachments: [JiraAttachment], client: JiraClient, siteBaseURL: String, directory: URL) async throws -> Collected {
        var files = [OutboundAttachment]()
        var listed = [NotificationView.Attachment]()
        var budget = maximumBytesPerMail
        for (index, attachment) in attachments.enumerated() {
            let link = Self.link(attachment, siteBaseURL: siteBaseURL)
            let size = attachment.size ?? Int64.max
            guard size <= budget else {
                listed.append(.init(filename: attachment.filename, byteCount: attachment.size.map(Int.init), attached: false, link: link))
                continue
            }
            let file = directory.appendingPathComponent("attachment-\(index)")
            defer { try? FileManager.default.removeItem(at: file) }
            let downloaded: Int64
            do {
                downloaded = try await client.downloadAttachment(id: attachment.id, to: file, maxBytes: budget)
            } catch let error as JiraError where error.status == 404 || (error.kind == .transport && !error.isRetriable) {
                // Deleted since, or larger than Jira said: link it instead.
                listed.append(.init(filename: attachment.filename, byteCount: attachment.size.map(Int.init), attached: false, link: link))
                continue
            }
            budget -= downloaded
            let bytes = Array(try Data(contentsOf: file))
            files.append(
                OutboundAttachment(
                    filename: attachment.filename, contentType: attachment.mimeType ?? "application/octet-stream", data: bytes))
            listed.append(.init(filename: attachment.filename, byteCount: Int(downloaded), attached: true, link: link))
        }
        return Collected(files: files, listed: listed)
    }

    static func attachments(of issue: JiraIssue?) throws -> [JiraAttachment] {
        guard let value = issue?.fields.other["attachment"], value != .null else { return [] }
        do {
            return try JSONDecoder().decode([JiraAttachment].self, from: try JSONEncoder().encode(value))
        } catch {
            throw NotificationError("issue \(issue?.key ?? "?"): the attachment field does not read: \(error)")
        }
    }

    static func link(_ attachment: JiraAttachment, siteBaseURL: String) -> String? {
        if let content = attachment.content, content.hasPrefix("http") { return content }
        let base = siteBaseURL.hasSuffix("/") ? String(siteBaseURL.dropLast()) : siteBaseURL
        return base + "/rest/api/3/attachment/content/" + attachment.id
    }
}
