/// A template set that cannot be used, naming what was wrong.
public enum TemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A part does not compile; `reason` is Mustache's (e.g. `sectionCloseNameIncorrect`).
    case doesNotCompile(part: TemplatePart, line: Int, column: Int, reason: String)
    /// A part is longer than `TemplateSet.maximumPartBytes`.
    case tooLarge(part: TemplatePart, bytes: Int)
    /// A set name outside `TemplateSet.isValidName`.
    case invalidName(String)
    /// The tenant has no set of this name (and it is not `default`).
    case unknownSet(tenant: String, name: String)
    /// A set directory lacks a part's file or cannot be read.
    case unreadableFile(path: String, reason: String)

    public var description: String {
        switch self {
        case .doesNotCompile(let part, let line, let column, let reason):
            "the \(part.rawValue) template does not compile: \(reason) at line \(line), column \(column)"
        case .tooLarge(let part, let bytes):
            "the \(part.rawValue) template is \(bytes) bytes; at most \(TemplateSet.maximumPartBytes) are allowed"
        case .invalidName(let name):
            "template set name \"\(name)\" is invalid: use 1 to 64 characters of a-z, 0-9, '.', '_' and '-'"
        case .unknownSet(let tenant, let name):
            "tenant \(tenant) has no template set named \"\(name)\""
        case .unreadableFile(let path, let reason):
            "cannot read template file \(path): \(reason)"
        }
    }
}
