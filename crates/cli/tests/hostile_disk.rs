//! A project the disk will not let SessionLens write: a read-only file, a read-only folder, and
//! a full disk. Each command fails with an error that says so, and afterwards the project opens,
//! passes `PRAGMA integrity_check` and holds exactly what it held before.
//!
//! The full disk is real to the program: the CLI runs in a shell with its file size limit
//! (`ulimit -f`) below what the import needs and SIGXFSZ ignored, so writes past the limit fail
//! with EFBIG as they do on a full disk. Read-only permissions do not stop root, so when the
//! tests run as root the CLI runs as the unprivileged user `nobody` (via `setpriv`), which root
//! needs for these tests: without it they fail saying so rather than pass without checking.

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;
use sessionlens_core::synth::{write_traffic_csv, TrafficSpec};

const NOBODY: u32 = 65534;

fn sessionlens(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sessionlens")).args(args).output().expect("the CLI runs")
}

/// A world-readable temp dir holding a project with one small import, and a larger file whose
/// import needs several MB more.
struct Setup {
    dir: tempfile::TempDir,
    project: PathBuf,
    big: PathBuf,
}

impl Setup {
    fn new() -> Setup {
        let dir = tempfile::tempdir().unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let folder = dir.path().join("projects");
        std::fs::create_dir(&folder).unwrap();
        std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755)).unwrap();
        let project = folder.join("shop.sessionlens");
        let small = dir.path().join("small.csv");
        write_traffic_csv(&TrafficSpec::new(200, 1), std::fs::File::create(&small).unwrap()).unwrap();
        let big = dir.path().join("big.csv");
        write_traffic_csv(&TrafficSpec::new(100_000, 2), std::fs::File::create(&big).unwrap()).unwrap();
        for file in [&small, &big] {
            std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o644)).unwrap();
        }
        let imported = sessionlens(&["import", project.to_str().unwrap(), small.to_str().unwrap()]);
        assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));
        Setup { dir, project, big }
    }

    /// What the project holds, checked for damage first.
    fn contents(&self) -> (String, i64) {
        let info = sessionlens(&["info", self.project.to_str().unwrap(), "--json"]);
        assert!(info.status.success(), "the project opens: {}", String::from_utf8_lossy(&info.stderr));
        let conn = rusqlite::Connection::open(&self.project).unwrap();
        let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
        assert_eq!(check, "ok");
        let hits: i64 = conn.query_row("SELECT coalesce(sum(rows), 0) FROM hit_chunk", [], |r| r.get(0)).unwrap();
        (String::from_utf8(info.stdout).unwrap(), hits)
    }
}

fn error_of(output: &Output) -> (String, String) {
    assert_eq!(output.status.code(), Some(1), "a clean failure, not a signal: {output:?}");
    let doc: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!("{e}: {} {}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
    });
    let error = &doc["error"];
    (error["code"].as_str().unwrap().to_string(), error["message"].as_str().unwrap().to_string())
}

#[test]
fn a_full_disk_stops_the_import_with_a_clear_error_and_the_project_is_as_it_was() {
    let setup = Setup::new();
    let before = setup.contents();
    let size = std::fs::metadata(&setup.project).unwrap().len();
    // `ulimit -f` counts 512-byte blocks in POSIX shells (1024 in bash outside POSIX mode):
    // either way above the project's size and far below what the import needs.
    let blocks = (size + (1 << 20)) / 1024;
    let script = format!("trap '' XFSZ; ulimit -f {blocks}; exec \"$0\" \"$@\"");
    let output = Command::new("sh")
        .args(["-c", &script, env!("CARGO_BIN_EXE_sessionlens"), "import", "--json"])
        .arg(&setup.project)
        .arg(&setup.big)
        .output()
        .unwrap();
    let (code, message) = error_of(&output);
    assert!(code == "disk_full" || code == "write_failed", "{code}: {message}");
    assert!(message.contains("the disk is full") && message.contains("the project is as it was"), "{message}");
    assert_eq!(setup.contents(), before, "the project holds what it held before");
    // With room again, the same import goes through.
    let again = sessionlens(&["import", setup.project.to_str().unwrap(), setup.big.to_str().unwrap()]);
    assert!(again.status.success(), "{}", String::from_utf8_lossy(&again.stderr));
    assert_eq!(setup.contents().1, before.1 + 100_000);
}

