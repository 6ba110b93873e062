"""SQL equality harness: the scripts of `sessionlens sql` give the native engine's sessions.

For every preset (its refused rules turned off) and a spread of toggles, on the repository's
fixtures, a generated edge-case set and 100,000 synthetic hits, it exports the hits
(`sessionlens export hits`), runs the DuckDB script (duckdb) and the Spark SQL script (pyspark,
local mode, one session for every run; every case on the edge-case set, the presets on the
others), and asserts the same sessions as
`sessionlens export sessions`: the same count, and per visitor and session number the same
first and last hit, bounce, engagement, duration, counts, landing and exit pages, entrance
campaign and start reason. The BigQuery script is run too, translated to DuckDB by sqlglot. It
checks that the presets' refused rules are refused with their flag and dialect named, and that
the BigQuery, Snowflake and PostgreSQL scripts parse in their dialects (sqlglot). Anything missing is an error: nothing is skipped.

Python is a test tool here only. Run it through scripts/sql-equality.sh, which makes the venv
and builds the binaries:

    python tests/sql/equality.py --cli target/debug/sessionlens \\
        --synth target/debug/examples/synth_traffic --work /tmp/sql-equality
"""

import argparse
import csv
import datetime
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import sqlglot
from pyspark.sql import SparkSession
from pyspark.sql.types import StringType, StructField, StructType

REPO = Path(__file__).resolve().parents[2]

HIT_COLUMNS = [
    "ts", "visitor_id", "user_id", "source_session_id", "hit_type", "event_name", "interaction", "url",
    "referrer", "user_agent", "ip", "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content",
    "click_id_param", "click_id",
]

# Columns compared as text, and as numbers; `start` and `end` are compared in UTC seconds
# (the native export writes seconds), null columns (classification) are not compared.
TEXT = ["visitor", "visitor_session_number", "new_visitor", "hits", "interaction_hits", "pageviews",
        "landing_page", "exit_page", "bounce", "engaged", "campaign", "term", "content", "click_id_param",
        "click_id", "start_reason", "rule_set"]

# The presets with the rules SQL refuses turned off (see docs/sql.md), then a spread of toggles.
CASES = {
    "ua": ["--preset", "ua", "--campaign-change", "off", "--referrer-change", "off",
           "--direct-keeps-campaign", "off"],
    "ga4": ["--preset", "ga4", "--first-source", "off", "--engaged-as-recorded", "off"],
    "adobe": ["--preset", "adobe", "--max-length", "off", "--burst", "off"],
    "matomo": ["--preset", "matomo", "--campaign-change", "off", "--direct-keeps-campaign", "off",
               "--max-hits", "off"],
    "plausible": ["--preset", "plausible", "--identity", "ip-ua-day"],
    "posthog": ["--preset", "posthog"],
    "mixpanel": ["--preset", "mixpanel"],
    "server-log": ["--preset", "server-log"],
    "snowplow": ["--preset", "snowplow", "--drop-after", "off", "--needs-pageview", "off",
                 "--engaged-heartbeats", "off"],
    "awstats": ["--preset", "awstats"],
    "goaccess": ["--preset", "goaccess"],
    "umami": ["--preset", "umami", "--identity", "ip-ua-day"],
    "berlin-midnight": ["--tz", "Europe/Berlin", "--midnight", "on"],
    "new-york-midnight-hour": ["--tz", "America/New_York", "--midnight", "on", "--hour", "on", "--timeout", "10m"],
    "sydney-ip-ua-day": ["--tz", "Australia/Sydney", "--identity", "ip-ua-day", "--midnight", "on"],
    "interaction-only": ["--interaction-only", "on", "--timeout", "5m"],
    "user": ["--identity", "user", "--timeout", "2h"],
    "source-session": ["--identity", "source-session", "--interaction-only", "on"],
    "ip-no-bot-filter": ["--identity", "ip", "--bots", "off", "--timeout", "1m"],
    "max-hits": ["--max-hits", "3", "--timeout", "2h"],
    "max-length": ["--max-length", "1h", "--timeout", "2h"],
    "max-length-interaction-only": ["--max-length", "20m", "--interaction-only", "on", "--tz", "Europe/Berlin",
                                    "--midnight", "on"],
    "user-change": ["--user-change", "on", "--interaction-only", "on", "--timeout", "10m"],
    "client-user-change": ["--user-change", "on", "--tz", "Europe/Berlin", "--midnight", "on"],
    "ua-bounce-interaction-only": ["--bounce", "one-interaction-hit", "--duration", "last-interaction-minus-first",
                                   "--interaction-only", "on"],
    "matomo-definitions": ["--bounce", "at-most-one-action", "--duration", "last-minus-first-plus-one-second"],
    "posthog-bounce-key-events": ["--bounce", "posthog-bounce", "--engaged-seconds", "30",
                                  "--key-event", "add_to_cart", "--key-event", "purchase"],
    "kolkata-one-hit": ["--bounce", "one-hit", "--duration", "sum-of-time-spent", "--tz", "Asia/Kolkata",
                        "--midnight", "on"],
    "no-bounce": ["--bounce", "none", "--timeout", "24h"],
}

