//! Analytics report downloads: the sessions GA4, Universal Analytics, Matomo and Plausible
//! counted, by campaign, source/medium, channel and optionally day. Each tool's shape is one file
//! that names its columns and says how sure a header makes it; everything they share lives here:
//! finding the table under `#` preamble lines (and past tables without a sessions column, such
//! as a chart's series), the period a report without a date column covers (its preamble's `Start
//! date`/`End date`, or a `20200101-20200131` line), reading counts with thousands separators,
//! skipping totals rows, and the row loop that hands a bad row to [`Sink::reject`] with its line
//! and reason and goes on. A sessions table (`sessions_table`, one row per session, from
//! `sessionlens sql` in a warehouse) reads in its own way and imports as the same rows.
//!
//! One table is read: the first whose header has a sessions column and a dimension or date
//! column. It ends at a `#` line or at another table's header (a row naming a metric column,
//! such as `Users`); tables after it (a Universal Analytics chart's `Day Index` series, a second
//! GA4 table) are not rows. Blank rows are skipped. Totals rows (`Grand total`, `Totals`,
//! or every dimension cell empty) are skipped, neither rows nor rejects. A `Source / Medium` cell
//! `google / cpc` gives source `google` and medium `cpc`.

mod ga4;
mod matomo;
mod plausible;
mod sessions_table;
mod ua;

use chrono::NaiveDate;
use csv::StringRecord;

use super::delimited::{csv_reader, detect_delimiter, is_blank, is_total_or_footer, raw_text, record_or_reject};
use super::mapping::{assign_by_synonyms, normalise};
use super::number::{parse_count, parse_number};
use super::{Context, Format, Head, Input, Sink};
use crate::error::Result;
use crate::model::ReportedSessionsRow;
use crate::time::{parse_date, DateOrder};

/// This family's formats, most specific first.
pub const FORMATS: &[&dyn Format] = &[
    &ga4::Ga4Report,
    &ua::UniversalAnalyticsReport,
    &matomo::MatomoReport,
    &plausible::PlausibleVisitors,
    &sessions_table::SessionsTable,
];

/// Lines searched for the header row: preamble lines, and tables before the one with sessions
/// (a chart's daily series is one line per day).
const HEADER_SEARCH_LINES: usize = 2_000;
/// Rows a shape may look at before the first is written (Matomo's label decides from them).
const SAMPLE_ROWS: usize = 1_000;

/// A column a report can have.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Col {
    Campaign,
    /// `google / cpc`: source and medium in one cell.
    SourceMedium,
    Source,
    Medium,
    Channel,
    /// A day (`20261101`, `2026-11-01`) or a period (`2026-11-02,2026-11-08`, `2026-11`).
    Date,
    /// A dimension whose meaning the shape decides from the file (Matomo's `label`).
    Label,
    Sessions,
    EngagedSessions,
    KeyEvents,
    Users,
}

const COLS: usize = Col::Users as usize + 1;
/// The columns that say what a row is about; a row with all of them empty is a totals row.
const DIMENSIONS: [Col; 7] =
    [Col::Campaign, Col::SourceMedium, Col::Source, Col::Medium, Col::Channel, Col::Date, Col::Label];

/// For each column, the header names (normalised: lower-case letters and digits) that mean it,
/// the preferred name first.
pub(super) type ColumnTable = &'static [(Col, &'static [&'static str])];

/// What differs between the tools' reports; everything else is shared.
pub(super) struct Shape {
    pub platform: &'static str,
    pub columns: ColumnTable,
    /// The columns a header needs, in words, for the error when none is found.
    pub expects: &'static str,
    /// Which dimension a [`Col::Label`] column at the given index holds, decided from the header
    /// and the first rows (for shapes that have one).
    pub label_means: Option<LabelMeans>,
    /// Dimension values the tool writes for what the others write differently
    /// (Matomo's `Others` truncation row is GA4's `(other)`).
    pub renamed_values: &'static [(&'static str, &'static str)],
}

/// Decides which dimension the label column at the given index holds, from the header and the
/// first rows.
pub(super) type LabelMeans = fn(&StringRecord, &[StringRecord], usize) -> Col;

/// Column indexes resolved from a header row.
#[derive(Clone, Debug)]
pub(super) struct ReportColumns {
    index: [Option<usize>; COLS],
}

impl ReportColumns {
    pub fn resolve<'h>(header: impl IntoIterator<Item = &'h str>, table: ColumnTable) -> ReportColumns {
        let cells: Vec<String> = header.into_iter().map(normalise).collect();
        let mut columns = ReportColumns { index: [None; COLS] };
        for (col, i) in assign_by_synonyms(cells.len(), table, |i, name| cells[i] == name) {
            columns.index[col as usize] = Some(i);
        }
        columns
    }

    pub fn get(&self, col: Col) -> Option<usize> {
        self.index[col as usize]
    }

    pub fn has(&self, col: Col) -> bool {
        self.get(col).is_some()
    }

    /// A sessions column, and something the sessions are counted by.
    fn complete(&self) -> bool {
        self.has(Col::Sessions) && DIMENSIONS.iter().any(|c| self.has(*c))
    }
}

