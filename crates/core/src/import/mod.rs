//! Importers: one module per input format behind the [`Format`] trait. A format reads decoded
//! text from an [`Input`] and pushes rows into a [`Sink`]; it never touches the store, so tests
//! run formats against [`MemorySink`].
//!
//! A malformed row never aborts a file: the format hands it to [`Sink::reject`] with its line
//! number and reason and goes on. Only a file that is unreadable as a whole is an error.

pub mod ads;
pub mod csv_traffic;
pub mod delimited;
pub mod fit;
pub mod ga4;
pub mod json_traffic;
pub mod logs;
pub mod mapped;
pub mod mapping;
pub mod number;
pub mod preview;
pub mod reports;
pub mod snowplow;
mod spreadsheet;
pub mod text;
pub mod ua;

use std::path::{Path, PathBuf};

use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{AdClickRow, AdStatRow, HitRow, Kind, ReportedSessionsRow};
use crate::store::reports::ReportedSessions;
/// The date order of [`ImportOptions::date_order`].
pub use crate::time::DateOrder;
pub use mapping::{Field, Mapping};
pub use preview::{preview, Preview};
pub use text::{Head, Input};

/// One input format.
pub trait Format: Sync {
    /// Stable identifier, used by `--format` and stored with each imported file.
    fn id(&self) -> &'static str;
    /// A short name for people, where the format is named in passing: a table cell, a menu
    /// ("Apache/nginx access log (combined)").
    fn name(&self) -> &'static str;
    /// What the format is, for people, in full ("Apache/NCSA combined log (nginx's default
    /// log format)").
    fn description(&self) -> &'static str;
    fn kind(&self) -> Kind;
    /// How well the start of a file fits this format: 0 is "not this format", higher is surer.
    /// Specific formats score above generic ones (a GA4 export beats generic NDJSON).
    fn sniff(&self, head: &Head) -> u8;
    /// Read the whole input, pushing every row or reject into the sink.
    fn read(&self, input: &mut Input, ctx: &Context, sink: &mut dyn Sink) -> Result<()>;
}

/// Where rows go. The store's loader writes them to the project; [`MemorySink`] keeps them.
pub trait Sink {
    fn hit(&mut self, row: &HitRow<'_>) -> Result<()>;
    fn ad_stat(&mut self, row: &AdStatRow<'_>) -> Result<()>;
    fn ad_click(&mut self, row: &AdClickRow<'_>) -> Result<()>;
    fn reported_sessions(&mut self, row: &ReportedSessionsRow<'_>) -> Result<()>;
    /// A row that could not be read: 1-based line number, its raw text, and why.
    fn reject(&mut self, line: u64, raw: &str, reason: &str) -> Result<()>;
    /// The file states the time zone its dates are in (an ad account's zone, say).
    fn file_time_zone(&mut self, tz: Tz) -> Result<()>;
    /// The columns a mapped format assigned to fields (recorded with the file, shown in the UI).
    fn columns(&mut self, mapping: &[(Field, String)]) -> Result<()>;
    /// The whole header row of a mapped format, mapped columns or not (the import preview
    /// offers them for mapping). Sinks that store rows have no use for it.
    fn headers(&mut self, _names: &[&str]) -> Result<()> {
        Ok(())
    }
}

/// What the user told the importer about a file.
#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// Force a format id instead of sniffing.
    pub format: Option<String>,
    /// Expect this kind; a file of the other kind is refused.
    pub kind: Option<Kind>,
    /// The time zone of timestamps that carry no offset, and of ad accounts' dates.
    pub time_zone: Option<Tz>,
    /// Explicit `field = column` assignments; sniffed synonyms fill the rest.
    pub mapping: Mapping,
    /// Day-first or month-first for ambiguous dates like 03/04/2024 (sniffed when unset).
    pub date_order: Option<DateOrder>,
    /// Import content that was imported before.
    pub force: bool,
    /// What happens to IP addresses (truncated unless the user opts otherwise).
    pub ip_policy: IpPolicy,
}

/// What happens to IP addresses on import.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum IpPolicy {
    /// IPv4 to its /24 (`203.0.113.0`), IPv6 to its /48: enough for rough location and for
    /// IP-based visitor heuristics, not enough to identify a household.
    #[default]
    Truncate,
    /// A salted hash (the salt is random per project and never leaves the file).
    Hash,
    /// The raw address, only if the user opts in.
    Raw,
}

impl IpPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            IpPolicy::Truncate => "truncate",
            IpPolicy::Hash => "hash",
            IpPolicy::Raw => "raw",
        }
    }
}

/// What a format may read of the import's settings while it runs.
pub struct Context<'a> {
    pub path: &'a Path,
    pub options: &'a ImportOptions,
}

impl Context<'_> {
    /// The zone for timestamps and dates that carry none: the user's choice, else UTC.
    pub fn time_zone(&self) -> Tz {
        self.options.time_zone.unwrap_or(Tz::UTC)
    }

    /// An error about the whole file.
    pub fn unreadable(&self, message: impl Into<String>) -> Error {
        Error::unreadable(self.path, message)
    }
}

