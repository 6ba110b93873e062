//! Saved views kept in a project (the view last shown, named views, when it was last opened),
//! copied with the campaign mappings to another project, and project files renamed safely.

use sessionlens_core::conversion::ConversionGoals;
use sessionlens_core::import::ImportOptions;
use sessionlens_core::store::ads::CampaignMapping;
use sessionlens_core::store::{rename_project, CopiedSettings, ImportControl, VIEW_NAME_MAX};
use sessionlens_core::{Error, Project};

use crate::{import, Scratch};

const GA4: &str = r#"{"rules":{"preset":"ga4","changes":{}},"range":null,"tab":"dashboard"}"#;
const UA: &str = r#"{"rules":{"preset":"ua","changes":{"timeout":"1h"}},"range":null}"#;

fn mapping(ad: &str, utm: &str) -> CampaignMapping {
    CampaignMapping { platform: "google_ads".into(), ad_campaign: ad.into(), utm_campaign: utm.into() }
}

#[test]
fn the_last_view_and_named_views_are_kept_in_the_project_file() {
    let scratch = Scratch::default();
    let project = scratch.project();
    assert_eq!((project.last_view().unwrap(), project.named_views().unwrap()), (None, vec![]));
    project.set_last_view(GA4).unwrap();
    project.save_named_view("  UA legacy ", UA).unwrap();
    project.save_named_view("GA4 as configured", GA4).unwrap();
    drop(project);

    let project = scratch.project();
    assert_eq!(project.last_view().unwrap().as_deref(), Some(GA4));
    let views = project.named_views().unwrap();
    let names: Vec<_> = views.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["GA4 as configured", "UA legacy"]);
    assert_eq!(views[1].value, UA);
    assert!(views[1].saved_at.ends_with('Z') && views[1].saved_at.len() == 20, "{}", views[1].saved_at);

    // The same name in another case replaces the view, under the name as now written.
    project.save_named_view("ua LEGACY", GA4).unwrap();
    let views = project.named_views().unwrap();
    assert_eq!((views.len(), views[1].name.as_str(), views[1].value.as_str()), (2, "ua LEGACY", GA4));
    assert!(project.delete_named_view("UA Legacy").unwrap());
    assert!(!project.delete_named_view("UA Legacy").unwrap());
    assert_eq!(project.named_views().unwrap().len(), 1);
}

#[test]
fn views_must_be_json_under_a_one_line_name() {
    let project = Project::open_in_memory().unwrap();
    let refused = |r: sessionlens_core::Result<()>| r.unwrap_err().code();
    assert_eq!(refused(project.set_last_view("{preset: ga4")), "invalid_input");
    assert_eq!(refused(project.save_named_view("ok", "not json")), "invalid_input");
    assert_eq!(refused(project.save_named_view("   ", GA4)), "invalid_input");
    assert_eq!(refused(project.save_named_view("two\nlines", GA4)), "invalid_input");
    assert_eq!(refused(project.save_named_view(&"x".repeat(VIEW_NAME_MAX + 1), GA4)), "invalid_input");
    project.save_named_view(&"x".repeat(VIEW_NAME_MAX), GA4).unwrap();
}

#[test]
fn opening_is_marked_with_the_time() {
    let project = Project::open_in_memory().unwrap();
    assert_eq!(project.last_opened().unwrap(), None);
    project.mark_opened().unwrap();
    let opened = project.last_opened().unwrap().unwrap();
    let today = chrono::Utc::now().format("%Y-%m-%dT").to_string();
    assert!(opened.starts_with(&today) && opened.ends_with('Z'), "{opened}");
}

#[test]
fn views_and_mappings_copy_to_another_project_and_keep_what_it_had() {
    let scratch = Scratch::default();
    let acme = Project::open(scratch.path("Acme.sessionlens")).unwrap();
    acme.set_last_view(GA4).unwrap();
    acme.save_named_view("UA legacy", UA).unwrap();
    acme.save_named_view("GA4 as configured", GA4).unwrap();
    acme.add_campaign_mapping(&mapping("Brand 2025", "brand")).unwrap();
    acme.add_campaign_mapping(&mapping("Spring", "spring_sale")).unwrap();
    acme.mark_opened().unwrap();

    let mut globex = Project::open(scratch.path("Globex.sessionlens")).unwrap();
    globex.save_named_view("ua legacy", GA4).unwrap();
    globex.save_named_view("Globex own", GA4).unwrap();
    globex.add_campaign_mapping(&mapping("Spring", "spring_sale")).unwrap();
    let copied = acme.copy_views_and_mappings_to(&mut globex).unwrap();
    assert_eq!(copied, CopiedSettings { last_view: true, named_views: 2, mappings_added: 1 });

    assert_eq!(globex.last_view().unwrap().as_deref(), Some(GA4));
    let views: Vec<_> = globex.named_views().unwrap().into_iter().map(|v| (v.name, v.value)).collect();
    assert_eq!(
        views,
        [
            ("GA4 as configured".into(), GA4.into()),
            ("Globex own".into(), GA4.into()),
            ("UA legacy".into(), UA.to_string())
        ]
    );
    assert_eq!(globex.campaign_mappings().unwrap(), acme.campaign_mappings().unwrap());
    assert_eq!(globex.last_opened().unwrap(), None, "when a project was opened is its own");

    let err = acme.copy_views_and_mappings_to(&mut Project::open(scratch.path("Acme.sessionlens")).unwrap());
    assert_eq!(err.unwrap_err().code(), "invalid_input", "not onto itself");
    let empty = Project::open_in_memory().unwrap();
    assert_eq!(empty.copy_views_and_mappings_to(&mut globex).unwrap(), CopiedSettings::default());
    assert_eq!(globex.named_views().unwrap().len(), 3, "copying nothing changes nothing");
}

