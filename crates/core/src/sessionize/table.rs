//! [`HitTable`]: every hit of a project in memory, one `Vec` per column with the dictionaries
//! as `Vec<String>` (index 0 is "absent"), sorted by time. The app caches one so that
//! re-sessionizing after a toggle does not re-read SQLite. [`HitTableBuilder`] makes one from
//! [`HitRow`]s, for tests and benchmarks.
//!
//! Rows are kept in a canonical order: by timestamp, ties broken by the hit's values (strings,
//! not ids), who made it last, so the same hits given in any order make the same table.

use std::cmp::Ordering;
use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::attribution::{self, Device};
use super::clock::LocalDays;
use super::engine::Keep;
use super::identity::{Grouping, GroupingKey};
use crate::url::host;

use crate::model::{CampaignTags, HitRow, HitType};

/// Campaign tags of the `campaign` dictionary.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Campaign {
    pub source: String,
    pub medium: String,
    pub name: String,
    pub term: String,
    pub content: String,
    pub click_id_param: String,
    pub click_id: String,
}

impl Campaign {
    /// The tags as a source states them, for classification.
    pub fn tags(&self) -> CampaignTags<'_> {
        CampaignTags {
            source: &self.source,
            medium: &self.medium,
            campaign: &self.name,
            term: &self.term,
            content: &self.content,
            click_id_param: &self.click_id_param,
            click_id: &self.click_id,
        }
    }
}

/// The dictionaries the hit columns point into. Index 0 of each is the absent value.
#[derive(Clone, Debug)]
pub struct Dictionaries {
    pub events: Vec<String>,
    pub clients: Vec<String>,
    pub users: Vec<String>,
    pub source_sessions: Vec<String>,
    pub urls: Vec<String>,
    pub referrers: Vec<String>,
    pub user_agents: Vec<String>,
    pub ips: Vec<String>,
    pub campaigns: Vec<Campaign>,
}

impl Default for Dictionaries {
    fn default() -> Self {
        let absent = || vec![String::new()];
        Dictionaries {
            events: absent(),
            clients: absent(),
            users: absent(),
            source_sessions: absent(),
            urls: absent(),
            referrers: absent(),
            user_agents: absent(),
            ips: absent(),
            campaigns: vec![Campaign::default()],
        }
    }
}

/// Columnar hits, sorted by time (see the module doc). Ids index [`HitTable::dict`].
#[derive(Clone, Debug, Default)]
pub struct HitTable {
    pub(crate) ts_ms: Vec<i64>,
    pub(crate) hit_type: Vec<HitType>,
    pub(crate) interaction: Vec<bool>,
    pub(crate) event: Vec<u32>,
    pub(crate) client: Vec<u32>,
    pub(crate) user: Vec<u32>,
    pub(crate) source_session: Vec<u32>,
    pub(crate) url: Vec<u32>,
    pub(crate) referrer: Vec<u32>,
    pub(crate) user_agent: Vec<u32>,
    pub(crate) ip: Vec<u32>,
    pub(crate) campaign: Vec<u32>,
    /// The source's statement that the hit's session is engaged by then (see
    /// [`HitRow::session_engaged`]).
    pub(crate) session_engaged: Vec<Option<bool>>,
    pub(crate) dict: Dictionaries,
    /// The project's secret salt, from which the fingerprint identity's daily salts derive.
    pub(crate) salt: String,
    /// Worked out once per table, whatever the rules, on first use (or by the loader as it
    /// reads the dictionaries): keys of the campaigns and urls ...
    pub(crate) keys: OnceLock<DictionaryKeys>,
    /// ... and per user agent id: bot or not, and its device.
    pub(crate) agents: OnceLock<Agents>,
    /// The groupings of the rule sets sessionized last, so a toggle of a rule that does not
    /// say who a visitor is skips grouping the hits again.
    pub(crate) groupings: Groupings,
    /// Read without who made each hit: the client, user, source-session and IP columns are
    /// empty and their dictionaries hold only the absent entry. Such a table carries reports
    /// over a stored run, whose sessions say who; it cannot be sessionized.
    pub(crate) without_visitors: bool,
}

