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
the BigQuery, Snowflake and PostgreSQL scripts parse in their dialects (sqlglot).

Parquet: every data set's hits are exported as Parquet too and must equal the CSV, typed; on the
edge-case set DuckDB and Spark read the Parquet; DuckDB's and Spark's Parquet sessions tables
must import back with every session. GA4 export: the BigQuery script with `--input ga4-export`,
translated to DuckDB, runs over GA4-export-shaped nested events and must give the sessions of the
native import of the same events, in every case. Anything missing is an error: nothing is skipped.

Python is a test tool here only. Run it through scripts/sql-equality.sh, which makes the venv
and builds the binaries:

    python tests/sql/equality.py --cli target/debug/sessionlens \\
        --synth target/debug/examples/synth_traffic --work /tmp/sql-equality
"""

import argparse
import csv
import datetime
import json
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
# The dataset whose hits DuckDB and Spark read from `sessionlens export hits` as Parquet (the
# others from the CSV; every dataset's Parquet is checked equal to its CSV).
PARQUET_DATASET = "edge"


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


GA4_TABLE = "project.analytics_123456789.events_*"
# The GA4 export's columns the script reads, as BigQuery types them (INT64 as BIGINT, FLOAT64 as
# DOUBLE), plus columns it must leave alone; `_TABLE_SUFFIX` is the wildcard's, from event_date.
GA4_SCHEMA = {
    "event_date": "VARCHAR",
    "event_timestamp": "BIGINT",
    "event_name": "VARCHAR",
    "event_params": "STRUCT(key VARCHAR, value STRUCT(string_value VARCHAR, int_value BIGINT, "
                    "float_value DOUBLE, double_value DOUBLE))[]",
    "user_id": "VARCHAR",
    "user_pseudo_id": "VARCHAR",
    "traffic_source": "STRUCT(name VARCHAR, medium VARCHAR, source VARCHAR)",
    "collected_traffic_source": "STRUCT(manual_campaign_id VARCHAR, manual_campaign_name VARCHAR, "
                                "manual_source VARCHAR, manual_medium VARCHAR, manual_term VARCHAR, "
                                "manual_content VARCHAR, gclid VARCHAR, dclid VARCHAR, srsltid VARCHAR)",
    "device": "STRUCT(category VARCHAR, web_info STRUCT(browser VARCHAR, hostname VARCHAR))",
}
GA4_DAYS = ["20240301", "20240302", "20240303"]


def ga4_param(key, value):
    """An event parameter as BigQuery's JSON export writes it: INT64 as a string."""
    slot = {"string_value": None, "int_value": None, "float_value": None, "double_value": None}
    if isinstance(value, bool) or value is None:
        pass
    elif isinstance(value, int):
        slot["int_value"] = str(value)
    elif isinstance(value, float):
        slot["double_value"] = value
    else:
        slot["string_value"] = value
    return {"key": key, "value": slot}


