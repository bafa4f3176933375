import CRdKafka

/// Conversions between librdkafka's C structures and the module's Swift values.
enum RDKafkaConversions {
    /// Builds `rd_kafka_headers_t` for a produce call; nil when there are none.
    static func makeHeaders(_ headers: [KafkaHeader]) -> OpaquePointer? {
        guard !headers.isEmpty else { return nil }
        let list = rd_kafka_headers_new(headers.count)
        for header in headers {
            if let value = header.value {
                value.withUnsafeBytes { bytes in
                    _ = rd_kafka_header_add(list, header.key, -1, bytes.baseAddress, bytes.count)
                }
            } else {
                _ = rd_kafka_header_add(list, header.key, -1, nil, 0)
            }
        }
        return list
    }

    /// Copies a consumed message out of librdkafka's memory.
    static func message(_ message: UnsafePointer<rd_kafka_message_t>) -> KafkaConsumerMessage {
        let raw = message.pointee
        let topic = String(cString: rd_kafka_topic_name(raw.rkt))
        let key: [UInt8]? = raw.key.map { Array(UnsafeRawBufferPointer(start: $0, count: raw.key_len)) }
        let value: [UInt8] = raw.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: raw.len)) } ?? []
        var headers = [KafkaHeader]()
        var headerList: OpaquePointer?
        if rd_kafka_message_headers(message, &headerList) == RD_KAFKA_RESP_ERR_NO_ERROR, let headerList {
            var index = 0
            var name: UnsafePointer<CChar>?
            var valuePointer: UnsafeRawPointer?
            var size = 0
            while rd_kafka_header_get_all(headerList, index, &name, &valuePointer, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
                headers.append(
                    KafkaHeader(
                        key: name.map { String(cString: $0) } ?? "",
                        value: valuePointer.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) }))
                index += 1
            }
        }
        var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let timestamp = rd_kafka_message_timestamp(message, &timestampType)
        return KafkaConsumerMessage(
            topic: topic, partition: raw.partition, offset: raw.offset, key: key, value: value, headers: headers,
            timestampMilliseconds: timestampType == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? nil : timestamp)
    }

    /// A new `rd_kafka_topic_partition_list_t` with the given offsets; the caller destroys it.
    static func makeList(_ offsets: [KafkaTopicPartition: Int64]) -> UnsafeMutablePointer<rd_kafka_topic_partition_list_t> {
        let list = rd_kafka_topic_partition_list_new(Int32(offsets.count))!
        for (topicPartition, offset) in offsets {
            rd_kafka_topic_partition_list_add(list, topicPartition.topic, topicPartition.partition).pointee.offset = offset
        }
        return list
    }

    /// The entries of a topic-partition list with their offsets and per-entry errors.
    static func entries(
        _ list: UnsafePointer<rd_kafka_topic_partition_list_t>
    ) -> [(topicPartition: KafkaTopicPartition, offset: Int64, error: rd_kafka_resp_err_t)] {
        (0..<Int(list.pointee.cnt)).map { index in
            let element = list.pointee.elems[index]
            return (KafkaTopicPartition(topic: String(cString: element.topic), partition: element.partition), element.offset, element.err)
        }
    }
}

extension String {
    /// Text from a NUL-terminated C error buffer.
    init(errorBuffer: [CChar]) {
        self.init(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
