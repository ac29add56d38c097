#!/bin/sh
# Runs bench_spark.py for N records in each MODE (default: approx cpindex collect), each in its
# own process at low priority, printing `uptime` before and after every run (the machine is shared:
# the load goes next to every figure). Needs the release library:
#   cargo build --release --lib && sh benches/spark/run.sh 1e8 32 approx cpindex collect
set -u
N=${1:-1e7}
PARTS=${2:-8}
shift 2 2>/dev/null || shift $#
MODES=${*:-approx cpindex collect}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export CPINDEX_LIBRARY="${CPINDEX_LIBRARY:-$ROOT/target/release/libcpindex.so}"
export PYTHONPATH="$ROOT/bindings/python${PYTHONPATH:+:$PYTHONPATH}"
for m in $MODES; do
    echo "== $m N=$N partitions=$PARTS $(date -u +%H:%M:%S) load: $(uptime | sed 's/.*average: //')"
    /usr/bin/time -f "   process: elapsed %e s, max RSS %M KB (python driver; the JVM is a child)" \
        nice -n 10 python3 "$ROOT/benches/spark/bench_spark.py" "$m" "$N" "$PARTS" 2>&1 |
        grep -v -e WARN -e '^\s*$' -e 'Setting default log level' -e 'To adjust logging'
    echo "   done $(date -u +%H:%M:%S) load: $(uptime | sed 's/.*average: //')"
done
