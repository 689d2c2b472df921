# kafka-python 2.0.x against the bundled broker: produce keyed records with headers,
# consume them back by partition (assign, no group), and list offsets.
# Usage: kafka_python_roundtrip.py BOOTSTRAP TOPIC COUNT ; prints one JSON object.
import json
import sys
import time

from kafka import KafkaConsumer, KafkaProducer, TopicPartition

bootstrap, topic, count = sys.argv[1], sys.argv[2], int(sys.argv[3])

producer = KafkaProducer(bootstrap_servers=bootstrap, acks=1, linger_ms=5)
futures = [
    producer.send(topic, key=b"k%d" % i, value=b"v%d" % i, partition=i % 2, headers=[("h", b"%d" % i)])
    for i in range(count)
]
producer.flush()
acked = [f.get(timeout=10) for f in futures]
producer.close()

consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, consumer_timeout_ms=3000)
partition0 = TopicPartition(topic, 0)
partition1 = TopicPartition(topic, 1)
consumer.assign([partition0])
consumer.seek_to_beginning(partition0)
records = []
for message in consumer:
    records.append({
        "partition": message.partition,
        "offset": message.offset,
        "key": message.key.decode(),
        "value": message.value.decode(),
        "headers": [[k, v.decode()] for k, v in message.headers],
    })
    if len(records) == (count + 1) // 2:
        break
beginning = consumer.beginning_offsets([partition0, partition1])
end = consumer.end_offsets([partition0, partition1])
by_time = consumer.offsets_for_times({partition0: 0, partition1: int(time.time() * 1000) + 3600_000})
consumer.close()

print(json.dumps({
    "acked": [[m.partition, m.offset] for m in acked],
    "records": records,
    "beginning": [beginning[partition0], beginning[partition1]],
    "end": [end[partition0], end[partition1]],
    "byTime": [
        by_time[partition0].offset if by_time[partition0] else None,
        by_time[partition1].offset if by_time[partition1] else None,
    ],
}))
