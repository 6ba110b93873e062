//! Which column holds which field: explicit `field=column` assignments from the user, with
//! header synonyms filling the rest ("Client ID", "cid", "user_pseudo_id" are all a client id).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// A field a traffic row can have.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Timestamp,
    Date,
    Time,
    ClientId,
    UserId,
    SessionId,
    EventId,
    Event,
    Interaction,
    NonInteraction,
    Url,
    Host,
    Path,
    Referrer,
    UserAgent,
    Ip,
    UtmSource,
    UtmMedium,
    UtmCampaign,
    UtmTerm,
    UtmContent,
    Gclid,
    Gbraid,
    Wbraid,
    Dclid,
    Msclkid,
    Fbclid,
    Ttclid,
    LiFatId,
}

impl Field {
    pub const ALL: [Field; 29] = [
        Field::Timestamp,
        Field::Date,
        Field::Time,
        Field::ClientId,
        Field::UserId,
        Field::SessionId,
        Field::EventId,
        Field::Event,
        Field::Interaction,
        Field::NonInteraction,
        Field::Url,
        Field::Host,
        Field::Path,
        Field::Referrer,
        Field::UserAgent,
        Field::Ip,
        Field::UtmSource,
        Field::UtmMedium,
        Field::UtmCampaign,
        Field::UtmTerm,
        Field::UtmContent,
        Field::Gclid,
        Field::Gbraid,
        Field::Wbraid,
        Field::Dclid,
        Field::Msclkid,
        Field::Fbclid,
        Field::Ttclid,
        Field::LiFatId,
    ];

    /// The click-id fields and their URL parameter names.
    pub const CLICK_IDS: [(Field, &'static str); 8] = [
        (Field::Gclid, "gclid"),
        (Field::Gbraid, "gbraid"),
        (Field::Wbraid, "wbraid"),
        (Field::Dclid, "dclid"),
        (Field::Msclkid, "msclkid"),
        (Field::Fbclid, "fbclid"),
        (Field::Ttclid, "ttclid"),
        (Field::LiFatId, "li_fat_id"),
    ];

    /// The name used in `--map FIELD=COLUMN`.
    pub fn name(self) -> &'static str {
        match self {
            Field::Timestamp => "timestamp",
            Field::Date => "date",
            Field::Time => "time",
            Field::ClientId => "client_id",
            Field::UserId => "user_id",
            Field::SessionId => "session_id",
            Field::EventId => "event_id",
            Field::Event => "event",
            Field::Interaction => "interaction",
            Field::NonInteraction => "non_interaction",
            Field::Url => "url",
            Field::Host => "host",
            Field::Path => "path",
            Field::Referrer => "referrer",
            Field::UserAgent => "user_agent",
            Field::Ip => "ip",
            Field::UtmSource => "utm_source",
            Field::UtmMedium => "utm_medium",
            Field::UtmCampaign => "utm_campaign",
            Field::UtmTerm => "utm_term",
            Field::UtmContent => "utm_content",
            Field::Gclid => "gclid",
            Field::Gbraid => "gbraid",
            Field::Wbraid => "wbraid",
            Field::Dclid => "dclid",
            Field::Msclkid => "msclkid",
            Field::Fbclid => "fbclid",
            Field::Ttclid => "ttclid",
            Field::LiFatId => "li_fat_id",
        }
    }

