//! Who each hit belongs to under a rule set's [`Identity`]: every counted hit gets a group (the
//! hits the engine walks together, in time order) and every group a visitor. Groups and
//! visitors get dense ids in order of first appearance, through arrays indexed by dictionary id
//! where the key is one id and hash maps only for composite keys.

use chrono::{Datelike, NaiveDate};
use rustc_hash::FxHashMap;

use super::clock::LocalDays;
use super::rules::{Identity, RuleSet, SaltRotation};
use super::table::HitTable;

/// Marks a hit that belongs to no group (filtered as a bot).
pub const NO_GROUP: u32 = u32::MAX;
const UNSET: u32 = u32::MAX;
const MS_PER_DAY: i64 = 86_400_000;

/// What a visitor is, in terms of the table's dictionaries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Visitor {
    Client(u32),
    User(u32),
    /// IP + user agent + local day (index into the view zone's days).
    IpUaDay {
        ip: u32,
        user_agent: u32,
        day: u32,
    },
    Ip(u32),
    /// The cookie-free hash's inputs: IP, user agent, site (the first url id seen with the
    /// site's host) and the salt's period (see [`salt_period`]).
    Fingerprint {
        ip: u32,
        user_agent: u32,
        site_url: u32,
        salt_period: i64,
    },
    /// A hit with nothing to tie it to anyone: a visitor of its own.
    Hit(u32),
}

impl Visitor {
    /// The visitor as five integers, as a project stores it: the variant's position in the
    /// enum, then its fields in order (0 where it has fewer).
    pub(crate) fn to_fields(self) -> [i64; 5] {
        let id = i64::from;
        match self {
            Visitor::Client(c) => [0, id(c), 0, 0, 0],
            Visitor::User(u) => [1, id(u), 0, 0, 0],
            Visitor::IpUaDay { ip, user_agent, day } => [2, id(ip), id(user_agent), id(day), 0],
            Visitor::Ip(ip) => [3, id(ip), 0, 0, 0],
            Visitor::Fingerprint { ip, user_agent, site_url, salt_period } => {
                [4, id(ip), id(user_agent), id(site_url), salt_period]
            }
            Visitor::Hit(i) => [5, id(i), 0, 0, 0],
        }
    }

    /// The visitor of [`Visitor::to_fields`] over `table` and its view `days`, if the fields
    /// are one whose ids are in the table's dictionaries (a day one of `days`, `Hit` a row).
    pub(crate) fn from_fields(fields: [i64; 5], table: &HitTable, days: &LocalDays) -> Option<Visitor> {
        let d = &table.dict;
        let id = |v: i64, len: usize| u32::try_from(v).ok().filter(|&v| (v as usize) < len);
        // Ids of who made a hit are checked only where the table holds them.
        let who = |v: i64, len: usize| if table.without_visitors { u32::try_from(v).ok() } else { id(v, len) };
        let visitor = match fields {
            [0, c, 0, 0, 0] => Visitor::Client(who(c, d.clients.len())?),
            [1, u, 0, 0, 0] => Visitor::User(who(u, d.users.len())?),
            [2, ip, ua, day, 0] => Visitor::IpUaDay {
                ip: who(ip, d.ips.len())?,
                user_agent: id(ua, d.user_agents.len())?,
                day: id(day, days.count())?,
            },
            [3, ip, 0, 0, 0] => Visitor::Ip(who(ip, d.ips.len())?),
            [4, ip, ua, site, salt_period] => Visitor::Fingerprint {
                ip: who(ip, d.ips.len())?,
                user_agent: id(ua, d.user_agents.len())?,
                site_url: id(site, d.urls.len())?,
                salt_period,
            },
            [5, i, 0, 0, 0] => Visitor::Hit(id(i, table.len())?),
            _ => return None,
        };
        Some(visitor)
    }
}

