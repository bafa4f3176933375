import ArgumentParser
import Delivery
import Encryption
import Foundation
import Kafka
import Messaging
import Platform
import Postgres

/// `mailbridge plan …`: a tenant's plan capacity, its usage-alert contacts and its parked mail
/// (docs/capacity.md).
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Set and show a tenant's monthly plan, manage its usage-alert contacts, release its parked mail.",
        discussion: """
            The database comes from MAILBRIDGE_POSTGRES_URL. contacts and release also need the key-encryption keys \
            (MAILBRIDGE_KEK_*) and MAILBRIDGE_BLIND_INDEX_KEY; release needs MAILBRIDGE_KAFKA_BROKERS (and \
            MAILBRIDGE_TOPIC_PREFIX when the topics have one).
            """,
        subcommands: [Set.self, Show.self, Contacts.self, Release.self])

    struct Database: ParsableArguments {
        @Option(help: "Database URL (default: MAILBRIDGE_POSTGRES_URL).")
        var url: String?

        /// Runs `body` with a small pool, closed afterwards.
        func with<T: Sendable>(_ body: (PostgresPool) async throws -> T) async throws -> T {
            let pool = PostgresPool(
                configuration: PostgresConfiguration(
                    connectionString: try CommandEnvironment.postgresURL(url), minimumConnections: 0, maximumConnections: 3),
                logger: CommandEnvironment.logger)
            do {
                let value = try await body(pool)
                await pool.close()
                return value
            } catch {
                await pool.close()
                throw error
            }
        }
    }

    /// The keys contacts and parked mail are sealed and indexed with.
    struct Keys {
        let cipher: TenantCipher
        let blindIndex: BlindIndex

        init(pool: PostgresPool) throws {
            var reader = EnvironmentReader()
            let blindKey = reader.base64Key("MAILBRIDGE_BLIND_INDEX_KEY", length: 32)
            try reader.validate()
            let ring = try KeyEncryptionKeyRing(prefix: "MAILBRIDGE_KEK")
            cipher = TenantCipher(keys: TenantKeyStore(pool: pool, keyEncryptionKeys: ring, logger: CommandEnvironment.logger))
            blindIndex = try BlindIndex(key: blindKey)
        }
    }

    /// A limit on the command line: a whole number or `unlimited`.
    enum Limit: ExpressibleByArgument {
        case unlimited
        case limit(Int)

        init?(argument: String) {
            if argument == "unlimited" {
                self = .unlimited
            } else if let value = Int(argument), value >= 0 {
                self = .limit(value)
            } else {
                return nil
            }
        }

        var value: Int? {
            if case .limit(let value) = self { return value }
            return nil
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a tenant's plan; options not given keep their current value (a new plan starts unlimited, alerts at 80 %).")
        @OptionGroup var database: Database
        @Option(help: "Tenant id.") var tenant: String
        @Option(help: "Messages per month, or unlimited.") var messages: Limit?
        @Option(help: "Bytes per month, or unlimited.") var bytes: Limit?
        @Option(help: "Alert thresholds in percent, comma-separated (100 is always added), e.g. 80,95.") var thresholds: String?

        func run() async throws {
            let thresholdValues = try thresholds.map { text in
                try text.split(separator: ",").map { part in
                    guard let value = Int(part.trimmingCharacters(in: .whitespaces)), (1...100).contains(value) else {
                        throw ValidationError("--thresholds: \(part) is not a percentage 1…100")
                    }
                    return value
                }
            }
            let plan = try await database.with { pool in
                let directory = PlanDirectory(pool: pool)
                var plan = try await directory.plan(tenant: tenant) ?? .unlimited
                if let messages { plan.messagesPerMonth = messages.value }
                if let bytes { plan.bytesPerMonth = bytes.value }
                if let thresholdValues { plan.alertThresholds = thresholdValues }
                try await directory.setPlan(plan, tenant: tenant)
                return plan
            }
            print("tenant \(tenant): \(PlanCommand.describe(plan))")
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a tenant's plan, this month's usage and its parked mail.")
        @OptionGroup var database: Database
        @Option(help: "Tenant id.") var tenant: String

        func run() async throws {
            let month = UsageMonth.of(Date())
            let (plan, usage, parked) = try await database.with { pool in
                let directory = PlanDirectory(pool: pool)
                return (
                    try await directory.plan(tenant: tenant), try await directory.usage(tenant: tenant, month: month),
                    try await directory.parkedCount(tenant: tenant)
                )
            }
            print("tenant \(tenant)")
            print("plan:   \(plan.map(PlanCommand.describe) ?? "none stored (the default plan applies: MAILBRIDGE_DEFAULT_PLAN_*)")")
            print("usage:  \(usage.messages) message(s), \(usage.bytes) byte(s) in \(month)")
            print("parked: \(parked) request(s) waiting for capacity")
        }
    }

    struct Contacts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Manage the addresses usage alerts go to (billing contacts, system-notification addresses).",
            subcommands: [Add.self, Remove.self, List.self])

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Add an address (adding a billing contact again renews it for a year).")
            @OptionGroup var database: Database
            @Option(help: "Tenant id.") var tenant: String
            @Option(help: "billing or system.") var kind: CapacityContacts.Kind
            @Argument(help: "The email address.") var address: String

            func run() async throws {
                try await database.with { pool in
                    let keys = try Keys(pool: pool)
                    try await CapacityContacts(pool: pool, cipher: keys.cipher, blindIndex: keys.blindIndex).add(address, kind: kind, tenant: tenant)
                }
                print("tenant \(tenant): \(kind.rawValue) address added")
            }
        }

        struct Remove: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Remove an address.")
            @OptionGroup var database: Database
            @Option(help: "Tenant id.") var tenant: String
            @Option(help: "billing or system.") var kind: CapacityContacts.Kind
            @Argument(help: "The email address.") var address: String

            func run() async throws {
                let removed = try await database.with { pool in
                    let keys = try Keys(pool: pool)
                    return try await CapacityContacts(pool: pool, cipher: keys.cipher, blindIndex: keys.blindIndex)
                        .remove(address, kind: kind, tenant: tenant)
                }
                guard removed else { throw ValidationError("tenant \(tenant) has no such \(kind.rawValue) address") }
                print("tenant \(tenant): \(kind.rawValue) address removed")
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List the addresses (both kinds unless --kind is given).")
            @OptionGroup var database: Database
            @Option(help: "Tenant id.") var tenant: String
            @Option(help: "billing or system.") var kind: CapacityContacts.Kind?

            func run() async throws {
                let lists = try await database.with { pool in
                    let keys = try Keys(pool: pool)
                    let contacts = CapacityContacts(pool: pool, cipher: keys.cipher, blindIndex: keys.blindIndex)
                    var lists = [(CapacityContacts.Kind, [String])]()
                    for listed in kind.map({ [$0] }) ?? CapacityContacts.Kind.allCases {
                        lists.append((listed, try await contacts.list(kind: listed, tenant: tenant)))
                    }
                    return lists
                }
                for (listed, addresses) in lists {
                    for address in addresses { print("\(listed.rawValue)\t\(address)") }
                }
            }
        }
    }

    struct Release: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Produce a tenant's parked mail to mail.outbound now, in order, as far as its capacity allows.")
        @OptionGroup var database: Database
        @Option(help: "Tenant id.") var tenant: String
        @Option(help: "Kafka bootstrap servers (default: MAILBRIDGE_KAFKA_BROKERS).") var brokers: String?

        func run() async throws {
            let brokers = try CommandEnvironment.kafkaBrokers(self.brokers)
            var reader = EnvironmentReader()
            let prefix = reader.string("MAILBRIDGE_TOPIC_PREFIX", default: "")
            let settings = CapacitySettings.read(&reader)
            try reader.validate()
            let producer = try KafkaProducer(
                configuration: KafkaProducerConfiguration(bootstrapServers: brokers), logger: CommandEnvironment.logger, flushTimeout: .seconds(5))
            let (released, waiting): (Int, Int)
            do {
                (released, waiting) = try await database.with { pool in
                    let keys = try Keys(pool: pool)
                    let publisher = EventPublisher(producer: producer, cipher: keys.cipher, deadline: .seconds(30))
                    let releaser = ParkedMailReleaser(
                        pool: pool, parked: ParkedMailStore(pool: pool, cipher: keys.cipher, blindIndex: keys.blindIndex),
                        publish: publisher.outboundPublish(topic: prefix + "mail.outbound"), alerts: nil, defaultPlan: settings.defaultPlan,
                        logger: CommandEnvironment.logger)
                    let released = try await releaser.releaseNow(tenant: tenant)
                    return (released, try await PlanDirectory(pool: pool).parkedCount(tenant: tenant))
                }
            } catch {
                await producer.shutdown()
                throw error
            }
            await producer.shutdown()
            print("tenant \(tenant): released \(released) parked request(s); \(waiting) still waiting for capacity")
        }
    }

    static func describe(_ plan: CapacityPlan) -> String {
        let messages = plan.messagesPerMonth.map { "\($0) messages" } ?? "unlimited messages"
        let bytes = plan.bytesPerMonth.map { "\($0) bytes" } ?? "unlimited bytes"
        let thresholds = (Array(Swift.Set(plan.alertThresholds + [100]))).sorted().map { "\($0) %" }.joined(separator: ", ")
        return "\(messages), \(bytes) per month; alerts at \(thresholds)"
    }
}

extension CapacityContacts.Kind: ExpressibleByArgument {}
