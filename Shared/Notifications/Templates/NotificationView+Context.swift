import Foundation

extension NotificationView {
    /// How the values of a context are written.
    public enum Output: Sendable {
        /// As is: for the subject and the plain-text part.
        case text
        /// HTML-escaped (`& < > " '`), line breaks of multi-line values (description, comment,
        /// a change's `from` and `to`) as `<br>`: for the HTML part. The values are
        /// escaped here, and the templates render with Mustache's TEXT content type, so neither
        /// `{{x}}` nor `{{{x}}}` can put a user's markup into the HTML.
        case html
    }

    /// The Mustache context: dictionaries and arrays of `String` and `Bool` (what swift-mustache
    /// renders through its `MustacheParent` and `MustacheSequence` conformances).
    ///
    /// Keys (the same for both outputs; absent when empty, so `{{#issue.status}}` tests presence):
    /// `site.name`, `site.url`, `project.key`, `project.name`, `issue.key`, `issue.summary`,
    /// `issue.type`, `issue.status`, `issue.url`, `issue.description`, `event.kind`,
    /// `event.headline`, `actor.name`, `isCreated` … `isDeleted`, `changes` (`field`, `from`,
    /// `to`), `hasChanges`, `comment` (`author`, `text`), `attachments` (`filename`, `size`,
    /// `attached`, `link`), `hasAttachments`, `footer`. URLs other than `http(s)` are left out.
    public func mustacheContext(for output: Output) -> [String: Any] {
        let line: (String?) -> String? = { value in value.flatMap { $0.isEmpty ? nil : Self.write($0, output, multiline: false) } }
        let block: (String?) -> String? = { value in value.flatMap { $0.isEmpty ? nil : Self.write($0, output, multiline: true) } }
        let link: (String?) -> String? = { value in Self.webURL(value).map { Self.write($0, output, multiline: false) } }

        var context: [String: Any] = [:]
        context["site"] = Self.compact(["name": line(site.name), "url": link(site.baseURL)])
        context["project"] = Self.compact(["key": line(project.key), "name": line(project.name)])
        context["issue"] = Self.compact([
            "key": line(issue.key), "summary": line(issue.summary), "type": line(issue.type), "status": line(issue.status),
            "url": link(issue.url), "description": block(issue.descriptionText),
        ])
        context["event"] = Self.compact(["kind": event.kind.rawValue, "headline": line(event.headline)])
        if let actor = line(actorName) { context["actor"] = ["name": actor] }
        for kind in NotificationEventKind.allCases {
            context["is" + kind.rawValue.prefix(1).uppercased() + kind.rawValue.dropFirst()] = kind == event.kind
        }
        let changeList: [[String: Any]] = changes.map { change in
            Self.compact(["field": line(change.field), "from": block(change.from), "to": block(change.to)])
        }
        context["changes"] = changeList
        context["hasChanges"] = !changeList.isEmpty
        if let comment {
            context["comment"] = Self.compact(["author": line(comment.author), "text": block(comment.text) ?? ""])
        }
        let attachmentList: [[String: Any]] = attachments.map { attachment in
            var entry = Self.compact(["filename": line(attachment.filename), "size": line(attachment.sizeText), "link": link(attachment.link)])
            entry["attached"] = attachment.attached
            return entry
        }
        context["attachments"] = attachmentList
        context["hasAttachments"] = !attachmentList.isEmpty
        if let footer = line(footer) { context["footer"] = footer }
        return context
    }

    /// The dictionary without its nil values.
    private static func compact(_ values: [String: String?]) -> [String: Any] {
        var result: [String: Any] = [:]
        for (key, value) in values {
            if let value { result[key] = value }
        }
        return result
    }

    /// `value` when it is an absolute `http` or `https` URL without spaces or control characters.
    static func webURL(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        let lower = value.lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://") else { return nil }
        guard value.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F }) else { return nil }
        return value
    }

    private static func write(_ value: String, _ output: Output, multiline: Bool) -> String {
        switch output {
        case .text:
            return value
        case .html:
            let escaped = HTMLEscaping.escape(value)
            guard multiline else { return escaped }
            return escaped.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
                .replacingOccurrences(of: "\n", with: "<br>\n")
        }
    }
}
