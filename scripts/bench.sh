#!/usr/bin/env bash
# logdoc performance benchmark (issue 5): prints one markdown table with
#   - report-mode throughput over a file (default threads, and one thread), over stdin, vs
#     `rg -c -f PATTERNS`
#     where PATTERNS is `logdoc signatures patterns` (median of several runs), and the
#     one-thread ratio again from pairs of runs taken in turn (steadier on a shared machine);
#     rg (one thread on one file) and logdoc's one thread are held on the same core;
#   - peak memory (max RSS) in report mode at every size;
#   - latency from a line arriving to its finding being known (benches/latency.rs);
#   - the TUI's first frame and frame build time (hook: benches/tui.rs, see below).
# Logs are generated at run time (benches/support/genlog.rs) into a temp dir, removed after.
#
# Usage: scripts/bench.sh                      (100 MB and 1 GB, 5 runs each)
#        BENCH_SIZES=100M BENCH_RUNS=3 scripts/bench.sh
#
# Environment (all optional):
#   BENCH_SIZES=100M,1G     sizes to generate (decimal: 100M = 100 000 000 bytes)
#   BENCH_RUNS=5            timed runs per command (median reported), after one warm-up run
#   BENCH_FAILURES=300      example failure blocks inserted per log
#   BENCH_SECTIONS=throughput,memory,latency,tui   what to measure (add `ablation` for the
#                           per-signature cost table, run on the smallest size)
#   BENCH_DIR=DIR           where to write the logs (default: a fresh mktemp -d)
#   BENCH_KEEP=1            keep the generated logs
#   BENCH_OUT=FILE          also write the table to FILE
#   BENCH_SLOW=30           a command whose warm-up run takes longer (s) is timed once only
#   BENCH_TIMEOUT=120       give up on a command after this many seconds (reported as "> N s")
#   RG=rg                   the ripgrep to compare with
#   LOGDOC=PATH             the logdoc binary (default: built here with cargo build --release)
#
# Needs: cargo, jq, rg. Uses when present: hyperfine (else a timing loop), /usr/bin/time
# (peak memory), taskset (one-core run), perf (not here: see docs/benchmarks.md).
set -euo pipefail

cd "$(dirname "$0")/.."
SIZES=${BENCH_SIZES:-100M,1G}
RUNS=${BENCH_RUNS:-5}
FAILURES=${BENCH_FAILURES:-300}
SECTIONS=${BENCH_SECTIONS:-throughput,memory,latency,tui}
SLOW=${BENCH_SLOW:-30}
TIMEOUT=${BENCH_TIMEOUT:-120}
RG=${RG:-rg}

say() { printf '%s\n' "$*" >&2; }
die() { say "bench: $*"; exit 2; }
want() { [[ ",$SECTIONS," == *",$1,"* ]]; }
for tool in cargo jq "$RG"; do
    command -v "$tool" >/dev/null || die "$tool not found (apt-get install -y jq ripgrep)"
done

if [[ -n ${BENCH_DIR:-} ]]; then
    DIR=$BENCH_DIR
    mkdir -p "$DIR"
else
    DIR=$(mktemp -d "${TMPDIR:-/tmp}/logdoc-bench.XXXXXX")
fi
cleanup() {
    [[ ${BENCH_KEEP:-0} == 1 ]] && return
    if [[ -n ${BENCH_DIR:-} ]]; then rm -f "$DIR"/log-*.log; else rm -rf "$DIR"; fi
}
trap cleanup EXIT

# ---- build ------------------------------------------------------------------------------
say "bench: building (cargo build --release)…"
cargo build --release --quiet --bin logdoc --example genlog
TARGET=$(cargo metadata --format-version 1 --no-deps 2>/dev/null | jq -r .target_directory) || TARGET=target
LOGDOC=${LOGDOC:-$TARGET/release/logdoc}
# Planning threads logdoc uses by default: one per core, at most 4 (src/scan/mod.rs).
THREADS=$(($(nproc) < 4 ? $(nproc) : 4))
GENLOG=$TARGET/release/examples/genlog
REPORT=(--report --format json --fail-on never)

