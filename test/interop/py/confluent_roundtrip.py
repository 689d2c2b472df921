# confluent-kafka (librdkafka) against the bundled broker: an idempotent producer, a
# consumer assigned to one partition, and offset queries.
# Usage: confluent_roundtrip.py BOOTSTRAP TOPIC COUNT ; prints one JSON object.
import json
import sys

from confluent_kafka import Consumer, Producer, TopicPartition

bootstrap, topic, count = sys.argv[1], sys.argv[2], int(sys.argv[3])

acked = []
errors = []


def on_delivery(err, message):
    if err is not None:
        errors.append(str(err))
    else:
        acked.append([message.partition(), message.offset()])


producer = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True, "linger.ms": 5})
for i in range(count):
    producer.produce(topic, key=b"k%d" % i, value=b"v%d" % i, partition=i % 2,
                     headers=[("h", b"%d" % i)], on_delivery=on_delivery)
    producer.poll(0)
remaining = producer.flush(15)

consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "unused-assign-only",
                     "enable.auto.commit": False})
consumer.assign([TopicPartition(topic, 1, 0)])
records = []
while len(records) < count // 2:
    message = consumer.poll(5)
    if message is None:
        break
    if message.error():
        errors.append(str(message.error()))
        break
    records.append({
        "partition": message.partition(),
        "offset": message.offset(),
        "key": message.key().decode(),
        "value": message.value().decode(),
        "headers": [[k, v.decode()] for k, v in (message.headers() or [])],
    })
watermarks = [list(consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=5)) for p in (0, 1)]
by_time = consumer.offsets_for_times([TopicPartition(topic, 0, 0)], timeout=5)
consumer.close()

print(json.dumps({
    "acked": sorted(acked),
    "unflushed": remaining,
    "errors": errors,
    "records": records,
    "watermarks": watermarks,
    "byTime": [tp.offset for tp in by_time],
}))