/// Groups and visitors of one table under one identity.
pub(crate) struct Groups {
    /// Per hit: its group, or [`NO_GROUP`].
    pub of_hit: Vec<u32>,
    pub count: usize,
    /// Per group: is it a session recorded by the source (taken as it is)?
    pub recorded: Vec<bool>,
    /// Per group: its visitor (unset for fingerprint groups, whose visitor changes with the salt).
    group_visitor: Vec<u32>,
    /// Fingerprint mode: the (ip, user agent, site) of each group whose visitor changes with
    /// the salt.
    fingerprint: Vec<Option<(u32, u32, u32)>>,
    salt_rotation: SaltRotation,
    /// The visitors known before the walk (all of them, but under the fingerprint identity).
    pub visitors: Vec<Visitor>,
}

/// The hits grouped under one identity and their groups put in (group, time) order: all a
/// sessionization needs to know of who each hit is. Rule sets that agree on its
/// [`GroupingKey`] share it (see [`HitTable::grouping`]).
pub(crate) struct Grouping {
    pub groups: Groups,
    /// Where each group's hits start in (group, time) order, then the end.
    pub start: Vec<u32>,
    /// The table rows in no group: the bot filter dropped them.
    pub bot_hits: Vec<u32>,
}

/// What a [`Grouping`] depends on besides the table: the rules that say who a visitor is, which
/// hits are bots', and (for the IP + user agent + day identity) the view time zone's days.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct GroupingKey {
    identity: Identity,
    salt_rotation: SaltRotation,
    bot_filter: bool,
    time_zone: String,
}

impl GroupingKey {
    pub fn of(rules: &RuleSet) -> GroupingKey {
        GroupingKey {
            identity: rules.identity,
            salt_rotation: rules.salt_rotation,
            bot_filter: rules.bot_filter,
            time_zone: rules.time_zone.clone(),
        }
    }
}

impl Grouping {
    /// `is_bot` per user agent id and `days` of the view time zone must be those of the
    /// rules `key` was made of.
    pub fn new(table: &HitTable, key: &GroupingKey, is_bot: &[bool], days: &LocalDays) -> Grouping {
        let groups = Groups::assign(table, key.identity, key.salt_rotation, is_bot, &table.keys().url_site, days);
        let bot_hits = (0..table.len() as u32).filter(|&i| groups.of_hit[i as usize] == NO_GROUP).collect();
        // Counting sort by group: where each group's hits start.
        let mut start = vec![0u32; groups.count + 1];
        for &g in &groups.of_hit {
            if g != NO_GROUP {
                start[g as usize + 1] += 1;
            }
        }
        for g in 0..groups.count {
            start[g + 1] += start[g];
        }
        Grouping { groups, start, bot_hits }
    }
}

/// The visitors the fingerprint identity makes during the walk (the salt's period is part of
/// who a visitor is), numbered after those known before it.
pub(crate) struct SaltedVisitors {
    first_id: u32,
    ids: FxHashMap<Visitor, u32>,
    pub visitors: Vec<Visitor>,
}