"$LOGDOC" signatures patterns >"$DIR/patterns.txt" || die "logdoc cannot load its signatures (is signatures/ being edited? retry)"
# The same patterns with Unicode word boundaries made ASCII: what rg does when the patterns
# follow docs' advice. Only shown when it differs.
sed 's/\\b/(?-u:\\b)/g' "$DIR/patterns.txt" >"$DIR/patterns-ascii-b.txt"
NPATTERNS=$(wc -l <"$DIR/patterns.txt")
NSIGS=$("$LOGDOC" signatures list | wc -l)

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
ROWS=()
row() { ROWS+=("| $1 | $2 | $3 | $4 |"); }

# mb_s BYTES SECONDS → throughput in MB/s (decimal)
mb_s() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.0f", b / 1e6 / s }'; }
# speed BYTES → "N MB/s (wall s; CPU s)" from the last measure
speed() {
    local cpu=""
    [[ -n $CPU ]] && cpu=$(awk -v c="$CPU" 'BEGIN { printf "; CPU %.3f s", c }')
    awk -v b="$1" -v s="$MEDIAN" -v c="$cpu" 'BEGIN { printf "%.0f MB/s (%.3f s%s)", b / 1e6 / s, s, c }'
}
# cpu_mb_s BYTES → throughput from CPU time (user + system) when known, else wall time:
# steadier than wall time on a machine others use.
cpu_mb_s() { mb_s "$1" "${CPU:-$MEDIAN}"; }
# cpu_ratio RG_CPU LOGDOC_CPU → "(CPU time: N×)" when both are known
cpu_ratio() { [[ -n $1 && -n $2 ]] && awk -v r="$1" -v l="$2" 'BEGIN { printf "(CPU time: %.2f×)", r / l }' || true; }

# measure NAME CMD → sets MEDIAN (seconds, or empty on timeout) and HOW (e.g. "median of 5")
# One warm-up run (with a timeout) first; a command slower than BENCH_SLOW is timed once.
measure() {
    local name=$1 cmd=$2 start end probe rc
    say "bench: $name"
    start=$(date +%s%N)
    set +e
    timeout "$TIMEOUT" bash -c "$cmd" | cat >/dev/null
    rc=${PIPESTATUS[0]}
    set -e
    end=$(date +%s%N)
    CPU=""
    if ((rc == 124)); then
        MEDIAN="" HOW="stopped after ${TIMEOUT} s"
        return
    fi
    ((rc == 0)) || die "$name failed (exit $rc): $cmd"
    probe=$(awk -v n=$((end - start)) 'BEGIN { printf "%.4f", n / 1e9 }')
    if awk -v p="$probe" -v s="$SLOW" 'BEGIN { exit !(p > s) }'; then
        MEDIAN=$probe HOW="1 run"
    elif command -v hyperfine >/dev/null; then
        hyperfine --output=pipe --runs "$RUNS" --style none --export-json "$DIR/h.json" "$cmd" >/dev/null 2>&1 \
            || die "hyperfine failed on: $cmd"
        MEDIAN=$(jq -r '.results[0].median' "$DIR/h.json") HOW="median of $RUNS, hyperfine"
        CPU=$(jq -r '.results[0].user + .results[0].system' "$DIR/h.json")
    else
        local times=() i
        for ((i = 0; i < RUNS; i++)); do
            start=$(date +%s%N)
            bash -c "$cmd" | cat >/dev/null
            end=$(date +%s%N)
            times+=("$((end - start))")
        done
        MEDIAN=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.4f", m / 1e9 }')
        HOW="median of $RUNS, timing loop"
    fi
}

# wall_of CMD → seconds one run of CMD takes (its output discarded)
wall_of() {
    local start end
    start=$(date +%s%N)
    bash -c "$1" | cat >/dev/null
    end=$(date +%s%N)
    awk -v n=$((end - start)) 'BEGIN { printf "%.4f", n / 1e9 }'
}

