#!/usr/bin/env bash
# Runs the Spark sample end to end on this machine and checks it against one jianfu process.
#
#   bash Samples/spark/run-local.sh                # 2,000,000 enterprises, local[2], 8 partitions
#   N=200000 PARTITIONS=4 bash Samples/spark/run-local.sh
#
# Steps: a Python venv with pyspark (in $WORK, default a new temp folder; reuse one with WORK=…), jianfu built in
# release with the Swift runtime linked in (the binary a cluster without Swift can run), a generated population,
# `jianfu simulate` over the whole file for each scenario, the same scenarios on Spark in local mode, and a check
# that the merged results are exactly the single-process ones: the merged partial's aggregates, the merged JSON
# report byte for byte against `jianfu merge` of the single-process partial, and against `jianfu simulate
# --format json` field for field (only the scenario label differs: see the README). Exit 1 on any mismatch.
#
# Environment: N (rows, default 2000000), SEED (2017), PARTITIONS (8), MASTER (local[2]), WORK (temp folder),
# JIANFU (a prebuilt jianfu binary: skips the build), POLICIES (the policy folder, default the repository's; it is
# copied into $WORK first so both runs see the same rules), DRIVER_MEMORY (4g).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
N=${N:-2000000}
SEED=${SEED:-2017}
PARTITIONS=${PARTITIONS:-8}
MASTER=${MASTER:-local[2]}
DRIVER_MEMORY=${DRIVER_MEMORY:-4g}
WORK=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/jianfu-spark.XXXXXX")}
mkdir -p "$WORK"
REFORM="$HERE/reform-2018.json"
SCENARIOS=("2017" "2018:$REFORM")

say() { printf '\n== %s\n' "$*"; }
now() { date +%s.%N; }
seconds() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$2"; }

say "Java"
if ! command -v java >/dev/null 2>&1; then
    echo "Java is missing: Spark needs Java 17 or later (Debian: apt-get install openjdk-17-jre-headless)." >&2
    exit 1
fi
JAVA_VERSION=$(java -version 2>&1 | head -1)
echo "$JAVA_VERSION"
JAVA_MAJOR=$(echo "$JAVA_VERSION" | sed -E 's/.*version "([0-9]+)(\.[0-9]+)?.*/\1/')
if [ "$JAVA_MAJOR" = 1 ] || [ "$JAVA_MAJOR" -lt 17 ] 2>/dev/null; then
    echo "Spark 4 needs Java 17 or later; this is $JAVA_VERSION." >&2
    exit 1
fi

say "Python venv with pyspark in $WORK/venv"
if [ ! -x "$WORK/venv/bin/python" ]; then python3 -m venv "$WORK/venv"; fi
if ! "$WORK/venv/bin/python" -c 'import pyspark' 2>/dev/null; then
    "$WORK/venv/bin/pip" install --quiet pyspark
fi
"$WORK/venv/bin/python" -c 'import pyspark; print("pyspark", pyspark.__version__)'
export PYSPARK_PYTHON="$WORK/venv/bin/python"
export PYSPARK_DRIVER_PYTHON="$WORK/venv/bin/python"

if [ -n "${JIANFU:-}" ]; then
    say "jianfu: $JIANFU (prebuilt)"
else
    say "Building jianfu (release, Swift runtime linked in)"
    (cd "$REPO" && swift build -c release --static-swift-stdlib --product jianfu --scratch-path "$REPO/.build-spark")
    JIANFU="$REPO/.build-spark/release/jianfu"
fi
"$JIANFU" --version

rm -rf "$WORK/Policies"
cp -R "${POLICIES:-$REPO/Policies}" "$WORK/Policies"
POLICIES="$WORK/Policies"
echo "policy folder $POLICIES: rule pack $("$JIANFU" policies hash "$POLICIES")"

say "Population: $N enterprises, seed $SEED"
t0=$(now)
"$JIANFU" generate-population "$N" --seed "$SEED" --format csv > "$WORK/pop.csv"
echo "$WORK/pop.csv: $(du -h "$WORK/pop.csv" | cut -f1), generated in $(seconds "$t0" "$(now)") s"