# The toggles start from the default preset, GA4, without the two rules it takes from GA4
# exports (the script refuses them).
GA4_COMPILABLE = ["--first-source", "off", "--engaged-as-recorded", "off"]
CASES = {name: flags if "--preset" in flags else GA4_COMPILABLE + flags for name, flags in CASES.items()}

# Presets as they ship: the rules each dialect refuses (flag names as the error gives them).
SHARED_REFUSALS = {
    "ua": ["--campaign-change", "--referrer-change", "--direct-keeps-campaign"],
    "ga4": ["--first-source", "--engaged-as-recorded"],
    "adobe": ["--max-length", "--burst"],
    "matomo": ["--campaign-change", "--direct-keeps-campaign", "--user-change"],
    "plausible": ["--identity fingerprint"],
    "posthog": [],
    "mixpanel": [],
    "server-log": [],
    "snowplow": ["--drop-after", "--needs-pageview", "--engaged-heartbeats"],
    "awstats": [],
    "goaccess": [],
    "umami": ["--identity fingerprint"],
}
# Spark takes seconds a run where DuckDB takes a fraction: it runs every case on the edge-case
# set, every preset on the fixtures and the 100k synthetic hits, two on the bot-heavy access log.
PRESETS = list(SHARED_REFUSALS)
SPARK_CASES = {"access-log": ["ga4", "server-log"], "exports-and-logs": PRESETS, "edge": list(CASES),
               "synthetic-100k": PRESETS}

DIALECT_TITLES = {"duckdb": "DuckDB", "spark": "Spark", "bigquery": "BigQuery", "snowflake": "Snowflake",
                  "postgres": "PostgreSQL"}
ENGINE_NAMES = {"duckdb": "DuckDB", "bigquery": "BigQuery (as DuckDB)", "spark": "Spark"}
POSIX_REGEX_DIALECTS = {"snowflake", "postgres"}
# GoAccess counts crawlers unless told not to: its preset has the bot filter off.
PRESETS_WITHOUT_BOT_FILTER = {"goaccess"}


def run(*args, capture=True):
    result = subprocess.run([str(a) for a in args], capture_output=capture, text=True)
    if result.returncode != 0:
        raise SystemExit(f"failed: {' '.join(map(str, args))}\n{result.stderr}")
    return result.stdout