#[test]
fn a_project_file_is_renamed_with_its_data_and_nothing_left_behind() {
    let scratch = Scratch::default();
    let (from, to) = (scratch.path("acme.sessionlens"), scratch.path("Acme Corp.sessionlens"));
    let mut project = Project::open(&from).unwrap();
    let hits = scratch.write("hits.csv", "timestamp,client_id,url\n2024-03-01T10:00:00Z,a,https://shop.example/\n");
    import(&mut project, &hits).unwrap();
    project.save_named_view("UA legacy", UA).unwrap();
    drop(project);

    rename_project(&from, &to).unwrap();
    let mut left: Vec<_> =
        std::fs::read_dir(scratch.path("")).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    left.sort();
    assert_eq!(left, ["Acme Corp.sessionlens", "hits.csv"]);
    let renamed = Project::open(&to).unwrap();
    assert_eq!((renamed.info().unwrap().hits, renamed.named_views().unwrap().len()), (1, 1));
}

#[test]
fn renaming_refuses_to_overwrite_or_to_move_a_project_that_is_open_elsewhere() {
    let scratch = Scratch::default();
    let (acme, globex) = (scratch.path("acme.sessionlens"), scratch.path("globex.sessionlens"));
    drop(Project::open(&acme).unwrap());
    drop(Project::open(&globex).unwrap());
    let err = rename_project(&acme, &globex).unwrap_err();
    assert!(matches!(&err, Error::InvalidInput(m) if m.contains("globex.sessionlens is already there")), "{err}");

    // A log left under the new name would be read as the renamed project's.
    let stray = scratch.write("initech.sessionlens-wal", "left behind");
    let err = rename_project(&acme, &scratch.path("initech.sessionlens")).unwrap_err();
    assert!(err.to_string().contains("initech.sessionlens-wal is in the way"), "{err}");
    std::fs::remove_file(stray).unwrap();

    // Another connection (another window) still has it open: its log stays, so it stays put.
    let elsewhere = rusqlite::Connection::open(&acme).unwrap();
    elsewhere.execute_batch("CREATE TABLE IF NOT EXISTS t (x); INSERT INTO t VALUES (1);").unwrap();
    let err = rename_project(&acme, &scratch.path("initech.sessionlens")).unwrap_err();
    assert!(err.to_string().contains("open in another program"), "{err}");
    assert!(acme.exists());
    drop(elsewhere);
    rename_project(&acme, &scratch.path("initech.sessionlens")).unwrap();
    assert!(!acme.exists());

    let missing = rename_project(&scratch.path("nope.sessionlens"), &scratch.path("x.sessionlens")).unwrap_err();
    assert_eq!(missing.code(), "io");
    assert!(!scratch.path("nope.sessionlens").exists(), "renaming does not create the project");
}

#[test]
fn an_answer_kept_as_shown_is_given_back_only_for_its_key_and_the_same_data() {
    let scratch = Scratch::default();
    let project = scratch.project();
    let answer = r#"{"kpis":{"sessions":3,"rate":0.1234567890123456789},"client":"1443685882.1682380031"}"#;
    let given_back = |p: &Project, key: &str| p.shown("dashboard", key).unwrap();
    assert_eq!(given_back(&project, "ga4"), None);
    project.keep_shown("dashboard", "ga4", &project.inputs_stamp().unwrap(), answer).unwrap();
    assert_eq!(project.keep_shown("dashboard", "ga4", "", "not json").unwrap_err().code(), "invalid_input");
    drop(project);

    let mut project = scratch.project();
    assert_eq!(given_back(&project, "ga4").as_deref(), Some(answer), "the very text, ids and numbers as given");
    assert_eq!(given_back(&project, "ua"), None, "another key");
    assert_eq!(project.shown("discrepancy", "ga4").unwrap(), None, "another kind");

    // Whatever an analysis reads changes what the kept answer was computed from.
    let hits = scratch.write("hits.csv", "timestamp,client_id,url\n2024-03-01T10:00:00Z,a,https://shop.example/\n");
    let with_zone = |zone: &str| ImportOptions { time_zone: Some(zone.parse().unwrap()), ..ImportOptions::default() };
    for what in ["an import", "a campaign mapping", "a conversion goal", "an import again in another zone"] {
        let before = project.inputs_stamp().unwrap();
        project.keep_shown("dashboard", "ga4", &before, answer).unwrap();
        assert!(given_back(&project, "ga4").is_some());
        match what {
            "an import" => drop(import(&mut project, &hits).unwrap()),
            "a campaign mapping" => project.add_campaign_mapping(&mapping("Spring", "spring")).unwrap(),
            "a conversion goal" => project
                .set_conversion_goals(&ConversionGoals { events: vec!["purchase".into()], pages: vec![] })
                .unwrap(),
            _ => {
                // The same file, removed and imported again under the same id and row count.
                let id = project.info().unwrap().files[0].id;
                project.delete_file(id).unwrap();
                project.import(&hits, &with_zone("Europe/Berlin"), ImportControl::default()).unwrap();
                assert_eq!(project.info().unwrap().files[0].id, id);
            }
        }
        assert_eq!(given_back(&project, "ga4"), None, "after {what}");
        // An answer computed from the data before the change but kept after it is not used either.
        project.keep_shown("dashboard", "ga4", &before, answer).unwrap();
        assert_eq!(given_back(&project, "ga4"), None, "kept after {what}");
    }
}
