//! Removing one imported file's data: afterwards the project answers exactly like one that never
//! imported the file, no byte of the file's strings is left in the project, and the file shrinks.

use std::path::Path;

use sessionlens_core::sessionize::{Preset, RuleSet};
use sessionlens_core::store::ProjectInfo;
use sessionlens_core::synth::{write_traffic_csv, TrafficSpec};
use sessionlens_core::Project;

use crate::{import, Scratch};

/// A string that occurs only in the file that is removed: in a URL, a campaign, a client id, a
/// referrer, a user agent, a click id and a rejected line.
const MARK: &str = "zqxmarker7f3a";

fn marked_csv() -> String {
    let mut csv = String::from("timestamp,client_id,url,referrer,user_agent,ip\n");
    for i in 0..300 {
        csv.push_str(&format!(
            "2024-03-0{}T10:{:02}:00Z,{MARK}.{i},https://shop.example/{MARK}/{i}?utm_source={MARK}&utm_campaign={MARK}\
             &gclid={MARK}{i},https://{MARK}.example/,Mozilla/5.0 {MARK},203.0.113.{}\n",
            1 + i % 5,
            i % 60,
            i % 250
        ));
    }
    csv.push_str(&format!("not a time {MARK},x,y,z,w,v\n"));
    csv
}

const ADS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/ad-exports/google_ads_campaign_stats.csv");

fn synthetic(scratch: &Scratch, name: &str, hits: usize) -> std::path::PathBuf {
    let path = scratch.path(name);
    write_traffic_csv(&TrafficSpec::new(hits, 4), std::fs::File::create(&path).unwrap()).unwrap();
    path
}

/// What a project answers, without ids, paths and import times.
fn answers(project: &mut Project) -> serde_json::Value {
    let ProjectInfo { files, hits, ad_stat_rows, ad_click_rows, ad_clicks, rejects, first_hit_ms, last_hit_ms, .. } =
        project.info().unwrap();
    let files: Vec<_> =
        files.iter().map(|f| (f.name.clone(), f.kind.clone(), f.rows_imported, f.rows_rejected)).collect();
    let sessions = project.sessions(&RuleSet::preset(Preset::Ga4), None).unwrap();
    let table = project.load_hits().unwrap();
    serde_json::json!({
        "files": files,
        "counts": [hits, ad_stat_rows, ad_click_rows, ad_clicks, rejects, first_hit_ms, last_hit_ms],
        "totals": sessions.totals,
        "hits": table.len(),
        "ads": project.load_ads().unwrap().stats.len(),
        "rejects": project.rejects().unwrap().iter().map(|r| r.raw.clone()).collect::<Vec<_>>(),
    })
}

fn bytes_of(project_path: &Path) -> Vec<u8> {
    let mut bytes = std::fs::read(project_path).unwrap();
    for suffix in ["-wal", "-journal"] {
        let mut side = project_path.as_os_str().to_owned();
        side.push(suffix);
        if let Ok(more) = std::fs::read(Path::new(&side)) {
            bytes.extend(more);
        }
    }
    bytes
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    memchr::memmem::find(haystack, needle.as_bytes()).is_some()
}

#[test]
fn a_removed_traffic_file_leaves_the_project_as_if_never_imported_and_no_byte_of_it_remains() {
    let scratch = Scratch::default();
    let marked = scratch.write("marked.csv", marked_csv());
    let other = synthetic(&scratch, "other.csv", 3_000);

    let mut project = Project::open(scratch.path("with.sessionlens")).unwrap();
    import(&mut project, &other).unwrap();
    let marked_id = import(&mut project, &marked).unwrap().file_id;
    import(&mut project, Path::new(ADS)).unwrap();
    let ga4 = RuleSet::preset(Preset::Ga4);
    project.sessions(&ga4, None).unwrap();
    project.sessions(&RuleSet::preset(Preset::UniversalAnalytics), None).unwrap();
    assert!(contains(&bytes_of(&scratch.path("with.sessionlens")), MARK), "the test's marker is stored first");

    let deleted = project.delete_file(marked_id).unwrap();
    assert_eq!((deleted.file_id, deleted.name.as_str(), deleted.kind.as_str()), (marked_id, "marked.csv", "traffic"));
    assert_eq!((deleted.rows_removed, deleted.rejects_removed, deleted.session_runs_removed), (300, 1, 2));
    assert!(deleted.strings_removed >= 300 * 3, "urls, clients and campaigns of the file: {}", deleted.strings_removed);
    assert!(deleted.bytes_after < deleted.bytes_before, "{deleted:?}");
    assert!(!contains(&bytes_of(&scratch.path("with.sessionlens")), MARK), "no byte of the file while open");
    let on_disk = std::fs::metadata(scratch.path("with.sessionlens")).unwrap().len();
    assert_eq!(on_disk, deleted.bytes_after, "the file on disk shrank to the compacted size");
    assert!(!project.sessions(&ga4, None).unwrap().reused, "stored sessions of the removed hits are not reused");

    let mut never = Project::open(scratch.path("without.sessionlens")).unwrap();
    import(&mut never, &other).unwrap();
    import(&mut never, Path::new(ADS)).unwrap();
    assert_eq!(answers(&mut project), answers(&mut never));
    drop(project);
    assert!(!contains(&bytes_of(&scratch.path("with.sessionlens")), MARK), "no byte of the file once closed");

    // The same content can be imported again, and then it is all back.
    let mut project = Project::open(scratch.path("with.sessionlens")).unwrap();
    assert_eq!(import(&mut project, &marked).unwrap().rows_imported, 300);
    assert_eq!(project.info().unwrap().hits, 3_300);
}

#[test]
fn a_removed_ad_file_keeps_the_traffic_and_its_stored_sessions() {
    let scratch = Scratch::default();
    let mut project = scratch.project();
    let traffic = synthetic(&scratch, "traffic.csv", 1_000);
    import(&mut project, &traffic).unwrap();
    let ads = import(&mut project, Path::new(ADS)).unwrap();
    let run = project.sessions(&RuleSet::preset(Preset::Ga4), None).unwrap();

    let deleted = project.delete_file(ads.file_id).unwrap();
    assert_eq!((deleted.kind.as_str(), deleted.rows_removed), ("ads", ads.rows_imported));
    assert_eq!((deleted.session_runs_removed, deleted.strings_removed), (0, 0));
    let info = project.info().unwrap();
    assert_eq!((info.files.len(), info.hits, info.ad_stat_rows, info.ad_click_rows), (1, 1_000, 0, 0));
    assert!(project.load_ads().unwrap().is_empty());
    let again = project.sessions(&RuleSet::preset(Preset::Ga4), None).unwrap();
    assert!(again.reused && again.id == run.id, "sessions do not depend on ad rows");
}

#[test]
fn removing_a_file_that_is_not_there_is_refused_and_changes_nothing() {
    let scratch = Scratch::default();
    let mut project = scratch.project();
    let traffic = synthetic(&scratch, "traffic.csv", 100);
    let id = import(&mut project, &traffic).unwrap().file_id;
    let err = project.delete_file(id + 1).unwrap_err();
    assert_eq!(err.code(), "invalid_input");
    assert!(err.to_string().contains(&format!("no imported file with id {}", id + 1)), "{err}");
    assert_eq!(project.info().unwrap().hits, 100);
    project.delete_file(id).unwrap();
    let err = project.delete_file(id).unwrap_err();
    assert!(err.to_string().contains("no imported file"), "removing twice is refused: {err}");
    let info = project.info().unwrap();
    assert_eq!((info.files.len(), info.hits, info.rejects), (0, 0, 0));
}
