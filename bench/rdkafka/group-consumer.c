// Load client for bench/broker.js: one member of a consumer group (librdkafka's high-level
// consumer, classic protocol, earliest offsets, auto-commit every 100 ms so a rebalance while
// the members join re-reads little) subscribed to one topic. Records come from the consumer
// queue in batches of up to BATCH (rd_kafka_consume_batch_queue, the call behind
// confluent-kafka-python's Consumer.consume(num_messages)): one rd_kafka_consumer_poll per
// record costs librdkafka about twice the CPU per record, which would make the client the
// figure. queued.min.messages=1000000 as rdkafka_performance sets it. Several members run at
// once; each stops once it has seen records and then none for idleSec (a member that joined
// after the others had read everything: none for 4 x idleSec), or at its deadline. Prints one
// JSON line: records, value bytes, the window from its first to its last record, and the
// client's own CPU time.
//
// usage: group-consumer <bootstrap> <topic> <groupId> <idleSec> <timeoutSec>

#include "client.h"

#define BATCH 10000

int main(int argc, char **argv) {
  client_name = "group-consumer";
  if (argc != 6) {
    fprintf(stderr, "usage: group-consumer <bootstrap> <topic> <groupId> <idleSec> <timeoutSec>\n");
    return 2;
  }
  int64_t idle_ns = (int64_t)(atof(argv[4]) * 1e9);
  int64_t deadline = now_ns() + (int64_t)(atof(argv[5]) * 1e9);
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  set(conf, "bootstrap.servers", argv[1]);
  set(conf, "group.id", argv[3]);
  set(conf, "auto.offset.reset", "earliest");
  set(conf, "auto.commit.interval.ms", "100");
  set(conf, "queued.min.messages", "1000000");
  char err[512];
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  if (!rk) {
    fprintf(stderr, "group-consumer: %s\n", err);
    return 1;
  }
  rd_kafka_poll_set_consumer(rk);
  rd_kafka_topic_partition_list_t *topics = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(topics, argv[2], RD_KAFKA_PARTITION_UA);
  rd_kafka_resp_err_t subscribed = rd_kafka_subscribe(rk, topics);
  rd_kafka_topic_partition_list_destroy(topics);
  if (subscribed) {
    fprintf(stderr, "group-consumer: %s\n", rd_kafka_err2str(subscribed));
    return 1;
  }
  rd_kafka_queue_t *queue = rd_kafka_queue_get_consumer(rk);
  static rd_kafka_message_t *batch[BATCH];
  long records = 0, errors = 0;
  long long bytes = 0;
  char first_error[256] = "";
  double cpu_before = cpu_seconds();
  int64_t started = now_ns(), first = 0, last = 0;
  for (;;) {
    int64_t now = now_ns();
    if (now >= deadline || (records > 0 && now - last >= idle_ns) || (records == 0 && now - started >= 4 * idle_ns)) break;
    ssize_t n = rd_kafka_consume_batch_queue(queue, 100, batch, BATCH);
    for (ssize_t i = 0; i < n; i++) {
      rd_kafka_message_t *msg = batch[i];
      if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        last = now_ns();
        if (records++ == 0) first = last;
        bytes += (long long)msg->len;
      } else if (msg->err != RD_KAFKA_RESP_ERR__PARTITION_EOF && errors++ == 0) {
        snprintf(first_error, sizeof first_error, "%s", rd_kafka_err2str(msg->err));
      }
      rd_kafka_message_destroy(msg);
    }
  }
  double cpu = cpu_seconds() - cpu_before;
  double seconds = (last - first) / 1e9;
  printf("{\"records\":%ld,\"valueBytes\":%lld,\"errors\":%ld,\"seconds\":%.3f,\"cpuSeconds\":%.3f,\"firstError\":\"%s\"}\n", records, bytes, errors,
         seconds, cpu, first_error);
  rd_kafka_queue_destroy(queue);
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  return errors > 0;
}