def ga4_events(folder):
    """GA4 BigQuery export events (NDJSON, one file per day as `events_YYYYMMDD`), made to reach
    every corner of the mapping: utm tags in page_location (percent-escapes, `+`, repeated and
    empty keys, fragments) and in collected_traffic_source (which wins), gclid/dclid and the URL's
    click ids, non_interaction flags of every type, repeated parameters, page views by name and
    case, missing visitor ids, user ids, equal and sub-millisecond timestamps, and events the
    importer rejects (no timestamp, no name)."""
    rng = random.Random(4)
    queries = ["", "?utm_source=news&utm_medium=email&utm_campaign=spring%20sale",
               "?utm_campaign=caf%C3%A9+cr%C3%A8me&utm_source=&utm_source=second&gclid=Cj0KCQ%2Bx",
               "?msclkid=abc&gclid=&fbclid=fb1#utm_source=fragment", "?x=1&utm_term=50%25+off%ZZ&utm_content=%",
               "?wbraid=wb%2F1&utm_medium=cpc", "?xutm_source=no&utm_source=yes=really"]
    collected = [None, None, {"manual_source": "google", "manual_medium": "cpc", "manual_campaign_name": "brand",
                              "gclid": "EAIaIQ"},
                 {"manual_source": "", "manual_campaign_name": "only-campaign", "dclid": "DC1", "gclid": None},
                 {"manual_term": "shoes", "srsltid": "organic-merchant"}]
    names = ["page_view"] * 5 + ["screen_view", "Page_View", "session_start", "user_engagement", "scroll",
                                 "click", "purchase", "video_progress"]
    flags = [None, None, None, 1, 0, "true", " 1 ", "no", "Yes", 1.0]
    files = {}
    for visitor in range(120):
        pseudo = None if visitor % 13 == 0 else f"{1443685882 + visitor}.{1709251200 + visitor % 7}"
        user = f"CRM-{visitor % 11}" if visitor % 4 == 0 else None
        t = datetime.datetime(2024, 3, 1, 20, 0) + datetime.timedelta(minutes=rng.randrange(0, 2 * 24 * 60))
        session = int(t.timestamp())
        for n in range(rng.randrange(1, 25)):
            step = rng.choice([0, 0, 1, 30, 600, 1799, 1801, 3600, 9000])
            t += datetime.timedelta(seconds=step, microseconds=rng.choice([0, 123456, 999]))
            if step > 1800:
                session = int(t.timestamp())
            micros = int(t.replace(tzinfo=datetime.timezone.utc).timestamp()) * 1_000_000 + t.microsecond
            params = [ga4_param("page_location", "https://shop.example/p" + rng.choice(queries)),
                      ga4_param("ga_session_id", session),
                      ga4_param("page_referrer", rng.choice([None, "https://www.google.com/", "https://shop.example/"])),
                      ga4_param("session_engaged", rng.choice(["0", "1", 1]))]
            flag = rng.choice(flags)
            if flag is not None:
                params.append(ga4_param("non_interaction", flag))
            if n % 9 == 4:
                params.append(ga4_param("page_location", "https://shop.example/second-parameter?utm_source=ignored"))
            rng.shuffle(params)
            day = t.strftime("%Y%m%d")
            event = {
                "event_date": day,
                "event_timestamp": str(micros) if n % 2 else micros,
                "event_name": rng.choice(names),
                "event_params": params,
                "user_id": user if n > 2 else None,
                "user_pseudo_id": pseudo,
                "traffic_source": {"name": "(organic)", "medium": "organic", "source": "bing"},
                "collected_traffic_source": rng.choice(collected),
                "device": {"category": "desktop", "web_info": {"browser": "Chrome", "hostname": "shop.example"}},
            }
            if visitor % 31 == 5 and n == 1:
                event["event_timestamp"] = None
            if visitor % 37 == 6 and n == 2:
                event["event_name"] = ""
            files.setdefault(day, []).append(event)
    paths = []
    for day in sorted(files):
        path = folder / f"events_{day}.ndjson"
        with open(path, "w", encoding="utf-8") as f:
            for event in files[day]:
                f.write(json.dumps(event, ensure_ascii=False) + "\n")
        paths.append(path)
    return paths


