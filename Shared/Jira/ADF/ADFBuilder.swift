/// Builds a valid ADF document from a stream of block and inline events (the HTML converter's
/// output), enforcing what Jira accepts:
///
/// - text nodes are never empty; adjacent text with the same marks is one node;
/// - the `code` mark is combined with `link` only;
/// - a `blockquote` holds paragraphs, lists and code blocks (nested quotes are flattened into
///   it, headings become paragraphs, rules are dropped);
/// - a `listItem` starts with a paragraph or code block and holds paragraphs, lists and code
///   blocks; empty items and lists are dropped;
/// - nesting is bounded (``maxDepth``): deeper structure flows into the deepest container.
struct ADFBuilder {
    static let maxDepth = 24

    enum ContainerKind: Equatable {
        case root
        case blockquote
        case list(ordered: Bool, start: Int)
        case listItem
    }

    private struct Container {
        var kind: ContainerKind
        var blocks: [ADFNode] = []
    }

    private var stack: [Container] = [Container(kind: .root)]
    /// The inline nodes of the paragraph being written; `hardBreak` separates its lines.
    private var line: [ADFNode] = []
    /// A collapsed space waiting for the next visible text, with the marks it was written
    /// under (a space belongs to the element it appears in, as in a browser).
    private var pendingSpace: [ADFMark]?
    /// The heading level of the block being written, if it is a heading.
    var headingLevel: Int?

    /// The container kinds open now, innermost last.
    var openContainers: [ContainerKind] { stack.map(\.kind) }

    // MARK: Inline content

