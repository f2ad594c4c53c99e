#!/bin/sh
# Joins the three cluster-mode Redis servers of the `scale` profile into one cluster (no replicas); a no-op once done.
set -e
for node in redis-1 redis-2 redis-3; do
  until redis-cli -h "$node" ping | grep -q PONG; do sleep 1; done
done
if redis-cli -h redis-1 cluster info | grep -q 'cluster_state:ok'; then exit 0; fi
# redis-cli wants addresses, not names.
ips=""
for node in redis-1 redis-2 redis-3; do ips="$ips $(getent hosts "$node" | cut -d' ' -f1):6379"; done
redis-cli --cluster create $ips --cluster-replicas 0 --cluster-yes
