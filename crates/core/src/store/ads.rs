//! Ad data as the reports use it: every `ad_stat` and `ad_click` row with the time zone its file
//! was exported in (the ad account's zone, or `None` when the file did not say), read once into
//! an [`AdData`] that [`crate::metrics`] and [`crate::discrepancy`] compute from without going
//! back to SQLite. Also the user's settings for those reports: the ad-campaign → utm_campaign
//! mapping and the conversion goals.

use chrono::NaiveDate;
use rusqlite::params;
use serde::{Deserialize, Serialize};

use super::reports::ReportedSessions;
use super::Project;
use crate::conversion::ConversionGoals;
use crate::error::{Error, Result};

/// Figures of one (platform, account, campaign, ad group, days, device): one day, or the
/// period of a report without a day column.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AdStat {
    pub platform: String,
    pub account: String,
    pub campaign_id: String,
    pub campaign: String,
    pub ad_group: String,
    /// The first day the row covers, in the ad account's time zone.
    #[serde(serialize_with = "crate::time::iso_date::serialize")]
    pub date: NaiveDate,
    /// The last day it covers: `date` for a daily row.
    #[serde(serialize_with = "crate::time::iso_date::serialize")]
    pub last_date: NaiveDate,
    pub device: String,
    pub impressions: i64,
    pub clicks: i64,
    pub cost_micros: i64,
    pub currency: String,
    /// The IANA zone the file's days are in (the ad account's), when known.
    pub time_zone: Option<String>,
}

/// One row of a click export: a click id with the clicks it stands for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AdClick {
    pub platform: String,
    pub account: String,
    pub campaign_id: String,
    pub campaign: String,
    pub ad_group: String,
    /// The day in the ad account's time zone.
    #[serde(serialize_with = "crate::time::iso_date::serialize")]
    pub date: NaiveDate,
    /// The click's instant (UTC ms) when the export has one (Google's click report gives the
    /// start of the hour).
    pub ts_ms: Option<i64>,
    pub device: String,
    pub click_id_param: String,
    pub click_id: String,
    /// Clicks the row stands for (one gclid is issued per impression and can carry several).
    pub clicks: i64,
    pub time_zone: Option<String>,
}

/// An ad campaign whose name matches no utm_campaign, and the utm_campaign value standing for it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CampaignMapping {
    /// `google_ads`, `microsoft_ads`, `meta_ads`, or empty for any platform.
    pub platform: String,
    pub ad_campaign: String,
    pub utm_campaign: String,
}

/// Every ad row of a project, the user's campaign mapping, and the sessions analytics tools
/// reported (what the clicks are compared with when the project holds no hits).
#[derive(Clone, Debug, Default, Serialize)]
pub struct AdData {
    pub stats: Vec<AdStat>,
    pub clicks: Vec<AdClick>,
    pub mappings: Vec<CampaignMapping>,
    pub reported: Vec<ReportedSessions>,
}

impl AdData {
    pub fn is_empty(&self) -> bool {
        self.stats.is_empty() && self.clicks.is_empty()
    }
}

fn date(text: String) -> Result<NaiveDate> {
    text.parse()
        .map_err(|_| Error::InvalidInput(format!("the project holds an ad row dated '{text}'; the file is damaged")))
}

