import Kafka

/// The topics of docs/architecture.md §Topics with their retention. Names take an optional
/// prefix so one cluster can host several environments.
enum TopicCatalogue {
    /// Consumed topics also get a `<topic>.dlq` dead-letter topic.
    static func specifications(prefix: String, partitions: Int32, replicationFactor: Int32) -> [KafkaTopicSpecification] {
        let days: (Int) -> Duration = { .seconds($0 * 86_400) }
        let topics: [(name: String, retention: Duration, consumed: Bool)] = [
            // Webhook event data is encrypted and kept no longer than the seed promises (7 days).
            ("jira.events", days(7), true),
            ("tenant.lifecycle", days(30), true),
            ("app.feedback", days(30), true),
            ("mail.inbound", days(7), true),
            ("mail.outbound", days(7), true),
            ("mail.sent", days(7), false),
            ("privacy.requests", days(30), true),
        ]
        return topics.flatMap { topic in
            let main = KafkaTopicSpecification(
                name: prefix + topic.name, partitions: partitions, replicationFactor: replicationFactor, retention: topic.retention)
            guard topic.consumed else { return [main] }
            let deadLetters = KafkaTopicSpecification(
                name: prefix + topic.name + ".dlq", partitions: partitions, replicationFactor: replicationFactor, retention: days(14))
            return [main, deadLetters]
        }
    }
}