impl Groups {
    /// `site_of_url`: per url id, the first url id with the same host. `salt_rotation` matters
    /// only to the fingerprint identity.
    pub fn assign(
        table: &HitTable,
        identity: Identity,
        salt_rotation: SaltRotation,
        is_bot: &[bool],
        site_of_url: &[u32],
        days: &LocalDays,
    ) -> Groups {
        let n = table.len();
        let mut g = Groups {
            of_hit: Vec::with_capacity(n),
            count: 0,
            recorded: Vec::new(),
            group_visitor: Vec::new(),
            fingerprint: Vec::new(),
            salt_rotation,
            visitors: Vec::new(),
        };
        let d = &table.dict;
        let stitched = if identity == Identity::User { stitch(table, is_bot) } else { Vec::new() };
        let mut client_group = vec![UNSET; d.clients.len()];
        let mut user_group = vec![UNSET; d.users.len()];
        let mut ip_group = vec![UNSET; d.ips.len()];
        let mut composite: FxHashMap<(u32, u32, u32), u32> = FxHashMap::default();
        let mut fingerprints: FxHashMap<(u32, u32, u32), u32> = FxHashMap::default();
        let mut recorded_groups: FxHashMap<(u32, u32), u32> = FxHashMap::default();

        for i in 0..n {
            if is_bot[table.user_agent[i] as usize] {
                g.of_hit.push(NO_GROUP);
                continue;
            }
            let (ip, ua, client) = (table.ip[i], table.user_agent[i], table.client[i]);
            let ip_ua_day = |g: &mut Groups, composite: &mut FxHashMap<(u32, u32, u32), u32>| {
                if ip == 0 && ua == 0 {
                    return g.new_visitor(Visitor::Hit(i as u32));
                }
                let day = days.day_index(table.ts_ms[i]);
                *composite
                    .entry((ip, ua, day))
                    .or_insert_with(|| g.new_visitor(Visitor::IpUaDay { ip, user_agent: ua, day }))
            };
            let by_client =
                |g: &mut Groups, composite: &mut FxHashMap<(u32, u32, u32), u32>, client_group: &mut Vec<u32>| {
                    if client == 0 {
                        ip_ua_day(g, composite)
                    } else {
                        cached(&mut client_group[client as usize], || g.new_visitor(Visitor::Client(client)))
                    }
                };
            let group = match identity {
                Identity::Client => by_client(&mut g, &mut composite, &mut client_group),
                Identity::User => {
                    let user = if table.user[i] != 0 {
                        table.user[i]
                    } else {
                        stitched.get(client as usize).copied().unwrap_or(0)
                    };
                    if user == 0 {
                        by_client(&mut g, &mut composite, &mut client_group)
                    } else {
                        cached(&mut user_group[user as usize], || g.new_visitor(Visitor::User(user)))
                    }
                }
                Identity::Ip if ip != 0 => cached(&mut ip_group[ip as usize], || g.new_visitor(Visitor::Ip(ip))),
                Identity::Ip => g.new_visitor(Visitor::Hit(i as u32)),
                Identity::IpUaDay => ip_ua_day(&mut g, &mut composite),
                Identity::Fingerprint if ip == 0 && ua == 0 => {
                    let visitor = g.new_visitor(Visitor::Hit(i as u32));
                    g.new_group(visitor, None, false)
                }
                Identity::Fingerprint => {
                    let key = (ip, ua, site_of_url[table.url[i] as usize]);
                    match fingerprints.get(&key) {
                        Some(&group) => group,
                        None => {
                            let group = g.new_group(UNSET, Some(key), false);
                            fingerprints.insert(key, group);
                            group
                        }
                    }
                }
                Identity::SourceSession => {
                    let visitor = by_client(&mut g, &mut composite, &mut client_group);
                    let session = table.source_session[i];
                    match recorded_groups.get(&(visitor, session)) {
                        Some(&group) => group,
                        None => {
                            let group = g.new_group(visitor, None, session != 0);
                            recorded_groups.insert((visitor, session), group);
                            group
                        }
                    }
                }
            };
            g.of_hit.push(group);
        }
        if !matches!(identity, Identity::Fingerprint | Identity::SourceSession) {
            // Every visitor is a group of its own.
            g.group_visitor = (0..g.visitors.len() as u32).collect();
            g.recorded = vec![false; g.visitors.len()];
        }
        g.count = g.group_visitor.len();
        g
    }

    /// Is every group's visitor known before the walk? Not under the fingerprint identity,
    /// which makes them as it goes (see [`Groups::visitor_at`]).
    pub fn visitors_known(&self) -> bool {
        self.fingerprint.iter().all(Option::is_none)
    }

    /// The visitors the walk may make, numbered after the known ones.
    pub fn salted_visitors(&self) -> SaltedVisitors {
        SaltedVisitors { first_id: self.visitors.len() as u32, ids: FxHashMap::default(), visitors: Vec::new() }
    }

