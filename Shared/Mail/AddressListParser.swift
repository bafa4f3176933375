/// Parses RFC 5322 address lists as they appear in real mail: groups (`team: a@x, b@y;`,
/// `undisclosed-recipients:;`), quoted and RFC 2047 encoded display names, comments, obsolete
/// routes (`<@relay:a@b>`), a comment as the name (`a@b (Ada)`), a missing `>`.
public enum AddressListParser {
    /// The mailboxes in `header` (group names are dropped; their members are kept).
    public static func parse(_ header: String) -> [MailAddress] {
        var addresses: [MailAddress] = []
        for item in splitTopLevel(Array(header.unicodeScalars)) {
            if let address = parseMailbox(item) { addresses.append(address) }
        }
        return addresses
    }

    /// Splits on commas outside quotes, comments and angle brackets; a group's `name:` prefix and
    /// `;` suffix are separators too.
    private static func splitTopLevel(_ scalars: [Unicode.Scalar]) -> [[Unicode.Scalar]] {
        var items: [[Unicode.Scalar]] = []
        var current: [Unicode.Scalar] = []
        var inQuotes = false
        var commentDepth = 0
        var inAngle = false
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if inQuotes {
                current.append(scalar)
                if scalar == "\\" && index + 1 < scalars.count {
                    current.append(scalars[index + 1])
                    index += 1
                } else if scalar == "\"" {
                    inQuotes = false
                }
            } else if commentDepth > 0 {
                current.append(scalar)
                if scalar == "(" { commentDepth += 1 } else if scalar == ")" { commentDepth -= 1 }
            } else if inAngle {
                current.append(scalar)
                if scalar == ">" { inAngle = false }
            } else {
                switch scalar {
                case "\"": inQuotes = true; current.append(scalar)
                case "(": commentDepth = 1; current.append(scalar)
                case "<": inAngle = true; current.append(scalar)
                case ",", ";":
                    items.append(current)
                    current = []
                case ":":
                    // A group name ends here: what came before is the group's display name.
                    current = []
                default:
                    current.append(scalar)
                }
            }
            index += 1
        }
        items.append(current)
        return items.filter { item in item.contains { $0 != " " && $0 != "\t" } }
    }

    /// One mailbox: `name <addr>`, `addr`, or `addr (comment)`.
    private static func parseMailbox(_ scalars: [Unicode.Scalar]) -> MailAddress? {
        var name = ""
        var comments: [String] = []
        var angle: String?
        var bare = ""
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            switch scalar {
            case "\"":
                index += 1
                while index < scalars.count && scalars[index] != "\"" {
                    if scalars[index] == "\\" && index + 1 < scalars.count { index += 1 }
                    name.unicodeScalars.append(scalars[index])
                    index += 1
                }
            case "(":
                var depth = 1
                var comment = ""
                index += 1
                while index < scalars.count {
                    let inner = scalars[index]
                    if inner == "(" { depth += 1 } else if inner == ")" {
                        depth -= 1
                        if depth == 0 { break }
                    }
                    comment.unicodeScalars.append(inner)
                    index += 1
                }
                comments.append(comment)
            case "<":
                var inside = ""
                index += 1
                var commentDepth = 0
                while index < scalars.count && scalars[index] != ">" {
                    // Comments may sit inside the address: <pete(his account)@silly.test>.
                    let inner = scalars[index]
                    if inner == "(" {
                        commentDepth += 1
                    } else if inner == ")" && commentDepth > 0 {
                        commentDepth -= 1
                    } else if commentDepth == 0 {
                        inside.unicodeScalars.append(inner)
                    }
                    index += 1
                }
                angle = inside
            default:
                if angle == nil {
                    bare.unicodeScalars.append(scalar)
                } else {
                    name.unicodeScalars.append(scalar)  // text after `<…>` is unusual; keep it in the name
                }
            }
            index += 1
        }
        if let angle {
            var address = angle.trimmingWhitespace()
            // Obsolete route: <@a,@b:user@host>.
            if address.hasPrefix("@"), let colon = address.firstIndex(of: ":") {
                address = String(address[address.index(after: colon)...])
            }
            address = address.filter { $0 != " " && $0 != "\t" }
            let display = (name + " " + bare).trimmingWhitespace()
            let decoded = display.isEmpty ? nil : collapse(EncodedWords.decode(display).text)
            guard !address.isEmpty || decoded != nil else { return nil }
            return MailAddress(displayName: decoded, address: address)
        }
        // No angle brackets: the address is the bare text; a comment or quoted text is the name.
        // `Ada Lovelace ada@example.com` (no brackets): the first word with an `@` is the address.
        let words = bare.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        let addressWord = words.first { $0.contains("@") } ?? words.joined()
        let address = addressWord
        let leftover = words.count > 1 ? words.filter { $0 != addressWord }.joined(separator: " ") : ""
        let display = (name.isEmpty ? (comments.first ?? leftover) : name).trimmingWhitespace()
        guard !address.isEmpty else { return nil }
        return MailAddress(displayName: display.isEmpty ? nil : collapse(EncodedWords.decode(display).text), address: address)
    }

    /// Runs of whitespace as one space.
    private static func collapse(_ text: String) -> String {
        var result = ""
        var lastWasSpace = false
        for scalar in text.unicodeScalars {
            if scalar == " " || scalar == "\t" {
                if !lastWasSpace && !result.isEmpty { result.unicodeScalars.append(" ") }
                lastWasSpace = true
            } else {
                result.unicodeScalars.append(scalar)
                lastWasSpace = false
            }
        }
        return result.trimmingWhitespace()
    }
}
