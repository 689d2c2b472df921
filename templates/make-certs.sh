#!/usr/bin/env bash
# Creates the TLS material for the SASL_SSL listeners of cluster @@clusterId@@ with openssl alone:
# a private CA (ssl/ca.pem, the PEM truststore every node and client uses) and, per host, a
# certificate whose subjectAltName is the host name (brokers verify each other's names) packed
# with its key in ssl/<host>.keystore.p12, protected by the password in ssl/store_creds.
# Run it once here, then copy ssl/ to /etc/kafka/ssl on every node (mode 0700). Existing files
# are kept, so re-running only adds missing hosts. Use your own CA instead if you have one.
set -euo pipefail
cd "$(dirname "$0")"
umask 077
mkdir -p ssl
PASSWORD="$(cat ssl/store_creds)"
if [ ! -f ssl/ca.key ]; then
  openssl req -x509 -newkey rsa:3072 -nodes -days 825 -subj "/CN=kctl CA @@clusterId@@" \
    -keyout ssl/ca.key -out ssl/ca.pem 2>/dev/null
fi
for host in @@hosts@@; do
  [ -f "ssl/$host.keystore.p12" ] && continue
  openssl req -newkey rsa:3072 -nodes -subj "/CN=$host" -keyout "ssl/$host.key" -out "ssl/$host.csr" 2>/dev/null
  printf 'subjectAltName=DNS:%s\nextendedKeyUsage=serverAuth,clientAuth\n' "$host" > "ssl/$host.ext"
  openssl x509 -req -in "ssl/$host.csr" -CA ssl/ca.pem -CAkey ssl/ca.key -CAcreateserial -days 825 \
    -extfile "ssl/$host.ext" -out "ssl/$host.crt" 2>/dev/null
  openssl pkcs12 -export -in "ssl/$host.crt" -inkey "ssl/$host.key" -certfile ssl/ca.pem -name kafka \
    -passout "pass:$PASSWORD" -out "ssl/$host.keystore.p12"
  rm -f "ssl/$host.csr" "ssl/$host.ext"
  echo "ssl/$host.keystore.p12"
done
