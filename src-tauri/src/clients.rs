//! The clients screen's data: agencies keep one project per client in a folder, and the start
//! screen lists that folder's `.sessionlens` files as clients (what days their data covers,
//! when they were last opened, what kinds of files they hold). The folder is remembered in the
//! app's data folder, like the recent projects. Renaming and copying rules between clients go
//! through the [`crate::workspace::Workspace`], which holds the open project.

use std::path::{Path, PathBuf};

use serde::Serialize;
use sessionlens_core::store::{CopiedSettings, ProjectInfo};
use sessionlens_core::{import, Project};
use ts_rs::TS;

use crate::error::AppError;
use crate::workspace::project_name;

/// A project file's extension.
pub const EXTENSION: &str = "sessionlens";
/// The longest client name, in characters.
const NAME_MAX: usize = 120;

/// One client: a project in the clients folder.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ClientProject {
    pub path: String,
    /// The file name without `.sessionlens`.
    pub name: String,
    /// The first and last day of its data (traffic, ads and reports), `YYYY-MM-DD`; `null`
    /// when it holds none.
    pub first_day: Option<String>,
    pub last_day: Option<String>,
    /// When the app last opened it, `YYYY-MM-DDTHH:MM:SSZ`.
    pub last_opened: Option<String>,
    /// The kinds of files it holds, in words (format names, each once, in import order).
    pub sources: Vec<String>,
    pub files: u32,
    /// Why it could not be read (`null` when it was): another program's file, a newer build's.
    pub error: Option<AppError>,
}

/// The clients folder and its projects, by name.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ClientsView {
    pub folder: String,
    pub clients: Vec<ClientProject>,
}

/// What copying one client's rules and mappings to another did.
#[derive(Clone, Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SettingsCopied {
    /// The view the source was left with now opens the target too.
    pub last_view: bool,
    /// Named views copied (the target's views of the same names replaced).
    pub named_views: u32,
    /// Campaign mappings the target did not have.
    pub mappings_added: u32,
}

impl From<CopiedSettings> for SettingsCopied {
    fn from(c: CopiedSettings) -> Self {
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        SettingsCopied {
            last_view: c.last_view,
            named_views: count(c.named_views),
            mappings_added: count(c.mappings_added),
        }
    }
}

/// The projects in `folder` (not in its subfolders), by name ignoring case. `open` answers for
/// the project this window has open (read through its connection); every other one is opened
/// on its own to be read.
pub fn list(folder: &Path, open: impl Fn(&Path) -> Option<ClientProject>) -> Result<ClientsView, AppError> {
    let entries = std::fs::read_dir(folder).map_err(|e| AppError::io(folder, e))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e.eq_ignore_ascii_case(EXTENSION)))
        .collect();
    paths.sort_by_key(|p| project_name(p).to_lowercase());
    let clients = paths.iter().map(|path| open(path).unwrap_or_else(|| read(path))).collect();
    Ok(ClientsView { folder: folder.display().to_string(), clients })
}

/// One client as its project file says.
fn read(path: &Path) -> ClientProject {
    match Project::open(path).and_then(|project| Ok((project.info()?, project.last_opened()?))) {
        Ok((info, last_opened)) => client(path, &info, last_opened),
        Err(e) => ClientProject {
            path: path.display().to_string(),
            name: project_name(path),
            first_day: None,
            last_day: None,
            last_opened: None,
            sources: Vec::new(),
            files: 0,
            error: Some(e.into()),
        },
    }
}

/// A client from its project's figures.
pub fn client(path: &Path, info: &ProjectInfo, last_opened: Option<String>) -> ClientProject {
    let hit_day = |ms: Option<i64>| {
        ms.and_then(chrono::DateTime::from_timestamp_millis).map(|t| t.date_naive().format("%Y-%m-%d").to_string())
    };
    let firsts = [hit_day(info.first_hit_ms), info.first_ad_date.clone(), info.first_report_date.clone()];
    let lasts = [hit_day(info.last_hit_ms), info.last_ad_date.clone(), info.last_report_date.clone()];
    let mut sources: Vec<String> = Vec::new();
    for file in &info.files {
        let name = import::format_name(&file.format).to_string();
        if !sources.contains(&name) {
            sources.push(name);
        }
    }
    ClientProject {
        path: path.display().to_string(),
        name: project_name(path),
        first_day: firsts.into_iter().flatten().min(),
        last_day: lasts.into_iter().flatten().max(),
        last_opened,
        sources,
        files: u32::try_from(info.files.len()).unwrap_or(u32::MAX),
        error: None,
    }
}

/// The path a client renamed to `name` gets: beside `path`, `name.sessionlens`. Refused when
/// the name is empty, too long, starts with a dot, or holds a character some file systems
/// forbid (`/ \ : * ? " < > |`). A `.sessionlens` typed at the end is taken as the extension.
pub fn renamed_path(path: &Path, name: &str) -> Result<PathBuf, AppError> {
    let mut name = name.trim();
    if name.len() > EXTENSION.len() + 1 && name.to_lowercase().ends_with(&format!(".{EXTENSION}")) {
        name = name[..name.len() - EXTENSION.len() - 1].trim_end();
    }
    let refuse = |why: &str| Err(AppError::new("invalid_input", format!("a client's name {why}")));
    if name.is_empty() {
        return refuse("cannot be empty");
    }
    if name.chars().count() > NAME_MAX {
        return refuse(&format!("has at most {NAME_MAX} characters"));
    }
    if name.starts_with('.') {
        return refuse("cannot start with a dot");
    }
    if let Some(c) = name.chars().find(|c| c.is_control() || r#"/\:*?"<>|"#.contains(*c)) {
        return refuse(&format!("cannot hold '{}'", c.escape_default()));
    }
    Ok(path.with_file_name(format!("{name}.{EXTENSION}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_name_stays_in_the_folder_and_is_a_plain_file_name() {
        let path = Path::new("/clients/acme.sessionlens");
        let renamed = |name| renamed_path(path, name).map(|p| p.display().to_string()).map_err(|e| e.message);
        assert_eq!(renamed("  Acme Corp "), Ok("/clients/Acme Corp.sessionlens".into()));
        assert_eq!(renamed("Acme Corp.SessionLens"), Ok("/clients/Acme Corp.sessionlens".into()));
        assert_eq!(renamed("Acme (2025) – Müller & Co"), Ok("/clients/Acme (2025) – Müller & Co.sessionlens".into()));
        assert_eq!(renamed(" "), Err("a client's name cannot be empty".into()));
        assert_eq!(renamed(".sessionlens"), Err("a client's name cannot start with a dot".into()));
        assert_eq!(renamed("../elsewhere"), Err("a client's name cannot start with a dot".into()));
        assert_eq!(renamed("a/b"), Err("a client's name cannot hold '/'".into()));
        assert_eq!(renamed("a\\b"), Err("a client's name cannot hold '\\\\'".into()));
        assert_eq!(renamed("What?"), Err("a client's name cannot hold '?'".into()));
        assert_eq!(renamed("two\nlines"), Err("a client's name cannot hold '\\n'".into()));
        assert!(renamed(&"x".repeat(NAME_MAX + 1)).is_err());
    }
}
