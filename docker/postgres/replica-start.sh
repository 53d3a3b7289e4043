#!/bin/sh
# The read replica of the `scale` profile (docs/scaling.md): on first start, copy the primary
# with pg_basebackup (which also writes standby.signal and primary_conninfo, -R), then run as a
# hot standby streaming from the primary through the slot primary-replication.sh made.
# Runs as the postgres user; PGPASSWORD is the replication role's password.
set -eu
: "${PGPASSWORD:?set POSTGRES_REPLICATION_PASSWORD (docs/scaling.md)}"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  until pg_isready --host=postgres --port=5432 --quiet; do sleep 1; done
  pg_basebackup --host=postgres --port=5432 --username=replicator --pgdata="$PGDATA" \
    --wal-method=stream --slot=replica --write-recovery-conf --checkpoint=fast --no-password
  chmod 0700 "$PGDATA"
fi
# hot_standby_feedback: a long report query on the replica is not cancelled because the
# primary vacuumed away rows it still reads (the primary keeps them a little longer instead).
exec postgres -c hot_standby=on -c hot_standby_feedback=on
