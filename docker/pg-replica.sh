#!/bin/sh
# The streaming replica (the compose `scale` profile): on first start, a base backup of the primary through a
# physical slot (-C creates it, -R writes standby.signal and primary_conninfo); then a hot standby.
set -e
export PGPASSWORD="$POSTGRES_PASSWORD"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  until pg_isready -h postgres -U "$POSTGRES_USER" -d wharf; do sleep 1; done
  pg_basebackup -h postgres -U "$POSTGRES_USER" -D "$PGDATA" -R -X stream -C -S wharf_replica
  chmod 700 "$PGDATA"
fi
exec postgres -c hot_standby=on
