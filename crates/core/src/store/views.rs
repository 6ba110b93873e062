//! How a project is looked at, kept in it: the analysis view last shown, views saved under a
//! name ("GA4 as configured"), and when the app last opened it. The values are JSON text that
//! the app writes and reads; the store only checks that they are JSON.
//!
//! The app also keeps what it last showed of each kind (the dashboard's figures, say), so that
//! opening a large project draws them before its hits are read. [`Project::shown`] returns such
//! an answer only for the data it was computed from: every import, removed file, campaign
//! mapping and conversion goal changes the stamp it is kept under.
//!
//! For agencies with one project per client: [`Project::copy_views_and_mappings_to`] hands one
//! project's views and campaign mappings to another, and [`rename_project`] renames a project
//! file without overwriting one or leaving its write-ahead log behind.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::Project;
use crate::error::{Error, Result};

/// The longest name a saved view may have, in characters.
pub const VIEW_NAME_MAX: usize = 80;

/// The setting that holds the view last shown.
const LAST_VIEW: &str = "view";
/// The setting that holds when the app last opened the project.
const LAST_OPENED: &str = "last_opened";
/// The settings that hold the answer last shown of each kind, by this prefix and the kind.
const SHOWN: &str = "shown:";

/// The files SQLite keeps beside a project while it is open (or after a crash).
const SIDE_FILES: [&str; 3] = ["-wal", "-shm", "-journal"];

/// An answer kept by [`Project::keep_shown`]: its JSON text as given, never parsed into numbers.
#[derive(Serialize, Deserialize)]
struct Shown<'a> {
    stamp: String,
    #[serde(borrow)]
    answer: &'a RawValue,
}

fn shown_stamp(key: &str, inputs: &str) -> String {
    format!("{key}; {inputs}")
}

/// A view saved under a name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NamedView {
    pub name: String,
    /// JSON text, as the app wrote it.
    pub value: String,
    /// When it was saved, `YYYY-MM-DDTHH:MM:SSZ`.
    pub saved_at: String,
}

/// What [`Project::copy_views_and_mappings_to`] copied.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CopiedSettings {
    /// The view last shown was copied (the source had one).
    pub last_view: bool,
    /// Named views copied (one of the same name in the target is replaced).
    pub named_views: usize,
    /// Campaign mappings the target did not have yet.
    pub mappings_added: usize,
}

impl Project {
    /// The view last shown (JSON text), if one was kept.
    pub fn last_view(&self) -> Result<Option<String>> {
        setting(self.conn(), LAST_VIEW)
    }

    /// Keep `value` (JSON text) as the view last shown.
    pub fn set_last_view(&self, value: &str) -> Result<()> {
        set_setting(self.conn(), LAST_VIEW, checked_json(value)?)
    }

    /// When the app last opened the project (`YYYY-MM-DDTHH:MM:SSZ`), if it was marked.
    pub fn last_opened(&self) -> Result<Option<String>> {
        Ok(setting(self.conn(), LAST_OPENED)?.and_then(|json| serde_json::from_str(&json).ok()))
    }

    /// Note that the project was opened now.
    pub fn mark_opened(&self) -> Result<()> {
        let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
        set_setting(self.conn(), LAST_OPENED, &serde_json::Value::from(now).to_string())
    }

    /// The answer of `kind` last kept with [`Project::keep_shown`] under `key`, if the project's
    /// data is still what it was computed from.
    pub fn shown(&self, kind: &str, key: &str) -> Result<Option<String>> {
        let Some(kept) = setting(self.conn(), &format!("{SHOWN}{kind}"))? else { return Ok(None) };
        // What is not as this build keeps it is not used.
        let Ok(kept) = serde_json::from_str::<Shown>(&kept) else { return Ok(None) };
        Ok((kept.stamp == shown_stamp(key, &self.inputs_stamp()?)).then(|| kept.answer.get().to_string()))
    }

