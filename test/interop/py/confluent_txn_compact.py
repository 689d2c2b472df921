# confluent-kafka (librdkafka) transactions on a compacted topic: commits p1=py-1, aborts
# p1=py-aborted and k3=py-aborted, commits p1=py-3 and p2=py-3, each in its own transaction.
# Usage: confluent_txn_compact.py BOOTSTRAP TOPIC TXN_ID ; prints JSON.
import json
import sys

from confluent_kafka import Producer

bootstrap, topic, txn_id = sys.argv[1:4]
producer = Producer({"bootstrap.servers": bootstrap, "transactional.id": txn_id, "linger.ms": 5})
producer.init_transactions(30)
transactions = [("commit", [("p1", "py-1")]),
                ("abort", [("p1", "py-aborted"), ("k3", "py-aborted")]),
                ("commit", [("p1", "py-3"), ("p2", "py-3")])]
done = []
for outcome, records in transactions:
    producer.begin_transaction()
    for key, value in records:
        producer.produce(topic, key=key, value=value, partition=0)
    producer.flush(30)  # the records reach the log before an abort (abort would purge unsent ones)
    if outcome == "commit":
        producer.commit_transaction(30)
    else:
        producer.abort_transaction(30)
    done.append(outcome)
print(json.dumps({"transactions": done}))