# interleaved NAME SLOW-CMD FAST-CMD → sets PAIR_RATIO: the median over RUNS pairs of
# (time of SLOW-CMD / time of FAST-CMD), the two run one right after the other, SLOW-CMD
# first in every other pair. On a machine whose speed drifts (a shared VM), each pair sees
# the same conditions, and neither command always runs right after the other.
interleaved() {
    local name=$1 slow=$2 fast=$3 ratios=() i a b
    say "bench: $name (interleaved pairs)"
    for ((i = 0; i < RUNS; i++)); do
        if ((i % 2 == 0)); then
            a=$(wall_of "$slow")
            b=$(wall_of "$fast")
        else
            b=$(wall_of "$fast")
            a=$(wall_of "$slow")
        fi
        ratios+=("$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.4f", a / b }')")
    done
    PAIR_RATIO=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{ r[NR] = $1 } END { m = (NR % 2) ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2; printf "%.2f", m }')
    PAIR_ALL=$(printf '%s\n' "${ratios[@]}" | awk '{ printf "%s%.2f", (NR > 1 ? ", " : ""), $1 }')
}

# peak_rss CMD-WITH-{} → max RSS of logdoc in MB (decimal), via /usr/bin/time
peak_rss() {
    local input=$1 how=$2
    shift 2
    if [[ $how == file ]]; then
        /usr/bin/time -f %M -o "$DIR/rss.txt" "$LOGDOC" "${REPORT[@]}" "$@" "$input" >/dev/null
    else
        cat "$input" | /usr/bin/time -f %M -o "$DIR/rss.txt" "$LOGDOC" "${REPORT[@]}" "$@" >/dev/null
    fi
    awk '{ printf "%.1f", $1 * 1024 / 1e6 }' "$DIR/rss.txt"
}

met() { awk -v v="$1" -v t="$2" -v op="$3" 'BEGIN { ok = (op == ">=") ? v >= t : v < t; print ok ? "met" : "NOT met" }'; }

