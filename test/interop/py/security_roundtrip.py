# kafka-python 2.0.x on a secured listener of the bundled broker: SASL (SaslHandshake v0 and
# raw tokens: kafka-python's only flow) and/or TLS, then produce and consume a few records.
# Usage: security_roundtrip.py BOOTSTRAP TOPIC SECURITY_PROTOCOL MECHANISM CAFILE
# (MECHANISM and CAFILE may be "-"). The SASL user and password come from the environment
# (KCTL_TEST_SASL_USER, KCTL_TEST_SASL_PASSWORD), never the command line. Prints one JSON object.
import json
import os
import sys

from kafka import KafkaConsumer, KafkaProducer, TopicPartition

bootstrap, topic, protocol, mechanism, cafile = sys.argv[1:6]
security = {"security_protocol": protocol}
if mechanism != "-":
    security.update(
        sasl_mechanism=mechanism,
        sasl_plain_username=os.environ["KCTL_TEST_SASL_USER"],
        sasl_plain_password=os.environ["KCTL_TEST_SASL_PASSWORD"],
    )
if cafile != "-":
    security.update(ssl_cafile=cafile, ssl_check_hostname=True)

try:
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks=1, api_version_auto_timeout_ms=5000, **security)
    acked = [producer.send(topic, value=b"secure-%d" % i, partition=0).get(timeout=10).offset for i in range(5)]
    producer.close()
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, consumer_timeout_ms=3000, **security)
    partition = TopicPartition(topic, 0)
    consumer.assign([partition])
    consumer.seek_to_beginning(partition)
    values = []
    for message in consumer:
        values.append(message.value.decode())
        if len(values) == 5:
            break
    consumer.close()
    print(json.dumps({"acked": acked, "values": values}))
except Exception as error:  # the test asserts on the failure's class name
    print(json.dumps({"error": type(error).__name__}))
