# confluent-kafka (librdkafka) consume-transform-produce with transactions against the
# bundled broker: a read_committed group consumer on SRC, a transactional producer writing
# "out-<n>" for each "in-<n>" to DST and committing the consumed offsets with
# send_offsets_to_transaction; every ABORT_EVERY-th transaction is aborted instead and its
# input is processed again after rewinding to the committed offsets.
# Usage: confluent_txn_ctp.py BOOTSTRAP SRC DST GROUP TXN_ID TOTAL ABORT_EVERY ; prints JSON.
import json
import sys
import time

from confluent_kafka import OFFSET_BEGINNING, Consumer, Producer, TopicPartition

bootstrap, src, dst, group, txn_id = sys.argv[1:6]
total, abort_every = int(sys.argv[6]), int(sys.argv[7])

consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "enable.auto.commit": False,
                     "auto.offset.reset": "earliest", "isolation.level": "read_committed"})
consumer.subscribe([src])
producer = Producer({"bootstrap.servers": bootstrap, "transactional.id": txn_id, "linger.ms": 5})
producer.init_transactions(30)

committed_records = 0
transactions = {"committed": 0, "aborted": 0}
deadline = time.time() + 50
while committed_records < total and time.time() < deadline:
    messages = [m for m in consumer.consume(num_messages=500, timeout=1) if m.error() is None]
    if not messages:
        continue
    producer.begin_transaction()
    for m in messages:
        producer.produce(dst, key=m.key(), value=b"out-" + m.value()[3:], partition=m.partition())
    if (transactions["committed"] + transactions["aborted"] + 1) % abort_every == 0:
        producer.flush(30)  # so the aborted records reach the log (abort would purge unsent ones)
        producer.abort_transaction(30)
        transactions["aborted"] += 1
        committed = consumer.committed(consumer.assignment(), timeout=10)
        for tp in committed:
            consumer.seek(TopicPartition(tp.topic, tp.partition, tp.offset if tp.offset >= 0 else OFFSET_BEGINNING))
    else:
        producer.send_offsets_to_transaction(consumer.position(consumer.assignment()), consumer.consumer_group_metadata(), 30)
        producer.commit_transaction(30)
        transactions["committed"] += 1
        committed_records += len(messages)

consumer.close()
print(json.dumps({"committedRecords": committed_records, **transactions}))
