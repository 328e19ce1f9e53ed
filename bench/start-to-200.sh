#!/usr/bin/env bash
# Used by docs/BENCHMARKS.md ("Start to first 200 OK"). Set FRESH=<file> to delete a SQLite file before each run.
# Start to first 200 OK on /healthz: N runs, prints each in ms.
BIN=$1; DBURL=$2; N=${3:-5}
for i in $(seq 1 $N); do
  [ -n "$FRESH" ] && rm -f $FRESH*
  start=$(date +%s%N)
  DATABASE_URL=$DBURL LEPTOS_SITE_ADDR=127.0.0.1:3411 LEPTOS_SITE_ROOT=target/site LEPTOS_OUTPUT_NAME=sotay RUST_LOG=warn $BIN serve >/dev/null 2>&1 &
  pid=$!
  until curl -s -o /dev/null -w "%{http_code}" http://127.0.0.1:3411/healthz 2>/dev/null | grep -q 200; do sleep 0.005; done
  end=$(date +%s%N)
  rss=$(ps -o rss= -p $pid)
  echo "run $i: $(( (end-start)/1000000 )) ms, RSS ${rss} KB"
  kill $pid; wait $pid 2>/dev/null
done
