# confluent-kafka's AdminClient on broker configs: alter_configs (the legacy, replace-all
# AlterConfigs; Debian's confluent-kafka 1.7 has no incremental_alter_configs) on one broker,
# then describe_configs of that broker, and an attempt to change a read-only key.
# Usage: confluent_broker_configs.py BOOTSTRAP BROKER_ID KEY=VALUE ; prints one JSON object.
import json
import sys

from confluent_kafka.admin import AdminClient, ConfigResource

bootstrap, broker_id, pair = sys.argv[1], sys.argv[2], sys.argv[3]
key, value = pair.split("=", 1)
admin = AdminClient({"bootstrap.servers": bootstrap})

resource = ConfigResource(ConfigResource.Type.BROKER, broker_id, set_config={key: value})
admin.alter_configs([resource])[resource].result(timeout=15)

described = admin.describe_configs([ConfigResource(ConfigResource.Type.BROKER, broker_id)])
entries = list(described.values())[0].result(timeout=15)
entry = entries[key]

refused = None
try:
    bad = ConfigResource(ConfigResource.Type.BROKER, broker_id, set_config={"node.id": "7"})
    admin.alter_configs([bad])[bad].result(timeout=15)
except Exception as error:  # KafkaException carrying the broker's error
    refused = {"code": error.args[0].name() if error.args else None, "message": error.args[0].str() if error.args else str(error)}

print(json.dumps({
    "value": entry.value,
    "source": int(entry.source),
    "readOnly": entry.is_read_only,
    "synonyms": [[s.name, s.value, int(s.source)] for s in entry.synonyms.values()],
    "refused": refused,
}))
