//! Saved views: the analysis as it was left (the rules panel's rules, the days, the tab), kept
//! in the project so it opens that way again, and views saved under a name ("GA4 as
//! configured", "UA legacy"). The core keeps them as JSON text; here they are typed, checked
//! before they are kept, and left out when read back if this build cannot compute them any
//! more (a rule or preset it no longer knows).

use serde::{Deserialize, Serialize};
use sessionlens_core::Project;
use ts_rs::TS;

use crate::analysis::{parse_range, DayRange, RulesInput};
use crate::error::AppError;

/// The tabs of the project screen a view may name.
pub const TABS: [&str; 4] = ["files", "dashboard", "discrepancy", "compare"];

/// The rules, days and (for the view last shown) tab of the analysis.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ViewState {
    pub rules: RulesInput,
    /// `null`: every day with data.
    pub range: Option<DayRange>,
    /// One of [`TABS`]; `null` in a named view (it keeps the rules and days only).
    #[serde(default)]
    pub tab: Option<String>,
}

/// A view saved under a name.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NamedView {
    pub name: String,
    /// When it was saved, `YYYY-MM-DDTHH:MM:SSZ`.
    pub saved_at: String,
    pub view: ViewState,
}

/// What a project keeps of how it is looked at.
#[derive(Clone, Debug, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SavedViews {
    /// The view shown when the project was last left (`null`: none yet, or one this build
    /// cannot compute).
    pub last: Option<ViewState>,
    /// By name.
    pub named: Vec<NamedView>,
}

impl ViewState {
    /// Refused, saying why, when its rules or days cannot be computed or its tab is unknown.
    pub fn check(&self) -> Result<(), AppError> {
        self.rules.rule_set()?;
        parse_range(self.range.as_ref())?;
        match &self.tab {
            Some(tab) if !TABS.contains(&tab.as_str()) => {
                Err(AppError::new("invalid_input", format!("'{tab}' is not a tab of the project screen")))
            }
            _ => Ok(()),
        }
    }

    /// As the project keeps it.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a view serialises")
    }

    /// A kept view, if it reads and this build computes it.
    fn from_kept(json: &str) -> Option<ViewState> {
        serde_json::from_str::<ViewState>(json).ok().filter(|view| view.check().is_ok())
    }
}

/// The project's view last shown and its named views.
pub fn saved_views(project: &Project) -> Result<SavedViews, AppError> {
    let last = project.last_view()?.as_deref().and_then(ViewState::from_kept);
    Ok(SavedViews { last, named: named_views(project)? })
}

/// The project's named views that this build computes, by name.
pub fn named_views(project: &Project) -> Result<Vec<NamedView>, AppError> {
    Ok(project
        .named_views()?
        .into_iter()
        .filter_map(|kept| {
            let view = ViewState::from_kept(&kept.value)?;
            Some(NamedView { name: kept.name, saved_at: kept.saved_at, view })
        })
        .collect())
}
