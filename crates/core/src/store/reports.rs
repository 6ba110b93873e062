//! Reported sessions: what analytics tools (GA4, Universal Analytics, Matomo, Plausible) said
//! they counted, as their report downloads state it, read back from a project in import order.
//! A row covers one day or the whole period of a report without a date column; a dimension the
//! report did not have is empty.

use chrono::NaiveDate;
use serde::Serialize;

use super::Project;
use crate::error::{Error, Result};
use crate::model::ReportedSessionsRow;

/// Sessions one tool reported for one (period, campaign, source, medium, channel).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReportedSessions {
    /// `ga4`, `ua`, `matomo` or `plausible`.
    pub platform: String,
    /// First and last day covered (equal for a daily row), in the property's time zone.
    #[serde(serialize_with = "crate::time::iso_date::serialize")]
    pub first_date: NaiveDate,
    #[serde(serialize_with = "crate::time::iso_date::serialize")]
    pub last_date: NaiveDate,
    pub campaign: String,
    pub source: String,
    pub medium: String,
    pub channel: String,
    pub sessions: i64,
    pub engaged_sessions: Option<i64>,
    /// GA4 key events, Universal Analytics goal completions, Matomo conversions.
    pub key_events: Option<f64>,
    pub users: Option<i64>,
}

/// Campaign values GA4 and Universal Analytics (and Matomo's truncation row, stored as
/// `(other)`) show for sessions that no campaign tagged, compared case-insensitively.
const PLACEHOLDER_CAMPAIGNS: [&str; 11] = [
    "(organic)",
    "(direct)",
    "(referral)",
    "(not set)",
    "(none)",
    "(other)",
    "(cross-network)",
    "(data deleted)",
    "(not provided)",
    "(unassigned)",
    "(not available)",
];

impl ReportedSessions {
    /// Does the row name a campaign an ad platform could have run? Empty campaigns and the
    /// tools' placeholders for untagged traffic (`(organic)`, `(direct)`, `(not set)`, ...) do not.
    pub fn is_ad_campaign(&self) -> bool {
        let campaign = self.campaign.trim();
        !campaign.is_empty() && !PLACEHOLDER_CAMPAIGNS.iter().any(|p| campaign.eq_ignore_ascii_case(p))
    }
}

impl From<&ReportedSessionsRow<'_>> for ReportedSessions {
    fn from(r: &ReportedSessionsRow<'_>) -> Self {
        ReportedSessions {
            platform: r.platform.into(),
            first_date: r.first_date,
            last_date: r.last_date,
            campaign: r.campaign.into(),
            source: r.source.into(),
            medium: r.medium.into(),
            channel: r.channel.into(),
            sessions: r.sessions,
            engaged_sessions: r.engaged_sessions,
            key_events: r.key_events,
            users: r.users,
        }
    }
}

fn date(text: String) -> Result<NaiveDate> {
    text.parse().map_err(|_| {
        Error::InvalidInput(format!("the project holds a reported-sessions row dated '{text}'; the file is damaged"))
    })
}

impl Project {
    /// Every reported-sessions row of every imported report file, in import order.
    pub fn reported_sessions(&self) -> Result<Vec<ReportedSessions>> {
        let mut stmt = self.conn().prepare(
            "SELECT platform, first_date, last_date, campaign, source, medium, channel, sessions,
                    engaged_sessions, key_events, users
             FROM reported_session ORDER BY id",
        )?;
        let mut rows = stmt.query([])?;
        let mut reported = Vec::new();
        while let Some(r) = rows.next()? {
            reported.push(ReportedSessions {
                platform: r.get(0)?,
                first_date: date(r.get(1)?)?,
                last_date: date(r.get(2)?)?,
                campaign: r.get(3)?,
                source: r.get(4)?,
                medium: r.get(5)?,
                channel: r.get(6)?,
                sessions: r.get(7)?,
                engaged_sessions: r.get(8)?,
                key_events: r.get(9)?,
                users: r.get(10)?,
            });
        }
        Ok(reported)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_campaign(campaign: &str) -> ReportedSessions {
        let day = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        ReportedSessions::from(&ReportedSessionsRow {
            platform: "ga4",
            first_date: day,
            last_date: day,
            campaign,
            sessions: 1,
            ..Default::default()
        })
    }

    #[test]
    fn placeholders_and_empty_campaigns_are_not_ad_campaigns() {
        for placeholder in ["", " ", "(organic)", "(direct)", "(referral)", "(not set)", "(none)", "(other)"] {
            assert!(!with_campaign(placeholder).is_ad_campaign(), "{placeholder:?}");
        }
        for placeholder in ["(cross-network)", "(data deleted)", "(Not Set)", "(not provided)"] {
            assert!(!with_campaign(placeholder).is_ad_campaign(), "{placeholder:?}");
        }
        for campaign in ["Brand - Exact", "Spring Sale", "spring_sale_2026", "none", "direct mail (print)"] {
            assert!(with_campaign(campaign).is_ad_campaign(), "{campaign:?}");
        }
    }
}
