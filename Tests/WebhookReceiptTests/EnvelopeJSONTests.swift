import Foundation
import Messaging
import Testing

@Suite struct EnvelopeJSONTests {
    @Test("an envelope's JSON is byte for byte JSONEncoder's (sorted keys, slashes as is) and reads back, whatever its strings hold")
    func matchesJSONEncoder() throws {
        let strangeTypes = ["jira:issue_created", "quote\" back\\slash /slash", "controls \u{0}\u{1}\u{8}\u{9}\u{A}\u{C}\u{D}\u{1F}", "Grüße 日本 😀"]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for type in strangeTypes {
            let envelope = EventEnvelope(id: "0b9f-\(type)", tenant: "tenant/\(type)", type: type, at: Date(), sealedBody: Array(type.utf8) + [0, 255])
            let ours = try envelope.json()
            #expect(ours == Array(try encoder.encode(envelope)))
            #expect(try EventEnvelope(json: ours) == envelope)
        }
    }
}

extension EnvelopeJSONTests {
    @Test("strings are escaped as JSONEncoder does wherever a special byte falls within 8-byte words")
    func specialBytesAtEveryOffset() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for special in ["\"", "\\", "\n", "\u{1}", "\u{1F}", "\u{7F}", "é", "😀", "/"] {
            for before in 0..<17 {
                for after in [0, 1, 7, 8, 9] {
                    let type = String(repeating: "a", count: before) + special + String(repeating: "b", count: after)
                    let envelope = EventEnvelope(id: "id", tenant: "t", type: type, at: Date(), sealedBody: [1, 2, 3])
                    #expect(try envelope.json() == Array(try encoder.encode(envelope)), "\(special.unicodeScalars.first!.value) after \(before) bytes")
                }
            }
        }
    }
}

extension EnvelopeJSONTests {
    @Test("the envelope's time is ISO 8601 with milliseconds in UTC, as Foundation writes it, on every day from 1900 to 2200")
    func timestamps() throws {
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)
        var generator = SystemRandomNumberGenerator()
        // 0.4 ms past a whole millisecond: Foundation's and our rounding agree there.
        let firstDay = -25_567, lastDay = 84_006  // 1900-01-01 and 2199-12-31
        for day in firstDay...lastDay {
            let millisecond = Int64.random(in: 0..<86_400_000, using: &generator)
            let date = Date(timeIntervalSince1970: Double(Int64(day) * 86_400_000 + millisecond) / 1000 + 0.0004)
            let at = EventEnvelope(id: "i", tenant: "t", type: "x", at: date, sealedBody: []).at
            guard at == date.formatted(style) else {
                Issue.record("\(at) for \(date.formatted(style))")
                return
            }
        }
        let edges: [(TimeInterval, String)] = [
            (0, "1970-01-01T00:00:00.000Z"), (-0.001, "1969-12-31T23:59:59.999Z"),
            (951_782_399.9996, "2000-02-29T00:00:00.000Z"), (951_782_400, "2000-02-29T00:00:00.000Z"),
            (4_107_542_400, "2100-03-01T00:00:00.000Z"), (1_796_688_000.123, "2026-12-08T00:00:00.123Z"),
        ]
        for (seconds, expected) in edges {
            #expect(EventEnvelope(id: "i", tenant: "t", type: "x", at: Date(timeIntervalSince1970: seconds), sealedBody: []).at == expected)
        }
    }
}
