//! A sealed Typst world: the main source is the report template compiled into this crate, every other file is
//! an in-memory virtual file (`data.json`, chart SVGs, the logo), the only fonts are the bundled DejaVu
//! Sans, and "today" is fixed by the caller. Nothing is read from disk or the network, and packages are refused.

use std::collections::HashMap;
use std::sync::OnceLock;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

/// The report template, kept as a file in the repository so it reads and diffs as Typst.
const TEMPLATE: &str = include_str!("../templates/report.typ");

/// Fonts are parsed once per process; every render shares them (a `Font` is a cheap handle).
fn fonts() -> &'static (LazyHash<FontBook>, Vec<Font>) {
    static FONTS: OnceLock<(LazyHash<FontBook>, Vec<Font>)> = OnceLock::new();
    FONTS.get_or_init(|| {
        let data = sessionlens_charts::fonts::DEJAVU_SANS_FAMILY.into_iter();
        let fonts: Vec<Font> = data.flat_map(|bytes| Font::iter(Bytes::new(bytes))).collect();
        (LazyHash::new(FontBook::from_fonts(&fonts)), fonts)
    })
}

fn library() -> &'static LazyHash<Library> {
    static LIBRARY: OnceLock<LazyHash<Library>> = OnceLock::new();
    LIBRARY.get_or_init(|| LazyHash::new(Library::builder().build()))
}

fn project_file(path: &str) -> Option<FileId> {
    VirtualPath::new(path).ok().map(|vpath| RootedPath::new(VirtualRoot::Project, vpath).intern())
}

pub(crate) struct ReportWorld {
    main: Source,
    files: HashMap<FileId, Bytes>,
    today: Datetime,
}

impl ReportWorld {
    /// A world whose main file is the template and whose other files are exactly `files` (name → bytes).
    pub(crate) fn new(files: Vec<(String, Vec<u8>)>, today: Datetime) -> Option<ReportWorld> {
        let main = Source::new(project_file("/report.typ")?, TEMPLATE.to_string());
        let mut map = HashMap::new();
        for (name, bytes) in files {
            map.insert(project_file(&format!("/{name}"))?, Bytes::new(bytes));
        }
        Some(ReportWorld { main, files: map, today })
    }
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        library()
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &fonts().0
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotSource)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main.id() {
            return Ok(Bytes::from_string(self.main.clone()));
        }
        self.files.get(&id).cloned().ok_or_else(|| FileError::NotFound(id.vpath().get_with_slash().into()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        fonts().1.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}
