import ArgumentParser

/// `mailbridge`: the operator's command line.
@main
struct MailbridgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mailbridge",
        abstract: "Operate a Mailbridge installation: database schema, Kafka topics, encryption keys, notification schemes and templates, mail inspection.",
        subcommands: [MigrateCommand.self, KafkaCommand.self, KeysCommand.self, MailCommand.self, JiraCommand.self, SchemeCommand.self, TemplateCommand.self, PlanCommand.self, SMTPCommand.self, DLQCommand.self])
}
