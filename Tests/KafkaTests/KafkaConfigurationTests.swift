import CRdKafka
import Testing

@testable import Kafka

@Suite struct KafkaConfigurationTests {
    @Test("enable.metrics.push is set off only where the linked librdkafka knows it (2.5 and later; Debian 12 ships 2.0.2)")
    func metricsPushFollowsTheLibrary() {
        let settings = KafkaClientConfiguration(bootstrapServers: "127.0.0.1:9").dictionary
        let version = rd_kafka_version()
        #expect(KafkaClientConfiguration.linkedLibraryPushesMetrics == (version >= 0x0205_0000))
        #expect(settings["enable.metrics.push"] == (version >= 0x0205_0000 ? "false" : nil))
        #expect(settings["bootstrap.servers"] == "127.0.0.1:9")
    }
}