impl Project {
    /// Every ad stat and click row with its file's time zone, the campaign mapping, and the
    /// reported sessions.
    pub fn load_ads(&self) -> Result<AdData> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT a.platform, a.account, a.campaign_id, a.campaign, a.ad_group, a.date, a.device, a.impressions,
                    a.clicks, a.cost_micros, a.currency, f.time_zone, coalesce(a.last_date, a.date)
             FROM ad_stat a JOIN source_file f ON f.id = a.file_id ORDER BY a.id",
        )?;
        let mut stats = Vec::new();
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            stats.push(AdStat {
                platform: r.get(0)?,
                account: r.get(1)?,
                campaign_id: r.get(2)?,
                campaign: r.get(3)?,
                ad_group: r.get(4)?,
                date: date(r.get(5)?)?,
                last_date: date(r.get(12)?)?,
                device: r.get(6)?,
                impressions: r.get(7)?,
                clicks: r.get(8)?,
                cost_micros: r.get(9)?,
                currency: r.get(10)?,
                time_zone: r.get(11)?,
            });
        }
        let mut stmt = conn.prepare(
            "SELECT a.platform, a.account, a.campaign_id, a.campaign, a.ad_group, a.date, a.ts_ms, a.device,
                    a.click_id_param, a.click_id, a.clicks, f.time_zone
             FROM ad_click a JOIN source_file f ON f.id = a.file_id ORDER BY a.id",
        )?;
        let mut clicks = Vec::new();
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            clicks.push(AdClick {
                platform: r.get(0)?,
                account: r.get(1)?,
                campaign_id: r.get(2)?,
                campaign: r.get(3)?,
                ad_group: r.get(4)?,
                date: date(r.get(5)?)?,
                ts_ms: r.get(6)?,
                device: r.get(7)?,
                click_id_param: r.get(8)?,
                click_id: r.get(9)?,
                clicks: r.get(10)?,
                time_zone: r.get(11)?,
            });
        }
        Ok(AdData { stats, clicks, mappings: self.campaign_mappings()?, reported: self.reported_sessions()? })
    }

    /// The user's ad-campaign → utm_campaign mapping, sorted.
    pub fn campaign_mappings(&self) -> Result<Vec<CampaignMapping>> {
        let mut stmt = self.conn().prepare(
            "SELECT platform, ad_campaign, utm_campaign FROM campaign_mapping ORDER BY platform, ad_campaign, utm_campaign",
        )?;
        let rows = stmt
            .query_map([], |r| {
                Ok(CampaignMapping { platform: r.get(0)?, ad_campaign: r.get(1)?, utm_campaign: r.get(2)? })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Add a mapping (adding one that exists changes nothing). Names are stored trimmed; an
    /// empty ad campaign or utm_campaign is refused.
    pub fn add_campaign_mapping(&self, mapping: &CampaignMapping) -> Result<()> {
        let (ad, utm) = (mapping.ad_campaign.trim(), mapping.utm_campaign.trim());
        if ad.is_empty() || utm.is_empty() {
            return Err(Error::InvalidInput(
                "a campaign mapping needs both the ad campaign's name and the utm_campaign value".into(),
            ));
        }
        self.conn().execute(
            "INSERT OR IGNORE INTO campaign_mapping (platform, ad_campaign, utm_campaign) VALUES (?1, ?2, ?3)",
            params![mapping.platform.trim(), ad, utm],
        )?;
        Ok(())
    }

    /// Remove a mapping; says whether there was one.
    pub fn remove_campaign_mapping(&self, mapping: &CampaignMapping) -> Result<bool> {
        let removed = self.conn().execute(
            "DELETE FROM campaign_mapping WHERE platform = ?1 AND ad_campaign = ?2 AND utm_campaign = ?3",
            params![mapping.platform.trim(), mapping.ad_campaign.trim(), mapping.utm_campaign.trim()],
        )?;
        Ok(removed > 0)
    }

    /// The stored conversion goals (empty lists when none is set).
    pub fn conversion_goals(&self) -> Result<ConversionGoals> {
        let mut goals = ConversionGoals::default();
        let mut stmt = self.conn().prepare("SELECT kind, pattern FROM conversion_goal ORDER BY kind, pattern")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let (kind, pattern): (String, String) = (r.get(0)?, r.get(1)?);
            match kind.as_str() {
                "event" => goals.events.push(pattern),
                _ => goals.pages.push(pattern),
            }
        }
        Ok(goals)
    }

    /// Replace the stored conversion goals, in one transaction.
    pub fn set_conversion_goals(&mut self, goals: &ConversionGoals) -> Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute("DELETE FROM conversion_goal", [])?;
        for (kind, list) in [("event", &goals.events), ("page", &goals.pages)] {
            for pattern in list.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
                tx.execute(
                    "INSERT OR IGNORE INTO conversion_goal (kind, pattern) VALUES (?1, ?2)",
                    params![kind, pattern],
                )?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}