def edge_hits(path):
    """Hits made to hit every corner the engine has: empty client ids and IPs, user ids that
    appear mid-visit, recorded session ids, non-interaction events and flags, assets, equal
    timestamps, gaps around the timeout, local midnights across DST changes, bots and user
    agents that only look like them, campaign tags and click ids in landing URLs."""
    rng = random.Random(13)
    agents = [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "curl/8.4.0", " curl/8.4.0", "BlogTraffic/3.4 Feed-Fetcher", "BlogTraffic/x.y Feed-Fetcher",
        "AdsBot-Google", "AdsBot-Google-Mobile", "-", "", "Mozilla/5.0 SSL Labs", "wget", "Wget/1.21",
    ]
    pages = ["/", "/shop", "/shop/red?utm_source=news&utm_medium=email&utm_campaign=spring",
             "/landing?gclid=Cj0A", "/landing?gclid=Cj0B&utm_campaign=brand", "/style.css", "/app.js",
             "/cart", "/checkout/thanks"]
    events = ["page_view"] * 6 + ["scroll", "page_ping", "click", "add_to_cart", "purchase", "heartbeat"]
    # Around the DST changes of New York (10 March), Berlin and Sydney (31 March / 7 April 2024).
    starts = [datetime.datetime(2024, 3, 9, 22, 0), datetime.datetime(2024, 3, 30, 21, 30),
              datetime.datetime(2024, 4, 6, 12, 0), datetime.datetime(2024, 3, 15, 18, 20)]
    rows = []
    for visitor in range(160):
        client = "" if visitor % 9 == 0 else f"{1443685882 + visitor}.{1682380031 + visitor % 5}"
        ip = "" if visitor % 11 == 0 else f"203.0.113.{visitor % 40}"
        agent = agents[visitor % len(agents)]
        # Some visitors log in as one user, some switch between two (shared devices).
        users = [f"u{visitor % 17}", f"u{visitor % 5}x"] if visitor % 8 == 0 else [f"u{visitor % 17}"]
        user = users if visitor % 4 == 0 else [""]
        t = starts[visitor % len(starts)] + datetime.timedelta(minutes=rng.randrange(0, 240))
        session = f"s{visitor}-0"
        for n in range(rng.randrange(1, 30)):
            step = rng.choice([0, 0, 1, 5, 60, 600, 1700, 1799, 1800, 1801, 2400, 7200])
            t += datetime.timedelta(seconds=step, milliseconds=rng.choice([0, 0, 250]))
            if step >= 1800:
                session = f"s{visitor}-{n}"
            rows.append({
                "timestamp": t.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
                "client_id": client,
                "user_id": rng.choice(user) if n > 2 and rng.random() < 0.7 else "",
                "session_id": session if visitor % 3 else "",
                "url": "https://shop.example" + rng.choice(pages),
                "referrer": rng.choice(["", "", "https://www.google.com/", "https://news.example/post",
                                        "https://shop.example/"]),
                "user_agent": agent if rng.random() < 0.95 else rng.choice(agents),
                "ip": ip,
                "event": rng.choice(events),
                "non_interaction": rng.choice(["", "", "", "1", "0"]),
            })
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def build_datasets(cli, synth, work):
    fixtures = REPO / "crates/core/tests/fixtures"
    edge = work / "edge-hits.csv"
    edge_hits(edge)
    synthetic = work / "synthetic-100k.csv"
    run(synth, 100_000, 7, synthetic)
    sources = {
        "access-log": [REPO / "tests/fixtures/access-logs/basjes-hackers-access.log"],
        "exports-and-logs": sorted((fixtures / "exports").iterdir()) + sorted((fixtures / "logs").glob("*.log")),
        "edge": [edge],
        "synthetic-100k": [synthetic],
    }
    datasets = {}
    for name, files in sources.items():
        project = work / f"{name}.sessionlens"
        project.unlink(missing_ok=True)
        for file in files:
            run(cli, "import", project, file)
        hits = work / f"{name}-hits.csv"
        run(cli, "export", "hits", project, "--out", hits)
        datasets[name] = (project, hits)
    return datasets


