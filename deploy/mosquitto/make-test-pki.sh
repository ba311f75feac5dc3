#!/usr/bin/env bash
# Creates a TEST PKI for the feed's Mosquitto: a CA, a server certificate for localhost/127.0.0.1 and
# one client certificate per principal (CN = principal id; Mosquitto takes it as the username with
# use_identity_as_username). Never use these keys in production: they are made without a passphrase.
#   make-test-pki.sh OUTDIR PRINCIPAL...
set -euo pipefail
out=${1:?usage: make-test-pki.sh OUTDIR PRINCIPAL...}
shift
mkdir -p "$out"
cd "$out"
umask 077
days=30
if [ ! -f ca.crt ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days "$days" \
    -subj "/CN=ems-gateway test CA" -keyout ca.key -out ca.crt 2>/dev/null
fi
sign() { # name subject extfile-content
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "$2" \
    -keyout "$1.key" -out "$1.csr" 2>/dev/null
  printf '%s\n' "$3" >"$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days "$days" \
    -extfile "$1.ext" -out "$1.crt" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}
[ -f server.crt ] || sign server "/CN=localhost" \
  "subjectAltName=DNS:localhost,IP:127.0.0.1
extendedKeyUsage=serverAuth"
for principal in "$@"; do
  [ -f "$principal.crt" ] || sign "$principal" "/CN=$principal" "extendedKeyUsage=clientAuth"
done
chmod 644 ./*.crt