/// The last few [`Grouping`]s made of a table, newest last. A clone of the table starts with
/// none.
#[derive(Default)]
pub(crate) struct Groupings(Mutex<VecDeque<(GroupingKey, Arc<Grouping>)>>);

impl Groupings {
    /// How many are kept: the rules shown and one more, e.g. a preset computed ahead, at
    /// about 8 bytes a hit each.
    const KEPT: usize = 2;

    #[cfg(test)]
    fn keys(&self) -> Vec<GroupingKey> {
        self.0.lock().unwrap().iter().map(|(key, _)| key.clone()).collect()
    }
}

impl Clone for Groupings {
    fn clone(&self) -> Self {
        Groupings::default()
    }
}

impl fmt::Debug for Groupings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kept = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        f.debug_list().entries(kept.iter().map(|(key, _)| key)).finish()
    }
}

/// What sessionizations ask of the campaign and url dictionaries, whatever the rules.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct DictionaryKeys {
    /// Per campaign id, an id of its utm tags alone, and of its utm tags with the click-id
    /// parameter's name (not its value) ...
    pub campaign_utm_key: Vec<u32>,
    pub campaign_attribution_key: Vec<u32>,
    /// ... and per url id, the first url id with the same host (0 for none), standing for the
    /// site.
    pub url_site: Vec<u32>,
}

impl DictionaryKeys {
    pub(crate) fn new(campaigns: &[Campaign], urls: &[String]) -> DictionaryKeys {
        let mut keys = KeysBuilder::default();
        campaigns.iter().for_each(|c| keys.campaign(c));
        urls.iter().for_each(|url| keys.url(url));
        keys.finish()
    }
}

/// Works the [`DictionaryKeys`] out entry by entry, campaigns and urls each in id order from
/// 0, so a loader can key an entry while its strings are fresh in the cache.
#[derive(Default)]
pub(crate) struct KeysBuilder {
    /// The keys of the utm tags alone, and of the utm tags with the click-id parameter's
    /// name, by those strings (see [`KeysBuilder::campaign`]): one lookup per campaign.
    utm: FxHashMap<Vec<u8>, u32>,
    attribution: FxHashMap<Vec<u8>, (u32, u32)>,
    /// The strings of the campaign being keyed, reused from one campaign to the next.
    tags: Vec<u8>,
    /// The first url id with each lowercased host.
    first_with_host: FxHashMap<String, u32>,
    keys: DictionaryKeys,
}

impl KeysBuilder {
    /// Key the next campaign. Its strings are looked up as one (each after its length, so no
    /// two lists of strings read alike), as campaigns mostly repeat the tags of others.
    pub(crate) fn campaign(&mut self, c: &Campaign) {
        let tags = &mut self.tags;
        tags.clear();
        for tag in [&c.source, &c.medium, &c.name, &c.term, &c.content] {
            push_tag(tags, tag);
        }
        let utm_tags = tags.len();
        push_tag(tags, &c.click_id_param);
        let (utm, attribution) = match self.attribution.get(tags) {
            Some(&keys) => keys,
            None => {
                let next = self.utm.len() as u32;
                let utm = *self.utm.entry(tags[..utm_tags].to_vec()).or_insert(next);
                let keys = (utm, self.attribution.len() as u32);
                self.attribution.insert(tags.clone(), keys);
                keys
            }
        };
        self.keys.campaign_utm_key.push(utm);
        self.keys.campaign_attribution_key.push(attribution);
    }

    /// Key the next url.
    pub(crate) fn url(&mut self, url: &str) {
        let id = self.keys.url_site.len() as u32;
        let h = host(url);
        let site = if h.is_empty() {
            0
        } else if h.bytes().any(|b| b.is_ascii_uppercase()) {
            interned_as(&mut self.first_with_host, &h.to_ascii_lowercase(), id)
        } else {
            interned_as(&mut self.first_with_host, h, id)
        };
        self.keys.url_site.push(site);
    }

