//! Ad-platform exports: Google Ads (UI report downloads, the click performance report,
//! API-shaped stats), Microsoft Advertising and Meta Ads. Each platform's shape is one file that
//! names its columns and says how sure a header makes it; everything they share lives here:
//! finding the header under report-title lines, assigning columns by synonyms, skipping "Total"
//! and copyright rows, reading dates, counts and money, and the row loop that hands a bad row to
//! [`Sink::reject`] with its line and reason and goes on.
//!
//! Dates are the ad account's own days, stored as written (the account's time zone, when the
//! file states one, goes to [`Sink::file_time_zone`]). A report without a day column holds
//! period totals: each row covers the period its date-range line states (`November 1, 2026 -
//! November 7, 2026`, Microsoft's `Report Time: 3/1/2024 - 3/31/2024`), or its own reporting
//! start and end columns (Meta). Counts and money accept thousands separators, currency signs
//! and `--`; an empty or `--` cell counts as zero.

mod google_api;
mod google_clicks;
mod google_report;
mod meta;
mod microsoft;
mod time_zone;

use chrono::{NaiveDate, NaiveTime};
use chrono_tz::Tz;
use csv::StringRecord;

use super::delimited::{csv_reader, detect_delimiter, is_blank, is_total_or_footer, raw_text, record_or_reject};
use super::mapping::{assign_by_synonyms, normalise};
use super::number::{parse_count, parse_money_micros};
use super::{Context, Format, Head, Input, Sink};
use crate::error::Result;
use crate::model::{AdClickRow, AdStatRow};
use crate::time::{local_to_utc_ms, parse_date, DateOrder, TimestampParser};

/// This family's formats, most specific first.
pub const FORMATS: &[&dyn Format] = &[
    &google_clicks::GoogleAdsClicks,
    &google_api::GoogleAdsApi,
    &google_report::GoogleAdsReport,
    &microsoft::MicrosoftAds,
    &meta::MetaAds,
];

/// Lines searched for the header row (report titles, date ranges and Microsoft's
/// "Report Name / Report Time / Time Zone ..." block come first).
const HEADER_SEARCH_LINES: usize = 30;
/// Rows read before the first row is written, to decide day-first or month-first dates.
const DATE_ORDER_SAMPLE: usize = 1000;

/// A column an ad export can have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Col {
    AccountId,
    AccountName,
    CampaignId,
    Campaign,
    AdGroupId,
    AdGroup,
    /// The ad itself. Rows have no ad field, so it only tells a data row from a summary row.
    Ad,
    /// The row's day.
    Date,
    /// First and last day of the range a row covers (Meta's "Reporting starts/ends").
    RangeStart,
    RangeEnd,
    Device,
    Impressions,
    Clicks,
    /// Money in the account's currency units.
    Cost,
    /// Money in millionths of the currency unit (Google Ads API).
    CostMicros,
    Currency,
    ClickId,
    /// Time of day (or a full timestamp) of one click.
    ClickTime,
    /// Hour of day (0-23) of one click.
    ClickHour,
}

const COLS: usize = Col::ClickHour as usize + 1;
const IDENTITY: [Col; 7] =
    [Col::AccountId, Col::AccountName, Col::CampaignId, Col::Campaign, Col::AdGroupId, Col::AdGroup, Col::Ad];

/// For each column, the header names (normalised: lower-case letters and digits) that mean it,
/// the preferred name first.
pub(super) type ColumnTable = &'static [(Col, &'static [&'static str])];

/// What the rows of a shape become.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum RowKind {
    /// One [`AdStatRow`] per row; needs a date and a clicks column.
    Stats,
    /// One [`AdClickRow`] per row; needs a date and a click-id column.
    Clicks,
}

/// What differs between the ad exports; everything else is shared.
pub(super) struct Shape {
    pub platform: &'static str,
    pub columns: ColumnTable,
    pub rows: RowKind,
    /// The columns a header needs, in words, for the error when none is found.
    pub expects: &'static str,
    /// A row naming no account, campaign, ad group or ad is a summary row, not data
    /// (Meta's "include summary row" export option).
    pub nameless_rows_are_summaries: bool,
}

/// Column indexes resolved from a header row.
#[derive(Clone, Debug)]
pub(super) struct AdColumns {
    index: [Option<usize>; COLS],
    /// The currency a cost header names, as in Meta's "Amount spent (EUR)".
    cost_currency: String,
}