/// The table a shape found, and the `#` lines above it.
pub(super) struct FoundTable {
    pub header: StringRecord,
    pub columns: ReportColumns,
    /// The preamble's `#` lines, as text.
    pub preamble: Vec<String>,
}

impl FoundTable {
    /// Sniffing: the shape's table in the first lines of `head`, with the rows under its header
    /// that the head holds.
    pub fn in_head(head: &Head, shape: &Shape) -> Option<(FoundTable, Vec<StringRecord>)> {
        let delimiter = detect_delimiter(head.lines())?;
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(head.text.as_bytes());
        let mut records = reader.records();
        let found = locate_header(&mut records, shape, delimiter).ok()?;
        let rows = records.take(SAMPLE_ROWS).filter_map(|r| r.ok()).collect();
        Some((found, rows))
    }

    /// Does any header cell normalise to one of `names`?
    pub fn has_name(&self, names: &[&str]) -> bool {
        self.header.iter().any(|h| names.contains(&normalise(h).as_str()))
    }
}

fn is_comment(record: &StringRecord) -> bool {
    record.get(0).is_some_and(|c| c.trim_start().starts_with('#'))
}

/// Read records until one is a complete header for `shape`. `Err` holds the widest line seen,
/// for the error message.
fn locate_header(
    records: &mut impl Iterator<Item = csv::Result<StringRecord>>,
    shape: &Shape,
    delimiter: u8,
) -> Result<FoundTable, String> {
    let mut preamble = Vec::new();
    let mut widest = StringRecord::new();
    for record in records.take(HEADER_SEARCH_LINES) {
        let Ok(record) = record else { continue };
        if is_blank(&record) {
            continue;
        }
        if is_comment(&record) {
            preamble.push(raw_text(&record, delimiter));
            continue;
        }
        let columns = ReportColumns::resolve(record.iter(), shape.columns);
        if columns.complete() {
            return Ok(FoundTable { header: record, columns, preamble });
        }
        if record.len() > widest.len() {
            widest = record;
        }
    }
    Err(raw_text(&widest, delimiter))
}

/// The first and last day a period's text names: one day (`20261101`, `2026-11-01`), two days
/// (`2026-11-02,2026-11-08`, `20200101-20200131`, `2026-11-01 - 2026-11-07`), a month (`2026-11`)
/// or a year (`2026`).
pub(super) fn parse_period(text: &str) -> Option<(NaiveDate, NaiveDate)> {
    let text = text.trim();
    let day = |t: &str| parse_date(t.trim(), DateOrder::MonthFirst);
    let both = |(a, b): (&str, &str)| Some((day(a)?, day(b)?)).filter(|(a, b)| a <= b);
    let separators = [",", " - ", " – ", "–", " to "];
    if let Some(period) = separators.iter().find_map(|sep| text.split_once(sep).and_then(both)) {
        return Some(period);
    }
    let digits = |t: &str, n: usize| t.len() == n && t.bytes().all(|b| b.is_ascii_digit());
    let year = |t: &str| digits(t, 4).then(|| t.parse::<i32>().ok()).flatten();
    let compact = |(a, b): &(&str, &str)| digits(a, 8) && digits(b, 8);
    if let Some(period) = text.split_once('-').filter(compact).and_then(both) {
        return Some(period);
    }
    if let Some(d) = day(text) {
        return Some((d, d));
    }
    match text.split_once('-') {
        Some((y, m)) => {
            let month = digits(m, 2).then(|| m.parse::<u32>().ok()).flatten()?;
            let first = NaiveDate::from_ymd_opt(year(y)?, month, 1)?;
            let next = first.checked_add_months(chrono::Months::new(1))?;
            Some((first, next.pred_opt()?))
        }
        None => {
            let year = year(text)?;
            Some((NaiveDate::from_ymd_opt(year, 1, 1)?, NaiveDate::from_ymd_opt(year, 12, 31)?))
        }
    }
}

/// The period a report's preamble states: GA4's `# Start date: 20261101` and `# End date:
/// 20261107`, or a line that is a period alone (Universal Analytics' `# 20200101-20200131`).
pub(super) fn preamble_period(preamble: &[String]) -> Option<(NaiveDate, NaiveDate)> {
    let lines: Vec<String> = preamble.iter().map(|l| l.trim().trim_start_matches('#').trim().to_lowercase()).collect();
    let labelled = |label: &str| lines.iter().find_map(|l| l.strip_prefix(label).and_then(parse_period));
    if let (Some((start, _)), Some((_, end))) = (labelled("start date:"), labelled("end date:")) {
        return (start <= end).then_some((start, end));
    }
    lines.iter().find_map(|l| parse_period(l))
}

