/// The words of a usage alert mail: subject, plain text and a simple HTML twin.
enum UsageAlertText {
    static func subject(_ alert: UsageAlert) -> String {
        "Mailbridge: \(alert.threshold) % of this month's \(alert.metric.rawValue) used"
    }

    static func text(_ alert: UsageAlert, month: String) -> String {
        var lines = [
            "Hello,",
            "",
            "your Mailbridge plan allows \(amount(alert.allowed, alert.metric)) in \(month).",
            "\(amount(alert.used, alert.metric)) have been used: \(percent(alert)) of the allowance.",
            "",
        ]
        if alert.threshold >= 100 {
            lines.append("The allowance is used up. Further notifications are held, not lost: they are sent as soon as")
            lines.append("the plan is raised or the next month begins.")
        } else {
            lines.append("When the allowance is used up, further notifications are held until the plan is raised or")
            lines.append("the next month begins.")
        }
        lines += ["", "-- ", "Mailbridge (this is an automatic message; replies are not read)"]
        return lines.joined(separator: "\n") + "\n"
    }

    static func html(_ alert: UsageAlert, month: String) -> String {
        let paragraphs = text(alert, month: month)
            .components(separatedBy: "\n\n")
            .map { "<p style=\"margin:0 0 12px 0\">" + escape($0).replacingOccurrences(of: "\n", with: "<br>") + "</p>" }
        let color = alert.threshold >= 100 ? "#bf2600" : "#0052cc"
        return """
            <!DOCTYPE html>
            <html><body style="margin:0;padding:24px;font-family:Helvetica,Arial,sans-serif;font-size:14px;color:#172b4d">
            <h2 style="margin:0 0 16px 0;font-size:18px;color:\(color)">\(escape(subject(alert)))</h2>
            \(paragraphs.joined(separator: "\n"))
            </body></html>
            """
    }

    /// `value` in the metric's unit: "1,000 messages", "12.5 MB".
    static func amount(_ value: Int, _ metric: UsageAlert.Metric) -> String {
        switch metric {
        case .messages: return "\(grouped(value)) messages"
        case .bytes: return bytes(value)
        }
    }

    static func percent(_ alert: UsageAlert) -> String {
        guard alert.allowed > 0 else { return "100 %" }
        return "\(alert.used * 100 / alert.allowed) %"
    }

    static func bytes(_ value: Int) -> String {
        let units = ["bytes", "kB", "MB", "GB", "TB"]
        var scaled = Double(value)
        var unit = 0
        while scaled >= 1000, unit < units.count - 1 {
            scaled /= 1000
            unit += 1
        }
        if unit == 0 { return "\(grouped(value)) bytes" }
        let tenths = Int((scaled * 10).rounded())
        return "\(tenths / 10).\(tenths % 10) \(units[unit])"
    }

    static func grouped(_ value: Int) -> String {
        let digits = Array(String(value.magnitude))
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return (value < 0 ? "-" : "") + out
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