/// The result of sniffing a file.
#[derive(Clone, Debug, Serialize)]
pub struct Detected {
    pub format: &'static str,
    pub description: &'static str,
    pub kind: Kind,
    pub encoding: &'static str,
    pub compression: Option<&'static str>,
}

/// Every format. Sniff scores decide between them: generic formats (CSV, JSON) score 10,
/// specific ones 50 or more; a tie goes to the earlier one in this list.
pub fn formats() -> &'static [&'static dyn Format] {
    static ALL: std::sync::LazyLock<Vec<&'static dyn Format>> = std::sync::LazyLock::new(|| {
        [
            ga4::FORMATS,
            ua::FORMATS,
            snowplow::FORMATS,
            logs::FORMATS,
            ads::FORMATS,
            reports::FORMATS,
            json_traffic::FORMATS,
        ]
        .concat()
        .into_iter()
        .chain([&csv_traffic::CsvTraffic as &dyn Format])
        .collect()
    });
    &ALL
}

pub fn format_by_id(id: &str) -> Option<&'static dyn Format> {
    formats().iter().copied().find(|f| f.id() == id)
}

/// The [`Format::name`] of the format `id`; the id itself for one this build does not know
/// (stored with a file by an older build, say).
pub fn format_name(id: &str) -> &str {
    format_by_id(id).map_or(id, |f| f.name())
}

/// Find the format of a file, or say clearly why none fits.
pub fn detect(path: &Path, options: &ImportOptions) -> Result<(&'static dyn Format, Detected)> {
    let head = Head::read(path)?;
    if head.text.trim().is_empty() {
        return Err(Error::unreadable(path, "the file is empty"));
    }
    let format = match &options.format {
        Some(id) => format_by_id(id).ok_or_else(|| {
            let known: Vec<_> = formats().iter().map(|f| f.id()).collect();
            Error::InvalidInput(format!("unknown format '{id}'; known formats: {}", known.join(", ")))
        })?,
        None => {
            let candidates = formats().iter().filter(|f| options.kind.is_none_or(|k| f.kind() == k));
            let best = candidates.map(|f| (f.sniff(&head), *f)).filter(|(score, _)| *score > 0).fold(
                None::<(u8, &'static dyn Format)>,
                |best, (score, f)| match best {
                    Some((s, _)) if s >= score => best,
                    _ => Some((score, f)),
                },
            );
            best.map(|(_, f)| f).ok_or_else(|| {
                Error::unreadable(
                    path,
                    "not a format SessionLens recognises; expected a CSV/TSV or JSON export with a \
                     timestamp column, a GA4/Universal Analytics/Snowplow export, a web-server \
                     access log, a Google/Microsoft/Meta Ads export or a GA4/Universal Analytics/\
                     Matomo/Plausible report download (use --format to choose one)",
                )
            })?
        }
    };
    if let Some(kind) = options.kind {
        if kind != format.kind() {
            return Err(Error::InvalidInput(format!(
                "{}: detected {} ({} data), but --kind {} was given",
                path.display(),
                format.description(),
                format.kind().as_str(),
                kind.as_str()
            )));
        }
    }
    let detected = Detected {
        format: format.id(),
        description: format.description(),
        kind: format.kind(),
        encoding: head.encoding,
        compression: head.compression,
    };
    Ok((format, detected))
}

/// Run one format over one file into a sink (a [`MemorySink`] or a preview's), lines too
/// long to read included as rejects.
pub fn read_file(path: &Path, format: &dyn Format, options: &ImportOptions, sink: &mut dyn Sink) -> Result<()> {
    let mut input = Input::open(path)?;
    let ctx = Context { path, options };
    let read = format.read(&mut input, &ctx, sink);
    let long_lines = input.long_lines().take();
    read.and_then(|()| long_lines.iter().try_for_each(|r| sink.reject(r.line, &r.raw, &r.reason)))
}

/// A rejected row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reject {
    pub line: u64,
    pub raw: String,
    pub reason: String,
}

/// Keeps every row in memory, owned: for tests and previews.
#[derive(Debug, Default)]
pub struct MemorySink {
    pub hits: Vec<OwnedHit>,
    pub ad_stats: Vec<OwnedAdStat>,
    pub ad_clicks: Vec<OwnedAdClick>,
    pub reported: Vec<ReportedSessions>,
    pub rejects: Vec<Reject>,
    pub time_zone: Option<Tz>,
    pub columns: Vec<(Field, String)>,
}

impl MemorySink {
    /// Detect and read a file into memory.
    pub fn read(path: impl Into<PathBuf>, options: &ImportOptions) -> Result<MemorySink> {
        let path = path.into();
        let (format, _) = detect(&path, options)?;
        let mut sink = MemorySink::default();
        read_file(&path, format, options, &mut sink)?;
        Ok(sink)
    }

