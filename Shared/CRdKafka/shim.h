#ifndef MAILBRIDGE_CRDKAFKA_SHIM_H
#define MAILBRIDGE_CRDKAFKA_SHIM_H
// librdkafka, as the Kafka module sees it. Only Shared/Kafka imports this module.
// Swift imports neither C macros with casts (RD_KAFKA_PARTITION_UA) nor variadic
// functions (rd_kafka_producev), so both are wrapped here.
#include <librdkafka/rdkafka.h>

/// RD_KAFKA_PARTITION_UA: let the partitioner choose (by key).
static const int32_t mb_rd_kafka_partition_unassigned = RD_KAFKA_PARTITION_UA;
/// RD_KAFKA_OFFSET_INVALID, RD_KAFKA_OFFSET_BEGINNING and RD_KAFKA_OFFSET_END.
static const int64_t mb_rd_kafka_offset_invalid = RD_KAFKA_OFFSET_INVALID;
static const int64_t mb_rd_kafka_offset_beginning = RD_KAFKA_OFFSET_BEGINNING;
static const int64_t mb_rd_kafka_offset_end = RD_KAFKA_OFFSET_END;

/// Produces one message; the payload and key are copied. On success librdkafka owns `headers`;
/// on failure the caller still owns and must destroy them. The error is returned, never read
/// from rd_kafka_last_error() (which is per thread).
static inline rd_kafka_resp_err_t mb_rd_kafka_produce(
    rd_kafka_t *rk, const char *topic, int32_t partition,
    const void *key, size_t key_length,
    const void *value, size_t value_length,
    rd_kafka_headers_t *headers, void *opaque) {
    return rd_kafka_producev(
        rk,
        RD_KAFKA_V_TOPIC(topic),
        RD_KAFKA_V_PARTITION(partition),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_KEY(key, key_length),
        RD_KAFKA_V_VALUE((void *)value, value_length),
        RD_KAFKA_V_HEADERS(headers),
        RD_KAFKA_V_OPAQUE(opaque),
        RD_KAFKA_V_END);
}
#endif
