import Foundation

/// Writing header fields: dates, address lists, unstructured text, identifiers, folded to 78
/// characters and never longer than 998.
extension MailBuilder {
    /// Finishes a field, refusing it when a line exceeds RFC 5322's hard limit of 998 characters.
    static func finish(_ folder: OutboundHeaderFolder, field: String) throws(MailBuildError) -> [UInt8] {
        guard folder.longestLineLength <= 998 else { throw MailBuildError(field: field, problem: .tooLong(limit: 998)) }
        return folder.bytes
    }

    /// A field whose value is written as given (already validated ASCII), folded at spaces.
    static func simpleField(_ name: String, _ value: String, field: String) throws(MailBuildError) -> [UInt8] {
        var folder = OutboundHeaderFolder(name: name)
        appendRawWords(value, to: &folder)
        return try finish(folder, field: field)
    }

    /// Unstructured text (RFC 5322 §3.2.5): as is when printable ASCII that folds within 78
    /// characters, has no leading or trailing space and nothing that looks like an encoded word;
    /// otherwise entirely as encoded words, which keeps every character, spaces included.
    static func unstructuredField(_ name: String, _ value: String, field: String) throws(MailBuildError) -> [UInt8] {
        var folder = OutboundHeaderFolder(name: name)
        if value.isEmpty { return try finish(folder, field: field) }
        let plain =
            value.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F } && value.first != " " && value.last != " "
            && !value.contains("=?")
        if plain {
            appendRawWords(value, to: &folder)
            if folder.longestLineLength <= OutboundHeaderFolder.preferredLineLength { return try finish(folder, field: field) }
            folder = OutboundHeaderFolder(name: name)
        }
        folder.appendEncodedWords(value)
        return try finish(folder, field: field)
    }

    /// An address list: `Name <local@domain>, other@domain`, folding between words and mailboxes.
    /// `field` names the errors, with `[index]` appended unless `indexed` is false (From).
    static func addressField(_ name: String, _ addresses: [MailAddress], field: String, indexed: Bool = true) throws(MailBuildError) -> [UInt8] {
        var folder = OutboundHeaderFolder(name: name)
        for (index, address) in addresses.enumerated() {
            let itemField = indexed ? "\(field)[\(index)]" : field
            let spec = try validatedAddress(address, field: itemField)
            let comma = index < addresses.count - 1 ? "," : ""
            guard let displayName = address.displayName, !displayName.isEmpty else {
                folder.append(spec + comma)
                continue
            }
            appendDisplayName(displayName, to: &folder)
            folder.append("<" + spec + ">" + comma)
        }
        return try finish(folder, field: field)
    }

    /// A phrase (RFC 5322 §3.2.5): atoms when the name is plain words, a quoted string when it is
    /// printable ASCII with specials, encoded words otherwise (or when a piece would not fit a line).
    static func appendDisplayName(_ name: String, to folder: inout OutboundHeaderFolder) {
        let limit = OutboundHeaderFolder.preferredLineLength - 2
        let bytes = Array(name.utf8)
        if bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }), !name.contains("=?") {
            let atoms = bytes.split(separator: 0x20, omittingEmptySubsequences: false)
            if atoms.allSatisfy({ !$0.isEmpty && $0.count <= limit && $0.allSatisfy(isAtext) }) {
                for atom in atoms { folder.append(String(decoding: atom, as: UTF8.self)) }
                return
            }
            var quoted = "\""
            for scalar in name.unicodeScalars {
                if scalar == "\"" || scalar == "\\" { quoted += "\\" }
                quoted.unicodeScalars.append(scalar)
            }
            quoted += "\""
            if quoted.utf8.count <= limit {
                folder.append(quoted)
                return
            }
        }
        folder.appendEncodedWords(name, keepWhole: true)
    }

    /// `<id> <id> …`, one identifier per word.
    static func identifierField(_ name: String, _ ids: [String], field: String) throws(MailBuildError) -> [UInt8] {
        var folder = OutboundHeaderFolder(name: name)
        for id in ids { folder.append("<" + id + ">") }
        return try finish(folder, field: field)
    }

    /// Words separated by runs of spaces; folding happens before a run, so unfolding restores it.
    static func appendRawWords(_ value: String, to folder: inout OutboundHeaderFolder) {
        var separator = " "
        var word = ""
        for scalar in value.unicodeScalars {
            if scalar == " " {
                if word.isEmpty {
                    separator += " "
                } else {
                    folder.append(word, after: separator)
                    separator = " "
                    word = ""
                }
            } else {
                word.unicodeScalars.append(scalar)
            }
        }
        if !word.isEmpty { folder.append(word, after: separator) }
    }

    /// RFC 5322 §3.3 date-time in UTC: `Thu, 01 Jan 1970 00:00:00 +0000`.
    static func rfc5322Date(_ date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        let weekday = ((days % 7) + 11) % 7  // 1970-01-01 was a Thursday (index 4 from Sunday).
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let time = "\(two(secondOfDay / 3_600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60))"
        return "\(weekdays[Int(weekday)]), \(two(day)) \(months[Int(month) - 1]) \(year) \(time) +0000"
    }
}
