# Sourced by systemd/kafka.service before kafka-server-start.sh (@@nodeSummary@@).
# Heap = clamp(25% of @@memoryGiB@@ GiB RAM, 1 GiB, 6 GiB) = @@heapGiB@@ GiB; the remaining
# @@pageCacheGiB@@ GiB is left to the OS page cache, where Kafka's reads and writes really happen.
export KAFKA_HEAP_OPTS="-Xms@@heapMiB@@m -Xmx@@heapMiB@@m"
# G1 with short pauses, as Kafka's own kafka-run-class.sh defaults, plus an explicit region size
# for heaps of several GiB and a pre-sized metaspace.
export KAFKA_JVM_PERFORMANCE_OPTS="-server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:G1HeapRegionSize=16M -XX:MetaspaceSize=96m -XX:MinMetaspaceFreeRatio=50 -XX:MaxMetaspaceFreeRatio=80 -Djava.awt.headless=true"
# Prometheus JMX exporter (jmx-exporter.yml) on port @@jmxExporterPort@@, only once its jar is installed:
# a -javaagent pointing at a missing jar would stop the JVM from starting.
if [ -f /opt/jmx_exporter/jmx_prometheus_javaagent.jar ]; then
  export KAFKA_OPTS="${KAFKA_OPTS:-} -javaagent:/opt/jmx_exporter/jmx_prometheus_javaagent.jar=@@jmxExporterPort@@:/etc/kafka/jmx-exporter.yml"
fi
