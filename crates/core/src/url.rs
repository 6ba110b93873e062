//! URL helpers every layer uses, depending on nothing else of the crate: what analytics needs
//! out of URLs without a full URL parser (host, path, and the campaign tags — utm_* and ad
//! click ids — of the query string, percent-decoded).

use std::borrow::Cow;

/// Click-id parameters, as ad platforms append them to landing URLs. Names are case-sensitive
/// (`fbclid` is Meta's; `FBCLID` is not).
pub const CLICK_ID_PARAMS: [&str; 8] =
    ["gclid", "gbraid", "wbraid", "dclid", "msclkid", "fbclid", "ttclid", "li_fat_id"];

/// Campaign tags found in a URL's query string.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UrlTags<'a> {
    pub source: Cow<'a, str>,
    pub medium: Cow<'a, str>,
    pub campaign: Cow<'a, str>,
    pub term: Cow<'a, str>,
    pub content: Cow<'a, str>,
    pub click_id_param: &'static str,
    pub click_id: Cow<'a, str>,
}

impl UrlTags<'_> {
    pub fn is_empty(&self) -> bool {
        self.source.is_empty()
            && self.medium.is_empty()
            && self.campaign.is_empty()
            && self.term.is_empty()
            && self.content.is_empty()
            && self.click_id.is_empty()
    }
}

/// The utm_* tags and the first click id in `url`'s query string.
pub fn url_tags(url: &str) -> UrlTags<'_> {
    let mut tags = UrlTags::default();
    let Some(query) = query(url) else { return tags };
    for pair in query.split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let slot = match key {
            "utm_source" => &mut tags.source,
            "utm_medium" => &mut tags.medium,
            "utm_campaign" => &mut tags.campaign,
            "utm_term" => &mut tags.term,
            "utm_content" => &mut tags.content,
            _ => match CLICK_ID_PARAMS.iter().find(|p| **p == key) {
                Some(param) if tags.click_id.is_empty() && !value.is_empty() => {
                    tags.click_id_param = param;
                    &mut tags.click_id
                }
                _ => continue,
            },
        };
        if slot.is_empty() {
            *slot = percent_decode(value);
        }
    }
    tags
}

/// The query string (without `?` and fragment), if any.
pub fn query(url: &str) -> Option<&str> {
    let after = &url[url.find('?')? + 1..];
    Some(after.split('#').next().unwrap_or(after))
}

/// The host of an absolute (`scheme://host/...`) or protocol-relative URL, lower-cased by the
/// caller if needed; `""` for a bare path.
pub fn host(url: &str) -> &str {
    let Some(rest) = authority_and_path(url) else { return "" };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let host_port = authority.rsplit('@').next().unwrap_or(authority);
    if host_port.starts_with('[') {
        return host_port.split(']').next().map_or("", |h| &h[1..]);
    }
    host_port.split(':').next().unwrap_or(host_port)
}

/// What follows `scheme://` (or the `//` of a protocol-relative URL); `None` for a bare path,
/// even one whose query holds a URL (`/go?to=https://x/`).
fn authority_and_path(url: &str) -> Option<&str> {
    if let Some(rest) = url.strip_prefix("//") {
        return Some(rest);
    }
    let (scheme, rest) = url.split_once("://")?;
    let valid = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then_some(rest)
}

/// The path of a URL (or of a bare path), without query and fragment; `/` when empty.
pub fn path(url: &str) -> &str {
    let rest = match authority_and_path(url) {
        Some(after) => after.find(['/', '?', '#']).map_or("", |j| &after[j..]),
        None => url,
    };
    let end = rest.find(['?', '#']).unwrap_or(rest.len());
    if end == 0 {
        "/"
    } else {
        &rest[..end]
    }
}

/// Percent-decoding with `+` as space; invalid escapes stay as they are.
pub fn percent_decode(s: &str) -> Cow<'_, str> {
    decode(s, true)
}

/// Percent-decoding that keeps `+` (for values that are not form-encoded, such as the user
/// agents CloudFront logs: `Slackbot%201.0%20(+https://api.slack.com/robots)`).
pub fn percent_decode_keep_plus(s: &str) -> Cow<'_, str> {
    decode(s, false)
}

fn decode(s: &str, plus_is_space: bool) -> Cow<'_, str> {
    let has_escapes = s.contains('%') || (plus_is_space && s.contains('+'));
    if !has_escapes {
        return Cow::Borrowed(s);
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' if plus_is_space => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_and_click_ids() {
        let t = url_tags(
            "https://shop.example/p?utm_source=google&utm_medium=cpc&utm_campaign=blue+widgets&gclid=Cj0K%3D%3D#top",
        );
        assert_eq!((t.source.as_ref(), t.medium.as_ref(), t.campaign.as_ref()), ("google", "cpc", "blue widgets"));
        assert_eq!((t.click_id_param, t.click_id.as_ref()), ("gclid", "Cj0K=="));
        let t = url_tags("/landing?FBCLID=x&fbclid=IwAR1&msclkid=m");
        assert_eq!((t.click_id_param, t.click_id.as_ref()), ("fbclid", "IwAR1"));
        assert!(url_tags("https://a.example/").is_empty());
        assert!(url_tags("/p?utm_source").is_empty());
    }

    #[test]
    fn hosts_and_paths() {
        assert_eq!(host("https://user@Shop.Example:8443/a?b"), "Shop.Example");
        assert_eq!(host("//cdn.example/x"), "cdn.example");
        assert_eq!(host("http://[2001:db8::1]:80/"), "2001:db8::1");
        assert_eq!(host("/just/a/path"), "");
        assert_eq!(path("https://a.example"), "/");
        assert_eq!(path("https://a.example/x/y?q=1#f"), "/x/y");
        assert_eq!(path("/x?q"), "/x");
        assert_eq!(path("/go?to=https://x.example/a.js"), "/go");
        assert_eq!(host("/go?to=https://x.example/a.js"), "");
        assert_eq!(path("//cdn.example/x"), "/x");
    }

    #[test]
    fn percent_decoding_keeps_invalid_escapes() {
        assert_eq!(percent_decode("a%20b+c"), "a b c");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("caf%C3%A9"), "café");
        assert_eq!(percent_decode_keep_plus("Slackbot%201.0%20(+https://x)"), "Slackbot 1.0 (+https://x)");
    }
}
