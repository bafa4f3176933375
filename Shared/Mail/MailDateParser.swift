import Foundation

/// Reads RFC 5322 dates as they are written in practice: with or without the weekday, one- or
/// two-digit days, two- or four-digit years, seconds optional, numeric zones or the obsolete
/// names (`GMT`, `EST`, …), a trailing comment (`(PST)`).
public enum MailDateParser {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    private static let zones: [String: Int] = [
        "ut": 0, "utc": 0, "gmt": 0, "z": 0, "est": -500, "edt": -400, "cst": -600, "cdt": -500,
        "mst": -700, "mdt": -600, "pst": -800, "pdt": -700,
    ]

    /// The instant, or nil when the text is not a date.
    public static func parse(_ text: String) -> Date? {
        var cleaned = text
        if let comment = cleaned.firstIndex(of: "(") { cleaned = String(cleaned[..<comment]) }
        let words = cleaned.replacingOccurrences(of: ",", with: " ").split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        var index = 0
        if index < words.count, Int(words[index]) == nil { index += 1 }  // weekday
        guard words.count - index >= 4 else { return nil }
        var day: Int?
        var month: Int?
        // "29 Nov 2026" or (seen from some clients) "Nov 29 2026".
        if let number = Int(words[index]), let name = monthNumber(words[index + 1]) {
            day = number
            month = name
        } else if let name = monthNumber(words[index]), let number = Int(words[index + 1]) {
            day = number
            month = name
        }
        guard let day, let month, var year = Int(words[index + 2]), (1...31).contains(day) else { return nil }
        if year < 50 { year += 2000 } else if year < 1000 { year += 1900 }
        let clock = words[index + 3].split(separator: ":").map { Int($0) }
        guard clock.count >= 2, clock.allSatisfy({ $0 != nil }) else { return nil }
        let hour = clock[0] ?? 0
        let minute = clock[1] ?? 0
        let second = clock.count > 2 ? (clock[2] ?? 0) : 0
        guard (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second) else { return nil }
        var offsetMinutes = 0
        if index + 4 < words.count {
            let zone = words[index + 4]
            if let sign = zone.first, sign == "+" || sign == "-", let value = Int(zone.dropFirst()), zone.count == 5 {
                offsetMinutes = (value / 100 * 60 + value % 100) * (sign == "-" ? -1 : 1)
            } else if let named = zones[zone.lowercased()] {
                offsetMinutes = (named / 100) * 60
            }
        }
        var components = DateComponents()
        components.year = year
        components.month = month
        components.day = day
        components.hour = hour
        components.minute = minute
        components.second = min(second, 59)
        components.timeZone = TimeZone(secondsFromGMT: 0)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        guard let utc = calendar.date(from: components) else { return nil }
        return utc.addingTimeInterval(TimeInterval(-offsetMinutes * 60))
    }

    private static func monthNumber(_ word: String) -> Int? {
        let prefix = word.prefix(3).lowercased()
        return months.firstIndex(of: prefix).map { $0 + 1 }
    }
}
