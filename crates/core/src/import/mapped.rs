//! Turning the values of mapped fields into a [`HitRow`]: shared by every importer whose
//! columns are assigned through a [`Mapping`](super::Mapping) (generic CSV/TSV, JSON, NDJSON).

use super::mapping::{Columns, Field};
use crate::model::{CampaignTags, HitRow, HitType};
use crate::time::TimestampParser;

/// Reads a row's fields by the columns resolved from its header.
pub struct MappedRow<'r, F: Fn(usize) -> Option<&'r str>> {
    pub columns: &'r Columns,
    pub cell: F,
}

impl<'r, F: Fn(usize) -> Option<&'r str>> MappedRow<'r, F> {
    pub fn get(&self, field: Field) -> &'r str {
        self.columns.get(field).and_then(|i| (self.cell)(i)).map_or("", str::trim)
    }

    /// Build the hit, or say why the row is not one. `scratch` holds text the row needs that
    /// no cell holds as such (a date and time joined, a URL from host and path).
    pub fn hit(&self, parser: &TimestampParser, scratch: &'r mut Scratch) -> Result<HitRow<'r>, String> {
        let ts_ms = self.timestamp(parser, &mut scratch.when)?;
        let url = match (self.get(Field::Url), self.get(Field::Host), self.get(Field::Path)) {
            (url, _, _) if !url.is_empty() => url,
            (_, host, path) if !host.is_empty() => {
                scratch.url.clear();
                scratch.url.push_str("https://");
                scratch.url.push_str(host);
                if !path.starts_with('/') {
                    scratch.url.push('/');
                }
                scratch.url.push_str(path);
                scratch.url.as_str()
            }
            (_, _, path) => path,
        };
        let event = self.get(Field::Event);
        let is_page = event.is_empty() || is_page_view_name(event);
        let interaction = match (self.get(Field::Interaction), self.get(Field::NonInteraction)) {
            (v, _) if !v.is_empty() => {
                parse_flag(v).ok_or_else(|| format!("interaction flag '{v}' is not true/false"))?
            }
            (_, v) if !v.is_empty() => {
                !parse_flag(v).ok_or_else(|| format!("non-interaction flag '{v}' is not true/false"))?
            }
            _ => true,
        };
        let (click_id_param, click_id) = Field::CLICK_IDS
            .iter()
            .map(|(f, name)| (*name, self.get(*f)))
            .find(|(_, v)| !v.is_empty())
            .unwrap_or(("", ""));
        Ok(HitRow {
            ts_ms,
            hit_type: if is_page { HitType::PageView } else { HitType::Event },
            event: if event.is_empty() { "page_view" } else { event },
            interaction,
            client_id: self.get(Field::ClientId),
            user_id: self.get(Field::UserId),
            source_session_id: self.get(Field::SessionId),
            session_engaged: None,
            event_id: self.get(Field::EventId),
            url,
            referrer: self.get(Field::Referrer),
            user_agent: self.get(Field::UserAgent),
            ip: self.get(Field::Ip),
            tags: CampaignTags {
                source: self.get(Field::UtmSource),
                medium: self.get(Field::UtmMedium),
                campaign: self.get(Field::UtmCampaign),
                term: self.get(Field::UtmTerm),
                content: self.get(Field::UtmContent),
                click_id_param,
                click_id,
            },
        })
    }

    fn timestamp(&self, parser: &TimestampParser, joined: &mut String) -> Result<i64, String> {
        let stamp = self.get(Field::Timestamp);
        let text = if !stamp.is_empty() {
            stamp
        } else {
            joined.clear();
            joined.push_str(self.get(Field::Date));
            joined.push(' ');
            joined.push_str(self.get(Field::Time));
            joined.trim()
        };
        if text.is_empty() {
            return Err("the timestamp is empty".into());
        }
        parser.parse(text).map_err(|why| format!("{why}: '{text}'"))
    }
}

/// Buffers for text a row is built from.
#[derive(Default)]
pub struct Scratch {
    when: String,
    url: String,
}

/// Does the header give a time for each row?
pub fn has_time(columns: &Columns) -> bool {
    [Field::Timestamp, Field::Date, Field::Time].iter().any(|f| columns.get(*f).is_some())
}

/// Does the header name what a hit is about (a page, an event or a visitor)? With
/// [`has_time`], enough to sniff a table as hits.
pub fn has_subject(columns: &Columns) -> bool {
    [Field::Url, Field::Path, Field::Event, Field::ClientId].iter().any(|f| columns.get(*f).is_some())
}

/// Event names that mean a page view.
pub fn is_page_view_name(event: &str) -> bool {
    ["page_view", "pageview", "page", "page view", "$pageview", "screen_view"]
        .iter()
        .any(|n| event.eq_ignore_ascii_case(n))
}

/// `true`/`false` as exports write them.
pub fn parse_flag(v: &str) -> Option<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "t" | "yes" | "y" => Some(true),
        "0" | "false" | "f" | "no" | "n" => Some(false),
        _ => None,
    }
}
