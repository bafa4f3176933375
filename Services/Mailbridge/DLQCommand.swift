import ArgumentParser
import Delivery
import Foundation
import Kafka
import Postgres

/// `mailbridge dlq …`: the mail sender's dead letters on `mail.outbound.dlq` (docs/sender.md).
struct DLQCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dlq",
        abstract: "List, show and replay the mail sender's dead letters (mail.outbound.dlq).",
        discussion: """
            Reading never consumes: a throwaway consumer group reads the topic and commits nothing. \
            Needs MAILBRIDGE_KAFKA_BROKERS (and MAILBRIDGE_TOPIC_PREFIX when the topics have one); \
            replay --force also needs MAILBRIDGE_POSTGRES_URL.
            """,
        subcommands: [List.self, Show.self, Replay.self])

    struct Connection: ParsableArguments {
        @Option(help: "Bootstrap servers (default: MAILBRIDGE_KAFKA_BROKERS).")
        var brokers: String?
        @Option(help: "Topic name prefix (default: MAILBRIDGE_TOPIC_PREFIX).")
        var prefix: String?
        @Option(help: "Stop reading after this many seconds without a record.")
        var idle: Int = 3

        var topics: DeliveryTopics {
            DeliveryTopics(prefix: prefix ?? ProcessInfo.processInfo.environment["MAILBRIDGE_TOPIC_PREFIX"] ?? "")
        }

        func queue() throws -> DeadLetterQueue {
            DeadLetterQueue(brokers: try CommandEnvironment.kafkaBrokers(brokers), topics: topics, logger: CommandEnvironment.logger)
        }

        /// The dead letter at `partition`:`offset`, or a validation error naming it.
        func entry(partition: Int32, offset: Int64) async throws -> DeadLetterQueue.Entry {
            guard let entry = try await queue().show(partition: partition, offset: offset, idle: .seconds(idle)) else {
                throw ValidationError("no dead letter at \(topics.deadLetter) partition \(partition) offset \(offset)")
            }
            return entry
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the dead letters, oldest first: position, tenant, request, error.")
        @OptionGroup var connection: Connection
        @Option(help: "At most this many.") var limit: Int = 1000

        func run() async throws {
            let entries = try await connection.queue().list(limit: limit, idle: .seconds(connection.idle)) { partition, offset, error in
                print("\(partition):\(offset)\tunreadable: \(error)")
            }
            for entry in entries {
                let letter = entry.letter
                let code = letter.reply?.code.map(String.init) ?? "-"
                let columns = ["\(entry.partition):\(entry.offset)", letter.at, letter.key ?? "-", letter.requestID ?? "-", code, letter.error]
                print(columns.joined(separator: "\t"))
            }
            print("\(entries.count) dead letter(s) on \(connection.topics.deadLetter)")
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one dead letter (the original record stays sealed).")
        @OptionGroup var connection: Connection
        @Option(help: "Partition of the DLQ topic.") var partition: Int32 = 0
        @Option(help: "Offset in that partition.") var offset: Int64

        func run() async throws {
            let letter = try await connection.entry(partition: partition, offset: offset).letter
            print("position:     \(connection.topics.deadLetter) \(partition):\(offset)")
            print("dead-lettered: \(letter.at)")
            print("original:     \(letter.topic) \(letter.partition):\(letter.offset), key \(letter.key ?? "-"), \(letter.value.count) base64 bytes")
            print("request:      \(letter.requestID ?? "- (unreadable record)")")
            print("error:        \(letter.error)")
            if let reply = letter.reply { print("smtp reply:   \(reply.code.map(String.init) ?? "no reply"): \(reply.text)") }
            print("recipients:   \(letter.failedRecipients.count) not delivered (blind-index tokens)")
            for token in letter.failedRecipients { print("  \(token)") }
        }
    }

    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Produce a dead letter's original record to mail.outbound again.",
            discussion: """
                Recipients already sent or suppressed are skipped by the sender's ledger; failed ones are tried again. \
                --force first releases the request's uncertain recipients (a crash left their delivery unknown): \
                they may then receive the mail twice.
                """)
        @OptionGroup var connection: Connection
        @Option(help: "Partition of the DLQ topic.") var partition: Int32 = 0
        @Option(help: "Offset in that partition.") var offset: Int64
        @Flag(help: "Also resend recipients whose delivery is uncertain.") var force = false
        @Option(help: "Database URL for --force (default: MAILBRIDGE_POSTGRES_URL).") var databaseURL: String?

        func run() async throws {
            let entry = try await connection.entry(partition: partition, offset: offset)
            let brokers = try CommandEnvironment.kafkaBrokers(connection.brokers)
            let producer = try KafkaProducer(configuration: KafkaProducerConfiguration(bootstrapServers: brokers), logger: CommandEnvironment.logger)
            var pool: PostgresPool?
            if force {
                pool = PostgresPool(
                    configuration: PostgresConfiguration(
                        connectionString: try CommandEnvironment.postgresURL(databaseURL), minimumConnections: 0, maximumConnections: 1),
                    logger: CommandEnvironment.logger)
            }
            do {
                let released = try await connection.queue().replay(
                    entry.letter, producer: producer, ledger: pool.map { DeliveryLedger(pool: $0) }, force: force)
                await producer.shutdown()
                await pool?.close()
                print("replayed \(partition):\(offset) to \(connection.topics.outbound)\(force ? " (\(released) uncertain recipient(s) released)" : "")")
            } catch {
                await producer.shutdown()
                await pool?.close()
                throw error
            }
        }
    }
}
