// Load client for bench/broker.js: reads one partition from the beginning with librdkafka's
// partition consumer (no group, batch polls, so the client spends as little as it can per
// record) until it has seen the expected count. Prints one JSON line: records, bytes, the
// window from the start call to the last record, and the client's own CPU time.
//
// usage: consumer <bootstrap> <topic> <expectedRecords> <timeoutSec>
#include <librdkafka/rdkafka.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: consumer <bootstrap> <topic> <expectedRecords> <timeoutSec>\n");
    return 2;
  }
  long expected = atol(argv[3]);
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
    ssize_t n = rd_kafka_consume_batch(topic, 0, 100, batch, BATCH);
    for (ssize_t i = 0; i < n; i++) {
      if (batch[i]->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        records++;
        bytes += (long long)batch[i]->len;
      } else if (batch[i]->err != RD_KAFKA_RESP_ERR__PARTITION_EOF && errors++ == 0) {
        snprintf(first_error, sizeof first_error, "%s", rd_kafka_err2str(batch[i]->err));
      }
      rd_kafka_message_destroy(batch[i]);
    }
    if (n > 0) last = now_ns();
  }
  double cpu = cpu_seconds() - cpu_before;
  double seconds = (last - start) / 1e9;
  printf("{\"records\":%ld,\"valueBytes\":%lld,\"errors\":%ld,\"seconds\":%.3f,\"recordsPerSec\":%.0f,\"cpuSeconds\":%.3f,"
         "\"cpuPercent\":%.1f,\"firstError\":\"%s\"}\n",
         records, bytes, errors, seconds, records / seconds, cpu, 100 * cpu / seconds, first_error);
  rd_kafka_consume_stop(topic, 0);
  rd_kafka_topic_destroy(topic);
  rd_kafka_destroy(rk);
  return records < expected;
}