largest=""
IFS=, read -r -a sizes <<<"$SIZES"
for size in "${sizes[@]}"; do
    log="$DIR/log-$size.log"
    say "bench: generating $size…"
    "$GENLOG" --size "$size" --failures "$FAILURES" --out "$log" --manifest "$DIR/manifest-$size.json"
    largest=$log
    bytes=$(jq .bytes "$DIR/manifest-$size.json")

    # Sanity: logdoc finds every signature whose examples were inserted.
    "$LOGDOC" "${REPORT[@]}" "$log" >"$DIR/report-$size.json"
    missing=$(jq -r --slurpfile r "$DIR/report-$size.json" \
        '(.expected | keys) - ([$r[0].findings[].id]) | join(", ")' "$DIR/manifest-$size.json")
    inserted=$(jq -r '.expected | length' "$DIR/manifest-$size.json")
    jq -r '"bench: \(.file): \(.lines) lines, \(.ansi_lines) with ANSI, \(.cr_lines) with \\r, \(.failures) failure blocks, \(.counter_examples) counter-examples"' \
        "$DIR/manifest-$size.json" >&2
    if [[ -n $missing ]]; then
        say "bench: WARNING: inserted but not found: $missing"
        row "Sanity $size: signatures inserted / found" "$inserted / missing: $missing" "all" "NOT met"
    else
        say "bench: all $inserted inserted signatures found"
    fi

    if want throughput; then
        measure "logdoc file $size" "'$LOGDOC' ${REPORT[*]} '$log'"
        file_s=$MEDIAN file_cpu=$CPU
        row "logdoc report, file, $THREADS planning threads (the default here), $size ($HOW)" "$(speed "$bytes")" "" ""
        # The single-thread figure: no helper threads (-j 1), pinned to one core.
        pin=""
        if command -v taskset >/dev/null && (($(nproc) > 1)); then pin="taskset -c 0 "; fi
        measure "logdoc file, one thread, $size" "$pin'$LOGDOC' -j 1 ${REPORT[*]} '$log'"
        one_s=$MEDIAN one_cpu=$CPU one_how=$HOW
        row "logdoc report, file, one thread (\`${pin}logdoc -j 1\`), $size ($one_how)" "$(speed "$bytes")" "" ""
        measure "logdoc stdin $size" "cat '$log' | '$LOGDOC' ${REPORT[*]}"
        row "logdoc report, stdin (\`cat FILE \| logdoc\`), $size ($HOW)" "$(speed "$bytes")" "" ""

        # rg searches one file on one thread: held on the same core as logdoc's one thread.
        measure "rg $size" "$pin'$RG' -c -f '$DIR/patterns.txt' '$log'"
        if [[ -n $MEDIAN ]]; then
            rg_s=$MEDIAN rg_cpu=$CPU
            row "\`${pin}rg -c -f PATTERNS\`, $size ($HOW)" "$(speed "$bytes")" "" ""
            ratio=$(awk -v r="$rg_s" -v l="$one_s" 'BEGIN { printf "%.2f", r / l }')
            row "Ratio logdoc/rg, one thread, $size (of the two medians above)" "${ratio}× $(cpu_ratio "$rg_cpu" "$one_cpu")" "≥ 2×" "$(met "$ratio" 2 ">=")"
            interleaved "rg / logdoc one thread $size" "$pin'$RG' -c -f '$DIR/patterns.txt' '$log'" \
                "$pin'$LOGDOC' -j 1 ${REPORT[*]} '$log'"
            row "Ratio logdoc/rg, one thread, $size (median of $RUNS pairs run in turn: $PAIR_ALL)" "${PAIR_RATIO}×" "≥ 2×" "$(met "$PAIR_RATIO" 2 ">=")"
            ratio=$(awk -v r="$rg_s" -v l="$file_s" 'BEGIN { printf "%.2f", r / l }')
            faster=$(awk -v f="$file_s" -v o="$one_s" 'BEGIN { print (f < o) ? "met" : "NOT met" }')
            row "Ratio logdoc/rg, $THREADS planning threads, file, $size" "${ratio}×" "more than one thread" "$faster"
        else
            row "\`rg -c -f PATTERNS\`, $size" "> $TIMEOUT s (< $(mb_s "$bytes" "$TIMEOUT") MB/s, $HOW)" "" ""
            row "Ratio logdoc/rg, one thread, $size" "> $(awk -v r="$TIMEOUT" -v l="$one_s" 'BEGIN { printf "%.0f", r / l }')×" "≥ 2×" "met"
        fi
        if ! cmp -s "$DIR/patterns.txt" "$DIR/patterns-ascii-b.txt"; then
            measure "rg ascii-b $size" "$pin'$RG' -c -f '$DIR/patterns-ascii-b.txt' '$log'"
            if [[ -n $MEDIAN ]]; then
                row "\`rg -c -f PATTERNS\` with \`\\b\` → \`(?-u:\\b)\`, $size ($HOW)" "$(speed "$bytes")" "" ""
                ratio=$(awk -v r="$MEDIAN" -v l="$one_s" 'BEGIN { printf "%.2f", r / l }')
                row "Ratio logdoc/rg with ASCII \`\\b\`, one thread, $size" "${ratio}× $(cpu_ratio "$CPU" "$one_cpu")" "(info: rg once the patterns use ASCII \`\\b\`)" "$(met "$ratio" 2 ">=")"
            fi
        fi
    fi

    if want memory; then
        if [[ -x /usr/bin/time ]]; then
            say "bench: peak memory $size"
            rss=$(peak_rss "$log" file)
            row "Peak RSS, report, file, $size" "$rss MB" "< 64 MB" "$(met "$rss" 64 "<")"
            rss=$(peak_rss "$log" stdin)
            row "Peak RSS, report, stdin, $size" "$rss MB" "< 64 MB" "$(met "$rss" 64 "<")"
            rss=$(peak_rss "$log" file -j 6)
            row "Peak RSS, report, file, \`-j 6\` (the most threads), $size" "$rss MB" "< 64 MB" "$(met "$rss" 64 "<")"
            rss=$(peak_rss "$log" file -j 1)
            row "Peak RSS, report, file, \`-j 1\`, $size" "$rss MB" "< 64 MB" "$(met "$rss" 64 "<")"
        else
            row "Peak RSS, $size" "not measured: /usr/bin/time missing (apt-get install time)" "< 64 MB" "?"
        fi
    fi
done