    /// Appends text with `marks`, collapsing whitespace as a browser does; U+00A0 is a space
    /// that does not collapse; zero-width spaces, BOMs and soft hyphens vanish.
    mutating func appendText(_ text: String, marks: [ADFMark]) {
        var run = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case " ", "\t", "\n", "\r", "\u{0C}":
                if !run.isEmpty {
                    appendRun(run, marks: marks)
                    run = ""
                }
                if !isAtLineStart, pendingSpace == nil { pendingSpace = marks }
            case "\u{200B}", "\u{FEFF}", "\u{00AD}":
                continue
            case "\u{00A0}":
                run.unicodeScalars.append(" ")
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F { continue }
                run.unicodeScalars.append(scalar)
            }
        }
        if !run.isEmpty { appendRun(run, marks: marks) }
    }

    /// Appends a run without whitespace, after the space pending before it.
    private mutating func appendRun(_ run: String, marks: [ADFMark]) {
        if let spaceMarks = pendingSpace {
            pendingSpace = nil
            if !isAtLineStart { appendPiece(" ", marks: spaceMarks) }
        }
        appendPiece(run, marks: marks)
    }

    /// Appends text to the last node when it has the same marks, else as a new node.
    private mutating func appendPiece(_ text: String, marks: [ADFMark]) {
        if let last = line.last, last.type == "text", (last.marks ?? []) == marks {
            line[line.count - 1].text! += text
        } else {
            line.append(.text(text, marks: marks))
        }
    }

    private var isAtLineStart: Bool {
        line.isEmpty || line.last?.type == "hardBreak"
    }

    /// A `<br>`: always a new line, even an empty one.
    mutating func hardBreak() {
        trimTrailingSpace()
        pendingSpace = nil
        line.append(.hardBreak)
    }

    /// The edge of a `div`-like block: ends the line if it has content.
    mutating func endLine() {
        pendingSpace = nil
        guard !isAtLineStart else { return }
        trimTrailingSpace()
        line.append(.hardBreak)
    }

    /// A separator between table cells: a space if the line has content.
    mutating func space() {
        if !isAtLineStart, pendingSpace == nil { pendingSpace = [] }
    }

    private mutating func trimTrailingSpace() {
        guard let last = line.last, last.type == "text", var text = last.text else { return }
        while text.hasSuffix(" ") { text.removeLast() }
        if text.isEmpty { line.removeLast() } else { line[line.count - 1].text = text }
    }

    // MARK: Blocks

    /// Ends the paragraph being written: its lines become paragraphs (split where an empty line
    /// is), or headings while ``headingLevel`` is set and the container allows them.
    mutating func endParagraph() {
        trimTrailingSpace()
        pendingSpace = nil
        let inlines = line
        line = []
        var paragraph: [ADFNode] = []
        var breaks = 0
        func finish() {
            while paragraph.last?.type == "hardBreak" { paragraph.removeLast() }
            guard !paragraph.isEmpty, !paragraph.allSatisfy(\.isBlank) else {
                paragraph = []
                return
            }
            trimEdges(&paragraph)
            if let level = headingLevel, stack.last?.kind == .root {
                appendBlock(.heading(level: level, paragraph))
            } else {
                appendBlock(.paragraph(paragraph))
            }
            paragraph = []
        }
        for node in inlines {
            if node.type == "hardBreak" {
                breaks += 1
                continue
            }
            if breaks >= 2 {
                finish()
            } else if breaks == 1, !paragraph.isEmpty {
                paragraph.append(.hardBreak)
            }
            breaks = 0
            paragraph.append(node)
        }
        finish()
    }

    /// Removes spaces at the start and end of the paragraph and around its line breaks.
    private func trimEdges(_ nodes: inout [ADFNode]) {
        for index in nodes.indices where nodes[index].type == "text" {
            let atLineStart = index == 0 || nodes[index - 1].type == "hardBreak"
            let atLineEnd = index == nodes.count - 1 || nodes[index + 1].type == "hardBreak"
            var text = nodes[index].text ?? ""
            if atLineStart { while text.hasPrefix(" ") { text.removeFirst() } }
            if atLineEnd { while text.hasSuffix(" ") { text.removeLast() } }
            nodes[index].text = text
        }
        nodes.removeAll { $0.type == "text" && ($0.text ?? "").isEmpty }
        while nodes.first?.type == "hardBreak" { nodes.removeFirst() }
        while nodes.last?.type == "hardBreak" { nodes.removeLast() }
    }

    /// A code block with `text` (line feeds kept; trailing ones dropped).
    mutating func codeBlock(_ text: String) {
        endParagraph()
        var text = text
        while text.hasSuffix("\n") || text.hasSuffix(" ") { text.removeLast() }
        guard !text.allSatisfy(\.isWhitespace) else { return }
        appendBlock(.codeBlock(text))
    }

    /// A horizontal rule (kept at the top level only).
    mutating func rule() {
        endParagraph()
        if stack.last?.kind == .root { appendBlock(.rule) }
    }

    /// Opens a container; returns `false` (and opens nothing) beyond ``maxDepth``.
    @discardableResult
    mutating func open(_ kind: ContainerKind) -> Bool {
        endParagraph()
        guard stack.count < Self.maxDepth else { return false }
        if kind == .listItem, !isList(stack.last?.kind) {
            stack.append(Container(kind: .list(ordered: false, start: 1)))
        }
        stack.append(Container(kind: kind))
        return true
    }

    /// Closes containers up to and including the innermost one that `matches`; does nothing
    /// when none is open, or when a container that `stopsAt` comes first.
    mutating func close(where matches: (ContainerKind) -> Bool, stoppingAt stopsAt: (ContainerKind) -> Bool = { _ in false }) {
        guard let target = stack.lastIndex(where: { matches($0.kind) }), target > 0 else { return }
        guard !stack[(target + 1)...].contains(where: { stopsAt($0.kind) }) else { return }
        endParagraph()
        while stack.count > target {
            popContainer()
        }
    }

    /// The finished document: everything still open is closed.
    mutating func finish() -> ADFDocument {
        endParagraph()
        while stack.count > 1 { popContainer() }
        return ADFDocument(content: stack[0].blocks)
    }

    private func isList(_ kind: ContainerKind?) -> Bool {
        if case .list = kind { return true }
        return false
    }

    private mutating func popContainer() {
        let container = stack.removeLast()
        switch container.kind {
        case .root:
            stack.append(container)
        case .blockquote:
            if !container.blocks.isEmpty { appendBlock(.blockquote(container.blocks)) }
        case .list(let ordered, let start):
            guard !container.blocks.isEmpty else { return }
            appendBlock(ordered ? .orderedList(start: start, container.blocks) : .bulletList(container.blocks))
        case .listItem:
            var content = container.blocks
            guard !content.isEmpty else { return }
            if content[0].type != "paragraph", content[0].type != "codeBlock" {
                content.insert(.paragraph([]), at: 0)
            }
            appendBlock(.listItem(content))
        }
    }

    /// Adds a block to the innermost container, reshaped to what that container may hold.
    private mutating func appendBlock(_ node: ADFNode) {
        let kind = stack[stack.count - 1].kind
        switch kind {
        case .root:
            stack[stack.count - 1].blocks.append(node)
        case .blockquote, .listItem:
            switch node.type {
            case "blockquote":
                for child in node.content ?? [] { appendBlock(child) }
            case "heading":
                stack[stack.count - 1].blocks.append(.paragraph(node.content ?? []))
            case "rule":
                break
            default:
                stack[stack.count - 1].blocks.append(node)
            }
        case .list:
            if node.type == "listItem" {
                stack[stack.count - 1].blocks.append(node)
            } else if node.type == "bulletList" || node.type == "orderedList", let last = stack[stack.count - 1].blocks.indices.last {
                // A list directly inside a list belongs to the item before it.
                stack[stack.count - 1].blocks[last].content?.append(node)
            } else {
                stack.append(Container(kind: .listItem))
                appendBlock(node)
                popContainer()
            }
        }
    }
}
