// Load client for bench/broker.js: reads one partition from the beginning with librdkafka's
// partition consumer as librdkafka's own rdkafka_performance tool reads it (the tool the
// fetch target is set against): queued.min.messages=1000000, the partition started on a queue
// and served with rd_kafka_consume_callback_queue, so each record costs the client only
// librdkafka's own work. Runs until it has seen the expected count. Prints one JSON line:
// records, bytes, the window from the start call to the last record, and the client's own
// CPU time.
//
// With a fifth argument `latency` it also reports end-to-end latency percentiles: the
// wall clock at delivery minus each record's CreateTime, which the producer on this machine
// stamped when it handed the record over (millisecond resolution, so figures are +-1 ms).
// The callback sees each record as soon as librdkafka hands it over, so no batch wait is in them.
//
// usage: consumer <bootstrap> <topic> <expectedRecords> <timeoutSec> [latency]
#include "client.h"
#include <string.h>

static int64_t wall_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static int compare_i32(const void *a, const void *b) {
  int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
  return x < y ? -1 : x > y;
}

struct tally {
  long records, errors, expected, measured;
  long long bytes;
  int32_t *latencies_ms; // NULL unless latency mode
  int64_t last_ns;
  char first_error[256];
};

static void on_record(rd_kafka_message_t *msg, void *opaque) {
  struct tally *t = opaque;
  if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    t->records++;
    t->bytes += (long long)msg->len;
    t->last_ns = now_ns();
    if (t->latencies_ms && t->measured < t->expected) t->latencies_ms[t->measured++] = (int32_t)(wall_ms() - rd_kafka_message_timestamp(msg, NULL));
  } else if (msg->err != RD_KAFKA_RESP_ERR__PARTITION_EOF && t->errors++ == 0) {
    snprintf(t->first_error, sizeof t->first_error, "%s", rd_kafka_err2str(msg->err));
  }
}

int main(int argc, char **argv) {
  client_name = "consumer";
  if (argc != 5 && !(argc == 6 && strcmp(argv[5], "latency") == 0)) {
    fprintf(stderr, "usage: consumer <bootstrap> <topic> <expectedRecords> <timeoutSec> [latency]\n");
    return 2;
  }
  struct tally t = {.expected = atol(argv[3])};
  if (argc == 6) t.latencies_ms = malloc(sizeof(int32_t) * (size_t)t.expected);
  int64_t deadline = now_ns() + (int64_t)(atof(argv[4]) * 1e9);
  char err[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  set(conf, "bootstrap.servers", argv[1]);
  // rdkafka_performance's setting: keep up to a million records prefetched per partition.
  set(conf, "queued.min.messages", "1000000");
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  if (!rk) {
    fprintf(stderr, "consumer: %s\n", err);
    return 1;
  }
  rd_kafka_topic_t *topic = rd_kafka_topic_new(rk, argv[2], NULL);
  rd_kafka_queue_t *queue = rd_kafka_queue_new(rk);
  double cpu_before = cpu_seconds();
  int64_t start = now_ns();
  t.last_ns = start;
  if (rd_kafka_consume_start_queue(topic, 0, RD_KAFKA_OFFSET_BEGINNING, queue) == -1) {
    fprintf(stderr, "consumer: %s\n", rd_kafka_err2str(rd_kafka_last_error()));
    return 1;
  }
  while (t.records < t.expected && now_ns() < deadline) rd_kafka_consume_callback_queue(queue, 100, on_record, &t);
  double cpu = cpu_seconds() - cpu_before;
  double seconds = (t.last_ns - start) / 1e9;
  double p50 = -1, p99 = -1, p999 = -1, max = -1;
  if (t.measured > 0) {
    qsort(t.latencies_ms, (size_t)t.measured, sizeof(int32_t), compare_i32);
    p50 = t.latencies_ms[(long)(0.5 * (t.measured - 1))];
    p99 = t.latencies_ms[(long)(0.99 * (t.measured - 1))];
    p999 = t.latencies_ms[(long)(0.999 * (t.measured - 1))];
    max = t.latencies_ms[t.measured - 1];
  }
  printf("{\"records\":%ld,\"valueBytes\":%lld,\"errors\":%ld,\"seconds\":%.3f,\"recordsPerSec\":%.0f,\"cpuSeconds\":%.3f,"
         "\"cpuPercent\":%.1f,\"p50Ms\":%.0f,\"p99Ms\":%.0f,\"p999Ms\":%.0f,\"maxMs\":%.0f,\"firstError\":\"%s\"}\n",
         t.records, t.bytes, t.errors, seconds, t.records / seconds, cpu, 100 * cpu / seconds, p50, p99, p999, max, t.first_error);
  rd_kafka_consume_stop(topic, 0);
  rd_kafka_queue_destroy(queue);
  rd_kafka_topic_destroy(topic);
  rd_kafka_destroy(rk);
  return t.records < t.expected;
}