impl AdColumns {
    /// Assign header cells to columns: for each column of the table in order, the first
    /// synonym that names a cell not taken yet. A trailing currency code in parentheses is
    /// ignored for matching and remembered when it is on the cost column.
    pub fn resolve<'h>(header: impl IntoIterator<Item = &'h str>, table: ColumnTable) -> AdColumns {
        let cells: Vec<(String, Option<(String, &str)>)> = header
            .into_iter()
            .map(|h| (normalise(h), currency_suffix(h).map(|(name, code)| (normalise(name), code))))
            .collect();
        let mut columns = AdColumns { index: [None; COLS], cost_currency: String::new() };
        let names = |i: usize, name: &str| {
            let (full, stripped) = &cells[i];
            full == name || stripped.as_ref().is_some_and(|(s, _)| s == name)
        };
        for (col, i) in assign_by_synonyms(cells.len(), table, names) {
            columns.index[col as usize] = Some(i);
            if matches!(col, Col::Cost) {
                if let Some((_, code)) = &cells[i].1 {
                    columns.cost_currency = (*code).to_string();
                }
            }
        }
        columns
    }

    pub fn get(&self, col: Col) -> Option<usize> {
        self.index[col as usize]
    }

    pub fn has(&self, col: Col) -> bool {
        self.get(col).is_some()
    }

    /// Does a column name the account, campaign, ad group or ad?
    pub fn has_identity(&self) -> bool {
        IDENTITY.iter().any(|c| self.has(*c))
    }

    fn date_column(&self) -> Option<usize> {
        self.get(Col::Date).or(self.get(Col::RangeStart))
    }

    /// Enough columns to read the shape's rows from. Stats without a date column are period
    /// totals, whose period the date-range line above the header gives; they need a column
    /// naming the campaign (or account, ad group, ad) instead.
    fn complete_for(&self, rows: RowKind) -> bool {
        match rows {
            RowKind::Stats => self.has(Col::Clicks) && (self.date_column().is_some() || self.has_identity()),
            RowKind::Clicks => self.date_column().is_some() && self.has(Col::ClickId),
        }
    }
}

/// `("Amount spent ", "EUR")` from `Amount spent (EUR)`: a three-letter code in parentheses.
fn currency_suffix(header: &str) -> Option<(&str, &str)> {
    let (name, code) = header.trim().strip_suffix(')')?.rsplit_once('(')?;
    (code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase())).then_some((name, code))
}

/// The header a shape found in the first lines of a file, and the lines above it.
pub(super) struct FoundHeader {
    pub header: StringRecord,
    pub columns: AdColumns,
    /// Report-title lines above the header, as text.
    pub preamble: Vec<String>,
}

impl FoundHeader {
    /// Sniffing: the shape's header in the first lines of `head`, if there is one.
    pub fn in_head(head: &Head, shape: &Shape) -> Option<FoundHeader> {
        let delimiter = detect_delimiter(head.lines())?;
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(head.text.as_bytes());
        locate_header(&mut reader.records(), shape, delimiter).ok()
    }

    /// Does any header cell normalise to one of `names`?
    pub fn has_name(&self, names: &[&str]) -> bool {
        self.header.iter().any(|h| names.contains(&normalise(h).as_str()))
    }

    /// Does a preamble line start with one of `prefixes` (case-insensitive, quotes ignored)?
    pub fn preamble_starts_with(&self, prefixes: &[&str]) -> bool {
        self.preamble.iter().any(|line| {
            let line = line.trim().trim_start_matches('"').to_ascii_lowercase();
            prefixes.iter().any(|p| line.starts_with(p))
        })
    }
}

/// Read records until one is a header complete for `shape`. `Err` holds the widest line seen,
/// for the error message.
fn locate_header(
    records: &mut impl Iterator<Item = csv::Result<StringRecord>>,
    shape: &Shape,
    delimiter: u8,
) -> Result<FoundHeader, String> {
    let mut preamble = Vec::new();
    let mut widest = StringRecord::new();
    for record in records.take(HEADER_SEARCH_LINES) {
        let Ok(record) = record else { continue };
        if is_blank(&record) {
            continue;
        }
        let columns = AdColumns::resolve(record.iter(), shape.columns);
        if columns.complete_for(shape.rows) {
            return Ok(FoundHeader { header: record, columns, preamble });
        }
        if record.len() > widest.len() {
            widest = record.clone();
        }
        preamble.push(raw_text(&record, delimiter));
    }
    Err(raw_text(&widest, delimiter))
}

