#!/usr/bin/env bash
# A real Spark standalone cluster on 127.0.0.1, started from the project's own dependency jars (no download):
# one master, two workers with one core each. Checks that
#   1. a small demo sweep submitted to spark://127.0.0.1:PORT, with one executor process killed mid-sweep,
#      finishes every cell exactly once with the losses of the local engine, and that a second run of the
#      same command trains nothing;
#   2. after the driver is killed mid-sweep, rerunning the command loses no cell and runs none twice
#      (on Spark and on the local engine).
# Needs the built jars (mvn package); builds them when missing. Run from anywhere; exit 0 on success.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
STEPS=${HYPERP_CLUSTER_STEPS:-40}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/hyperp-cluster.XXXXXX")
SPARK_HOME="$WORK/spark-home"
export SPARK_HOME
export SPARK_LOCAL_IP=127.0.0.1
# a Spark distribution says its Scala version by its layout; this one is laid out from Maven jars
export SPARK_SCALA_VERSION=2.13
# the CLI jar sets Spark's loggers to warn; the master and workers log at info (registration is checked below)
DAEMON_LOG=-Dorg.slf4j.simpleLogger.log.org.apache.spark=info
PIDS=()
t_start=$(date +%s)

log() { printf '[cluster-test %3ds] %s\n' $(( $(date +%s) - t_start )) "$*"; }
fail() { log "FAIL: $*"; exit 1; }
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  if [ "${KEEP_WORK:-0}" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# Spark's reflective access on Java 17 (the same list as the parent pom's spark.add-opens).
ADD_OPENS=$(sed -n 's:.*<spark.add-opens>\(.*\)</spark.add-opens>.*:\1:p' pom.xml)
[ -n "$ADD_OPENS" ] || fail "spark.add-opens not found in pom.xml"

# $SPARK_HOME/jars: every runtime dependency of the CLI (Spark included) and the project's own jars.
if ! ls hyperp-cli/target/hyperp-cli-*.jar >/dev/null 2>&1 || ! ls hyperp-spark/target/hyperp-spark-*.jar >/dev/null 2>&1; then
  log "building the jars"
  mvn -B -q package -DskipTests -pl hyperp-cli,hyperp-spark -am
fi
mkdir -p "$SPARK_HOME/jars" "$SPARK_HOME/conf"
# package in the same invocation, so the project's own modules resolve from the reactor (a CI build runs
# verify, not install: the local repository need not hold them)
mvn -B -q package dependency:copy-dependencies -DskipTests -pl hyperp-cli -am -DincludeScope=runtime \
  -DexcludeGroupIds=io.hyperp -DoutputDirectory="$SPARK_HOME/jars"
for m in hyperp-core hyperp-optim hyperp-moe hyperp-scaling hyperp-sweep hyperp-demo hyperp-spark hyperp-cli; do
  cp "$(ls $m/target/$m-*.jar | grep -v -e sources -e tests -e javadoc | head -1)" "$SPARK_HOME/jars/"
done
log "SPARK_HOME/jars: $(ls "$SPARK_HOME/jars" | wc -l) jars, $(du -sh "$SPARK_HOME/jars" | cut -f1)"
CP="$SPARK_HOME/jars/*"
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
# The driver: Spark settings as system properties (SparkConf reads spark.*), harmless for the local engine.
SPARK_CONF=(-Dspark.driver.host=127.0.0.1 -Dspark.driver.bindAddress=127.0.0.1 -Dspark.executor.memory=2g)
hyperp() { nice -n 15 "$JAVA" $ADD_OPENS -Xmx2g "${SPARK_CONF[@]}" -cp "$CP" io.hyperp.cli.HyperpCli "$@"; }
# in the background: exec, so that $! is the driver JVM itself (a kill reaches the driver, not a subshell)
hyperp_bg() { exec nice -n 15 "$JAVA" $ADD_OPENS -Xmx2g "${SPARK_CONF[@]}" -cp "$CP" io.hyperp.cli.HyperpCli "$@"; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT=$(free_port)
MASTER="spark://127.0.0.1:$PORT"

nice -n 15 "$JAVA" $ADD_OPENS $DAEMON_LOG -Xmx512m -cp "$CP" org.apache.spark.deploy.master.Master \
  --host 127.0.0.1 --port "$PORT" --webui-port 0 >"$WORK/master.log" 2>&1 &
PIDS+=($!)
for i in $(seq 1 60); do
  (echo >"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
  sleep 1
done
(echo >"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null || fail "master did not start (see $WORK/master.log)"
WORKER_PIDS=()
for w in 1 2; do
  mkdir -p "$WORK/worker$w"
  nice -n 15 "$JAVA" $ADD_OPENS $DAEMON_LOG -Xmx512m -cp "$CP" org.apache.spark.deploy.worker.Worker \
    --host 127.0.0.1 --cores 1 --memory 3g --webui-port 0 --work-dir "$WORK/worker$w" "$MASTER" \
    >"$WORK/worker$w.log" 2>&1 &
  PIDS+=($!)
  WORKER_PIDS+=($!)
done
for i in $(seq 1 120); do
  [ "$(grep -l 'Successfully registered with master' "$WORK"/worker*.log 2>/dev/null | wc -l)" = 2 ] && break
  sleep 1
done
[ "$(grep -l 'Successfully registered with master' "$WORK"/worker*.log | wc -l)" = 2 ] || fail "workers did not register"
log "master $MASTER with two workers (1 core each)"

SWEEP=(sweep --demo tiny --steps "$STEPS")
cells_done() { ls "$1/cells" 2>/dev/null | grep -c '\.json$' || true; }
# losses: cell id, loss and train_loss of runs.csv, sorted by cell
losses() { python3 - "$1" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
for r in sorted(rows, key=lambda r: r["cell"]):
    print(r["cell"], r["loss"], r["train_loss"], r["status"])
PY
}

# Reference: the local engine (two threads: ND4J single-threaded per cell, as on Spark).
t0=$(date +%s)
hyperp "${SWEEP[@]}" --threads 2 --out "$WORK/ref" >"$WORK/ref.log" 2>&1 || fail "local reference run failed (see $WORK/ref.log)"
N=$(cells_done "$WORK/ref")
log "local reference: $N cells in $(( $(date +%s) - t0 )) s"
losses "$WORK/ref/runs.csv" >"$WORK/ref.losses"

# 1. Spark, one executor killed mid-sweep.
t0=$(date +%s)
hyperp_bg "${SWEEP[@]}" --engine spark --master "$MASTER" --out "$WORK/spark" \
  >"$WORK/spark.log" 2>&1 &
DRIVER=$!
PIDS+=($DRIVER)
killed=""
while kill -0 "$DRIVER" 2>/dev/null; do
  if [ -z "$killed" ] && [ "$(cells_done "$WORK/spark")" -ge 2 ]; then
    for wp in "${WORKER_PIDS[@]}"; do
      ex=$(pgrep -P "$wp" -f CoarseGrainedExecutorBackend | head -1 || true)
      if [ -n "$ex" ]; then kill -9 "$ex"; killed=$ex; log "killed executor $ex (worker $wp) after $(cells_done "$WORK/spark") of $N cells"; break; fi
    done
  fi
  sleep 0.5
done
wait "$DRIVER" || fail "Spark run failed (see $WORK/spark.log)"
[ -n "$killed" ] || fail "the sweep ended before an executor could be killed; raise HYPERP_CLUSTER_STEPS"
log "Spark run with a killed executor: $(( $(date +%s) - t0 )) s"
[ "$(cells_done "$WORK/spark")" = "$N" ] || fail "expected $N cell files, found $(cells_done "$WORK/spark")"
[ -z "$(ls -A "$WORK/spark/cells" | grep -v '\.json$' || true)" ] || fail "leftover temporary files in cells/"
losses "$WORK/spark/runs.csv" >"$WORK/spark.losses"
diff "$WORK/ref.losses" "$WORK/spark.losses" >/dev/null || { diff "$WORK/ref.losses" "$WORK/spark.losses" | head; fail "losses differ from the local engine"; }
grep -q 'Lost executor\|ExecutorLost\|lost executor\|Executor lost\|Removed executor\|removed' "$WORK/spark.log" "$WORK"/worker*.log "$WORK/master.log" \
  || log "note: no executor-loss message found in the logs"
log "every cell once, losses bit-identical to the local engine"
hyperp "${SWEEP[@]}" --engine spark --master "$MASTER" --out "$WORK/spark" \
  >"$WORK/spark2.log" 2>&1 || fail "second Spark run failed"
grep -q "0 trained, $N resumed" "$WORK/spark2.log" || fail "second run did work: $(tail -2 "$WORK/spark2.log")"
log "second run of the same command: no work"

# 2. Driver killed mid-sweep, then the command run again (Spark, then local).
for engine in spark local; do
  out="$WORK/kill-$engine"
  if [ "$engine" = spark ]; then args=(--engine spark --master "$MASTER"); else args=(--threads 2); fi
  hyperp_bg "${SWEEP[@]}" "${args[@]}" --out "$out" >"$WORK/kill-$engine.log" 2>&1 &
  d=$!
  PIDS+=($d)
  while kill -0 "$d" 2>/dev/null && [ "$(cells_done "$out")" -lt 3 ]; do sleep 0.2; done
  kill -9 "$d" 2>/dev/null || true
  wait "$d" 2>/dev/null || true
  before=$(cells_done "$out")
  [ "$before" -lt "$N" ] || fail "$engine: the sweep ended before the driver could be killed"
  log "$engine: driver killed with $before of $N cells finished"
  sleep 2
  hyperp "${SWEEP[@]}" "${args[@]}" --out "$out" >"$WORK/rerun-$engine.log" 2>&1 \
    || fail "$engine: rerun after the driver was killed failed (see $WORK/rerun-$engine.log)"
  after=$(cells_done "$out")
  [ "$after" = "$N" ] || fail "$engine: $after of $N cells after the rerun"
  resumed=$(sed -n 's/.* \([0-9]*\) trained, \([0-9]*\) resumed.*/\2/p' "$WORK/rerun-$engine.log")
  [ "$resumed" -ge "$before" ] || fail "$engine: rerun resumed $resumed cells, but $before had finished"
  [ "$resumed" -lt "$N" ] || fail "$engine: the killed driver's sweep went on finishing cells (rerun had nothing to do)"
  kill -0 "$d" 2>/dev/null && fail "$engine: driver $d still alive"
  losses "$out/runs.csv" >"$WORK/kill-$engine.losses"
  diff "$WORK/ref.losses" "$WORK/kill-$engine.losses" >/dev/null || fail "$engine: losses after the resume differ"
  log "$engine: rerun resumed $resumed, trained $(( N - resumed )); every cell once, same losses"
done

log "PASS in $(( $(date +%s) - t_start )) s"
