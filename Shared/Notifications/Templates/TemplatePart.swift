/// The three templates of a set, named as errors and files name them.
public enum TemplatePart: String, Sendable, CaseIterable, Hashable {
    case subject
    case text
    case html

    /// The file a set directory holds this part in (`mailbridge template export`).
    public var filename: String { "\(rawValue).mustache" }

    /// How values are written into this part: HTML-escaped for `html`, as is otherwise.
    var output: NotificationView.Output { self == .html ? .html : .text }
}
