import Foundation

/// The calendar month (UTC) usage is counted in, as `YYYY-MM`.
public enum UsageMonth {
    /// The month containing `date`, e.g. `2026-11`.
    public static func of(_ date: Date) -> String {
        let parts = utcCalendar.dateComponents([.year, .month], from: date)
        return String(format: "%04d-%02d", parts.year ?? 0, parts.month ?? 0)
    }

    /// The month `months` before the one containing `date` (for retention cutoffs).
    static func of(_ date: Date, monthsBefore months: Int) -> String {
        of(utcCalendar.date(byAdding: .month, value: -months, to: date) ?? date)
    }

    /// Year, month and day of `date` in UTC, zero-padded, for object keys (`yyyy/mm/dd`).
    static func dayPath(_ date: Date) -> String {
        let parts = utcCalendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d/%02d/%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }

    private static let utcCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}