    /// The visitor of a session of `group` starting (or of an uncounted hit) at `ts_ms`; a
    /// fingerprint group's is made in `salted` the first time its salt period shows.
    pub fn visitor_at(&self, group: u32, ts_ms: i64, salted: &mut SaltedVisitors) -> u32 {
        match self.fingerprint.get(group as usize) {
            Some(&Some((ip, user_agent, site_url))) => {
                let key = Visitor::Fingerprint {
                    ip,
                    user_agent,
                    site_url,
                    salt_period: salt_period(self.salt_rotation, ts_ms),
                };
                *salted.ids.entry(key).or_insert_with(|| {
                    salted.visitors.push(key);
                    salted.first_id + salted.visitors.len() as u32 - 1
                })
            }
            _ => self.group_visitor[group as usize],
        }
    }

    fn new_group(&mut self, visitor: u32, fingerprint: Option<(u32, u32, u32)>, recorded: bool) -> u32 {
        self.group_visitor.push(visitor);
        self.fingerprint.push(fingerprint);
        self.recorded.push(recorded);
        (self.group_visitor.len() - 1) as u32
    }

    /// A visitor whose key the caller knows to be new (it keeps its own index of them).
    fn new_visitor(&mut self, key: Visitor) -> u32 {
        self.visitors.push(key);
        (self.visitors.len() - 1) as u32
    }
}

/// The salt period holding `ts_ms`, counted from the Unix epoch in UTC: days, weeks from a
/// Monday (1 January 1970 was a Thursday), or months.
pub fn salt_period(rotation: SaltRotation, ts_ms: i64) -> i64 {
    let day = ts_ms.div_euclid(MS_PER_DAY);
    match rotation {
        SaltRotation::Day => day,
        SaltRotation::Week => (day + 3).div_euclid(7),
        SaltRotation::Month => {
            let date = chrono::DateTime::from_timestamp_millis(ts_ms).map_or(NaiveDate::default(), |t| t.date_naive());
            i64::from(date.year()) * 12 + i64::from(date.month0())
        }
    }
}

fn cached(slot: &mut u32, make: impl FnOnce() -> u32) -> u32 {
    if *slot == UNSET {
        *slot = make();
    }
    *slot
}

/// Per client id: the first user id it shows (hits are in time order), 0 if none.
fn stitch(table: &HitTable, is_bot: &[bool]) -> Vec<u32> {
    let mut user_of_client = vec![0u32; table.dict.clients.len()];
    for i in 0..table.len() {
        let (client, user) = (table.client[i] as usize, table.user[i]);
        if client != 0 && user != 0 && user_of_client[client] == 0 && !is_bot[table.user_agent[i] as usize] {
            user_of_client[client] = user;
        }
    }
    user_of_client
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(time: &str) -> i64 {
        time.parse::<chrono::DateTime<chrono::Utc>>().unwrap().timestamp_millis()
    }

    #[test]
    fn salt_periods_turn_at_utc_midnight_monday_and_the_first_of_the_month() {
        let at = |rotation, time| salt_period(rotation, ms(time));
        let pairs = [
            (SaltRotation::Day, "2024-03-05T23:59:59Z", "2024-03-06T00:00:00Z"),
            // Sunday 10 March to Monday 11 March 2024.
            (SaltRotation::Week, "2024-03-10T23:59:59Z", "2024-03-11T00:00:00Z"),
            (SaltRotation::Month, "2024-02-29T23:59:59Z", "2024-03-01T00:00:00Z"),
            (SaltRotation::Month, "1969-12-31T23:59:59Z", "1970-01-01T00:00:00Z"),
        ];
        for (rotation, before, after) in pairs {
            assert_eq!(at(rotation, after), at(rotation, before) + 1, "{rotation:?} at {after}");
        }
        assert_eq!(at(SaltRotation::Week, "2024-03-05T00:00:00Z"), at(SaltRotation::Week, "2024-03-10T23:59:59Z"));
        assert_eq!(at(SaltRotation::Month, "2024-03-01T00:00:00Z"), at(SaltRotation::Month, "2024-03-31T23:59:59Z"));
        assert_eq!(at(SaltRotation::Week, "1970-01-05T00:00:00Z"), 1, "weeks start on Monday");
    }
}