    pub(crate) fn finish(self) -> DictionaryKeys {
        self.keys
    }
}

/// `tag` onto `key`, after its length.
fn push_tag(key: &mut Vec<u8>, tag: &str) {
    key.extend_from_slice(&tag.len().to_le_bytes());
    key.extend_from_slice(tag.as_bytes());
}

/// The id of `value` in `ids`, `id` if it is new.
fn interned_as(ids: &mut FxHashMap<String, u32>, value: &str, id: u32) -> u32 {
    match ids.get(value) {
        Some(&known) => known,
        None => {
            ids.insert(value.to_owned(), id);
            id
        }
    }
}

/// What each user agent of a table is, classified once.
#[derive(Clone, Debug, Default)]
pub(crate) struct Agents {
    pub is_bot: Vec<bool>,
    pub device: Vec<u32>,
    pub devices: Vec<Device>,
}

/// One hit of a [`HitTable`], with its strings.
#[derive(Clone, Copy, Debug)]
pub struct HitView<'t> {
    pub ts_ms: i64,
    pub hit_type: HitType,
    pub interaction: bool,
    pub event: &'t str,
    pub client_id: &'t str,
    pub user_id: &'t str,
    pub source_session_id: &'t str,
    pub url: &'t str,
    pub referrer: &'t str,
    pub user_agent: &'t str,
    pub ip: &'t str,
    pub campaign: &'t Campaign,
    pub session_engaged: Option<bool>,
}

impl HitTable {
    pub fn len(&self) -> usize {
        self.ts_ms.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ts_ms.is_empty()
    }

    pub fn dictionaries(&self) -> &Dictionaries {
        &self.dict
    }

