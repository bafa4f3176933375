/// Everything a notification mail shows: the whole Mustache context of its subject, text and HTML.
///
/// A plain value: the renderer fills it from the Jira event and Jira's answers, the preview
/// command from the event alone (`init(event:siteBaseURL:)`). Strings are stored as people wrote
/// them; escaping happens only when the view becomes a context (`mustacheContext(for:)`).
public struct NotificationView: Sendable, Equatable {
    /// The Jira site.
    public struct Site: Sendable, Equatable {
        /// What the site is called in the mail, e.g. `acme.atlassian.net`.
        public var name: String
        /// `https://acme.atlassian.net`.
        public var baseURL: String

        public init(name: String, baseURL: String) {
            self.name = name
            self.baseURL = baseURL
        }
    }

    public struct Project: Sendable, Equatable {
        public var key: String
        public var name: String?

        public init(key: String, name: String? = nil) {
            self.key = key
            self.name = name
        }
    }

    public struct Issue: Sendable, Equatable {
        public var key: String
        public var summary: String?
        public var type: String?
        public var status: String?
        /// The issue's page; only `http(s)` URLs reach a template.
        public var url: String?
        /// The description as plain (wiki) text.
        public var descriptionText: String?

        public init(
            key: String, summary: String? = nil, type: String? = nil, status: String? = nil, url: String? = nil,
            descriptionText: String? = nil
        ) {
            self.key = key
            self.summary = summary
            self.type = type
            self.status = status
            self.url = url
            self.descriptionText = descriptionText
        }
    }

    /// What happened, once.
    public struct Event: Sendable, Equatable {
        public var kind: NotificationEventKind
        /// One human sentence, e.g. "Ada Lovelace assigned ACME-7 to Bob".
        public var headline: String

        public init(kind: NotificationEventKind, headline: String) {
            self.kind = kind
            self.headline = headline
        }
    }

    /// One changed field.
    public struct Change: Sendable, Equatable {
        public var field: String
        public var from: String?
        public var to: String?

        public init(field: String, from: String? = nil, to: String? = nil) {
            self.field = field
            self.from = from
            self.to = to
        }
    }

    public struct Comment: Sendable, Equatable {
        public var author: String?
        public var text: String

        public init(author: String?, text: String) {
            self.author = author
            self.text = text
        }
    }

    /// A file of the issue the mail carries (`attached`) or links to (too large to attach).
    public struct Attachment: Sendable, Equatable {
        public var filename: String
        /// Size in bytes, when known.
        public var byteCount: Int?
        /// `true`: the file is attached to the mail; `false`: only `link` leads to it.
        public var attached: Bool
        /// Where to download it; only `http(s)` URLs reach a template.
        public var link: String?

        public init(filename: String, byteCount: Int?, attached: Bool, link: String? = nil) {
            self.filename = filename
            self.byteCount = byteCount
            self.attached = attached
            self.link = link
        }

        /// `812 bytes`, `12.5 KB`, `3.2 MB` (1024-based), or nil when the size is unknown.
        public var sizeText: String? {
            guard let byteCount else { return nil }
            return ByteSizeText.describe(byteCount)
        }
    }

    public var site: Site
    public var project: Project
    public var issue: Issue
    public var event: Event
    /// Who made the change, as Jira shows them.
    public var actorName: String?
    public var changes: [Change]
    public var comment: Comment?
    public var attachments: [Attachment]
    /// Why the recipient gets this mail, e.g. "You are the reporter of this issue."
    public var footer: String

    public init(
        site: Site, project: Project, issue: Issue, event: Event, actorName: String? = nil, changes: [Change] = [],
        comment: Comment? = nil, attachments: [Attachment] = [], footer: String
    ) {
        self.site = site
        self.project = project
        self.issue = issue
        self.event = event
        self.actorName = actorName
        self.changes = changes
        self.comment = comment
        self.attachments = attachments
        self.footer = footer
    }
}
