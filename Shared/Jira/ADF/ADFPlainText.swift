import Foundation

/// Renders ADF as plain text for notification mail.
///
/// Blocks are separated by a blank line; `hardBreak` is a line end; list items start with `- `
/// or `N. ` and their further lines are indented; quotes are prefixed `> `; code blocks keep
/// their lines; a rule is `---`; table rows are lines with cells joined by ` | `. A link shows
/// its address after its text, `text (https://…)`, unless the text already is the address.
/// Mentions, emoji, statuses and cards show their text or URL, dates as `yyyy-MM-dd` (UTC).
/// Media are left out. Unknown nodes show their content.
enum ADFPlainText {
    static func render(_ document: ADFDocument) -> String {
        blocks(document.content).joined(separator: "\n\n")
    }

    private static let blockTypes: Set<String> = [
        "paragraph", "heading", "bulletList", "orderedList", "blockquote", "codeBlock", "rule", "table", "panel", "expand",
        "nestedExpand", "layoutSection", "layoutColumn", "bodiedExtension", "decisionList", "taskList", "blockCard",
        "embedCard", "mediaSingle", "mediaGroup", "listItem", "tableRow", "tableCell", "tableHeader", "extension",
    ]

    /// Each block's text, blank ones left out.
    private static func blocks(_ nodes: [ADFNode]) -> [String] {
        nodes.map(block).filter { !$0.isEmpty }
    }

    private static func block(_ node: ADFNode) -> String {
        let content = node.content ?? []
        switch node.type {
        case "paragraph", "heading":
            return inline(content).trimmingCharacters(in: .whitespaces)
        case "codeBlock":
            return content.compactMap(\.text).joined()
        case "rule":
            return "---"
        case "bulletList":
            return content.map { item(blocks($0.content ?? []), marker: "- ") }.joined(separator: "\n")
        case "orderedList":
            let start = node.attrs?["order"]?.numberValue.map { Int($0) } ?? 1
            return content.enumerated().map { offset, child in
                item(blocks(child.content ?? []), marker: "\(start + offset). ")
            }.joined(separator: "\n")
        case "taskList", "decisionList":
            return content.map { child in
                let done = child.attrs?["state"]?.stringValue == "DONE" || child.attrs?["state"]?.stringValue == "DECIDED"
                return item([inline(child.content ?? [])], marker: done ? "[x] " : "[ ] ")
            }.joined(separator: "\n")
        case "blockquote":
            let text = blocks(content).joined(separator: "\n\n")
            return text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? ">" : "> " + $0 }.joined(separator: "\n")
        case "table":
            return content.map { row in
                (row.content ?? []).map { cell in blocks(cell.content ?? []).joined(separator: " ") }.joined(separator: " | ")
            }.joined(separator: "\n")
        case "expand", "nestedExpand":
            let title = node.attrs?["title"]?.stringValue ?? ""
            return ([title] + blocks(content)).filter { !$0.isEmpty }.joined(separator: "\n\n")
        case "mediaSingle", "mediaGroup", "media":
            return ""
        case "blockCard", "embedCard":
            return node.attrs?["url"]?.stringValue ?? ""
        default:
            if content.contains(where: { blockTypes.contains($0.type) }) {
                return blocks(content).joined(separator: "\n\n")
            }
            return inline(content.isEmpty ? [node] : content)
        }
    }

    /// A list item: `marker` before the first line, the others indented to match.
    private static func item(_ blocks: [String], marker: String) -> String {
        let indent = String(repeating: " ", count: marker.count)
        let lines = blocks.joined(separator: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        return lines.enumerated().map { $0.offset == 0 ? marker + $0.element : ($0.element.isEmpty ? "" : indent + $0.element) }
            .joined(separator: "\n")
    }

    private static func inline(_ nodes: [ADFNode]) -> String {
        var text = ""
        for node in nodes {
            switch node.type {
            case "text":
                let value = node.text ?? ""
                let core = value.trimmingCharacters(in: .whitespaces)
                if let href = node.marks?.first(where: { $0.type == "link" })?.attrs?["href"]?.stringValue,
                    !core.isEmpty, href != core, href.lowercased() != "mailto:" + core.lowercased()
                {
                    // Spaces around the link text stay outside "text (address)".
                    let leading = value.prefix { $0 == " " }
                    let trailing = value.reversed().prefix { $0 == " " }
                    text += "\(leading)\(core) (\(href))\(String(trailing))"
                } else {
                    text += value
                }
            case "hardBreak":
                text += "\n"
            case "mention":
                let name = node.attrs?["text"]?.stringValue ?? ""
                text += name.isEmpty ? "@user" : (name.hasPrefix("@") ? name : "@" + name)
            case "emoji":
                text += node.attrs?["text"]?.stringValue ?? node.attrs?["shortName"]?.stringValue ?? ""
            case "inlineCard":
                text += node.attrs?["url"]?.stringValue ?? ""
            case "status":
                text += node.attrs?["text"]?.stringValue ?? ""
            case "date":
                text += date(node.attrs?["timestamp"])
            case "media", "mediaInline":
                break
            default:
                text += node.text ?? inline(node.content ?? [])
            }
        }
        return text
    }

    /// An ADF date (milliseconds since 1970, as a string or number) as `yyyy-MM-dd` in UTC.
    private static func date(_ value: JSONValue?) -> String {
        let milliseconds: Double? = switch value {
        case .string(let text): Double(text)
        case .number(let number): number
        default: nil
        }
        guard let milliseconds else { return "" }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: Date(timeIntervalSince1970: milliseconds / 1000))
    }
}
