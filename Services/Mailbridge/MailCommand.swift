import ArgumentParser
import Foundation
import Mail

/// `mailbridge mail …`: look at messages the way the inbound pipeline does.
struct MailCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mail",
        abstract: "Parse messages and show what Mailbridge reads from them.",
        subcommands: [Parse.self, Visible.self])

    /// Reads a file, or standard input for `-`.
    static func read(_ path: String) throws -> MailBytes {
        if path == "-" {
            return MailBytes(Array(FileHandle.standardInput.readDataToEndOfFile()))
        }
        return try MailBytes(contentsOfFile: path)
    }

    struct Parse: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print one JSON object per message: headers, bodies, attachments, problems, loop verdict.",
            discussion: "Problems found in a message are also written to standard error, one line each, prefixed by the file name.")

        @Argument(help: "Message files (`-` reads standard input).")
        var files: [String]

        @Option(help: "Our own origin marker value, so our own mail is recognised as a loop.")
        var origin: [String] = []

        func run() throws {
            let parser = MailParser()
            let detector = MailLoopDetector(ownOrigins: Set(origin))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            var unreadable = 0
            for file in files {
                let bytes: MailBytes
                do {
                    bytes = try MailCommand.read(file)
                } catch {
                    FileHandle.standardError.write(Data("\(file): \(error)\n".utf8))
                    unreadable += 1
                    continue
                }
                let mail = parser.parse(bytes)
                let summary = MailSummary(mail, loop: detector.verdict(for: mail))
                FileHandle.standardOutput.write(try encoder.encode(summary) + Data("\n".utf8))
                for problem in mail.problems {
                    FileHandle.standardError.write(Data("\(file): \(problem)\n".utf8))
                }
            }
            if unreadable > 0 { throw ExitCode(1) }
        }
    }

    struct Visible: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the new text of a reply, without quotes, signature or forwarded wrapper.")

        @Argument(help: "A message file (`-` reads standard input).")
        var file: String

        @Option(help: "The tenant's body delimiter line; everything from it on is cut.")
        var delimiter: String?

        func run() throws {
            let mail = MailParser().parse(try MailCommand.read(file))
            let reply = VisibleReplyText(bodyDelimiter: delimiter).extract(from: mail.textBody ?? "")
            print(reply.visible)
        }
    }
}
