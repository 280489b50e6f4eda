#!/usr/bin/env bash
# Runs every cargo-fuzz target for a bounded time (default 60 s each; FUZZ_SECONDS=N to
# change), seeding each corpus from the repository's logs, hostile fixtures and signatures.
# Needs a nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
# A crash leaves its input in fuzz/artifacts/<target>/: fix the bug, then copy the input to
# fuzz/regressions/<target>/ so `cargo test` (tests/fuzz_regressions.rs) replays it forever.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${FUZZ_SECONDS:-60}"
targets=("${@:-sanitize_normalize engine signature_loader}")
read -r -a targets <<<"${targets[*]}"

if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "fuzz: no nightly toolchain (rustup toolchain install nightly); the invariants still run in \`cargo test --test fuzz_regressions\`" >&2
  exit 2
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz: cargo-fuzz is missing: cargo install cargo-fuzz" >&2
  exit 2
fi

seed() {
  local target=$1 dir=fuzz/corpus/$1
  mkdir -p "$dir"
  case $target in
    signature_loader)
      cp signatures/*.toml tests/fixtures/bad-signatures/*.toml "$dir"/ ;;
    *)
      cp tests/fixtures/hostile/*.log "$dir"/
      # Logs bigger than 64 KiB slow libFuzzer down; take their first lines.
      for f in sample-logs/*.log; do head -c 16384 "$f" >"$dir/$(basename "$f")"; done ;;
  esac
  if compgen -G "fuzz/regressions/$target/*" >/dev/null; then
    cp fuzz/regressions/"$target"/* "$dir"/
  fi
}

status=0
for target in "${targets[@]}"; do
  seed "$target"
  echo "fuzz: $target for ${seconds}s"
  if ! cargo +nightly fuzz run "$target" "fuzz/corpus/$target" -- \
      -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=4096 -print_final_stats=1; then
    echo "fuzz: $target FAILED; the input is in fuzz/artifacts/$target/" >&2
    status=1
  fi
done
exit $status
