// Load client for bench/broker.js: reads one partition from the beginning with librdkafka's
// partition consumer (no group, batch polls, so the client spends as little as it can per
// record) until it has seen the expected count. Prints one JSON line: records, bytes, the
// window from the start call to the last record, and the client's own CPU time.
//
// With a fifth argument `latency` it also reports end-to-end latency percentiles: the
// wall clock at delivery minus each record's CreateTime, which the producer on this machine
// stamped when it handed the record over (millisecond resolution, so figures are +-1 ms).
//
// usage: consumer <bootstrap> <topic> <expectedRecords> <timeoutSec> [latency]
#include <librdkafka/rdkafka.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define BATCH 10000

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static double cpu_seconds(void) {
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

static int64_t wall_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static int compare_i32(const void *a, const void *b) {
  int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  if (argc != 5 && !(argc == 6 && strcmp(argv[5], "latency") == 0)) {
    fprintf(stderr, "usage: consumer <bootstrap> <topic> <expectedRecords> <timeoutSec> [latency]\n");
    return 2;
  }
  long expected = atol(argv[3]);
  int32_t *latencies_ms = argc == 6 ? malloc(sizeof(int32_t) * (size_t)expected) : NULL;
  long measured = 0;
  int64_t deadline = now_ns() + (int64_t)(atof(argv[4]) * 1e9);
  char err[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "bootstrap.servers", argv[1], err, sizeof err) != RD_KAFKA_CONF_OK) {
    fprintf(stderr, "consumer: %s\n", err);
    return 2;
  }
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  if (!rk) {
    fprintf(stderr, "consumer: %s\n", err);
    return 1;
  }
  rd_kafka_topic_t *topic = rd_kafka_topic_new(rk, argv[2], NULL);
  rd_kafka_message_t *batch[BATCH];
  long records = 0, errors = 0;
  long long bytes = 0;
  char first_error[256] = "";
  double cpu_before = cpu_seconds();
  int64_t start = now_ns(), last = start;
  if (rd_kafka_consume_start(topic, 0, RD_KAFKA_OFFSET_BEGINNING) == -1) {
    fprintf(stderr, "consumer: %s\n", rd_kafka_err2str(rd_kafka_last_error()));
    return 1;
  }
  while (records < expected && now_ns() < deadline) {
    // A batch call returns when the batch is full or at its timeout, so timing records one at
    // a time keeps that wait out of the latency figures.
    ssize_t n = rd_kafka_consume_batch(topic, 0, 100, batch, latencies_ms ? 1 : BATCH);
    for (ssize_t i = 0; i < n; i++) {
      if (batch[i]->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        records++;
        bytes += (long long)batch[i]->len;
        if (latencies_ms && measured < expected) latencies_ms[measured++] = (int32_t)(wall_ms() - rd_kafka_message_timestamp(batch[i], NULL));
      } else if (batch[i]->err != RD_KAFKA_RESP_ERR__PARTITION_EOF && errors++ == 0) {
        snprintf(first_error, sizeof first_error, "%s", rd_kafka_err2str(batch[i]->err));
      }
      rd_kafka_message_destroy(batch[i]);
    }
    if (n > 0) last = now_ns();
  }
  double cpu = cpu_seconds() - cpu_before;
  double seconds = (last - start) / 1e9;
  double p50 = -1, p99 = -1, p999 = -1, max = -1;
  if (measured > 0) {
    qsort(latencies_ms, (size_t)measured, sizeof(int32_t), compare_i32);
    p50 = latencies_ms[(long)(0.5 * (measured - 1))];
    p99 = latencies_ms[(long)(0.99 * (measured - 1))];
    p999 = latencies_ms[(long)(0.999 * (measured - 1))];
    max = latencies_ms[measured - 1];
  }
  printf("{\"records\":%ld,\"valueBytes\":%lld,\"errors\":%ld,\"seconds\":%.3f,\"recordsPerSec\":%.0f,\"cpuSeconds\":%.3f,"
         "\"cpuPercent\":%.1f,\"p50Ms\":%.0f,\"p99Ms\":%.0f,\"p999Ms\":%.0f,\"maxMs\":%.0f,\"firstError\":\"%s\"}\n",
         records, bytes, errors, seconds, records / seconds, cpu, 100 * cpu / seconds, p50, p99, p999, max, first_error);
  rd_kafka_consume_stop(topic, 0);
  rd_kafka_topic_destroy(topic);
  rd_kafka_destroy(rk);
  return records < expected;
}
