/// One page of a JQL search (`POST /rest/api/3/search/jql`).
public struct JiraSearchPage: Sendable, Hashable, Decodable {
    public var issues: [JiraIssue]
    /// Pass to the next call for the following page; `nil` on the last page.
    public var nextPageToken: String?
    /// Whether this is the last page (Jira omits it on some answers; then `nextPageToken == nil`).
    public var isLast: Bool

    private enum CodingKeys: String, CodingKey { case issues, nextPageToken, isLast }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        issues = try container.decodeIfPresent([JiraIssue].self, forKey: .issues) ?? []
        nextPageToken = try container.decodeIfPresent(String.self, forKey: .nextPageToken)
        isLast = try container.decodeIfPresent(Bool.self, forKey: .isLast) ?? (nextPageToken == nil)
    }
}

/// Writing JQL safely.
public enum JQL {
    /// `value` as a JQL string literal: in double quotes, with `"` and `\` escaped and line
    /// breaks written as `\n`/`\r`, so no input can end the literal early.
    public static func string(_ value: String) -> String {
        var literal = "\""
        for character in value.unicodeScalars {
            switch character {
            case "\"": literal += "\\\""
            case "\\": literal += "\\\\"
            case "\n": literal += "\\n"
            case "\r": literal += "\\r"
            case "\t": literal += "\\t"
            default: literal.unicodeScalars.append(character)
            }
        }
        return literal + "\""
    }
}