    /// Keep `answer` (JSON text) as the one of `kind` last shown, under `key` (what the caller
    /// computed it for, e.g. the rules and days) and `inputs`: the [`Project::inputs_stamp`]
    /// read before the data the answer was computed from, so that data changed meanwhile makes
    /// the answer unused rather than wrongly stamped.
    pub fn keep_shown(&self, kind: &str, key: &str, inputs: &str, answer: &str) -> Result<()> {
        let answer: &RawValue = serde_json::from_str(answer)
            .map_err(|e| Error::InvalidInput(format!("a shown answer must be JSON text: {e}")))?;
        let kept = Shown { stamp: shown_stamp(key, inputs), answer };
        let kept = serde_json::to_string(&kept).map_err(|e| Error::InvalidInput(e.to_string()))?;
        set_setting(self.conn(), &format!("{SHOWN}{kind}"), &kept)
    }

    /// Everything an analysis reads from the project, as a stamp that changes with it: each
    /// imported file (its content and the options it was imported under, so a file removed and
    /// imported again differently is another input), the campaign mappings and conversion
    /// goals, and the engine version (see [`Project::data_stamp`]).
    pub fn inputs_stamp(&self) -> Result<String> {
        let conn = self.conn();
        let listed = |sql: &str| -> Result<String> {
            Ok(conn.query_row(sql, [], |r| r.get::<_, Option<String>>(0))?.unwrap_or_default())
        };
        let files = listed(
            "SELECT json_group_array(json_array(id, content_hash, kind, format, time_zone, mapping, ip_policy,
                                                rows_imported, imported_at))
             FROM (SELECT * FROM source_file ORDER BY id)",
        )?;
        let mappings = listed(
            "SELECT json_group_array(json_array(platform, ad_campaign, utm_campaign))
             FROM (SELECT * FROM campaign_mapping ORDER BY 1, 2, 3)",
        )?;
        let goals = listed(
            "SELECT json_group_array(json_array(kind, pattern)) FROM (SELECT * FROM conversion_goal ORDER BY 1, 2)",
        )?;
        let inputs = blake3::hash(format!("{files}\n{mappings}\n{goals}").as_bytes());
        Ok(format!("{}; inputs {}", self.data_stamp()?, inputs.to_hex()))
    }

    /// The views saved under a name, by name (ignoring case).
    pub fn named_views(&self) -> Result<Vec<NamedView>> {
        let mut stmt = self.conn().prepare("SELECT name, value, saved_at FROM saved_view ORDER BY name")?;
        let views = stmt
            .query_map([], |r| Ok(NamedView { name: r.get(0)?, value: r.get(1)?, saved_at: r.get(2)? }))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(views)
    }

    /// Save `value` (JSON text) under `name` (trimmed), replacing a view of that name in any
    /// case. An empty name, or one longer than [`VIEW_NAME_MAX`] or with control characters,
    /// is refused.
    pub fn save_named_view(&self, name: &str, value: &str) -> Result<()> {
        let name = view_name(name)?;
        let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
        upsert_view(self.conn(), &NamedView { name: name.into(), value: checked_json(value)?.into(), saved_at: now })
    }

    /// Delete the view saved as `name` (in any case); says whether there was one.
    pub fn delete_named_view(&self, name: &str) -> Result<bool> {
        Ok(self.conn().execute("DELETE FROM saved_view WHERE name = ?1", [name.trim()])? > 0)
    }

    /// Copy this project's view last shown, its named views and its campaign mappings into
    /// `target`, in one transaction: the target's view last shown and its views of the same
    /// names are replaced, its other views and its mappings are kept.
    pub fn copy_views_and_mappings_to(&self, target: &mut Project) -> Result<CopiedSettings> {
        if let (Some(from), Some(to)) = (self.path(), target.path()) {
            if same_file(from, to) {
                return Err(Error::InvalidInput("a project's views cannot be copied onto itself".into()));
            }
        }
        let (last_view, views, mappings) = (self.last_view()?, self.named_views()?, self.campaign_mappings()?);
        let tx = target.conn.transaction()?;
        if let Some(value) = &last_view {
            set_setting(&tx, LAST_VIEW, value)?;
        }
        for view in &views {
            upsert_view(&tx, view)?;
        }
        let mut mappings_added = 0;
        for m in &mappings {
            mappings_added += tx.execute(
                "INSERT OR IGNORE INTO campaign_mapping (platform, ad_campaign, utm_campaign) VALUES (?1, ?2, ?3)",
                params![m.platform, m.ad_campaign, m.utm_campaign],
            )?;
        }
        tx.commit()?;
        Ok(CopiedSettings { last_view: last_view.is_some(), named_views: views.len(), mappings_added })
    }
}