label() { local y=${1%%:*} r=${1#*:}; if [ "$r" = "$1" ]; then echo "$y"; else r=$(basename "$r"); echo "$y-${r%.*}"; fi; }
args() { local y=${1%%:*} r=${1#*:}; if [ "$r" = "$1" ]; then echo "--year $y"; else echo "--year $y --reform $r"; fi; }

say "Single process: jianfu simulate over the whole file"
mkdir -p "$WORK/single"
SINGLE_TOTAL=0
declare -A SINGLE_SECONDS
for s in "${SCENARIOS[@]}"; do
    l=$(label "$s")
    t0=$(now)
    # shellcheck disable=SC2046
    "$JIANFU" simulate "$WORK/pop.csv" $(args "$s") --policies "$POLICIES" --format json \
        --partial "$WORK/single/$l.partial" > "$WORK/single/$l.json"
    SINGLE_SECONDS[$l]=$(seconds "$t0" "$(now)")
    SINGLE_TOTAL=$(python3 -c "import sys; print(f'{float(sys.argv[1]) + float(sys.argv[2]):.1f}')" "$SINGLE_TOTAL" "${SINGLE_SECONDS[$l]}")
    echo "scenario $l: ${SINGLE_SECONDS[$l]} s"
done

say "Spark: $MASTER, $PARTITIONS partitions, scenarios ${SCENARIOS[*]}"
SCENARIO_ARGS=()
for s in "${SCENARIOS[@]}"; do SCENARIO_ARGS+=(--scenario "$s"); done
rm -rf "$WORK/spark-out"
t0=$(now)
if ! "$WORK/venv/bin/spark-submit" --master "$MASTER" --driver-memory "$DRIVER_MEMORY" \
        --conf spark.ui.enabled=false \
        "$HERE/jianfu_on_spark.py" --input "$WORK/pop.csv" --jianfu "$JIANFU" --policies "$POLICIES" \
        "${SCENARIO_ARGS[@]}" --partitions "$PARTITIONS" --output "$WORK/spark-out" 2> "$WORK/spark.log"; then
    echo "The Spark job failed; the end of its log ($WORK/spark.log):" >&2
    grep -v -E '^\S+ \S+ (INFO|WARN) ' "$WORK/spark.log" | tail -40 >&2
    echo "FAIL"
    exit 1
fi
SPARK_SECONDS=$(seconds "$t0" "$(now)")
JOB_SECONDS=$(python3 -c "import json, sys; print(json.load(open(sys.argv[1]))['job_seconds'])" "$WORK/spark-out/summary.json")

say "Checking the merged results against the single process"
ok=1
for s in "${SCENARIOS[@]}"; do
    l=$(label "$s")
    # The partials' aggregates must be identical; their inputs differ by design (one file against one stdin per
    # partition), so the comparison leaves out "inputs" and the checksum over them.
    if python3 - "$WORK/single/$l.partial" "$WORK/spark-out/$l.partial" <<'EOF'
import json, sys
a, b = (json.load(open(f))["body"] for f in sys.argv[1:3])
rows = sum(i["rows"] for i in b["inputs"])
a.pop("inputs"); b.pop("inputs")
sys.exit(0 if a == b and rows == a["aggregates"][0]["read"] else 1)
EOF
    then
        echo "scenario $l: merged partial's aggregates identical to the single-process partial's"
    else
        echo "scenario $l: MISMATCH: $WORK/spark-out/$l.partial differs from $WORK/single/$l.partial"; ok=0
    fi
    "$JIANFU" merge "$WORK/single/$l.partial" --policies "$POLICIES" --format json > "$WORK/single/$l.merged.json"
    if cmp -s "$WORK/single/$l.merged.json" "$WORK/spark-out/$l.json"; then
        echo "scenario $l: merged JSON report identical (jianfu merge --format json)"
    else
        echo "scenario $l: MISMATCH in the JSON report:"; { diff "$WORK/single/$l.merged.json" "$WORK/spark-out/$l.json" || true; } | head -20; ok=0
    fi
    if python3 - "$WORK/single/$l.json" "$WORK/spark-out/$l.json" <<'EOF'
import json, sys
def strip(x):  # the scenario label is the only field merge cannot know ("baseline (2017)" vs "year=2017;reform=baseline")
    if isinstance(x, dict): return {k: strip(v) for k, v in x.items() if k != "label"}
    if isinstance(x, list): return [strip(v) for v in x]
    return x
a, b = (json.load(open(p), parse_float=str) for p in sys.argv[1:3])
sys.exit(0 if strip(a) == strip(b) else 1)
EOF
    then
        echo "scenario $l: every figure equal to jianfu simulate --format json (labels aside)"
    else
        echo "scenario $l: MISMATCH against jianfu simulate --format json"; ok=0
    fi
done

say "Timings ($N enterprises, ${#SCENARIOS[@]} scenarios, $(nproc) cores)"
for s in "${SCENARIOS[@]}"; do l=$(label "$s"); printf '  single process, scenario %-18s %8s s\n' "$l" "${SINGLE_SECONDS[$l]}"; done
printf '  single process, both scenarios            %8s s\n' "$SINGLE_TOTAL"
printf '  Spark %-9s %2s partitions, both       %8s s  (job inside the session: %s s)\n' "$MASTER" "$PARTITIONS" "$SPARK_SECONDS" "$JOB_SECONDS"
echo "  load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine slows both runs)"
echo "  results: $WORK/spark-out"
if [ "$ok" = 1 ]; then echo "PASS"; else echo "FAIL"; exit 1; fi
