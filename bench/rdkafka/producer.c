// Load client for bench/broker.js: a librdkafka producer of fixed-size keyless records
// (acks=1, linger.ms=5), either as fast as it can or at a fixed rate. Records go to
// librdkafka's partitioner (random for keyless records): one partition of a one-partition
// topic, spread over all of a wide one. Prints one
// JSON line: delivered records, the window from the first send to the last delivery report,
// the client's own CPU time, and produce latency percentiles from the delivery reports.
//
// Latency is measured from the *intended* send time at a fixed rate (so a stalled broker
// shows up as latency, not as a slower schedule) and from the send call when unlimited.
//
// usage: producer <bootstrap> <topic> <records> <recordBytes> <ratePerSec, 0 = unlimited> [key=value ...]
// (extra librdkafka settings, for experiments)
#include "client.h"
#include <string.h>

static uint32_t *latencies_us; // one slot per record, filled by the delivery report callback
static long delivered, failed, recorded;
static int64_t last_report_ns;
static char first_error[256];

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *msg, void *opaque) {
  (void)rk;
  (void)opaque;
  int64_t now = now_ns();
  last_report_ns = now;
  if (msg->err) {
    if (failed++ == 0) snprintf(first_error, sizeof first_error, "%s", rd_kafka_err2str(msg->err));
    return;
  }
  delivered++;
  int64_t sent = (int64_t)(intptr_t)msg->_private;
  if (sent > 0 && latencies_us) latencies_us[recorded++] = (uint32_t)((now - sent) / 1000);
}

static int compare_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

static double percentile_ms(double q) {
  if (recorded == 0) return -1;
  long i = (long)(q * (recorded - 1));
  return latencies_us[i] / 1000.0;
}

// Sends one record; waits (serving delivery reports) while the local queue is full.
static void send_one(rd_kafka_topic_t *topic, rd_kafka_t *rk, char *payload, size_t bytes, int64_t sent_ns) {
  while (rd_kafka_produce(topic, RD_KAFKA_PARTITION_UA, 0, payload, bytes, NULL, 0, (void *)(intptr_t)sent_ns) == -1) {
    rd_kafka_resp_err_t err = rd_kafka_last_error();
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      fprintf(stderr, "producer: produce failed: %s\n", rd_kafka_err2str(err));
      exit(1);
    }
    rd_kafka_poll(rk, 1);
  }
}

int main(int argc, char **argv) {
  client_name = "producer";
  if (argc < 6) {
    fprintf(stderr, "usage: producer <bootstrap> <topic> <records> <recordBytes> <ratePerSec> [key=value ...]\n");
    return 2;
  }
  const char *bootstrap = argv[1], *topic_name = argv[2];
  long records = atol(argv[3]);
  size_t record_bytes = (size_t)atol(argv[4]);
  double rate = atof(argv[5]);

  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  set(conf, "bootstrap.servers", bootstrap);
  set(conf, "acks", "1");
  set(conf, "linger.ms", "5");
  set(conf, "compression.type", "none");
  // A deeper local queue than the default 100,000 so the sender never waits on it at 1M/s.
  set(conf, "queue.buffering.max.messages", "1000000");
  for (int i = 6; i < argc; i++) {
    char *eq = strchr(argv[i], '=');
    if (!eq) {
      fprintf(stderr, "producer: expected key=value, got %s\n", argv[i]);
      return 2;
    }
    *eq = 0;
    set(conf, argv[i], eq + 1);
  }
  rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
  char err[512];
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!rk) {
    fprintf(stderr, "producer: %s\n", err);
    return 1;
  }
  rd_kafka_topic_t *topic = rd_kafka_topic_new(rk, topic_name, NULL);
  char *payload = malloc(record_bytes);
  for (size_t i = 0; i < record_bytes; i++) payload[i] = (char)('a' + i % 26);

  // One record first, so connecting and fetching metadata stay out of the measured window.
  send_one(topic, rk, payload, record_bytes, 0);
  rd_kafka_flush(rk, 30000);
  if (delivered != 1) {
    fprintf(stderr, "producer: the warm-up record was not delivered: %s\n", failed ? first_error : "timed out");
    return 1;
  }
  delivered = 0;

  latencies_us = malloc(sizeof(uint32_t) * (size_t)records);
  double cpu_before = cpu_seconds();
  int64_t start = now_ns();
  double interval_ns = rate > 0 ? 1e9 / rate : 0;
  for (long i = 0; i < records; i++) {
    int64_t sent = now_ns();
    if (rate > 0) {
      // Sleep rather than spin while ahead of schedule: the client shares the cores with the
      // broker it measures. A wake-up sends everything due since, in one burst.
      int64_t intended = start + (int64_t)(i * interval_ns);
      while (sent < intended) {
        rd_kafka_poll(rk, 0);
        int64_t ahead = intended - sent;
        struct timespec pause = {0, ahead < 1000000 ? ahead : 1000000};
        nanosleep(&pause, NULL);
        sent = now_ns();
      }
      sent = intended;
    }
    send_one(topic, rk, payload, record_bytes, sent);
    if ((i & 1023) == 0) rd_kafka_poll(rk, 0);
  }
  rd_kafka_flush(rk, 120000);
  int64_t end = last_report_ns;
  double cpu = cpu_seconds() - cpu_before;
  double seconds = (end - start) / 1e9;

  qsort(latencies_us, (size_t)recorded, sizeof(uint32_t), compare_u32);
  printf("{\"records\":%ld,\"failed\":%ld,\"seconds\":%.3f,\"recordsPerSec\":%.0f,\"cpuSeconds\":%.3f,"
         "\"cpuPercent\":%.1f,\"p50Ms\":%.3f,\"p99Ms\":%.3f,\"p999Ms\":%.3f,\"maxMs\":%.3f,\"firstError\":\"%s\"}\n",
         delivered, failed, seconds, delivered / seconds, cpu, 100 * cpu / seconds, percentile_ms(0.5), percentile_ms(0.99),
         percentile_ms(0.999), percentile_ms(1.0), first_error);
  rd_kafka_topic_destroy(topic);
  rd_kafka_destroy(rk);
  return failed > 0 || delivered != records;
}
