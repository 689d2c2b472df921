# confluent-kafka (librdkafka) idempotent producer that outlives a broker killed with -9.
# Usage: confluent_kill_roundtrip.py BOOTSTRAP TOPIC COUNT
# Prints one JSON line per delivery report ({"partition", "offset", "index"} or {"error"}) as
# it arrives, so the test can kill the broker mid-stream; after flushing, it reads both
# partitions back and prints a last line {"records": [[partition, offset, value], ...]}.
import json
import sys
import time

from confluent_kafka import Consumer, Producer, TopicPartition

bootstrap, topic, count = sys.argv[1], sys.argv[2], int(sys.argv[3])


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def on_delivery(err, message):
    if err is not None:
        emit({"error": str(err)})
    else:
        emit({"partition": message.partition(), "offset": message.offset(), "index": int(message.value()[1:])})


# Retries go on for up to 60 s, long enough for the test to restart the broker.
producer = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True, "linger.ms": 5,
                     "message.timeout.ms": 60000, "reconnect.backoff.max.ms": 200})
for i in range(count):
    while True:
        try:
            producer.produce(topic, value=b"v%d" % i, partition=i % 2, on_delivery=on_delivery)
            break
        except BufferError:
            producer.poll(0.05)
    producer.poll(0)
    # Paced, so the stream is still going when the test kills the broker.
    if i % 500 == 499:
        time.sleep(0.02)
remaining = producer.flush(60)

consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "unused-assign-only", "enable.auto.commit": False})
ends = [consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1] for p in (0, 1)]
consumer.assign([TopicPartition(topic, p, 0) for p in (0, 1)])
records = []
done = [end == 0 for end in ends]
deadline = time.time() + 30
while not all(done) and time.time() < deadline:
    message = consumer.poll(1)
    if message is None or message.error():
        continue
    records.append([message.partition(), message.offset(), message.value().decode()])
    if message.offset() + 1 >= ends[message.partition()]:
        done[message.partition()] = True
consumer.close()
emit({"unflushed": remaining, "ends": ends, "records": records})
