#!/usr/bin/env bash
# Builds the seed corpora in fuzz/corpus/<target>/ from the test fixtures (crates/core/tests/
# fixtures and the real-world ones in tests/fixtures), sliced to a few dozen lines so
# each seed stays small. Nothing here is committed: the corpora are rebuilt on every run and
# grow with what the fuzzer finds. Hand-made seeds live in fuzz/seeds/<target>/ (committed).
#
# Targets that start with a settings byte (see fuzz/src/lib.rs, options_from_settings) get it
# prepended here: its low four bits pick the ad format the file is in; import_logs has a second
# byte for the log format.
set -euo pipefail
cd "$(dirname "$0")"

core=../crates/core/tests/fixtures
shared=../tests/fixtures
corpus=corpus

# seed TARGET NAME SETTINGS_BYTE FILE [LINES]: the first LINES lines (all when empty) of FILE,
# after the settings byte (octal, or "" for targets without one).
seed() {
  local target=$1 name=$2 settings=$3 file=$4 lines=${5:-}
  [ -e "$file" ] || {
    echo "seed: $file is missing: a fixture was moved or renamed without fuzz/seed.sh" >&2
    exit 1
  }
  mkdir -p "$corpus/$target"
  {
    [ -z "$settings" ] || printf "\\$settings"
    if [ -n "$lines" ]; then head -n "$lines" "$file"; else cat "$file"; fi
  } >"$corpus/$target/$name"
}

# Log fixtures with the index of their format in import::logs::FORMATS (octal, the second byte).
logs=(
  "00 caddy-access.log" "01 nginx-json.log" "02 traefik-json.log" "03 cloudfront.log"
  "04 incapsula-w3c.log" "05 netscaler-w3c.log" "06 shoutcast-w3c.log" "07 iis-w3c.log"
  "07 iis-advanced.log" "10 aws-alb.log" "11 aws-elb-classic.log" "11 aws-elb-classic-comment.log"
  "12 s3-access.log" "13 haproxy-http.log" "14 gandi.log" "15 apache-vhost-combined.log"
  "15 apache-vhost-combined-no-port.log" "16 apache-vhost-common.log" "17 ovh.log"
  "20 nginx-combined.log" "20 icecast-access.log" "21 apache-common.log"
)
for entry in "${logs[@]}"; do
  read -r index file <<<"$entry"
  seed import_logs "$file" "000\\0$index" "$core/logs/$file"
  seed import_logs "utc-$file" "100\\0$index" "$core/logs/$file" # bits 6-7 = 1: UTC
  seed import_any "$file" "" "$core/logs/$file"
  seed text_input "$file" "" "$core/logs/$file"
done
seed import_logs basjes-combined "000\\020" "$shared/access-logs/basjes-hackers-access.log" 60
seed import_any basjes-combined "" "$shared/access-logs/basjes-hackers-access.log" 60

# Ad fixtures with the index of their format in import::ads::FORMATS; bits 4-5 = 1: day-first.
ads=(
  "0 $core/ads/google_ads_click_performance.csv"
  "1 $shared/ad-exports/google_ads_campaign_stats.csv"
  "1 $shared/ad-exports/google_ads_ad_stats.csv"
  "2 $core/ads/google_ads_campaign_report.csv"
  "2 $core/ads/google_ads_ad_group_report_excel.tsv"
  "3 $core/ads/microsoft_ads_campaign_report.csv"
  "3 $shared/ad-exports/microsoft_ads_campaign_performance_daily.csv"
  "4 $core/ads/meta_ads_manager_export.csv"
  "4 $shared/ad-exports/facebook_ads_basic_ad.csv"
)
for entry in "${ads[@]}"; do
  read -r index file <<<"$entry"
  name=$(basename "$file")
  seed import_ads "$name" "00$index" "$file" 40
  seed import_ads "day-first-$name" "02$index" "$file" 40
  seed import_any "$name" "" "$file" 40
  seed text_input "$name" "" "$file" 40
done

# Analytics exports: GA4 and UA as themselves and as generic JSON; Snowplow TSV.
ga4=$core/exports/ga4_events_20230425.ndjson
ua=$core/exports/ua_ga_sessions_20170801.ndjson
snowplow=$core/exports/snowplow_enriched_20230425.tsv
hits=$core/projects/v1-hits.csv
seed import_ga4 ga4.ndjson "000" "$ga4"
seed import_ga4 ga4-new-york.ndjson "200" "$ga4" 3
seed import_ua ua.ndjson "000" "$ua"
seed import_ua ua-lord-howe.ndjson "300" "$ua" 2
seed import_snowplow snowplow.tsv "000" "$snowplow"
seed import_json_traffic ga4.ndjson "000" "$ga4" 4
seed import_json_traffic ua.ndjson "000" "$ua" 2
seed import_csv_mapped v1-hits.csv "000" <(printf '\n'; cat "$hits")
seed import_csv_mapped v1-hits-mapped.csv "100" <(printf 'timestamp=timestamp;client_id=client_id;url=url\n'; cat "$hits")
for file in "$ga4" "$ua" "$snowplow" "$hits"; do
  seed import_any "$(basename "$file")" "" "$file"
  seed text_input "$(basename "$file")" "" "$file" 20
done

# Encodings and compression: the same text as gzip, bzip2, UTF-16LE/BE with and without BOM,
# UTF-8 with BOM, Windows-1252.
mkdir -p "$corpus/text_input" "$corpus/import_any"
# Each tool is optional: a machine without bzip2 or iconv still gets the other seeds.
gzip -c "$hits" >"$corpus/text_input/hits.csv.gz" && cp "$corpus/text_input/hits.csv.gz" "$corpus/import_any/"
bzip2 -c "$hits" >"$corpus/text_input/hits.csv.bz2" 2>/dev/null || rm -f "$corpus/text_input/hits.csv.bz2"
for encoding in UTF-16LE UTF-16BE UTF-16; do
  iconv -f UTF-8 -t $encoding "$hits" >"$corpus/text_input/hits-$encoding.csv" 2>/dev/null ||
    rm -f "$corpus/text_input/hits-$encoding.csv"
done
{ printf '\xef\xbb\xbf'; cat "$hits"; } >"$corpus/text_input/hits-utf8-bom.csv"
iconv -f UTF-8 -t WINDOWS-1252//TRANSLIT "$core/ads/meta_ads_manager_export.csv" \
  >"$corpus/text_input/meta-cp1252.csv" 2>/dev/null || rm -f "$corpus/text_input/meta-cp1252.csv"

# User agents and URLs from the real access log (distinct ones, a few hundred).
mkdir -p "$corpus/user_agent" "$corpus/url_parts"
awk -F'"' 'NF >= 6 { print $6 }' "$shared/access-logs/basjes-hackers-access.log" | sort -u | head -n 300 |
  split -l 1 -a 4 - "$corpus/user_agent/basjes-"
awk -F'"' 'NF >= 6 { print $4 }' "$shared/access-logs/basjes-hackers-access.log" | sort -u | head -n 150 |
  split -l 1 -a 4 - "$corpus/url_parts/basjes-referrer-"
for file in "$core"/*/*; do
  grep -ohE 'https?://[^",[:space:]]+' "$file" 2>/dev/null || true
done | sort -u | head -n 150 | split -l 1 -a 4 - "$corpus/url_parts/fixture-url-"
# split keeps each line's newline; the parsers see it as trailing text, which is fine (and the
# hand seeds in fuzz/seeds/ have none).
