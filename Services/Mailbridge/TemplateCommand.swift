import ArgumentParser
import Foundation
import Mail
import Notifications
import Postgres

/// `mailbridge template …`: preview notification mails and manage tenants' template sets.
struct TemplateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "template",
        abstract: "Preview notification mails and manage tenants' template sets (docs/templates.md).",
        discussion: """
            A set is a directory of subject.mustache, text.mustache and html.mustache. Commands with \
            --tenant use the database at MAILBRIDGE_POSTGRES_URL (or --url).
            """,
        subcommands: [Preview.self, ExportDefaults.self, Import.self, Export.self, List.self, Delete.self])

    struct Store: ParsableArguments {
        @Option(help: "Database URL (default: MAILBRIDGE_POSTGRES_URL).")
        var url: String?

        /// Runs `body` with a template store over a one-connection pool, closed afterwards.
        func with<T: Sendable>(_ body: (TemplateStore) async throws -> T) async throws -> T {
            let pool = PostgresPool(
                configuration: PostgresConfiguration(
                    connectionString: try CommandEnvironment.postgresURL(url), minimumConnections: 0, maximumConnections: 1),
                logger: CommandEnvironment.logger)
            do {
                let value = try await body(TemplateStore(pool: pool, cacheLifetime: .zero))
                await pool.close()
                return value
            } catch {
                await pool.close()
                throw error
            }
        }
    }

    struct Preview: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Render a Jira webhook body into subject.txt, body.txt, body.html and message.eml.",
            discussion: "Uses the event alone (no Jira calls): attachments the event added are shown as links of unknown size.")

        @Option(help: "A Jira webhook JSON file (e.g. ops/samples/jira-comment-created.json).")
        var event: String

        @Option(help: "A template set directory (default: the shipped templates).")
        var set: String?

        @Option(help: "Where to write the files (created when missing).")
        var out: String

        @Option(help: "The Jira site's base URL, for issue links.")
        var site: String = "https://your-site.atlassian.net"

        @Option(help: "From address of message.eml.")
        var from: String = "jira@mailbridge.example"

        @Option(help: "To address of message.eml.")
        var to: String = "you@mailbridge.example"

        func run() throws {
            let webhook = try NotificationEvent(webhookJSON: Array(try Data(contentsOf: URL(fileURLWithPath: event))))
            let templates = try set.map { try NotificationTemplates(TemplateSet(directory: URL(fileURLWithPath: $0))) } ?? .shipped
            let view = try NotificationView(event: webhook, siteBaseURL: site)
            let rendered = templates.render(view)
            let mail = OutboundMail(
                from: MailAddress(displayName: view.actorName.map { "\($0) (Jira)" } ?? "Jira", address: from),
                to: [MailAddress(address: to)], subject: rendered.subject, textBody: rendered.text, htmlBody: rendered.html,
                threading: MailThreading.forIssue(webhook.issueKey, tenantID: "preview", domain: "mailbridge.invalid"))
            let built = try MailBuilder(messageIDDomain: "mailbridge.invalid", origin: "mailbridge-template-preview").build(mail, date: Date())
            let directory = URL(fileURLWithPath: out)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let files: [(String, [UInt8])] = [
                ("subject.txt", Array((rendered.subject + "\n").utf8)), ("body.txt", Array(rendered.text.utf8)),
                ("body.html", Array(rendered.html.utf8)), ("message.eml", built.bytes),
            ]
            for (name, bytes) in files {
                try Data(bytes).write(to: directory.appendingPathComponent(name), options: .atomic)
            }
            print("\(view.event.kind.rawValue) \(webhook.issueKey): wrote \(files.map(\.0).joined(separator: ", ")) to \(directory.path)")
        }
    }

    struct ExportDefaults: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write the shipped set as subject.mustache, text.mustache and html.mustache.")

        @Argument(help: "Directory to write into (created when missing).")
        var directory: String

        func run() throws {
            try TemplateSet.defaults.write(to: URL(fileURLWithPath: directory))
            print("wrote the shipped templates to \(directory)")
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Store a set directory as a tenant's set NAME (compiled first: a broken set is refused, nothing stored).")
        @OptionGroup var store: Store
        @Option(help: "Tenant id.") var tenant: String
        @Option(help: "Set name (a-z 0-9 . _ -); `default` overrides the shipped set.") var name: String
        @Argument(help: "The set directory.") var directory: String

        func run() async throws {
            let set = try TemplateSet(directory: URL(fileURLWithPath: directory))
            try await store.with { try await $0.save(tenant: tenant, name: name, set: set) }
            print("tenant \(tenant): stored template set \(name)")
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a tenant's set NAME into a directory (`default` without an override: the shipped set).")
        @OptionGroup var store: Store
        @Option(help: "Tenant id.") var tenant: String
        @Option(help: "Set name.") var name: String
        @Argument(help: "Directory to write into (created when missing).") var directory: String

        func run() async throws {
            let set = try await store.with { try await $0.templateSet(tenant: tenant, name: name) }
            try set.write(to: URL(fileURLWithPath: directory))
            print("tenant \(tenant): wrote template set \(name) to \(directory)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the names of a tenant's stored sets, one a line.")
        @OptionGroup var store: Store
        @Option(help: "Tenant id.") var tenant: String

        func run() async throws {
            let names = try await store.with { try await $0.names(tenant: tenant) }
            for name in names { print(name) }
            if !names.contains(TemplateSet.defaultName) { print("(default: the shipped templates)") }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a tenant's set NAME (`default`: back to the shipped set).")
        @OptionGroup var store: Store
        @Option(help: "Tenant id.") var tenant: String
        @Option(help: "Set name.") var name: String

        func run() async throws {
            guard try await store.with({ try await $0.delete(tenant: tenant, name: name) }) else {
                throw ValidationError("tenant \(tenant) has no stored template set named \(name)")
            }
            print("tenant \(tenant): deleted template set \(name)")
        }
    }
}