# Start-up: what a one-line log costs (loading and compiling the signatures).
if want throughput; then
    printf 'npm error code ELIFECYCLE\n' >"$DIR/one-line.log"
    measure "start-up" "'$LOGDOC' ${REPORT[*]} '$DIR/one-line.log'"
    row "Start-up + report of a one-line log ($HOW)" "$(awk -v s="$MEDIAN" 'BEGIN { printf "%.1f", s * 1000 }') ms" "(info)" ""
fi

if want latency; then
    say "bench: latency (cargo bench --bench latency)…"
    while IFS= read -r line; do
        [[ $line == \|* ]] && ROWS+=("$line")
    done < <(cargo bench --quiet --bench latency)
fi

# ---- TUI: hook for the TUI's first-frame and frame-build measurements -------------------
# When benches/tui.rs exists (declared in Cargo.toml as `[[bench]] name = "tui"`,
# `harness = false`), it is run as
#     cargo bench --bench tui -- --log <largest generated log>
# (cargo adds `--bench`). It must print markdown rows `| metric | value | target | met |` on
# stdout, for example:
#     | TUI first frame, 1G log | 120 ms | < 300 ms | met |
#     | TUI frame build (TestBackend), 1 000 / 10 000 000 lines | 0.4 / 0.4 ms | < 5 ms | met |
if want tui; then
    if [[ -f benches/tui.rs ]]; then
        say "bench: TUI (cargo bench --bench tui)…"
        while IFS= read -r line; do
            [[ $line == \|* ]] && ROWS+=("$line")
        done < <(cargo bench --quiet --bench tui -- --log "$largest")
    else
        row "TUI first frame on a 1 GB log; frame build, 1 000 vs 10 000 000 lines" "not measured yet (hook: benches/tui.rs)" "< 300 ms; < 5 ms" "?"
    fi
fi

# ---- Optional: what each signature costs -------------------------------------------------
ABLATION=()
if want ablation; then
    log="$DIR/log-${sizes[0]}.log"
    bytes=$(jq .bytes "$DIR/manifest-${sizes[0]}.json")
    mkdir -p "$DIR/sigs"
    rm -f "$DIR/sigs"/*.toml
    measure "ablation: no signatures" "'$LOGDOC' ${REPORT[*]} --no-builtin --signatures '$DIR/sigs' '$log'"
    ABLATION+=("| (no signatures at all) | $(cpu_mb_s "$bytes") MB/s |")
    measure "ablation: all" "'$LOGDOC' ${REPORT[*]} --no-builtin --signatures signatures '$log'"
    ABLATION+=("| (every signature) | $(cpu_mb_s "$bytes") MB/s |")
    for sig in signatures/*.toml; do
        rm -f "$DIR/sigs"/*.toml
        cp signatures/*.toml "$DIR/sigs/"
        rm "$DIR/sigs/$(basename "$sig")"
        measure "ablation: without $sig" "'$LOGDOC' ${REPORT[*]} --no-builtin --signatures '$DIR/sigs' '$log'"
        ABLATION+=("| without $(basename "$sig" .toml) | $(cpu_mb_s "$bytes") MB/s |")
    done
fi

# ---- The table ---------------------------------------------------------------------------
{
    echo
    echo "Machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(awk '/MemTotal/ { printf "%.1f GB", $2 * 1024 / 1e9 }' /proc/meminfo) RAM, $(uname -sr)"
    echo "Load average at start / end: $LOAD_START / $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine slows wall-clock figures; CPU times are steadier)"
    echo "logdoc $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- src signatures 2>/dev/null || echo '+changes'), $NSIGS signatures, $NPATTERNS patterns; $("$RG" --version | sed -n 1p); $(command -v hyperfine >/dev/null && hyperfine --version || echo 'no hyperfine'); files in page cache"
    if ((${#ROWS[@]})); then
        echo
        echo "| metric | value | target | met |"
        echo "|---|---|---|---|"
        printf '%s\n' "${ROWS[@]}"
    fi
    if ((${#ABLATION[@]})); then
        echo
        echo "Throughput on the ${sizes[0]} log by signature set, from CPU time (user + system):"
        echo
        echo "| signature set | throughput |"
        echo "|---|---|"
        printf '%s\n' "${ABLATION[@]}"
    fi
} | tee ${BENCH_OUT:+"$BENCH_OUT"}
