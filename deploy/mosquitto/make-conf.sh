#!/usr/bin/env bash
# Prints deploy/mosquitto/mosquitto.conf for one site. A site changes only where the broker's files
# are and where it listens; everything else is the shipped file, line for line. Production (this
# prints the shipped file unchanged):
#   make-conf.sh /etc/mosquitto/ems /var/lib/mosquitto 8883 > /etc/mosquitto/mosquitto.conf
# The tests run it with a scratch directory and a free port on 127.0.0.1, so the file they start is
# the file a deployment starts.
#   make-conf.sh CONF_DIR DATA_DIR PORT [BIND_ADDRESS]
# CONF_DIR holds ca.crt, server.crt, server.key, crl.pem and acl; DATA_DIR is the persistence directory.
set -euo pipefail
usage='usage: make-conf.sh CONF_DIR DATA_DIR PORT [BIND_ADDRESS]'
conf_dir=${1:?$usage}
data_dir=${2:?$usage}
port=${3:?$usage}
bind=${4:-}
# Mosquitto reads a value up to the end of the line; refuse what would change its meaning.
for path in "$conf_dir" "$data_dir"; do
  [[ "$path" =~ ^/[A-Za-z0-9._/-]*$ ]] || { echo "not an absolute path of [A-Za-z0-9._/-]: $path" >&2; exit 2; }
done
[[ "$port" =~ ^[0-9]{1,5}$ ]] && ((port >= 1 && port <= 65535)) || { echo "bad port: $port" >&2; exit 2; }
[[ -z "$bind" || "$bind" =~ ^[0-9A-Za-z.:-]+$ ]] || { echo "bad bind address: $bind" >&2; exit 2; }
conf_dir=${conf_dir%/}
data_dir=${data_dir%/}

shipped="$(dirname "$0")/mosquitto.conf"
listen="listener $port${bind:+ $bind}"
# Exactly these lines change; if the shipped file no longer has them, fail rather than print a config
# that silently keeps the production values.
awk -v conf="$conf_dir" -v data="$data_dir" -v listen="$listen" '
  $0 == "listener 8883" { $0 = listen; n++ }
  $0 == "persistence_location /var/lib/mosquitto/" { $0 = "persistence_location " data "/"; n++ }
  index($0, " /etc/mosquitto/ems/") { sub(/ \/etc\/mosquitto\/ems\//, " " conf "/"); n++ }
  { out = out $0 "\n" }
  END {
    if (n != 7) { print "make-conf.sh: expected 7 site lines in " FILENAME ", found " n > "/dev/stderr"; exit 3 }
    printf "%s", out
  }
' "$shipped"
