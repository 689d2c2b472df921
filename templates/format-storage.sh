#!/usr/bin/env bash
# Formats one node's log directories for cluster @@clusterId@@ before its first start.
# Run it once on every node with that node's file, e.g. ./format-storage.sh server-1.properties
# The quorum is static (controller.quorum.voters in every file), so no --initial-controllers
# or --standalone: kafka-storage.sh refuses those when controller.quorum.voters is set.
set -euo pipefail
KAFKA_HOME="${KAFKA_HOME:-/opt/kafka}"
CONFIG="${1:?usage: format-storage.sh server-<node-id>.properties}"
"$KAFKA_HOME/bin/kafka-storage.sh" format --cluster-id "@@clusterId@@" --config "$CONFIG"@@formatExtraArgs@@
