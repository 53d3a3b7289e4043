#!/bin/sh
# Runs once, when the primary's data directory is first created (docker-entrypoint-initdb.d),
# and only if POSTGRES_REPLICATION_PASSWORD is set (the `scale` profile, docs/scaling.md):
# a role that may stream the write-ahead log, a physical replication slot so the primary keeps
# the log until the replica has it, and the pg_hba.conf line that lets the role connect for
# replication from the compose network. Without the password it does nothing.
# Executed, not sourced, by the image's entrypoint (it is executable), so `set -e` is its own.
set -eu
if [ -n "${POSTGRES_REPLICATION_PASSWORD:-}" ]; then
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
       -v password="$POSTGRES_REPLICATION_PASSWORD" <<'SQL'
CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD :'password';
SELECT pg_create_physical_replication_slot('replica');
SQL
  echo "host replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
else
  echo "primary-replication.sh: POSTGRES_REPLICATION_PASSWORD unset, no replication role made"
fi
