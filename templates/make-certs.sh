#!/usr/bin/env bash
# Creates the TLS material for the SASL_SSL listeners of cluster @@clusterId@@ with openssl alone:
# a private CA (ssl/ca.pem, the PEM truststore every node and client uses) and, per host, a
# certificate packed with its key in ssl/<host>.keystore.p12, protected by the password in
# ssl/store_creds. Brokers, controllers and clients check the name or IP address they dial
# against the certificate's subjectAltName (IP: entries for addresses, DNS: for names), so the
# `issue` lines at the end list every name and address each host is reached by.
# Run it once here, then copy ssl/ to /etc/kafka/ssl on every node (mode 0700). Existing files
# are kept, so re-running only adds missing hosts. Use your own CA instead if you have one.
set -euo pipefail
cd "$(dirname "$0")"
umask 077
mkdir -p ssl
PASSWORD="$(cat ssl/store_creds)"

# openssl prints key-generation progress on stderr: show it only when the command fails.
quiet() {
  local log
  if ! log="$("$@" 2>&1 >/dev/null)"; then
    printf '%s\n' "$log" >&2
    return 1
  fi
}

if [ ! -f ssl/ca.key ]; then
  # Its own config rather than the system openssl.cnf, whose CA extensions differ between
  # distributions; Java and librdkafka need basicConstraints CA:TRUE and keyCertSign.
  # The CA outlives the host certificates so that hosts added later still chain to it.
  cat > ssl/ca.cnf <<'EOF'
[req]
distinguished_name = dn
x509_extensions = ca
prompt = no
[dn]
CN = kctl CA @@clusterId@@
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
EOF
  quiet openssl req -x509 -config ssl/ca.cnf -newkey rsa:3072 -nodes -sha256 -days 3650 -keyout ssl/ca.key -out ssl/ca.pem
  rm -f ssl/ca.cnf
fi

# issue HOST SUBJECT_ALT_NAMES writes ssl/HOST.keystore.p12: one certificate for both ends of a
# connection (serverAuth, clientAuth), valid for 825 days, the longest Apple's TLS clients accept.
issue() {
  local host="$1" names="$2"
  [ -f "ssl/$host.keystore.p12" ] && return 0
  quiet openssl req -new -newkey rsa:3072 -nodes -subj "/CN=$host" -keyout "ssl/$host.key" -out "ssl/$host.csr"
  printf '%s\n' \
    'basicConstraints = critical, CA:FALSE' \
    'keyUsage = critical, digitalSignature, keyEncipherment' \
    'extendedKeyUsage = serverAuth, clientAuth' \
    "subjectAltName = $names" \
    'subjectKeyIdentifier = hash' \
    'authorityKeyIdentifier = keyid' > "ssl/$host.ext"
  quiet openssl x509 -req -sha256 -in "ssl/$host.csr" -CA ssl/ca.pem -CAkey ssl/ca.key -CAcreateserial -days 825 \
    -extfile "ssl/$host.ext" -out "ssl/$host.crt"
  openssl pkcs12 -export -in "ssl/$host.crt" -inkey "ssl/$host.key" -certfile ssl/ca.pem -name kafka \
    -passout "pass:$PASSWORD" -out "ssl/$host.keystore.p12"
  rm -f "ssl/$host.csr" "ssl/$host.ext"
  echo "ssl/$host.keystore.p12 ($names)"
}

# issue <host as in server.properties> <subjectAltName>
@@certificates@@