    /// Hit `i` (0-based, in time order) with its strings (who made it empty if the table was
    /// read without). Panics if `i >= len()`.
    pub fn hit(&self, i: usize) -> HitView<'_> {
        let d = &self.dict;
        fn who<'t>(column: &[u32], dict: &'t [String], i: usize) -> &'t str {
            column.get(i).map_or("", |&id| &dict[id as usize])
        }
        HitView {
            ts_ms: self.ts_ms[i],
            hit_type: self.hit_type[i],
            interaction: self.interaction[i],
            event: &d.events[self.event[i] as usize],
            client_id: who(&self.client, &d.clients, i),
            user_id: who(&self.user, &d.users, i),
            source_session_id: who(&self.source_session, &d.source_sessions, i),
            url: &d.urls[self.url[i] as usize],
            referrer: &d.referrers[self.referrer[i] as usize],
            user_agent: &d.user_agents[self.user_agent[i] as usize],
            ip: who(&self.ip, &d.ips, i),
            campaign: &d.campaigns[self.campaign[i] as usize],
            session_engaged: self.session_engaged[i],
        }
    }

    /// Approximate heap bytes held (columns and dictionaries).
    pub fn heap_bytes(&self) -> usize {
        let n = self.len();
        let columns = n * (8 + 1 + 1 + 1 + 4 * 9);
        let strings = |v: &[String]| v.iter().map(|s| s.capacity() + 24).sum::<usize>();
        let d = &self.dict;
        columns
            + strings(&d.events)
            + strings(&d.clients)
            + strings(&d.users)
            + strings(&d.source_sessions)
            + strings(&d.urls)
            + strings(&d.referrers)
            + strings(&d.user_agents)
            + strings(&d.ips)
            + d.campaigns.len() * 7 * 24
    }

    /// Check the columns agree in length and every id is inside its dictionary, then put rows in
    /// canonical order. Used by the store's loader, which fills the columns directly.
    pub(crate) fn seal(mut self) -> crate::Result<HitTable> {
        let n = self.ts_ms.len();
        let d = &self.dict;
        let mut checks: Vec<(&[u32], usize, &str)> = vec![
            (&self.event, d.events.len(), "event_name"),
            (&self.url, d.urls.len(), "url"),
            (&self.referrer, d.referrers.len(), "referrer"),
            (&self.user_agent, d.user_agents.len(), "user_agent"),
            (&self.campaign, d.campaigns.len(), "campaign"),
        ];
        if !self.without_visitors {
            checks.extend([
                (&self.client[..], d.clients.len(), "client"),
                (&self.user, d.users.len(), "app_user"),
                (&self.source_session, d.source_sessions.len(), "source_session"),
                (&self.ip, d.ips.len(), "ip_address"),
            ]);
        }
        let outside = |&&(column, size, _): &&(&[u32], usize, &str)| {
            column.len() != n || column.iter().copied().max().is_some_and(|id| id as usize >= size)
        };
        if let Some((_, _, name)) = checks.par_iter().find_any(outside) {
            return Err(crate::Error::InvalidInput(format!(
                "the project's hits point at {name} entries that do not exist; the file is damaged"
            )));
        }
        if self.hit_type.len() != n || self.interaction.len() != n || self.session_engaged.len() != n {
            return Err(crate::Error::InvalidInput("the hit columns differ in length".into()));
        }
        self.sort();
        Ok(self)
    }

    /// The per-dictionary keys every sessionization of this table uses.
    pub(crate) fn keys(&self) -> &DictionaryKeys {
        self.keys.get_or_init(|| DictionaryKeys::new(&self.dict.campaigns, &self.dict.urls))
    }

    /// The hits grouped under `key`'s identity: kept from an earlier sessionization under the
    /// same key, or made now (and kept if `keep` says so). `is_bot` and `days` are those of the
    /// rules of `key`.
    pub(crate) fn grouping(&self, key: GroupingKey, is_bot: &[bool], days: &LocalDays, keep: Keep) -> Arc<Grouping> {
        let kept = || self.groupings.0.lock().unwrap_or_else(PoisonError::into_inner);
        {
            let mut kept = kept();
            if let Some(at) = kept.iter().position(|(k, _)| *k == key) {
                let newest = kept.remove(at).expect("a position in the list");
                kept.push_back(newest.clone());
                return newest.1;
            }
        }
        // Made unlocked: another sessionization of the table meanwhile need not wait.
        let grouping = Arc::new(Grouping::new(self, &key, is_bot, days));
        if keep == Keep::Nothing {
            return grouping;
        }
        let mut kept = kept();
        // Unless another sessionization made and kept the same meanwhile.
        if !kept.iter().any(|(k, _)| *k == key) {
            if kept.len() == Groupings::KEPT {
                kept.pop_front();
            }
            kept.push_back((key, grouping.clone()));
        }
        grouping
    }

    /// Bot verdict and device of every user agent, classified on first use.
    pub(crate) fn agents(&self) -> &Agents {
        self.agents.get_or_init(|| {
            let mut ids: FxHashMap<Device, u32> = FxHashMap::default();
            let mut agents = Agents::default();
            for ua in &self.dict.user_agents {
                agents.is_bot.push(!ua.is_empty() && attribution::is_bot(ua));
                let device = attribution::device(ua);
                let next = agents.devices.len() as u32;
                let id = *ids.entry(device.clone()).or_insert(next);
                if id == next {
                    agents.devices.push(device);
                }
                agents.device.push(id);
            }
            agents
        })
    }

    /// The canonical order of rows `a` and `b`: by what a hit is, then by who made it, so rows
    /// that differ only in who made them sit side by side. A table read without its visitor
    /// columns (see `without_visitors`) thus holds the same hit in each row as the whole table
    /// does, or one that differs only in who made it.
    fn compare_rows(&self, a: usize, b: usize) -> Ordering {
        let d = &self.dict;
        let text = |col: &[u32], dict: &[String]| dict[col[a] as usize].cmp(&dict[col[b] as usize]);
        let what = self.ts_ms[a]
            .cmp(&self.ts_ms[b])
            .then_with(|| (self.hit_type[a] as u8).cmp(&(self.hit_type[b] as u8)))
            .then_with(|| self.interaction[a].cmp(&self.interaction[b]))
            .then_with(|| text(&self.url, &d.urls))
            .then_with(|| text(&self.event, &d.events))
            .then_with(|| text(&self.referrer, &d.referrers))
            .then_with(|| text(&self.user_agent, &d.user_agents))
            .then_with(|| d.campaigns[self.campaign[a] as usize].cmp(&d.campaigns[self.campaign[b] as usize]))
            .then_with(|| self.session_engaged[a].cmp(&self.session_engaged[b]));
        if self.without_visitors {
            return what;
        }
        what.then_with(|| text(&self.client, &d.clients))
            .then_with(|| text(&self.user, &d.users))
            .then_with(|| text(&self.source_session, &d.source_sessions))
            .then_with(|| text(&self.ip, &d.ips))
    }

    /// Put rows in canonical order: by time, and where times are equal by [`Self::compare_rows`].
    /// Only the rows that move are copied, and hits already in time order are not sorted again
    /// (only their runs of equal times), so sorted hits with a few ties cost a pass or two.
    fn sort(&mut self) {
        if !self.ts_ms.is_sorted() {
            let mut order: Vec<u32> = (0..self.len() as u32).collect();
            order.sort_unstable_by_key(|&i| self.ts_ms[i as usize]);
            self.reorder(order.into_iter().enumerate().filter(|&(to, from)| to != from as usize).collect());
        }
        let mut moves = Vec::new();
        let mut start = 0;
        for run in self.ts_ms.chunk_by(|a, b| a == b) {
            let rows = start..start + run.len();
            start = rows.end;
            if run.len() > 1 && !rows.clone().is_sorted_by(|&a, &b| self.compare_rows(a, b).is_le()) {
                let mut order: Vec<u32> = (rows.start as u32..rows.end as u32).collect();
                order.sort_unstable_by(|&a, &b| self.compare_rows(a as usize, b as usize));
                moves.extend(rows.zip(order).filter(|&(to, from)| to != from as usize));
            }
        }
        self.reorder(moves);
    }

    /// Move row `from` to `to` for each of `moves` (a permutation of the rows it names).
    fn reorder(&mut self, moves: Vec<(usize, u32)>) {
        if moves.is_empty() {
            return;
        }
        fn apply<T: Copy>(column: &mut [T], moves: &[(usize, u32)]) {
            if column.is_empty() {
                // A visitor column of a table read without them.
                return;
            }
            let values: Vec<T> = moves.iter().map(|&(_, from)| column[from as usize]).collect();
            for (&(to, _), value) in moves.iter().zip(values) {
                column[to] = value;
            }
        }
        apply(&mut self.ts_ms, &moves);
        apply(&mut self.hit_type, &moves);
        apply(&mut self.interaction, &moves);
        apply(&mut self.event, &moves);
        apply(&mut self.client, &moves);
        apply(&mut self.user, &moves);
        apply(&mut self.source_session, &moves);
        apply(&mut self.url, &moves);
        apply(&mut self.referrer, &moves);
        apply(&mut self.user_agent, &moves);
        apply(&mut self.ip, &moves);
        apply(&mut self.campaign, &moves);
        apply(&mut self.session_engaged, &moves);
    }
}