def ga4_duckdb(files, work):
    """A DuckDB connection holding the events of `files` (NDJSON as the GA4 export writes it) as
    BigQuery holds them: nested structs in `project.analytics_123456789."events_*"`, with the
    wildcard's `_TABLE_SUFFIX`. Lines that are not JSON (the fixture has a cut one, which the
    importer rejects) cannot be in BigQuery and are left out; events the importer rejects for
    their values stay in, for the script to leave out. DuckDB has no
    SAFE_CONVERT_BYTES_TO_STRING, so it is defined as DuckDB's decode (which fails on invalid
    UTF-8 where BigQuery writes U+FFFD; the data has none)."""
    con = duckdb.connect()
    con.execute("CREATE MACRO safe_convert_bytes_to_string(b) AS decode(b)")
    project, dataset, table = GA4_TABLE.split(".")
    con.execute(f"ATTACH ':memory:' AS {project}")
    con.execute(f"CREATE SCHEMA {project}.{dataset}")
    clean = work / "ga4-events-for-duckdb.ndjson"
    with open(clean, "w", encoding="utf-8") as out:
        for file in files:
            for line in open(file, encoding="utf-8"):
                try:
                    json.loads(line)
                except ValueError:
                    continue
                out.write(line)
    columns = "{" + ", ".join(f"'{k}': '{v}'" for k, v in GA4_SCHEMA.items()) + "}"
    con.execute(f'CREATE TABLE {project}.{dataset}."{table}" AS SELECT *, event_date AS _TABLE_SUFFIX '
                f"FROM read_json(?, format = 'newline_delimited', columns = {columns})", [str(clean)])
    return con


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
        hits_parquet = work / f"{name}-hits.parquet"
        run(cli, "export", "hits", project, "--out", hits_parquet)
        datasets[name] = (project, hits, hits_parquet)
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


def duckdb_hits(hits_csv, con=None, table="hits"):
    con = con or duckdb.connect()
    casts = ", ".join(
        "CAST(ts AS TIMESTAMP) AS ts" if c == "ts" else
        "CAST(interaction AS BOOLEAN) AS interaction" if c == "interaction" else c
        for c in HIT_COLUMNS)
    con.execute(f"CREATE TABLE {table} AS SELECT {casts} FROM read_csv(?, all_varchar = true, header = true)",
                [str(hits_csv)])
    return con


def duckdb_parquet_hits(hits_parquet):
    """The hits as `sessionlens export hits` writes them to Parquet, read by DuckDB as they are
    but for `ts`: a TIMESTAMP adjusted to UTC, which DuckDB reads as TIMESTAMPTZ and the script
    wants as a (UTC) TIMESTAMP."""
    con = duckdb.connect()
    con.execute("CREATE TABLE hits AS SELECT * REPLACE (ts AT TIME ZONE 'UTC' AS ts) FROM read_parquet(?)",
                [str(hits_parquet)])
    return con


def check_parquet_hits(dataset, hits_csv, hits_parquet):
    """The Parquet hits have the contract's types and the CSV's rows, value for value."""
    con = duckdb_parquet_hits(hits_parquet)
    types = dict(con.execute("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(?))",
                             [str(hits_parquet)]).fetchall())
    expected = {c: "TIMESTAMP WITH TIME ZONE" if c == "ts" else "BOOLEAN" if c == "interaction" else "VARCHAR"
                for c in HIT_COLUMNS}
    assert types == expected, f"{dataset}: Parquet hits types {types}"
    duckdb_hits(hits_csv, con, "hits_csv")
    rows = con.execute("SELECT count(*) FROM hits").fetchone()[0]
    for a, b in [("hits", "hits_csv"), ("hits_csv", "hits")]:
        extra = con.execute(f"SELECT count(*) FROM (SELECT * FROM {a} EXCEPT ALL SELECT * FROM {b})").fetchone()[0]
        assert extra == 0, f"{dataset}: {extra} rows of {a} are not in {b}"
    con.execute("DROP TABLE hits_csv")
    print(f"{dataset:17} Parquet hits: {rows} rows, the CSV's values; ts TIMESTAMP (UTC), interaction BOOLEAN")
    return con


def spark_parquet_hits(spark, hits_parquet):
    spark.read.parquet(str(hits_parquet)).createOrReplaceTempView("hits")
    spark.sql("CACHE TABLE hits")


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


