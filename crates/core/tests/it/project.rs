//! Opening project files: creation, migration, refusal of foreign and newer files, and the
//! busy message when another writer holds the project.

use rusqlite::Connection;
use sessionlens_core::store::SCHEMA_VERSION;
use sessionlens_core::{Error, Project};

use crate::{import, Scratch};

#[test]
fn a_new_project_is_created_at_the_current_schema_and_reopens() {
    let scratch = Scratch::default();
    let project = scratch.project();
    assert_eq!(project.schema_version().unwrap(), SCHEMA_VERSION);
    drop(project);
    let reopened = scratch.project();
    assert_eq!(reopened.info().unwrap().files.len(), 0);
}

#[test]
fn a_project_from_a_newer_build_is_refused_naming_both_versions() {
    let scratch = Scratch::default();
    drop(scratch.project());
    let conn = Connection::open(scratch.path("test.sessionlens")).unwrap();
    conn.execute("INSERT INTO schema_migration (version, name, applied_at) VALUES (99, 'future', 'now')", []).unwrap();
    drop(conn);
    let err = Project::open(scratch.path("test.sessionlens")).err().expect("refused");
    assert!(matches!(err, Error::ProjectTooNew { found: 99, supported: SCHEMA_VERSION }), "{err:?}");
    let message = err.to_string();
    assert!(message.contains("99") && message.contains(&SCHEMA_VERSION.to_string()), "{message}");
}

#[test]
fn files_that_are_not_projects_are_refused() {
    let scratch = Scratch::default();
    let text = scratch
        .write("notes.sessionlens", "this is not a database, just text that is long enough to look like a header....");
    assert_eq!(Project::open(&text).err().expect("refused").code(), "not_a_project");

    let other = scratch.path("other.sqlite");
    Connection::open(&other).unwrap().execute_batch("CREATE TABLE t (x)").unwrap();
    let err = Project::open(&other).err().expect("refused");
    assert_eq!(err.code(), "not_a_project");
    assert!(err.to_string().contains("another program"), "{err}");
}

#[test]
fn a_second_writer_gets_a_clear_busy_error_and_nothing_is_lost() {
    let scratch = Scratch::default();
    let csv = scratch.write("hits.csv", "timestamp,url\n2024-03-01T10:00:00Z,/a\n");
    let mut project = scratch.project();
    let other_writer = Connection::open(scratch.path("test.sessionlens")).unwrap();
    other_writer.execute_batch("BEGIN IMMEDIATE").unwrap();
    let err = import(&mut project, &csv).unwrap_err();
    assert_eq!(err.code(), "project_busy", "{err}");
    other_writer.execute_batch("COMMIT").unwrap();
    // Once the other writer is done, the same import goes through.
    assert_eq!(import(&mut project, &csv).unwrap().rows_imported, 1);
}

#[test]
fn project_files_from_every_released_schema_version_open_and_keep_their_data() {
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/projects");
    for version in 1..=SCHEMA_VERSION {
        let scratch = Scratch::default();
        let copy = scratch.path("old.sessionlens");
        std::fs::copy(format!("{fixtures}/v{version}.sessionlens"), &copy).unwrap();
        let project = Project::open(&copy).unwrap_or_else(|e| panic!("v{version}: {e}"));
        assert_eq!(project.schema_version().unwrap(), SCHEMA_VERSION, "v{version} migrated");
        let info = project.info().unwrap();
        assert_eq!((info.hits, info.rejects, info.files.len()), (3, 1, 1), "v{version}");
        assert_eq!(info.files[0].name, "v1-hits.csv");
        let rejects = project.rejects().unwrap();
        assert_eq!((rejects[0].line, rejects[0].raw.as_str()), (5, "not-a-time,x,,/,,,,"));
        let hits = project.load_hits().unwrap_or_else(|e| panic!("v{version}: {e}"));
        let times: Vec<i64> = (0..hits.len()).map(|i| hits.hit(i).ts_ms).collect();
        assert_eq!(times, [1_709_287_200_000, 1_709_287_440_000, 1_709_289_600_000], "v{version}");
        let (first, last) = (hits.hit(0), hits.hit(2));
        assert_eq!(
            (first.client_id, first.campaign.click_id.as_str(), first.ip, first.referrer),
            ("1443685882.1682380031", "Cj0KCQabc", "203.0.113.0", "https://www.google.com/"),
            "v{version}"
        );
        assert_eq!(
            (last.user_id, last.event, last.url, last.session_engaged),
            ("u42", "purchase", "https://shop.example/checkout/thanks", None),
            "v{version}"
        );
        drop(project);
        let conn = Connection::open(&copy).unwrap();
        let client: String = conn.query_row("SELECT value FROM client", [], |r| r.get(0)).unwrap();
        assert_eq!(client, "1443685882.1682380031");
        let old_hit_table: i64 =
            conn.query_row("SELECT count(*) FROM sqlite_schema WHERE name = 'hit'", [], |r| r.get(0)).unwrap();
        assert_eq!(old_hit_table, 0, "v{version}: the one-row-per-hit table is gone");
    }
}

#[test]
fn coverage_spans_traffic_and_ad_days_and_names_the_pages_hosts() {
    let scratch = Scratch::default();
    let mut project = scratch.project();
    assert_eq!(project.coverage().unwrap(), Default::default(), "an empty project covers nothing");
    let hits = scratch.write(
        "hits.csv",
        "timestamp,client_id,url\n\
         2024-03-01T10:00:00Z,a,https://Shop.Example.com/a\n\
         2024-03-09T10:00:00Z,b,/no-host\n\
         2024-03-05T10:00:00Z,c,https://blog.example.com/b?x=1\n",
    );
    import(&mut project, &hits).unwrap();
    let ads = scratch
        .write("google-ads.csv", "Campaign report\nDay,Campaign,Clicks,Impr.,Cost\n2024-03-12,spring,3,40,1.50\n");
    import(&mut project, &ads).unwrap();
    let c = project.coverage().unwrap();
    let day = |d| chrono::NaiveDate::from_ymd_opt(2024, 3, d).unwrap();
    assert_eq!(c.days, Some((day(1), day(12))));
    assert_eq!(c.hosts, ["blog.example.com", "shop.example.com"]);
}
