import Foundation
import Kafka

/// The value of a `mail.outbound.dlq` record: the original `mail.outbound` record, untouched
/// (its value is the sealed envelope, so nothing is in clear), with why it failed.
///
/// The DLQ record's key is the original key (the tenant id). `mailbridge dlq replay` produces
/// ``value`` with ``key`` and ``headers`` to `mail.outbound` again.
public struct DeadLetter: Sendable, Codable, Equatable {
    /// The format version this code writes and reads.
    public static let version = 1

    public var v: Int
    /// Where the original record was read.
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    /// The original key (the tenant id), when it had one.
    public var key: String?
    /// The original value, base64.
    public var value: String
    /// The original headers, values base64.
    public var headers: [String: String]
    /// Why the record is here, addresses redacted (`PIIHasher` tokens).
    public var error: String
    /// The SMTP server's last reply, when the failure was a refused or failed send.
    public var reply: SMTPReply?
    /// The request's id when the record could be read (not secret: an event id), so a forced
    /// replay can release its `uncertain` ledger rows without opening the record.
    public var requestID: String?
    /// The blind-index tokens of the recipients that did not receive the mail (empty when the
    /// record could not be read at all).
    public var failedRecipients: [String]
    /// When it was dead-lettered, ISO 8601 UTC.
    public var at: String

    public init(
        original: KafkaConsumerMessage, error: String, reply: SMTPReply?, requestID: String? = nil, failedRecipients: [String], at: Date = Date()
    ) {
        v = Self.version
        topic = original.topic
        partition = original.partition
        offset = original.offset
        key = original.keyString
        value = Data(original.value).base64EncodedString()
        headers = Dictionary(
            original.headers.map { ($0.key, Data($0.value ?? []).base64EncodedString()) }, uniquingKeysWith: { first, _ in first })
        self.error = error
        self.reply = reply
        self.requestID = requestID
        self.failedRecipients = failedRecipients
        self.at = at.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt))
    }

    /// Reads a DLQ record's value.
    /// - Throws: ``DeliveryError`` when it is not a dead letter of this version.
    public init(json: [UInt8]) throws {
        do {
            self = try JSONDecoder().decode(DeadLetter.self, from: Data(json))
        } catch {
            throw DeliveryError("not a mail.outbound.dlq record: \(error)")
        }
        guard v == Self.version else { throw DeliveryError("dead letter version \(v), expected \(Self.version)") }
    }

    /// The record as JSON (sorted keys).
    public func json() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self))
    }

    /// The original record, to produce to `topic` again.
    public func originalRecord(to topic: String) throws -> KafkaProducerMessage {
        guard let bytes = Data(base64Encoded: value) else {
            throw DeliveryError("dead letter of \(self.topic)@\(partition):\(offset): the original value is not base64")
        }
        let originalHeaders = try headers.sorted { $0.key < $1.key }.map { name, encoded in
            guard let data = Data(base64Encoded: encoded) else {
                throw DeliveryError("dead letter of \(self.topic)@\(partition):\(offset): header \(name) is not base64")
            }
            return KafkaHeader(key: name, value: Array(data))
        }
        return KafkaProducerMessage(topic: topic, key: key.map { Array($0.utf8) }, value: Array(bytes), headers: originalHeaders)
    }
}