/// Read a whole export of `shape` into `sink`.
pub(super) fn read_export(shape: &Shape, input: &mut Input, ctx: &Context, sink: &mut dyn Sink) -> Result<()> {
    let head = Head::read(ctx.path)?;
    let delimiter = detect_delimiter(head.lines()).unwrap_or(b',');
    let mut reader = csv_reader(input, delimiter);
    let mut records = reader.records();
    let found = locate_header(&mut records, shape, delimiter).map_err(|widest| {
        let seen = if widest.is_empty() { String::new() } else { format!(" (the widest line was: {widest})") };
        ctx.unreadable(format!("no header row with {} in the first {HEADER_SEARCH_LINES} lines{seen}", shape.expects))
    })?;
    let stated_zone = found.preamble.iter().find_map(|line| time_zone::stated_in(line));
    if let Some(tz) = stated_zone {
        sink.file_time_zone(tz)?;
    }

    let ahead: Vec<_> = records.by_ref().take(DATE_ORDER_SAMPLE).collect();
    let order = ctx.options.date_order.or_else(|| {
        let col = found.columns.date_column()?;
        DateOrder::detect(ahead.iter().filter_map(|r| r.as_ref().ok()?.get(col)))
    });
    let period = found.preamble.iter().find_map(|line| date_range_in(line, ctx.options.date_order.or(order)));
    if found.columns.date_column().is_none() && period.is_none() {
        return Err(ctx.unreadable(
            "the report has no day column and no date-range line above its header, so its days are unknown: \
             download it again with the date range line (the default), or add the Day segment",
        ));
    }
    let rules = RowRules {
        columns: &found.columns,
        order: order.unwrap_or_default(),
        tz: stated_zone.unwrap_or_else(|| ctx.time_zone()),
        period,
    };

    let width = found.header.len();
    for record in ahead.into_iter().chain(records) {
        let Some(record) = record_or_reject(record, ctx, sink)? else { continue };
        let line = record.position().map_or(0, |p| p.line());
        if is_blank(&record) || is_total_or_footer(&record) {
            continue;
        }
        if record.len() != width {
            let reason = format!("expected {width} fields as in the header, found {}", record.len());
            sink.reject(line, &raw_text(&record, delimiter), &reason)?;
            continue;
        }
        let row = Row { record: &record, rules: &rules };
        if shape.nameless_rows_are_summaries && row.names_nothing() {
            continue;
        }
        let written = match shape.rows {
            RowKind::Stats => row.stat(shape.platform).map(|r| sink.ad_stat(&r)),
            RowKind::Clicks => row.click(shape.platform).map(|r| sink.ad_click(&r)),
        };
        match written {
            Ok(result) => result?,
            Err(reason) => sink.reject(line, &raw_text(&record, delimiter), &reason)?,
        }
    }
    Ok(())
}

/// The first and last day of a report's date-range line: `November 1, 2026 - November 7, 2026`,
/// `Fri, Mar 1, 2024 - Sun, Mar 3, 2024`, `Report Time: 3/1/2024 - 3/31/2024`, `2024-03-01 –
/// 2024-03-31`, or a single day. A label before a colon is skipped; `None` when the line is not
/// a range of dates (a report title, "All time").
fn date_range_in(line: &str, order: Option<DateOrder>) -> Option<(NaiveDate, NaiveDate)> {
    let text = line.trim().trim_matches('"').trim();
    let text = match text.split_once(": ") {
        Some((label, rest)) if label.chars().all(|c| c.is_alphabetic() || c == ' ') => rest.trim(),
        _ => text,
    };
    let parse = |part: &str, order: DateOrder| parse_date(part.trim().trim_matches(','), order);
    let read = |order: DateOrder| -> Option<(NaiveDate, NaiveDate)> {
        for separator in [" - ", " – ", " — ", " to ", "–", "-"] {
            if let Some((from, to)) = text.split_once(separator) {
                if let (Some(from), Some(to)) = (parse(from, order), parse(to, order)) {
                    return (from <= to).then_some((from, to));
                }
            }
        }
        parse(text, order).map(|day| (day, day))
    };
    let order = order.or_else(|| DateOrder::detect(text.split(['-', '–', '—']).map(str::trim)));
    read(order.unwrap_or_default())
}

