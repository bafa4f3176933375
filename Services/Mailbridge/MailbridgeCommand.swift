import ArgumentParser

/// `mailbridge`: the operator's command line.
@main
struct MailbridgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mailbridge",
        abstract: "Operate a Mailbridge installation: database schema and Kafka topics.",
        subcommands: [MigrateCommand.self, KafkaCommand.self])
}