/// Read a whole report of `shape` into `sink`.
pub(super) fn read_report(shape: &Shape, input: &mut Input, ctx: &Context, sink: &mut dyn Sink) -> Result<()> {
    let head = Head::read(ctx.path)?;
    let delimiter = detect_delimiter(head.lines()).unwrap_or(b',');
    let mut reader = csv_reader(input, delimiter);
    let mut records = reader.records();
    let found = locate_header(&mut records, shape, delimiter).map_err(|widest| {
        let seen = if widest.is_empty() { String::new() } else { format!(" (the widest line was: {widest})") };
        ctx.unreadable(format!("no header row with {} in the first {HEADER_SEARCH_LINES} lines{seen}", shape.expects))
    })?;
    let period = preamble_period(&found.preamble);
    if !found.columns.has(Col::Date) && period.is_none() {
        return Err(ctx.unreadable(
            "the report has no date column and states no period above its header (such as '# Start date: \
             20261101' and '# End date: 20261107'), so the days its sessions fall on are unknown; download \
             it with a Date dimension",
        ));
    }
    let ahead: Vec<_> = records.by_ref().take(SAMPLE_ROWS).collect();
    let mut columns = found.columns.clone();
    if let (Some(label), Some(label_means)) = (columns.get(Col::Label), shape.label_means) {
        let sample: Vec<StringRecord> = ahead.iter().filter_map(|r| r.as_ref().ok().cloned()).collect();
        columns.index[label_means(&found.header, &sample, label) as usize] = Some(label);
    }
    let rules = RowRules { columns: &columns, period, shape };

    let width = found.header.len();
    for record in ahead.into_iter().chain(records) {
        let Some(record) = record_or_reject(record, ctx, sink)? else { continue };
        if is_comment(&record) || names_a_metric(&record, shape) {
            break; // A new preamble or another table's header: the table is over.
        }
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
        if row.is_totals() {
            continue;
        }
        match row.reported() {
            Ok(reported) => sink.reported_sessions(&reported)?,
            Err(reason) => sink.reject(line, &raw_text(&record, delimiter), &reason)?,
        }
    }
    Ok(())
}

/// Does a cell name one of the shape's metric columns, as a header does and no data row can?
fn names_a_metric(record: &StringRecord, shape: &Shape) -> bool {
    let columns = ReportColumns::resolve(record.iter(), shape.columns);
    [Col::Sessions, Col::EngagedSessions, Col::KeyEvents, Col::Users].iter().any(|c| columns.has(*c))
}

/// How every row of one file is read.
struct RowRules<'a> {
    columns: &'a ReportColumns,
    /// The preamble's period, for rows without a date column.
    period: Option<(NaiveDate, NaiveDate)>,
    shape: &'a Shape,
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

    /// A dimension's value, as the other tools write it.
    fn dimension(&self, col: Col) -> &'r str {
        let value = self.get(col);
        self.rules.shape.renamed_values.iter().find(|(from, _)| *from == value).map_or(value, |(_, to)| to)
    }

    /// A row naming nothing: the totals row of GA4 explorations and Universal Analytics.
    fn is_totals(&self) -> bool {
        DIMENSIONS.iter().all(|c| self.get(*c).is_empty())
    }

    fn period(&self) -> Result<(NaiveDate, NaiveDate), String> {
        if !self.rules.columns.has(Col::Date) {
            return self.rules.period.ok_or_else(|| "the report states no period".to_string());
        }
        let text = self.get(Col::Date);
        parse_period(text).ok_or_else(|| format!("the date '{text}' is not a day or a period"))
    }

    fn count(&self, col: Col, what: &str) -> Result<Option<i64>, String> {
        let text = self.get(col);
        parse_count(text).map_err(|_| format!("{what} '{text}' is not a whole number"))
    }

    fn reported(&self) -> Result<ReportedSessionsRow<'r>, String> {
        let (first_date, last_date) = self.period()?;
        let sessions = self.count(Col::Sessions, "sessions")?.ok_or("the sessions cell is empty")?;
        let (source, medium) = match self.get(Col::SourceMedium) {
            "" => (self.dimension(Col::Source), self.dimension(Col::Medium)),
            both => both.split_once(" / ").map_or((both, ""), |(s, m)| (s.trim(), m.trim())),
        };
        let key_events = self.get(Col::KeyEvents);
        Ok(ReportedSessionsRow {
            platform: self.rules.shape.platform,
            first_date,
            last_date,
            campaign: self.dimension(Col::Campaign),
            source,
            medium,
            channel: self.dimension(Col::Channel),
            sessions,
            engaged_sessions: self.count(Col::EngagedSessions, "engaged sessions")?,
            key_events: parse_number(key_events).map_err(|_| format!("key events '{key_events}' is not a number"))?,
            users: self.count(Col::Users, "users")?,
        })
    }
}