def native_sessions(cli, project, flags, out):
    run(cli, "export", "sessions", project, "--out", out, *flags)
    with open(out, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return {(r["visitor"], r["visitor_session_number"]): normalized_native(r) for r in rows}, len(rows)


def unguarded(cell):
    """A native cell without the spreadsheet formula guard the sessions export adds."""
    if cell.startswith("'") and cell[1:2] in ("=", "+", "-", "@", "\t", "\r"):
        return cell[1:]
    return cell


def utc_seconds(iso):
    return int(datetime.datetime.fromisoformat(iso).timestamp())


def normalized_native(row):
    values = {c: unguarded(row[c]) for c in TEXT}
    values["start"] = utc_seconds(row["start"])
    values["end"] = utc_seconds(row["end"])
    values["duration_s"] = f"{float(row['duration_s']):.3f}"
    return values


def normalized_sql(record):
    values = {c: sql_text(record[c]) for c in TEXT}
    values["start"] = record["start_ms"] // 1000
    values["end"] = record["end_ms"] // 1000
    values["duration_s"] = f"{float(record['duration_s']):.3f}"
    return values


def sql_text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def keyed(records):
    rows = [normalized_sql(r) for r in records]
    return {(r["visitor"], r["visitor_session_number"]): r for r in rows}, len(rows)


def compare(what, native, native_count, got, got_count):
    problems = []
    if got_count != native_count:
        problems.append(f"{got_count} sessions, native {native_count}")
    if len(got) != got_count:
        problems.append("two sessions share a visitor and session number")
    missing = [k for k in native if k not in got]
    extra = [k for k in got if k not in native]
    if missing:
        problems.append(f"{len(missing)} native sessions missing, e.g. {missing[:3]}")
    if extra:
        problems.append(f"{len(extra)} sessions the engine does not make, e.g. {extra[:3]}")
    differing = [(k, c, native[k][c], got[k][c]) for k in native if k in got for c in native[k]
                 if native[k][c] != got[k][c]]
    if differing:
        problems.append(f"{len(differing)} values differ, e.g. {differing[:5]}")
    if problems:
        raise AssertionError(f"{what}: " + "; ".join(problems))


SELECT = "SELECT *, {epoch_start} AS start_ms, {epoch_end} AS end_ms FROM sessions"


def duckdb_sessions(con, script):
    con.execute(script)
    return duckdb_result(con)


def bigquery_sessions(con, script):
    """The BigQuery script, translated to DuckDB by sqlglot: BigQuery itself is not at hand, so
    this checks what sqlglot's translation preserves (time zones, DIV, UNNEST, MD5, regular
    expressions), beside the parse of every dialect."""
    for statement in sqlglot.transpile(script, read="bigquery", write="duckdb"):
        con.execute(statement)
    return duckdb_result(con)


def duckdb_result(con):
    query = SELECT.format(epoch_start='epoch_ms("start")', epoch_end='epoch_ms("end")')
    cursor = con.execute(query)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def spark_sessions(spark, script):
    for statement in statements(script):
        spark.sql(statement)
    query = SELECT.format(epoch_start="unix_millis(`start`)", epoch_end="unix_millis(`end`)")
    return [row.asDict() for row in spark.sql(query).collect()]


def statements(script):
    """The script's statements: each ends with `;` at the end of a line."""
    body = "\n".join(line for line in script.splitlines() if not line.startswith("--"))
    return [s.strip() for s in body.split(";\n") if s.strip()]


def duckdb_hits(hits_csv):
    con = duckdb.connect()
    casts = ", ".join(
        "CAST(ts AS TIMESTAMP) AS ts" if c == "ts" else
        "CAST(interaction AS BOOLEAN) AS interaction" if c == "interaction" else c
        for c in HIT_COLUMNS)
    con.execute(f"CREATE TABLE hits AS SELECT {casts} FROM read_csv(?, all_varchar = true, header = true)",
                [str(hits_csv)])
    return con


def spark_hits(spark, hits_csv):
    schema = StructType([StructField(c, StringType()) for c in HIT_COLUMNS])
    frame = (spark.read.option("header", True).option("multiLine", True).option("escape", '"')
             .schema(schema).csv(str(hits_csv)))
    frame.createOrReplaceTempView("hits_text")
    casts = ", ".join(
        "CAST(ts AS TIMESTAMP) AS ts" if c == "ts" else
        "CAST(interaction AS BOOLEAN) AS interaction" if c == "interaction" else c
        for c in HIT_COLUMNS)
    spark.sql(f"CREATE OR REPLACE TEMPORARY VIEW hits AS SELECT {casts} FROM hits_text")
    spark.sql("CACHE TABLE hits")


def check_refusals(cli):
    for preset, refused in SHARED_REFUSALS.items():
        for dialect, title in DIALECT_TITLES.items():
            bots_on = preset not in PRESETS_WITHOUT_BOT_FILTER
            expected = refused + (["--bots"] if dialect in POSIX_REGEX_DIALECTS and bots_on else [])
            result = subprocess.run([str(cli), "sql", "--dialect", dialect, "--preset", preset],
                                    capture_output=True, text=True)
            if not expected:
                assert result.returncode == 0 and "CREATE" in result.stdout, f"{preset} {dialect}: {result.stderr}"
                continue
            assert result.returncode != 0, f"{preset} in {dialect} should be refused"
            for flag in expected:
                assert flag in result.stderr and title in result.stderr, f"{preset} {dialect}: {result.stderr}"
    print("refusals: every preset's refused rules are named, flag and dialect")


def check_parses(cli):
    for name, flags in CASES.items():
        for dialect in ["bigquery", "snowflake", "postgres", "duckdb"]:
            extra = ["--bots", "off"] if dialect in POSIX_REGEX_DIALECTS and "--bots" not in flags else []
            script = run(cli, "sql", "--dialect", dialect, *flags, *extra)
            read = "postgres" if dialect == "postgres" else dialect
            parsed = sqlglot.parse(script, read=read, error_level=sqlglot.ErrorLevel.RAISE)
            assert any(p is not None for p in parsed), f"{name} {dialect}: nothing parsed"
    print(f"sqlglot: {len(CASES)} cases parse as BigQuery, Snowflake, PostgreSQL and DuckDB")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cli", required=True, type=Path, help="the sessionlens binary")
    parser.add_argument("--synth", required=True, type=Path, help="the synth_traffic example binary")
    parser.add_argument("--work", required=True, type=Path, help="a folder for projects and outputs")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    began = time.monotonic()

    check_refusals(args.cli)
    check_parses(args.cli)
    datasets = build_datasets(args.cli, args.synth, args.work)

    spark = (SparkSession.builder.master("local[2]").appName("sessionlens-sql-equality")
             .config("spark.sql.shuffle.partitions", "2")
             .config("spark.sql.session.timeZone", "UTC")
             .config("spark.sql.warehouse.dir", str(args.work / "spark-warehouse"))
             .config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    checked = 0
    try:
        for dataset, (project, hits_csv) in datasets.items():
            con = duckdb_hits(hits_csv)
            spark_hits(spark, hits_csv)
            for case, flags in CASES.items():
                native, count = native_sessions(args.cli, project, flags, args.work / f"{dataset}-{case}.csv")
                engines = ["duckdb", "bigquery"] + (["spark"] if case in SPARK_CASES[dataset] else [])
                for dialect in engines:
                    script = run(args.cli, "sql", "--dialect", dialect, *flags)
                    if dialect == "spark":
                        records = spark_sessions(spark, script)
                    elif dialect == "bigquery":
                        records = bigquery_sessions(con, script)
                    else:
                        records = duckdb_sessions(con, script)
                    got, got_count = keyed(records)
                    compare(f"{dataset} / {case} / {dialect}", native, count, got, got_count)
                    checked += 1
                names = ", ".join(ENGINE_NAMES[e] for e in engines)
                print(f"{dataset:17} {case:27} {count:6} sessions: {names} match", flush=True)
            spark.sql("UNCACHE TABLE hits")
            con.close()
    finally:
        spark.stop()
    print(f"sql equality: {checked} runs match the native engine ({time.monotonic() - began:.0f} s)")


if __name__ == "__main__":
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    main()