    /// Header names (normalised: lower-case letters and digits only) that mean this field.
    fn synonyms(self) -> &'static [&'static str] {
        match self {
            Field::Timestamp => &[
                "timestamp",
                "datetime",
                "eventtime",
                "eventtimestamp",
                "hittime",
                "hittimestamp",
                "ts",
                "createdat",
                "occurredat",
                "visittime",
                "time_stamp",
                "collectortstamp",
                "derivedtstamp",
                "dvcecreatedtstamp",
                "timestamputc",
                "utctimestamp",
                "localtime",
            ],
            Field::Date => &["date", "day", "eventdate", "hitdate"],
            Field::Time => &["time", "hourminute", "eventtimeofday"],
            Field::ClientId => &[
                "clientid",
                "cid",
                "visitorid",
                "anonymousid",
                "userpseudoid",
                "deviceid",
                "distinctid",
                "domainuserid",
                "fullvisitorid",
                "cookieid",
                "visitor",
                "networkuserid",
            ],
            Field::UserId => &["userid", "uid", "customerid", "loginid", "user"],
            Field::SessionId => &["sessionid", "gasessionid", "visitid", "domainsessionid"],
            Field::EventId => &["eventid", "hitid", "insertid", "messageid"],
            Field::Event => &["event", "eventname", "eventtype", "hittype", "type", "action"],
            Field::Interaction => &["interaction", "isinteraction"],
            Field::NonInteraction => &["noninteraction", "nonint", "ni", "noninteractive"],
            Field::Url => {
                &["url", "pageurl", "pagelocation", "page", "location", "fullurl", "href", "documentlocation"]
            }
            Field::Host => &["host", "hostname", "pagehostname", "domain", "site"],
            Field::Path => &["path", "pagepath", "urlpath", "pathname", "requestpath", "uri"],
            Field::Referrer => {
                &["referrer", "referer", "pagereferrer", "ref", "documentreferrer", "httpreferer", "httpreferrer"]
            }
            Field::UserAgent => &["useragent", "ua", "browseruseragent", "httpuseragent", "useragentstring"],
            Field::Ip => {
                &["ip", "ipaddress", "clientip", "remoteaddr", "remoteaddress", "ipaddr", "userip", "remoteip"]
            }
            Field::UtmSource => &["utmsource", "source", "campaignsource", "mktsource"],
            Field::UtmMedium => &["utmmedium", "medium", "campaignmedium", "mktmedium"],
            Field::UtmCampaign => &["utmcampaign", "campaign", "campaignname", "mktcampaign"],
            Field::UtmTerm => &["utmterm", "term", "keyword", "campaignterm", "mktterm"],
            Field::UtmContent => &["utmcontent", "content", "adcontent", "campaigncontent", "mktcontent"],
            Field::Gclid => &["gclid", "googleclickid"],
            Field::Gbraid => &["gbraid"],
            Field::Wbraid => &["wbraid"],
            Field::Dclid => &["dclid"],
            Field::Msclkid => &["msclkid", "microsoftclickid"],
            Field::Fbclid => &["fbclid", "facebookclickid"],
            Field::Ttclid => &["ttclid"],
            Field::LiFatId => &["lifatid"],
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Field {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Field::ALL.into_iter().find(|f| f.name() == s).ok_or_else(|| {
            let names: Vec<_> = Field::ALL.iter().map(|f| f.name()).collect();
            Error::InvalidInput(format!("unknown field '{s}'; fields are: {}", names.join(", ")))
        })
    }
}

/// Explicit `field = column` assignments. An empty column (`referrer=`) says the field is not
/// in the file, so no header synonym fills it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mapping(pub Vec<(Field, String)>);

impl Mapping {
    /// Parse `FIELD=COLUMN` strings as given on the command line.
    pub fn parse<'a>(pairs: impl IntoIterator<Item = &'a str>) -> Result<Mapping, Error> {
        let mut out = Vec::new();
        for pair in pairs {
            let (field, column) =
                pair.split_once('=').ok_or_else(|| Error::InvalidInput(format!("'{pair}' is not FIELD=COLUMN")))?;
            out.push((field.trim().parse()?, column.trim().to_string()));
        }
        Ok(Mapping(out))
    }

    /// Assign columns of `headers` to fields: explicit assignments first (exact name, then
    /// case-insensitive), then synonyms for the fields still open.
    pub fn resolve(&self, headers: &[&str]) -> Result<Columns, Error> {
        let mut columns = Columns::default();
        let mut used = vec![false; headers.len()];
        let mut unmapped = Vec::new();
        for (field, name) in &self.0 {
            if name.is_empty() {
                unmapped.push(*field);
                continue;
            }
            let index = headers
                .iter()
                .position(|h| h.trim() == name)
                .or_else(|| headers.iter().position(|h| h.trim().eq_ignore_ascii_case(name)))
                .ok_or_else(|| {
                    Error::InvalidInput(format!(
                        "--map {field}={name}: there is no column '{name}'; the columns are: {}",
                        headers.join(", ")
                    ))
                })?;
            columns.set(*field, index);
            used[index] = true;
        }
        let normalised: Vec<String> = headers.iter().map(|h| normalise(h)).collect();
        for field in Field::ALL {
            if columns.get(field).is_some() || unmapped.contains(&field) {
                continue;
            }
            let found = field
                .synonyms()
                .iter()
                .find_map(|syn| normalised.iter().enumerate().position(|(i, h)| !used[i] && h == syn));
            if let Some(index) = found {
                columns.set(field, index);
                used[index] = true;
            }
        }
        Ok(columns)
    }
}

