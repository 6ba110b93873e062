#!/usr/bin/env bash
# Import and sessionize against DuckDB, side by side in one run (issue #16). For each hit count
# (arguments, or BENCH_HITS, default 1000000) it generates seeded synthetic hits as CSV and times,
# each in a fresh process, with its peak memory:
#   - `sessionlens import` of the CSV into a new project, then `sessionlens sessionize --preset ua`;
#   - DuckDB (Python wheel) loading the same CSV with ids as VARCHAR, sessionizing it with window
#     functions (a visitor's hits more than 30 minutes apart start a new session) and writing the
#     sessions as Parquet;
#   - a new rule set (`sessionize --preset ga4`) on the same project, from a cold process;
#   - `metrics --by channel` and `discrepancy` (after a small ad report is imported), cold, on
#     the UA rules, whose run `sessionize` stored; then `metrics` on rules that never ran;
# and prints a table of the figures with the project file's size and the ratio of our
# import + sessionize to DuckDB's. A benchmark, not a test: it asserts nothing. The machine's
# other work stretches wall times, so compare figures of the same run only.
#
#   bash scripts/bench.sh                       # 1M hits
#   BENCH_HITS="1000000 10000000" bash scripts/bench.sh
#
# DuckDB lives in a venv outside the tree (BENCH_VENV, default the SQL equality harness's
# /var/tmp/sessionlens-venv), created and given the pinned wheel if missing. Builds the release
# CLI and the synthetic-traffic example; writes only there, in the venv and in a temp folder.
set -euo pipefail
cd "$(dirname "$0")/.."

read -r -a counts <<<"${*:-${BENCH_HITS:-1000000}}"
venv=${BENCH_VENV:-/var/tmp/sessionlens-venv}
target=$(bash scripts/target-dir.sh)
duckdb_wheel=duckdb==2.0.1

sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
install_debian() {
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "$@" >/dev/null
}
[ -x /usr/bin/time ] || install_debian time
if [ ! -x "$venv/bin/python" ]; then
  echo "bench: creating the venv $venv"
  # Debian's own Python keeps venv in a package of its own.
  python3 -m venv "$venv" || { rm -rf "$venv"; install_debian python3-venv; python3 -m venv "$venv"; }
fi
if ! "$venv/bin/python" -m pip freeze | grep -qxF "$duckdb_wheel"; then
  echo "bench: installing $duckdb_wheel"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$duckdb_wheel"
fi

echo "bench: building the release CLI and the synthetic traffic generator"
cargo build --quiet --release -p sessionlens-cli
cargo build --quiet --release -p sessionlens-core --example synth_traffic
cli="$target/release/sessionlens"
synth="$target/release/examples/synth_traffic"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The DuckDB side: load with explicit types (ids as text), sessionize, write Parquet.
cat >"$work/duckdb_sessions.py" <<'PY'
import sys

import duckdb

csv, parquet = sys.argv[1:3]
con = duckdb.connect()
con.execute(
    """CREATE TABLE hits AS SELECT * FROM read_csv(?, header = true, columns = {
         'timestamp': 'TIMESTAMP', 'client_id': 'VARCHAR', 'user_id': 'VARCHAR', 'url': 'VARCHAR',
         'referrer': 'VARCHAR', 'user_agent': 'VARCHAR', 'ip': 'VARCHAR', 'event': 'VARCHAR'})""",
    [csv],
)
con.execute(
    f"""COPY (
      WITH marked AS (
        SELECT *, coalesce(client_id, ip || '|' || user_agent) AS visitor FROM hits
      ), starts AS (
        SELECT *, CASE WHEN timestamp - lag(timestamp) OVER (PARTITION BY visitor ORDER BY timestamp)
                            <= INTERVAL 30 MINUTE THEN 0 ELSE 1 END AS starts_session
        FROM marked
      ), numbered AS (
        SELECT *, CAST(sum(starts_session) OVER (PARTITION BY visitor ORDER BY timestamp
                                                 ROWS UNBOUNDED PRECEDING) AS INTEGER) AS session_number
        FROM starts
      )
      SELECT visitor, session_number, min(timestamp) AS start, max(timestamp) AS "end",
             count(*) AS hits, arg_min(url, timestamp) AS landing_page,
             arg_min(referrer, timestamp) AS referrer
      FROM numbered GROUP BY visitor, session_number
    ) TO '{parquet}' (FORMAT parquet)"""
)
PY

# A Google Ads campaign report over the generated month, for `discrepancy`.
{
  echo "Campaign report"
  echo "Day,Campaign,Clicks,Impr.,Cost"
  for day in $(seq -w 1 31); do echo "2024-03-$day,spring_sale,1000,20000,500.00"; done
} >"$work/google-ads.csv"

# timed NAME COMMAND...: run it quietly, keep its wall seconds and peak resident MB.
declare -A seconds peak_mb
timed() {
  local name=$1
  shift
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$work/out" 2>&1 || {
    echo "bench: '$name' failed:" >&2
    cat "$work/out" >&2
    exit 1
  }
  read -r seconds[$name] kb <"$work/time"
  peak_mb[$name]=$((kb / 1024))
}
megabytes() { echo $(($(stat -c %s "$1") / 1000000)); }

for hits in "${counts[@]}"; do
  csv="$work/hits-$hits.csv"
  project="$work/bench-$hits.sessionlens"
  echo "bench: $hits hits"
  "$synth" "$hits" 42 "$csv"
  timed import "$cli" import "$project" "$csv"
  timed sessionize "$cli" sessionize "$project" --preset ua
  project_mb=$(megabytes "$project")
  timed duckdb "$venv/bin/python" "$work/duckdb_sessions.py" "$csv" "$work/sessions-$hits.parquet"
  "$cli" import "$project" "$work/google-ads.csv" >/dev/null
  timed rules "$cli" sessionize "$project" --preset ga4
  timed metrics "$cli" metrics "$project" --preset ua --by channel
  timed discrepancy "$cli" discrepancy "$project" --preset ua
  timed metrics_unrun "$cli" metrics "$project" --preset matomo --by channel

  ours=$(awk "BEGIN { printf \"%.2f\", ${seconds[import]} + ${seconds[sessionize]} }")
  row() { printf '%-46s %9s %9s\n' "$@"; }
  echo
  row "$hits hits ($(megabytes "$csv") MB of CSV)" "wall s" "peak MB"
  row "sessionlens import" "${seconds[import]}" "${peak_mb[import]}"
  row "sessionlens sessionize --preset ua" "${seconds[sessionize]}" "${peak_mb[sessionize]}"
  row "  import + sessionize" "$ours" ""
  row "DuckDB load + sessionize + Parquet" "${seconds[duckdb]}" "${peak_mb[duckdb]}"
  row "  ratio ours / DuckDB" "$(awk "BEGIN { printf \"%.2f\", $ours / ${seconds[duckdb]} }")" ""
  row "new rule set (sessionize --preset ga4), cold" "${seconds[rules]}" "${peak_mb[rules]}"
  row "metrics --by channel, cold (run stored)" "${seconds[metrics]}" "${peak_mb[metrics]}"
  row "discrepancy, cold (run stored)" "${seconds[discrepancy]}" "${peak_mb[discrepancy]}"
  row "metrics, cold, rules not run before" "${seconds[metrics_unrun]}" "${peak_mb[metrics_unrun]}"
  row "project file after import + sessionize, MB" "$project_mb" ""
  row "project file after the second rule set, MB" "$(megabytes "$project")" ""
  echo
  rm -f "$csv" "$project" "$work/sessions-$hits.parquet"
done