#[cfg(test)]
pub(super) mod test_support {
    //! Running one format over a fixture or bytes, for the tools' tests.

    use super::super::{Context, Format, ImportOptions, Input, MemorySink};
    use crate::error::Result;

    /// A fixture in `crates/core/tests/fixtures/reports` (see the README there).
    pub fn fixture(name: &str) -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/reports").join(name)
    }

    pub fn read_path(format: &dyn Format, path: &std::path::Path) -> Result<MemorySink> {
        let options = ImportOptions::default();
        let mut input = Input::open(path)?;
        let mut sink = MemorySink::default();
        format.read(&mut input, &Context { path, options: &options }, &mut sink)?;
        Ok(sink)
    }

    pub fn read_text(format: &dyn Format, text: &str) -> Result<MemorySink> {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("report.csv");
        std::fs::write(&path, text).expect("write temp file");
        read_path(format, &path)
    }

    /// The format detection picks for a file.
    pub fn detected(path: &std::path::Path) -> &'static str {
        super::super::detect(path, &ImportOptions::default()).map(|(f, _)| f.id()).unwrap_or("none")
    }

    pub fn day(y: i32, m: u32, d: u32) -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::day;
    use super::*;

    #[test]
    fn periods_in_every_shape_the_tools_write() {
        let one = |d| Some((d, d));
        assert_eq!(parse_period("20261101"), one(day(2026, 11, 1)));
        assert_eq!(parse_period("2026-11-01"), one(day(2026, 11, 1)));
        assert_eq!(parse_period("2026-11-02,2026-11-08"), Some((day(2026, 11, 2), day(2026, 11, 8))));
        assert_eq!(parse_period("20200101-20200131"), Some((day(2020, 1, 1), day(2020, 1, 31))));
        assert_eq!(parse_period("2026-11-01 - 2026-11-07"), Some((day(2026, 11, 1), day(2026, 11, 7))));
        assert_eq!(parse_period("2026-02"), Some((day(2026, 2, 1), day(2026, 2, 28))));
        assert_eq!(parse_period("2024"), Some((day(2024, 1, 1), day(2024, 12, 31))));
        assert_eq!(parse_period("2026-12"), Some((day(2026, 12, 1), day(2026, 12, 31))));
        for not_a_period in ["", "yesterday", "2026-11-08,2026-11-02", "202611", "2026-13", "All Web Site Data"] {
            assert_eq!(parse_period(not_a_period), None, "{not_a_period:?}");
        }
    }

    #[test]
    fn the_preamble_states_a_period_as_ga4_or_universal_analytics_write_it() {
        let lines = |ls: &[&str]| ls.iter().map(|l| l.to_string()).collect::<Vec<_>>();
        let ga4 = lines(&["# ------", "# Property: Demo Shop", "#", "# Start date: 20261101", "# End date: 20261107"]);
        assert_eq!(preamble_period(&ga4), Some((day(2026, 11, 1), day(2026, 11, 7))));
        let ua = lines(&["# ------", "# All Web Site Data", "# Source/Medium", "# 20200101-20200131"]);
        assert_eq!(preamble_period(&ua), Some((day(2020, 1, 1), day(2020, 1, 31))));
        assert_eq!(preamble_period(&lines(&["# Traffic acquisition", "# Account: Demo"])), None);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Any text under any of the tools' headers: rows or rejects, never a panic.
        #[test]
        fn no_input_makes_a_report_format_panic(
            header in proptest::sample::select(vec![
                "",
                "# Start date: 20261101\n# End date: 20261107\nSession campaign,Sessions,Key events\n",
                "Date,Session source / medium,Sessions,Engaged sessions\n",
                "# 20200101-20200131\nSource / Medium,Users,Sessions,Goal Completions\n",
                "date,label,nb_visits,nb_uniq_visitors,nb_conversions\n",
                "date,visitors,pageviews,visits,views_per_visit,bounce_rate,visit_duration\n",
            ]),
            body in "[a-zA-Z0-9 ,.:;/()\"#%\t\n\u{e9}\u{4e2d}-]{0,300}",
        ) {
            let text = format!("{header}{body}");
            for format in FORMATS {
                let _ = format.sniff(&Head::from_text("report.csv", &text));
                let _ = test_support::read_text(*format, &text);
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