def check_parquet_sessions(cli, con, spark, flags, work):
    """Sessions written as Parquet by DuckDB (`COPY sessions TO`) and by Spark (the files of its
    `sessions` table, INT96 timestamps) import back into a project as a sessions table (found by
    detection, and named with `--format sessions-table`) with every session."""
    for engine in ["duckdb", "spark"]:
        script = run(cli, "sql", "--dialect", engine, *flags)
        if engine == "duckdb":
            expected = len(duckdb_sessions(con, script))
            files = [work / "sessions-duckdb.parquet"]
            con.execute(f"COPY sessions TO '{files[0]}' (FORMAT parquet)")
            detect = []
        else:
            expected = len(spark_sessions(spark, script))
            files = sorted((work / "spark-warehouse" / "sessions").glob("*.parquet"))
            detect = ["--format", "sessions-table"]
        assert files, f"{engine} wrote no Parquet sessions"
        project = work / f"sessions-{engine}.sessionlens"
        project.unlink(missing_ok=True)
        run(cli, "import", project, *files, *detect)
        info = json.loads(run(cli, "info", project, "--json"))
        assert info["reported_sessions"] == expected, f"{engine}: {info['reported_sessions']} imported of {expected}"
        print(f"Parquet sessions from {ENGINE_NAMES[engine]}: {len(files)} file(s) import back with all "
              f"{expected} sessions")


def check_ga4_export(cli, work):
    """The BigQuery script with `--input ga4-export`, translated to DuckDB by sqlglot and run over
    GA4-export-shaped nested events (the GA4 fixture and `ga4_events`), gives the sessions of the
    same events imported by the native GA4 importer, in every case; and with `--from`/`--to` those
    of the days' tables alone. Returns the runs checked."""
    folder = work / "ga4"
    folder.mkdir(exist_ok=True)
    generated = ga4_events(folder)
    files = [REPO / "crates/core/tests/fixtures/exports/ga4_events_20230425.ndjson"] + generated
    days = generated[1:3]
    con = ga4_duckdb(files, folder)
    runs = [("ga4-export", files, CASES, [])]
    day_flags = ["--from", iso_day(days[0]), "--to", iso_day(days[-1])]
    runs.append(("ga4-export-days", days, {"ga4": CASES["ga4"]}, day_flags))
    checked = 0
    for name, imported, cases, extra in runs:
        project = work / f"{name}.sessionlens"
        project.unlink(missing_ok=True)
        for file in imported:
            run(cli, "import", project, file)
        for case, flags in cases.items():
            native, count = native_sessions(cli, project, flags, work / f"{name}-{case}.csv")
            script = run(cli, "sql", "--dialect", "bigquery", "--input", "ga4-export", *extra, *flags)
            got, got_count = keyed(bigquery_sessions(con, script))
            compare(f"{name} / {case}", native, count, got, got_count)
            checked += 1
            print(f"{name:17} {case:27} {count:6} sessions: BigQuery from the GA4 export (as DuckDB) matches",
                  flush=True)
    con.close()
    return checked


def iso_day(events_file):
    """`2024-03-02` of `events_20240302.ndjson`."""
    day = events_file.stem.split("_")[1]
    return f"{day[:4]}-{day[4:6]}-{day[6:]}"


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
        for dataset, (project, hits_csv, hits_parquet) in datasets.items():
            # Every dataset's Parquet hits equal its CSV hits; on one the engines read the Parquet.
            con = check_parquet_hits(dataset, hits_csv, hits_parquet)
            from_parquet = dataset == PARQUET_DATASET
            if from_parquet:
                spark_parquet_hits(spark, hits_parquet)
            else:
                con.close()
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
                source = " (hits from Parquet)" if from_parquet else ""
                print(f"{dataset:17} {case:27} {count:6} sessions: {names} match{source}", flush=True)
            if from_parquet:
                check_parquet_sessions(args.cli, con, spark, CASES["ga4"], args.work)
            spark.sql("UNCACHE TABLE hits")
            con.close()
    finally:
        spark.stop()
    checked += check_ga4_export(args.cli, args.work)
    print(f"sql equality: {checked} runs match the native engine ({time.monotonic() - began:.0f} s)")


if __name__ == "__main__":
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    main()