    /// Detect and read `bytes` as a file named `file_name` (for the formats' tests).
    #[cfg(test)]
    pub(crate) fn read_bytes(file_name: &str, bytes: impl AsRef<[u8]>, options: &ImportOptions) -> Result<MemorySink> {
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join(file_name);
        std::fs::write(&path, bytes).expect("write a temp file");
        MemorySink::read(&path, options)
    }
}

/// An owned [`HitRow`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OwnedHit {
    pub ts_ms: i64,
    pub hit_type: crate::model::HitType,
    pub event: String,
    pub interaction: bool,
    pub client_id: String,
    pub user_id: String,
    pub source_session_id: String,
    pub session_engaged: Option<bool>,
    pub event_id: String,
    pub url: String,
    pub referrer: String,
    pub user_agent: String,
    pub ip: String,
    /// source, medium, campaign, term, content, click-id param, click id
    pub tags: [String; 7],
}

/// An owned [`AdStatRow`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OwnedAdStat {
    pub platform: String,
    pub account: String,
    pub campaign_id: String,
    pub campaign: String,
    pub ad_group: String,
    pub date: chrono::NaiveDate,
    pub last_date: chrono::NaiveDate,
    pub device: String,
    pub impressions: i64,
    pub clicks: i64,
    pub cost_micros: i64,
    pub currency: String,
}

/// An owned [`AdClickRow`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OwnedAdClick {
    pub platform: String,
    pub account: String,
    pub campaign_id: String,
    pub campaign: String,
    pub ad_group: String,
    pub date: chrono::NaiveDate,
    pub ts_ms: Option<i64>,
    pub device: String,
    pub click_id_param: String,
    pub click_id: String,
    pub clicks: i64,
}

impl Sink for MemorySink {
    fn hit(&mut self, r: &HitRow<'_>) -> Result<()> {
        let t = &r.tags;
        self.hits.push(OwnedHit {
            ts_ms: r.ts_ms,
            hit_type: r.hit_type,
            event: r.event.into(),
            interaction: r.interaction,
            client_id: r.client_id.into(),
            user_id: r.user_id.into(),
            source_session_id: r.source_session_id.into(),
            session_engaged: r.session_engaged,
            event_id: r.event_id.into(),
            url: r.url.into(),
            referrer: r.referrer.into(),
            user_agent: r.user_agent.into(),
            ip: r.ip.into(),
            tags: [t.source, t.medium, t.campaign, t.term, t.content, t.click_id_param, t.click_id].map(String::from),
        });
        Ok(())
    }

    fn ad_stat(&mut self, r: &AdStatRow<'_>) -> Result<()> {
        self.ad_stats.push(OwnedAdStat {
            platform: r.platform.into(),
            account: r.account.into(),
            campaign_id: r.campaign_id.into(),
            campaign: r.campaign.into(),
            ad_group: r.ad_group.into(),
            date: r.date,
            last_date: r.last_date,
            device: r.device.into(),
            impressions: r.impressions,
            clicks: r.clicks,
            cost_micros: r.cost_micros,
            currency: r.currency.into(),
        });
        Ok(())
    }

    fn ad_click(&mut self, r: &AdClickRow<'_>) -> Result<()> {
        self.ad_clicks.push(OwnedAdClick {
            platform: r.platform.into(),
            account: r.account.into(),
            campaign_id: r.campaign_id.into(),
            campaign: r.campaign.into(),
            ad_group: r.ad_group.into(),
            date: r.date,
            ts_ms: r.ts_ms,
            device: r.device.into(),
            click_id_param: r.click_id_param.into(),
            click_id: r.click_id.into(),
            clicks: r.clicks,
        });
        Ok(())
    }

    fn reported_sessions(&mut self, r: &ReportedSessionsRow<'_>) -> Result<()> {
        self.reported.push(r.into());
        Ok(())
    }

    fn reject(&mut self, line: u64, raw: &str, reason: &str) -> Result<()> {
        self.rejects.push(Reject { line, raw: raw.into(), reason: reason.into() });
        Ok(())
    }

    fn file_time_zone(&mut self, tz: Tz) -> Result<()> {
        self.time_zone = Some(tz);
        Ok(())
    }

    fn columns(&mut self, mapping: &[(Field, String)]) -> Result<()> {
        self.columns = mapping.to_vec();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_has_its_own_id_and_a_short_name() {
        let mut ids: Vec<_> = formats().iter().map(|f| f.id()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), formats().len(), "ids are unique");
        for f in formats() {
            assert!(!f.name().is_empty() && f.name().len() <= 40, "{}: {:?}", f.id(), f.name());
            assert_eq!(format_name(f.id()), f.name());
        }
        assert_eq!(format_name("apache-combined"), "Apache/nginx access log (combined)");
        assert_eq!(format_name("retired-format"), "retired-format", "an unknown id is shown as it is");
    }
}