/// Lower-case ASCII letters and digits only: "Client ID" and "client_id" both become "clientid".
pub fn normalise(header: &str) -> String {
    header.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// Header cells assigned to columns by synonyms: for each column of `table` in order, the first
/// of its names (preferred first) that `names` says some cell not taken yet is called. Shared by
/// the exports whose columns are found by name (ad platforms, analytics reports).
pub(crate) fn assign_by_synonyms<C: Copy>(
    cells: usize,
    table: &[(C, &[&str])],
    names: impl Fn(usize, &str) -> bool,
) -> Vec<(C, usize)> {
    let mut used = vec![false; cells];
    let mut assigned = Vec::new();
    for (col, synonyms) in table {
        let found = synonyms.iter().find_map(|name| (0..cells).find(|&i| !used[i] && names(i, name)));
        if let Some(i) = found {
            used[i] = true;
            assigned.push((*col, i));
        }
    }
    assigned
}

/// Column index per field, after resolving a header.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Columns([Option<usize>; Field::ALL.len()]);

impl Columns {
    pub fn get(&self, field: Field) -> Option<usize> {
        self.0[field as usize]
    }

    fn set(&mut self, field: Field, index: usize) {
        self.0[field as usize] = Some(index);
    }

    /// The mapping as `(field, column name)` pairs, for recording with the imported file.
    pub fn describe(&self, headers: &[&str]) -> Vec<(Field, String)> {
        Field::ALL.into_iter().filter_map(|f| self.get(f).map(|i| (f, headers[i].to_string()))).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synonyms_map_common_headers() {
        let headers = ["Event Time", "Client ID", "Page URL", "Referrer", "User-Agent", "utm_campaign", "GCLID"];
        let cols = Mapping::default().resolve(&headers).unwrap();
        assert_eq!(cols.get(Field::Timestamp), Some(0));
        assert_eq!(cols.get(Field::ClientId), Some(1));
        assert_eq!(cols.get(Field::Url), Some(2));
        assert_eq!(cols.get(Field::Referrer), Some(3));
        assert_eq!(cols.get(Field::UserAgent), Some(4));
        assert_eq!(cols.get(Field::UtmCampaign), Some(5));
        assert_eq!(cols.get(Field::Gclid), Some(6));
        assert_eq!(cols.get(Field::UserId), None);
    }

    #[test]
    fn explicit_mapping_wins_and_unknown_columns_are_named() {
        let headers = ["when", "who", "cid"];
        let mapping = Mapping::parse(["timestamp=when", "client_id=WHO"]).unwrap();
        let cols = mapping.resolve(&headers).unwrap();
        assert_eq!(cols.get(Field::Timestamp), Some(0));
        assert_eq!(cols.get(Field::ClientId), Some(1));
        let err = Mapping::parse(["timestamp=nope"]).unwrap().resolve(&headers).unwrap_err();
        assert!(err.to_string().contains("there is no column 'nope'"), "{err}");
        assert!(Mapping::parse(["colour=when"]).is_err());
        assert!(Mapping::parse(["timestamp"]).is_err());
    }

    #[test]
    fn an_empty_column_keeps_a_field_unmapped_that_a_synonym_would_fill() {
        let headers = ["timestamp", "referrer", "url"];
        let cols = Mapping::parse(["referrer="]).unwrap().resolve(&headers).unwrap();
        assert_eq!((cols.get(Field::Referrer), cols.get(Field::Timestamp)), (None, Some(0)));
        assert_eq!(cols.describe(&headers), [(Field::Timestamp, "timestamp".into()), (Field::Url, "url".into())]);
    }
}
