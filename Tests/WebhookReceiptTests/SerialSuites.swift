import Testing

/// The suites that start the service over the shared stack run one test at a time: each starts a
/// server, Kafka clients and a simulator site, and running them side by side with the rest of the
/// package's tests on two cores only adds memory and timing pressure on the others.
@Suite(.serialized) enum WebhookReceiptSerialSuites {}