/// Builds a [`HitTable`] from rows in any order. Campaign tags are taken as the row states
/// them (the store's loader is what fills them from landing URLs); IPs are kept as given.
#[derive(Default)]
pub struct HitTableBuilder {
    table: HitTable,
    interned: [FxHashMap<String, u32>; 8],
    campaigns: FxHashMap<Campaign, u32>,
}

impl HitTableBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// The salt the fingerprint identity derives its daily salts from.
    pub fn salt(mut self, salt: &str) -> Self {
        self.table.salt = salt.to_string();
        self
    }

    pub fn push(&mut self, row: &HitRow<'_>) -> &mut Self {
        let t = &mut self.table;
        let d = &mut t.dict;
        let [events, clients, users, sessions, urls, referrers, agents, ips] = &mut self.interned;
        t.ts_ms.push(row.ts_ms);
        t.hit_type.push(row.hit_type);
        t.interaction.push(row.interaction);
        t.event.push(intern(events, &mut d.events, row.event));
        t.client.push(intern(clients, &mut d.clients, row.client_id));
        t.user.push(intern(users, &mut d.users, row.user_id));
        t.source_session.push(intern(sessions, &mut d.source_sessions, row.source_session_id));
        t.url.push(intern(urls, &mut d.urls, row.url));
        t.referrer.push(intern(referrers, &mut d.referrers, row.referrer));
        t.user_agent.push(intern(agents, &mut d.user_agents, row.user_agent));
        t.ip.push(intern(ips, &mut d.ips, row.ip));
        t.session_engaged.push(row.session_engaged);
        let tags = &row.tags;
        if *tags == CampaignTags::default() {
            t.campaign.push(0);
            return self;
        }
        let campaign = Campaign {
            source: tags.source.into(),
            medium: tags.medium.into(),
            name: tags.campaign.into(),
            term: tags.term.into(),
            content: tags.content.into(),
            click_id_param: tags.click_id_param.into(),
            click_id: tags.click_id.into(),
        };
        let id = *self.campaigns.entry(campaign).or_insert_with_key(|c| {
            d.campaigns.push(c.clone());
            (d.campaigns.len() - 1) as u32
        });
        t.campaign.push(id);
        self
    }

    pub fn finish(mut self) -> HitTable {
        self.table.sort();
        self.table
    }
}