/// How every row of one file is read.
struct RowRules<'a> {
    columns: &'a AdColumns,
    order: DateOrder,
    /// The zone click times are in: the file's stated zone, else the user's.
    tz: Tz,
    /// The report's period from its date-range line, for rows without days of their own.
    period: Option<(NaiveDate, NaiveDate)>,
}

/// One data row, read by its header's columns.
struct Row<'r> {
    record: &'r StringRecord,
    rules: &'r RowRules<'r>,
}

impl<'r> Row<'r> {
    fn get(&self, col: Col) -> &'r str {
        self.rules.columns.get(col).and_then(|i| self.record.get(i)).map_or("", str::trim)
    }

    /// An identifying cell; a Google Ads API resource name
    /// (`customers/2121450128/adGroups/100031227574`) becomes the id it ends with.
    fn identity(&self, col: Col) -> &'r str {
        let value = self.get(col);
        match value.strip_prefix("customers/") {
            Some(path) => path.rsplit('/').next().unwrap_or(value),
            None => value,
        }
    }

    /// The name column's value, or the id's when the file has no name column.
    fn name_or_id(&self, name: Col, id: Col) -> &'r str {
        if self.rules.columns.has(name) {
            self.identity(name)
        } else {
            self.identity(id)
        }
    }

    /// The account's id when the file has one (ids survive renames), else its name.
    fn account(&self) -> &'r str {
        match self.identity(Col::AccountId) {
            "" => self.identity(Col::AccountName),
            id => id,
        }
    }

    fn names_nothing(&self) -> bool {
        IDENTITY.iter().all(|c| self.get(*c).is_empty())
    }

    /// The first and last day the row covers: its day, its reporting start and end, or the
    /// report's period.
    fn days(&self) -> Result<(NaiveDate, NaiveDate), String> {
        let read = |col: Col, what: &str| {
            let text = self.get(col);
            parse_date(text, self.rules.order).ok_or_else(|| format!("{what} '{text}' is not a date"))
        };
        let columns = self.rules.columns;
        if columns.has(Col::Date) {
            let day = read(Col::Date, "the day")?;
            return Ok((day, day));
        }
        if columns.has(Col::RangeStart) {
            let start = read(Col::RangeStart, "the reporting start")?;
            let end = if columns.has(Col::RangeEnd) { read(Col::RangeEnd, "the reporting end")? } else { start };
            if end < start {
                return Err(format!("the reporting end {end} is before its start {start}"));
            }
            return Ok((start, end));
        }
        self.rules.period.ok_or_else(|| "the row has no day and the report states no period".to_string())
    }

    fn count(&self, col: Col, what: &str) -> Result<i64, String> {
        let text = self.get(col);
        match parse_count(text) {
            Ok(n) => Ok(n.unwrap_or(0)),
            Err(_) => Err(format!("{what} '{text}' is not a whole number")),
        }
    }

    fn cost_micros(&self) -> Result<i64, String> {
        if self.rules.columns.has(Col::CostMicros) {
            return self.count(Col::CostMicros, "cost_micros");
        }
        let text = self.get(Col::Cost);
        parse_money_micros(text).map(|m| m.unwrap_or(0)).map_err(|e| format!("the cost '{text}': {e}"))
    }

    fn currency(&self) -> &'r str {
        match self.get(Col::Currency) {
            "" => &self.rules.columns.cost_currency,
            code => code,
        }
    }

    fn stat(&self, platform: &'static str) -> Result<AdStatRow<'r>, String> {
        let (date, last_date) = self.days()?;
        Ok(AdStatRow {
            platform,
            account: self.account(),
            campaign_id: self.identity(Col::CampaignId),
            campaign: self.name_or_id(Col::Campaign, Col::CampaignId),
            ad_group: self.name_or_id(Col::AdGroup, Col::AdGroupId),
            date,
            last_date,
            device: device_category(self.get(Col::Device)),
            impressions: self.count(Col::Impressions, "impressions")?,
            clicks: self.count(Col::Clicks, "clicks")?,
            cost_micros: self.cost_micros()?,
            currency: self.currency(),
        })
    }

    fn click(&self, platform: &'static str) -> Result<AdClickRow<'r>, String> {
        let (date, last_date) = self.days()?;
        if last_date != date {
            return Err(format!("the click row covers {date} to {last_date}, not one day"));
        }
        let click_id = self.get(Col::ClickId);
        Ok(AdClickRow {
            platform,
            account: self.account(),
            campaign_id: self.identity(Col::CampaignId),
            campaign: self.name_or_id(Col::Campaign, Col::CampaignId),
            ad_group: self.name_or_id(Col::AdGroup, Col::AdGroupId),
            date,
            ts_ms: self.click_time(date)?,
            device: device_category(self.get(Col::Device)),
            click_id_param: if click_id.is_empty() { "" } else { "gclid" },
            click_id,
            clicks: if self.rules.columns.has(Col::Clicks) { self.count(Col::Clicks, "clicks")? } else { 1 },
        })
    }

    /// The click's instant: a time-of-day (or full timestamp) column in the file's zone; an
    /// hour-of-day column gives the start of that hour; neither gives none.
    fn click_time(&self, date: NaiveDate) -> Result<Option<i64>, String> {
        let parser = TimestampParser::new(self.rules.tz, self.rules.order);
        let time = self.get(Col::ClickTime);
        if !time.is_empty() {
            return parser
                .parse(time)
                .or_else(|_| parser.parse(&format!("{date} {time}")))
                .map(Some)
                .map_err(|_| format!("the click time '{time}' is not a time of day"));
        }
        let hour = self.get(Col::ClickHour);
        if hour.is_empty() {
            return Ok(None);
        }
        let start = parse_count(hour)
            .ok()
            .flatten()
            .and_then(|h| NaiveTime::from_hms_opt(u32::try_from(h).ok()?, 0, 0))
            .ok_or_else(|| format!("the hour '{hour}' is not an hour of the day (0-23)"))?;
        Ok(Some(local_to_utc_ms(self.rules.tz, date.and_time(start))))
    }
}

/// The platforms' device names as one vocabulary (`desktop`, `mobile`, `tablet`, `tv`), so
/// ad clicks compare with traffic by device; "unknown" is absent and other names stay as written.
fn device_category(raw: &str) -> &str {
    const CATEGORIES: [(&str, &[&str]); 5] = [
        ("desktop", &["desktop", "desktops", "computer", "computers", "pc"]),
        (
            "mobile",
            &[
                "mobile",
                "mobiles",
                "mobilephone",
                "mobilephones",
                "mobiledevices",
                "smartphone",
                "smartphones",
                "mobileapp",
                "mobileweb",
                "iphone",
                "androidsmartphone",
            ],
        ),
        ("tablet", &["tablet", "tablets", "ipad", "androidtablet"]),
        ("tv", &["tv", "tvscreens", "connectedtv", "ctv"]),
        ("", &["unknown", "unspecified"]),
    ];
    let key = normalise(raw);
    CATEGORIES.iter().find(|(_, names)| names.contains(&key.as_str())).map_or(raw, |(category, _)| category)
}

#[cfg(test)]
pub(super) mod test_support {
    //! Running one format over bytes, for the platform files' tests.

    use super::super::{Context, Format, ImportOptions, Input, MemorySink};
    use crate::error::Result;

    /// A real fixture from `tests/fixtures/ad-exports` (see the README there).
    pub fn shared_fixture(name: &str) -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/ad-exports").join(name)
    }

    /// A fixture written for these tests, in `crates/core/tests/fixtures/ads`.
    pub fn own_fixture(name: &str) -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ads").join(name)
    }

    pub fn read_path(format: &dyn Format, path: &std::path::Path) -> Result<MemorySink> {
        let options = ImportOptions::default();
        let mut input = Input::open(path)?;
        let mut sink = MemorySink::default();
        format.read(&mut input, &Context { path, options: &options }, &mut sink)?;
        Ok(sink)
    }

    pub fn read_bytes(format: &dyn Format, bytes: &[u8]) -> Result<MemorySink> {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("export.csv");
        std::fs::write(&path, bytes).expect("write temp file");
        read_path(format, &path)
    }

    /// The format detection picks for a file.
    pub fn detected(path: &std::path::Path) -> &'static str {
        super::super::detect(path, &ImportOptions::default()).map(|(f, _)| f.id()).unwrap_or("none")
    }

    pub fn detected_text(text: &str) -> &'static str {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("export.csv");
        std::fs::write(&path, text).expect("write temp file");
        detected(&path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: ColumnTable = &[
        (Col::Campaign, &["campaign", "campaignname"]),
        (Col::Clicks, &["clicks"]),
        (Col::Cost, &["cost", "amountspent"]),
        (Col::Date, &["day"]),
    ];

    #[test]
    fn columns_resolve_by_synonym_and_a_currency_suffix_names_the_currency() {
        let columns = AdColumns::resolve(["Day", "Campaign name", "Amount spent (EUR)", "Clicks (all)"], TABLE);
        assert_eq!(columns.get(Col::Date), Some(0));
        assert_eq!(columns.get(Col::Campaign), Some(1));
        assert_eq!(columns.get(Col::Cost), Some(2));
        assert_eq!(columns.cost_currency, "EUR");
        assert_eq!(columns.get(Col::Clicks), None, "'Clicks (all)' is not 'Clicks'");
    }

    #[test]
    fn date_range_lines_of_every_platform_give_their_first_and_last_day() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let cases = [
            ("November 1, 2026 - November 7, 2026", Some((d(2026, 11, 1), d(2026, 11, 7)))),
            ("\"Fri, Mar 1, 2024 - Sun, Mar 3, 2024\"", Some((d(2024, 3, 1), d(2024, 3, 3)))),
            ("1 March 2024 - 31 March 2024", Some((d(2024, 3, 1), d(2024, 3, 31)))),
            ("Report Time: 3/1/2024 - 3/31/2024", Some((d(2024, 3, 1), d(2024, 3, 31)))),
            ("2024-03-01 – 2024-03-31", Some((d(2024, 3, 1), d(2024, 3, 31)))),
            ("Date range: 2026-11-03", Some((d(2026, 11, 3), d(2026, 11, 3)))),
            ("Campaign report", None),
            ("All time", None),
            ("Report Name: Campaign performance, March", None),
            ("March 31, 2024 - March 1, 2024", None),
        ];
        for (line, expected) in cases {
            assert_eq!(date_range_in(line, None), expected, "{line}");
        }
        assert_eq!(
            date_range_in("03/04/2024 - 05/04/2024", Some(DateOrder::DayFirst)),
            Some((d(2024, 4, 3), d(2024, 4, 5)))
        );
    }

    #[test]
    fn devices_map_to_one_vocabulary() {
        for (raw, category) in [
            ("Mobile phones", "mobile"),
            ("MOBILE", "mobile"),
            ("Smartphone", "mobile"),
            ("Computers", "desktop"),
            ("DESKTOP", "desktop"),
            ("Tablet", "tablet"),
            ("CONNECTED_TV", "tv"),
            ("TV screens", "tv"),
            ("Unknown", ""),
            ("Other", "Other"),
        ] {
            assert_eq!(device_category(raw), category, "{raw}");
        }
    }

    #[test]
    fn blank_trailing_rows_are_neither_rows_nor_rejects() {
        let text = "Campaign,Day,Clicks,Cost\nA,2024-03-01,3,€1.00\n,,,\n\n  ,\t, ,\n";
        let sink = test_support::read_bytes(&google_report::GoogleAdsReport, text.as_bytes()).unwrap();
        assert_eq!(sink.ad_stats.len(), 1);
        assert!(sink.rejects.is_empty(), "{:?}", sink.rejects);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Any text under any of the formats' headers: rows or rejects, never a panic.
        #[test]
        fn no_input_makes_an_ad_format_panic(
            header in proptest::sample::select(vec![
                "",
                "Campaign,Day,Device,Impr.,Clicks,Cost\n",
                "Google click ID,Campaign,Ad group,Day,Time,Hour of day\n",
                "date,campaign_id,ad_group,clicks,cost_micros\n",
                "\"Time Zone: (GMT+05:30) Chennai\"\nGregorian date,Campaign ID,Clicks,Spend\n",
                "Reporting starts,Reporting ends,Ad name,Link clicks,Amount spent (EUR)\n",
            ]),
            body in "[a-zA-Z0-9 ,.:;/()\"€£$%\t\n\u{e9}\u{4e2d}-]{0,300}",
        ) {
            let text = format!("{header}{body}");
            for format in FORMATS {
                let _ = format.sniff(&Head::from_text("export.csv", &text));
                let _ = test_support::read_bytes(*format, text.as_bytes());
            }
        }
    }

    #[test]
    fn every_format_id_is_distinct() {
        let mut ids: Vec<_> = FORMATS.iter().map(|f| f.id()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), FORMATS.len());
    }
}
