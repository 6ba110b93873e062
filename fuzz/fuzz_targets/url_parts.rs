//! URL pieces (`url`): host, path, query, campaign tags and click ids,
//! percent-decoding; then attribution of the tags and of the URL as a referrer
//! (`classify::source`). Checks: host, path and query are pieces of the URL (or `/`); a click id
//! comes with one of the known parameters; decoding never grows the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sessionlens_core::classify::Classifier;
use sessionlens_core::url::{
    host, path, percent_decode, percent_decode_keep_plus, query, url_tags, CLICK_ID_PARAMS,
};
use sessionlens_core::model::CampaignTags;

/// Is `piece` a sub-slice of `whole` (not a copy)?
fn within(piece: &str, whole: &str) -> bool {
    let (start, end) = (whole.as_ptr() as usize, whole.as_ptr() as usize + whole.len());
    let p = piece.as_ptr() as usize;
    piece.is_empty() || (start <= p && p + piece.len() <= end)
}

fuzz_target!(|data: &[u8]| {
    let url = String::from_utf8_lossy(data);
    let url = url.as_ref();

    let h = host(url);
    assert!(within(h, url), "host {h:?} of {url:?}");
    let p = path(url);
    assert!(p == "/" || within(p, url), "path {p:?} of {url:?}");
    assert!(!p.contains(['?', '#']), "path {p:?} of {url:?}");
    if let Some(q) = query(url) {
        assert!(within(q, url) && !q.contains('#'), "query {q:?} of {url:?}");
    }

    let tags = url_tags(url);
    assert_eq!(tags.click_id_param.is_empty(), tags.click_id.is_empty(), "{url:?}: {tags:?}");
    assert!(tags.click_id_param.is_empty() || CLICK_ID_PARAMS.contains(&tags.click_id_param));
    for decoded in [percent_decode(url), percent_decode_keep_plus(url)] {
        assert!(decoded.len() <= url.len(), "{url:?} decodes to the longer {decoded:?}");
    }
    if !url.contains(['%', '+']) {
        assert_eq!(percent_decode(url), url);
    }

    let classifier = Classifier::shared();
    let campaign = CampaignTags {
        source: &tags.source,
        medium: &tags.medium,
        campaign: &tags.campaign,
        term: &tags.term,
        content: &tags.content,
        click_id_param: tags.click_id_param,
        click_id: &tags.click_id,
    };
    let _ = classifier.attribute(&campaign, url, h, &["pay.example", h]);
    let _ = classifier.referrer(url, "shop.example", &[] as &[&str]);
    let _ = classifier.channel(&tags.source, &tags.medium, &tags.campaign);
});
