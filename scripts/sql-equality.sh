#!/usr/bin/env bash
# Proves the scripts of `sessionlens sql` give the native engine's sessions: runs the DuckDB and
# Spark SQL scripts over exported hits (CSV and Parquet) and compares them with `sessionlens export
# sessions`, runs the BigQuery script (translated to DuckDB) over the hits and over GA4-export-shaped
# events (`--input ga4-export`), imports Parquet sessions tables back, and parses the BigQuery,
# Snowflake and PostgreSQL scripts (tests/sql/equality.py, docs/sql.md).
# Python, DuckDB, PySpark and sqlglot are test tools only; they live in a venv outside the tree
# (SQL_VENV, default /var/tmp/sessionlens-venv). Spark needs a Java 17 runtime, installed from
# Debian if missing. Writes only to the venv, the cargo target folder and a temp folder.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=${SQL_VENV:-/var/tmp/sessionlens-venv}
target=$(bash scripts/target-dir.sh)
# Pinned: the versions the harness was written and run against.
requirements=(duckdb==2.0.1 pyspark==4.3.0 sqlglot==30.31.0)

if ! command -v java >/dev/null 2>&1; then
  echo "sql-equality: installing openjdk-17-jre-headless"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq openjdk-17-jre-headless >/dev/null
fi

if [ ! -x "$venv/bin/python" ]; then
  echo "sql-equality: creating the venv $venv"
  if ! python3 -m venv "$venv"; then
    # Debian's own Python keeps venv in a package of its own.
    rm -rf "$venv"
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq python3-venv >/dev/null
    python3 -m venv "$venv"
  fi
fi
installed=$("$venv/bin/python" -m pip freeze | grep -cxF -f <(printf '%s\n' "${requirements[@]}") || true)
if [ "$installed" -ne ${#requirements[@]} ]; then
  echo "sql-equality: installing ${requirements[*]}"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${requirements[@]}"
fi

cargo build --quiet -p sessionlens-cli
cargo build --quiet -p sessionlens-core --example synth_traffic

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$venv/bin/python" tests/sql/equality.py \
  --cli "$target/debug/sessionlens" \
  --synth "$target/debug/examples/synth_traffic" \
  --work "$work"