fn intern(ids: &mut FxHashMap<String, u32>, dict: &mut Vec<String>, value: &str) -> u32 {
    if value.is_empty() {
        return 0;
    }
    if let Some(&id) = ids.get(value) {
        return id;
    }
    dict.push(value.to_string());
    let id = (dict.len() - 1) as u32;
    ids.insert(value.to_string(), id);
    id
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sessionize::{sessionize, sessionize_ahead, Identity, Preset, RuleSet};

    fn row(ts_ms: i64, url: &'static str) -> HitRow<'static> {
        HitRow { ts_ms, url, event: "page_view", client_id: "c1", interaction: true, ..Default::default() }
    }

    #[test]
    fn rows_are_sorted_canonically_whatever_the_input_order() {
        let rows = [row(30, "/c"), row(10, "/b"), row(10, "/a"), row(20, "/x")];
        let mut forward = HitTableBuilder::new();
        rows.iter().for_each(|r| {
            forward.push(r);
        });
        let mut backward = HitTableBuilder::new();
        rows.iter().rev().for_each(|r| {
            backward.push(r);
        });
        let (a, b) = (forward.finish(), backward.finish());
        let urls = |t: &HitTable| (0..t.len()).map(|i| t.hit(i).url.to_string()).collect::<Vec<_>>();
        assert_eq!(urls(&a), ["/a", "/b", "/x", "/c"]);
        assert_eq!(urls(&a), urls(&b));
        assert_eq!(a.hit(0).client_id, "c1");
        assert_eq!(a.hit(0).user_id, "");
    }

    #[test]
    fn many_ties_give_one_order_whatever_the_input_order() {
        let mut rng = fastrand::Rng::with_seed(1);
        let rows: Vec<HitRow<'static>> = (0..500)
            .map(|_| HitRow {
                client_id: ["c1", "c2", "c3"][rng.usize(..3)],
                ..row(rng.i64(0..20), ["/a", "/b", "/c", "/d"][rng.usize(..4)])
            })
            .collect();
        let order = |rows: &[HitRow<'_>]| {
            let mut builder = HitTableBuilder::new();
            rows.iter().for_each(|r| {
                builder.push(r);
            });
            let t = builder.finish();
            (0..t.len())
                .map(|i| (t.hit(i).ts_ms, t.hit(i).url.to_string(), t.hit(i).client_id.to_string()))
                .collect::<Vec<_>>()
        };
        let canonical = order(&rows);
        assert!(canonical.is_sorted(), "by time, then url, then who made the hit");
        let mut shuffled = rows.clone();
        rng.shuffle(&mut shuffled);
        assert_eq!(order(&shuffled), canonical);
        // Times in order with ties as they come: only the ties are sorted.
        let mut by_time = rows.clone();
        by_time.sort_by_key(|r| r.ts_ms);
        assert_eq!(order(&by_time), canonical);
    }

    #[test]
    fn dictionary_keys_tell_campaigns_by_their_tags_and_urls_by_their_host() {
        let tagged = |source: &str, param: &str, click_id: &str| Campaign {
            source: source.into(),
            medium: "cpc".into(),
            name: "spring".into(),
            click_id_param: param.into(),
            click_id: click_id.into(),
            ..Campaign::default()
        };
        let campaigns = [
            Campaign::default(),
            tagged("google", "gclid", "a"),
            tagged("google", "gclid", "b"),
            tagged("google", "", ""),
            tagged("gclid", "google", ""),
            tagged("bing", "msclkid", "c"),
            // The strings of google / cpc / spring, run together.
            Campaign { source: "googlecpc".into(), name: "spring".into(), ..Campaign::default() },
        ];
        let urls = ["", "https://Shop.Example/a", "/relative", "https://shop.example/b?x=1", "https://blog.example/"]
            .map(String::from);
        let keys = DictionaryKeys::new(&campaigns, &urls);
        // Click ids do not matter; the parameter's name only to attribution; tags by position.
        assert_eq!(keys.campaign_utm_key, [0, 1, 1, 1, 2, 3, 4]);
        assert_eq!(keys.campaign_attribution_key, [0, 1, 1, 2, 3, 4, 5]);
        // The site is the first url of the host in any case; no host, no site.
        assert_eq!(keys.url_site, [0, 1, 0, 1, 4]);
    }

    #[test]
    fn seal_refuses_ids_outside_the_dictionaries() {
        let mut b = HitTableBuilder::new();
        b.push(&row(1, "/"));
        let mut table = b.finish();
        table.url[0] = 99;
        assert!(table.seal().is_err());
    }

    #[test]
    fn a_grouping_is_kept_for_the_rule_sets_that_agree_on_who_visitors_are() {
        let mut b = HitTableBuilder::new();
        b.push(&row(0, "/a")).push(&HitRow { client_id: "c2", ..row(5, "/b") });
        let table = b.finish();
        let ua = RuleSet::preset(Preset::UniversalAnalytics);
        let toggled = RuleSet { inactivity_timeout_s: 600, split_at_midnight: false, ..ua.clone() };
        let by_ip = RuleSet { identity: Identity::Ip, ..ua.clone() };
        let by_fingerprint = RuleSet { identity: Identity::Fingerprint, ..ua.clone() };
        let key = GroupingKey::of;

        sessionize(&table, &ua).unwrap();
        sessionize(&table, &toggled).unwrap();
        assert_eq!(table.groupings.keys(), [key(&ua)], "the toggle reused the grouping");
        sessionize(&table, &by_ip).unwrap();
        sessionize(&table, &ua).unwrap();
        assert_eq!(table.groupings.keys(), [key(&by_ip), key(&ua)], "the one used last is the newest");
        sessionize(&table, &by_fingerprint).unwrap();
        assert_eq!(table.groupings.keys(), [key(&ua), key(&by_fingerprint)], "the oldest made room");
        sessionize_ahead(&table, &by_ip).unwrap();
        sessionize_ahead(&table, &ua).unwrap();
        assert_eq!(table.groupings.keys(), [key(&by_fingerprint), key(&ua)], "work ahead uses, never adds");
        assert!(table.clone().groupings.keys().is_empty(), "a clone groups its hits itself");
    }
}
