/// The sources of one set of notification templates: subject, plain text and HTML (Mustache).
///
/// One set serves every event kind: the templates vary through sections such as
/// `{{#isCommented}}…{{/isCommented}}` (see `NotificationView.mustacheContext(for:)` and
/// docs/templates.md). `TemplateSet.defaults` is what a tenant gets without overrides.
public struct TemplateSet: Sendable, Equatable {
    /// The name schemes use for the shipped set (which a tenant may override).
    public static let defaultName = "default"
    /// The largest source accepted for one part.
    public static let maximumPartBytes = 256 * 1024

    public var subject: String
    public var text: String
    public var html: String

    public init(subject: String, text: String, html: String) {
        self.subject = subject
        self.text = text
        self.html = html
    }

    /// The source of `part`.
    public subscript(part: TemplatePart) -> String {
        get {
            switch part {
            case .subject: subject
            case .text: text
            case .html: html
            }
        }
        set {
            switch part {
            case .subject: subject = newValue
            case .text: text = newValue
            case .html: html = newValue
            }
        }
    }

    /// Whether `name` can name a set: 1 to 64 characters of `a-z 0-9 . _ -`.
    public static func isValidName(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count)
            && name.utf8.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
            }
    }
}