/// Rename the project file `from` to `to`, never overwriting a file. The project's write-ahead
/// log is first folded into the file, so nothing is left behind under the old name; a project
/// that another program has open (its `-wal`, `-shm` or `-journal` file stays) is refused, and
/// so is a name whose side files are already there. A change of case only is allowed where
/// the file system ignores case.
pub fn rename_project(from: &Path, to: &Path) -> Result<()> {
    if from == to {
        return Ok(());
    }
    if !from.is_file() {
        return Err(Error::Io { path: from.into(), source: std::io::ErrorKind::NotFound.into() });
    }
    {
        let project = Project::open(from)?;
        let busy: i64 = project.conn().query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
        if busy != 0 {
            return Err(Error::ProjectBusy);
        }
    }
    if let Some(left) = side_files(from).find(|f| f.exists()) {
        return Err(Error::InvalidInput(format!(
            "{} is open in another program ({} is there); close it there, then rename it",
            from.display(),
            file_name(&left)
        )));
    }
    if name_taken(from, to)? {
        return Err(Error::InvalidInput(format!("{} is already there; choose another name", file_name(to))));
    }
    if let Some(left) = side_files(to).find(|f| f.exists()) {
        return Err(Error::InvalidInput(format!(
            "{} is in the way (left behind by another project of that name); move it away or choose another name",
            file_name(&left)
        )));
    }
    std::fs::rename(from, to).map_err(|source| Error::Io { path: from.into(), source })
}

fn setting(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn.query_row("SELECT value FROM setting WHERE key = ?1", [key], |r| r.get(0)).optional()?)
}

fn set_setting(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO setting (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, value],
    )?;
    Ok(())
}

fn upsert_view(conn: &Connection, view: &NamedView) -> Result<()> {
    conn.execute(
        "INSERT INTO saved_view (name, value, saved_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (name) DO UPDATE SET name = excluded.name, value = excluded.value, saved_at = excluded.saved_at",
        params![view.name, view.value, view.saved_at],
    )?;
    Ok(())
}

fn checked_json(value: &str) -> Result<&str> {
    match serde_json::from_str::<serde::de::IgnoredAny>(value) {
        Ok(_) => Ok(value),
        Err(e) => Err(Error::InvalidInput(format!("a saved view must be JSON text: {e}"))),
    }
}

fn view_name(name: &str) -> Result<&str> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::InvalidInput("a saved view needs a name".into()));
    }
    if name.chars().count() > VIEW_NAME_MAX || name.chars().any(char::is_control) {
        return Err(Error::InvalidInput(format!("a view's name is one line of at most {VIEW_NAME_MAX} characters")));
    }
    Ok(name)
}

/// `shop.sessionlens` → `shop.sessionlens-wal`, `-shm`, `-journal`.
fn side_files(project: &Path) -> impl Iterator<Item = PathBuf> + '_ {
    SIDE_FILES.iter().map(move |suffix| {
        let mut name = project.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    })
}

/// Is `to` another file than `from`? An entry of exactly that name is; a file found under it
/// otherwise is `from` itself when only the case differs (a file system that ignores case).
fn name_taken(from: &Path, to: &Path) -> Result<bool> {
    let folder = match to.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let entries = std::fs::read_dir(folder).map_err(|source| Error::Io { path: folder.into(), source })?;
    let exact = entries.filter_map(|e| e.ok()).any(|e| Some(e.file_name().as_os_str()) == to.file_name());
    let only_case = from.parent() == to.parent()
        && from.file_name().map(OsStr::to_string_lossy).map(|n| n.to_lowercase())
            == to.file_name().map(OsStr::to_string_lossy).map(|n| n.to_lowercase());
    Ok(exact || (to.exists() && !only_case))
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string())
}
