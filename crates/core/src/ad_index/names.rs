//! Campaign names as people type them: an ad platform's "Spring Sale - Search" and a landing
//! URL's `utm_campaign=spring_sale_search` are the same campaign. [`normalise_campaign`] folds
//! case, whitespace and separators; [`closest`] suggests a utm_campaign for an ad campaign that
//! matched none, for the mapping editor.

/// Lower case, with every run of characters that are neither letters nor digits (spaces, `-`,
/// `_`, `+`, `.`, `|`, `/`, ...) as one space, trimmed.
pub fn normalise_campaign(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut gap = false;
    for c in name.chars() {
        if c.is_alphanumeric() {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            out.extend(c.to_lowercase());
        } else {
            gap = true;
        }
    }
    out
}

/// The candidate sharing the most words with `name` (Jaccard over normalised words), if any
/// shares at least half of them.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let words =
        |s: &str| normalise_campaign(s).split(' ').filter(|w| !w.is_empty()).map(str::to_owned).collect::<Vec<_>>();
    let mine = words(name);
    if mine.is_empty() {
        return None;
    }
    let mut best: Option<(f64, &str)> = None;
    for candidate in candidates {
        let theirs = words(candidate);
        let shared = mine.iter().filter(|w| theirs.contains(w)).count();
        let union = mine.len() + theirs.len() - shared;
        let score = shared as f64 / union.max(1) as f64;
        if score >= 0.5 && !matches!(best, Some((b, _)) if b >= score) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_whitespace_and_separators_fold_away() {
        let want = "spring sale search";
        for name in [
            "Spring Sale - Search",
            "spring_sale_search",
            "spring-sale-search",
            "  SPRING+Sale|Search ",
            "Spring  Sale__Search",
        ] {
            assert_eq!(normalise_campaign(name), want, "{name}");
        }
        assert_eq!(normalise_campaign("Brand (Exact)"), "brand exact");
        assert_eq!(normalise_campaign("Été 2024"), "été 2024");
        assert_eq!(normalise_campaign("---"), "");
    }

    #[test]
    fn the_closest_name_shares_most_words() {
        let utm = ["brand_exact", "spring_sale", "summer"];
        assert_eq!(closest("Spring Sale - Search", utm), Some("spring_sale"));
        assert_eq!(closest("Winter", utm), None);
        assert_eq!(closest("", utm), None);
    }
}
