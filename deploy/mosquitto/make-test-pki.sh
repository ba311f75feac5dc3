#!/usr/bin/env bash
# Creates a TEST PKI for the feed's Mosquitto: a CA, a server certificate for localhost/127.0.0.1, one
# client certificate per principal (CN = principal id; Mosquitto takes it as the username with
# use_identity_as_username, and the username as the client id with use_username_as_clientid) and the
# CA's certificate revocation list, crl.pem. With --revoke it revokes the named principals'
# certificates and rewrites crl.pem (Mosquitto reads it again on SIGHUP). Never use these keys in
# production: they are made without a passphrase.
#   make-test-pki.sh OUTDIR PRINCIPAL...
#   make-test-pki.sh --revoke OUTDIR PRINCIPAL...
# Run as root, it makes server.key readable by the group Mosquitto drops to (MOSQUITTO_GROUP, default
# mosquitto): Mosquitto started as root switches to its own user before it opens the key.
set -euo pipefail
revoke=false
if [ "${1:-}" = --revoke ]; then
  revoke=true
  shift
fi
out=${1:?usage: make-test-pki.sh [--revoke] OUTDIR PRINCIPAL...}
shift
mkdir -p "$out"
cd "$out"
umask 077
days=30

# `openssl ca` keeps what it revoked in index.txt; the CRL is signed by the CA and valid for $days.
cat >ca.cnf <<CNF
[ ca ]
default_ca = test_ca
[ test_ca ]
database = index.txt
crlnumber = crlnumber
certificate = ca.crt
private_key = ca.key
default_md = sha256
default_crl_days = $days
CNF
crl() { openssl ca -config ca.cnf -gencrl -out crl.pem 2>/dev/null; }

if $revoke; then
  for principal in "$@"; do
    [ -f "$principal.crt" ] || { echo "no certificate for $principal" >&2; exit 2; }
    openssl ca -config ca.cnf -revoke "$principal.crt" 2>/dev/null
  done
  crl
  chmod 644 crl.pem
  exit 0
fi

if [ ! -f ca.crt ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days "$days" \
    -subj "/CN=ems-gateway test CA" -keyout ca.key -out ca.crt 2>/dev/null
fi
[ -f index.txt ] || : >index.txt
[ -f crlnumber ] || echo 01 >crlnumber
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
[ -f crl.pem ] || crl
chmod 644 ./*.crt crl.pem
group=${MOSQUITTO_GROUP:-mosquitto}
if [ "$(id -u)" = 0 ] && getent group "$group" >/dev/null; then
  # The broker reads this directory's certificates, CRL and server key as $group; the CA key and the
  # client keys stay root-only.
  chgrp "$group" . server.key
  chmod 750 .
  chmod 640 server.key
fi
