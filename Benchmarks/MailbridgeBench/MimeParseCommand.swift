import ArgumentParser
import Foundation
import Mail

/// Parse throughput of the `Mail` library over a corpus of messages: each message is parsed,
/// every part walked and decoded (bodies to text, attachments hashed) — the same work the Python
/// and GMime drivers in `ops/bench/` do. All files are read into memory before the clock starts.
struct MimeParseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mime-parse",
        abstract: "MIME parse throughput over a corpus directory, or one parse of one file (for peak RSS)."
    )

    @Option(help: "A directory of messages (every regular file in it, recursively).")
    var corpus: String?

    @Option(help: "Parse this one file once and exit (measure its peak RSS from outside).")
    var one: String?

    @Option(help: "Timed passes over the corpus after one warm-up pass.")
    var iterations: Int = 5

    func validate() throws {
        guard (corpus == nil) != (one == nil) else { throw ValidationError("give exactly one of --corpus and --one") }
        guard iterations > 0 else { throw ValidationError("--iterations must be positive") }
    }

    func run() throws {
        var report = BenchReport()
        if let one {
            let source = try MailBytes(contentsOfFile: one)
            let mail = MailParser().parse(source)
            report.say("parsed \(one): \(source.bytes.count) bytes, \(mail.attachments.count) attachments, \(mail.problems.count) problems")
            report.record("swift_one_bytes", source.bytes.count)
            report.printFigures()
            return
        }
        let messages = try Self.load(corpus ?? "")
        let totalBytes = messages.reduce(0) { $0 + $1.count }
        report.say(String(format: "mime-parse: %d messages, %.1f MB, %d timed passes", messages.count, Double(totalBytes) / 1e6, iterations))
        let parser = MailParser()
        var checksum = 0
        for message in messages { checksum &+= Self.walk(parser.parse(message)) }  // warm-up
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for _ in 0..<iterations {
                for message in messages { checksum &+= Self.walk(parser.parse(message)) }
            }
        }
        let seconds = elapsed.seconds
        let megabytesPerSecond = Double(totalBytes * iterations) / 1e6 / seconds
        let messagesPerSecond = Double(messages.count * iterations) / seconds
        report.say(String(format: "swift Mail: %.1f MB/s, %.0f messages/s (checksum %d)", megabytesPerSecond, messagesPerSecond, checksum & 0xFFFF))
        report.record("swift_mb_per_s", megabytesPerSecond)
        report.record("swift_messages_per_s", messagesPerSecond, digits: 0)
        report.printFigures()
    }

    /// Touches what a consumer reads, so nothing is optimised away.
    private static func walk(_ mail: ParsedMail) -> Int {
        var total = (mail.subject?.utf8.count ?? 0) + mail.from.count + mail.to.count + (mail.dateText?.count ?? 0)
        total &+= (mail.textBody?.utf8.count ?? 0) + (mail.htmlBody?.utf8.count ?? 0)
        for attachment in mail.attachments { total &+= attachment.size }
        return total
    }

    private static func load(_ directory: String) throws -> [[UInt8]] {
        let root = URL(fileURLWithPath: directory)
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else {
            throw ValidationError("cannot read the corpus directory \(directory)")
        }
        var messages: [[UInt8]] = []
        for case let url as URL in enumerator {
            guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
            messages.append(Array(try Data(contentsOf: url)))
        }
        guard !messages.isEmpty else { throw ValidationError("no messages under \(directory)") }
        return messages
    }
}