/// How to run the CLI with file permissions in force.
struct Cli {
    program: PathBuf,
    prefix: Vec<String>,
}

impl Cli {
    /// As it is for a normal user; as `nobody` for root. Panics, saying how to provide it, when
    /// root cannot run it as `nobody`: root ignores read-only permissions, so the tests would
    /// check nothing.
    fn unprivileged(setup: &Setup) -> Cli {
        let uid = Command::new("id").arg("-u").output().expect("`id -u` runs");
        if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
            return Cli { program: env!("CARGO_BIN_EXE_sessionlens").into(), prefix: Vec::new() };
        }
        for folder in setup.dir.path().ancestors() {
            let mode = std::fs::metadata(folder).unwrap().permissions().mode();
            assert!(
                mode & 0o001 != 0,
                "running as root, this test runs the CLI as nobody ({NOBODY}), who cannot enter {}: set TMPDIR \
                 to a folder every user can enter, or run the tests as a normal user",
                folder.display()
            );
        }
        // A link to (or else a copy of) the binary, since the build folder may be private to root.
        let copy = setup.dir.path().join("sessionlens");
        if std::fs::hard_link(env!("CARGO_BIN_EXE_sessionlens"), &copy).is_err() {
            std::fs::copy(env!("CARGO_BIN_EXE_sessionlens"), &copy).unwrap();
        }
        std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o755)).unwrap();
        let nobody = NOBODY.to_string();
        let cli = Cli {
            program: "setpriv".into(),
            prefix: ["--reuid", &nobody, "--regid", &nobody, "--clear-groups", copy.to_str().unwrap()]
                .map(String::from)
                .to_vec(),
        };
        match cli.command().arg("--version").output() {
            Ok(out) if out.status.success() => cli,
            Ok(out) => panic!(
                "running as root, this test runs the CLI as nobody ({NOBODY}) with setpriv, and `{} --version` \
                 failed that way ({}): run the tests as a normal user, or where setpriv can switch users",
                copy.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            ),
            Err(e) => panic!(
                "running as root, this test needs setpriv ({e}) to run the CLI as nobody, since root can write \
                 read-only files: install util-linux (apt-get install util-linux), or run the tests as a \
                 normal user"
            ),
        }
    }

    fn command(&self) -> Command {
        let mut command = Command::new(&self.program);
        command.args(&self.prefix);
        command
    }

    fn runs_as_nobody(&self) -> bool {
        !self.prefix.is_empty()
    }
}

/// Every writing command on the project fails saying it is read-only, and changes nothing.
fn writes_are_refused(setup: &Setup, cli: &Cli) {
    let before = setup.contents();
    let bytes = std::fs::read(&setup.project).unwrap();
    let project = setup.project.to_str().unwrap();
    for args in
        [vec!["import", "--json", project, setup.big.to_str().unwrap()], vec!["delete-source", "--json", project, "1"]]
    {
        let output = cli.command().args(&args).output().unwrap();
        let (code, message) = error_of(&output);
        assert_eq!(code, "read_only", "{args:?}: {message}");
        assert!(
            message.starts_with("the project cannot be written: the file, its folder or its disk is read-only"),
            "{message}"
        );
    }
    assert_eq!(std::fs::read(&setup.project).unwrap(), bytes, "not a byte changed");
    assert_eq!(setup.contents(), before);
}

#[test]
fn a_read_only_project_file_is_refused_clearly_and_not_changed() {
    let setup = Setup::new();
    let cli = Cli::unprivileged(&setup);
    std::fs::set_permissions(&setup.project, std::fs::Permissions::from_mode(0o444)).unwrap();
    writes_are_refused(&setup, &cli);
}

#[test]
fn a_project_in_a_read_only_folder_is_refused_clearly_and_not_changed() {
    let setup = Setup::new();
    let cli = Cli::unprivileged(&setup);
    // The file itself stays writable for whoever runs the CLI; its folder does not.
    if cli.runs_as_nobody() {
        std::os::unix::fs::chown(&setup.project, Some(NOBODY), None).unwrap();
    }
    let folder = setup.project.parent().unwrap();
    std::fs::set_permissions(folder, std::fs::Permissions::from_mode(0o555)).unwrap();
    writes_are_refused(&setup, &cli);
    std::fs::set_permissions(folder, std::fs::Permissions::from_mode(0o755)).unwrap();
}
