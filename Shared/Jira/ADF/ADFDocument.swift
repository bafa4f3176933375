/// An Atlassian Document Format document: Jira's rich text for descriptions and comments.
///
/// Reading keeps every node, known or not (``ADFNode`` is generic), so documents Jira wrote
/// (mentions, panels, tables, media) render to text; the converters here write only nodes and
/// marks Jira accepts in descriptions and comments (see ``ADFNode``).
public struct ADFDocument: Sendable, Hashable, Codable {
    /// Always 1.
    public var version: Int
    /// Always `doc`.
    public var type: String
    public var content: [ADFNode]

    public init(content: [ADFNode]) {
        self.version = 1
        self.type = "doc"
        self.content = content
    }

    /// Whether the document shows nothing.
    public var isEmpty: Bool {
        content.allSatisfy(\.isBlank)
    }

    /// The document as a JSON value (for request bodies built from ``JSONValue``).
    public var json: JSONValue {
        ["version": .number(Double(version)), "type": .string(type), "content": .array(content.map(\.json))]
    }
}

/// One node of an ADF document: a block (`paragraph`, `bulletList`, …) or an inline node
/// (`text`, `hardBreak`, `mention`, …).
///
/// The builders below make the nodes Mailbridge writes: `paragraph`, `heading`, `bulletList`,
/// `orderedList`, `listItem`, `blockquote`, `codeBlock`, `rule`, `text`, `hardBreak`.
public struct ADFNode: Sendable, Hashable, Codable {
    public var type: String
    /// The text of a `text` node (never empty in a valid document).
    public var text: String?
    public var attrs: [String: JSONValue]?
    public var marks: [ADFMark]?
    public var content: [ADFNode]?

    public init(type: String, text: String? = nil, attrs: [String: JSONValue]? = nil, marks: [ADFMark]? = nil, content: [ADFNode]? = nil) {
        self.type = type
        self.text = text
        self.attrs = attrs
        self.marks = marks
        self.content = content
    }

    public static func paragraph(_ content: [ADFNode]) -> ADFNode {
        ADFNode(type: "paragraph", content: content)
    }

    /// A heading of `level` 1–6 (clamped).
    public static func heading(level: Int, _ content: [ADFNode]) -> ADFNode {
        ADFNode(type: "heading", attrs: ["level": .number(Double(min(6, max(1, level))))], content: content)
    }

    public static func text(_ text: String, marks: [ADFMark] = []) -> ADFNode {
        ADFNode(type: "text", text: text, marks: marks.isEmpty ? nil : marks)
    }

    public static let hardBreak = ADFNode(type: "hardBreak")

    public static let rule = ADFNode(type: "rule")

    public static func bulletList(_ items: [ADFNode]) -> ADFNode {
        ADFNode(type: "bulletList", content: items)
    }

    /// An ordered list; `start` other than 1 is written as the `order` attribute.
    public static func orderedList(start: Int = 1, _ items: [ADFNode]) -> ADFNode {
        ADFNode(type: "orderedList", attrs: start == 1 ? nil : ["order": .number(Double(start))], content: items)
    }

    public static func listItem(_ content: [ADFNode]) -> ADFNode {
        ADFNode(type: "listItem", content: content)
    }

    public static func blockquote(_ content: [ADFNode]) -> ADFNode {
        ADFNode(type: "blockquote", content: content)
    }

    /// A code block; its text, if any, is one unmarked text node.
    public static func codeBlock(_ text: String, language: String? = nil) -> ADFNode {
        ADFNode(
            type: "codeBlock", attrs: language.map { ["language": .string($0)] },
            content: text.isEmpty ? [] : [.text(text)]
        )
    }

    /// Whether the node shows nothing: a blank text, or a container of such nodes.
    var isBlank: Bool {
        switch type {
        case "text": (text ?? "").allSatisfy(\.isWhitespace)
        case "hardBreak": true
        case "rule", "mention", "emoji", "inlineCard", "media", "mediaSingle", "mediaGroup", "date", "status": false
        default: (content ?? []).allSatisfy(\.isBlank)
        }
    }

    /// The node as a JSON value.
    public var json: JSONValue {
        var object: [String: JSONValue] = ["type": .string(type)]
        if let text { object["text"] = .string(text) }
        if let attrs { object["attrs"] = .object(attrs) }
        if let marks { object["marks"] = .array(marks.map(\.json)) }
        if let content { object["content"] = .array(content.map(\.json)) }
        return .object(object)
    }
}

/// A mark on a text node: `strong`, `em`, `code`, `link`, `strike`, `underline`, …
public struct ADFMark: Sendable, Hashable, Codable {
    public var type: String
    public var attrs: [String: JSONValue]?

    public init(type: String, attrs: [String: JSONValue]? = nil) {
        self.type = type
        self.attrs = attrs
    }

    public static let strong = ADFMark(type: "strong")
    public static let em = ADFMark(type: "em")
    public static let code = ADFMark(type: "code")
    public static let strike = ADFMark(type: "strike")
    public static let underline = ADFMark(type: "underline")

    public static func link(_ href: String) -> ADFMark {
        ADFMark(type: "link", attrs: ["href": .string(href)])
    }

    var json: JSONValue {
        var object: [String: JSONValue] = ["type": .string(type)]
        if let attrs { object["attrs"] = .object(attrs) }
        return .object(object)
    }
}
