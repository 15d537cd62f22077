//! The bad-input corpus (`tests/bad-input/`, listed in `cases.csv`): every file
//! gives its exit code and one `error:` line naming the file (and line where there
//! is one), no panic, no output left behind, and the input is not modified.

use std::path::Path;

use crate::common::{SAMPLE_REACH, netreach, read_csv};

fn run_case(file: &str, kind: &str) -> (Option<i32>, String, usize) {
    let input = Path::new("tests/bad-input").join(file);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut cmd = netreach();
    match kind {
        "graph" => cmd
            .args(["reach", "--sample", "1", "--graph"])
            .arg(&input)
            .arg("-o")
            .arg(out.with_extension("csv")),
        "roles" => cmd
            .args(SAMPLE_REACH)
            .arg("--roles")
            .arg(&input)
            .arg("-o")
            .arg(out.with_extension("csv")),
        "invitations" => cmd
            .args(SAMPLE_REACH)
            .args(["--strategy", "accept-all", "--invitations"])
            .arg(&input)
            .arg("-o")
            .arg(out.with_extension("csv")),
        "sources" => cmd
            .args(["reach", "--graph", "data/formats/out.konect", "--sources"])
            .arg(&input)
            .arg("-o")
            .arg(out.with_extension("csv")),
        "experiment" => cmd.args(["simulate"]).arg(&input).arg("-o").arg(&out),
        "linkedin" => cmd
            .args(["import", "linkedin"])
            .arg(&input)
            .arg("-o")
            .arg(&out),
        other => panic!("unknown kind {other}"),
    };
    let output = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let left = std::fs::read_dir(dir.path()).unwrap().count();
    (output.status.code(), stderr, left)
}

fn digest(path: &Path) -> Vec<u8> {
    if path.is_dir() {
        let mut all = Vec::new();
        let mut entries: Vec<_> = std::fs::read_dir(path)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for e in entries {
            all.extend(std::fs::read(e).unwrap());
        }
        all
    } else {
        std::fs::read(path).unwrap()
    }
}

#[test]
fn every_bad_input_fails_cleanly_with_its_location() {
    let (header, cases) = read_csv(Path::new("tests/bad-input/cases.csv"));
    assert_eq!(header, ["file", "kind", "code", "contains"]);
    assert!(cases.len() >= 40, "the corpus has {} files", cases.len());
    for case in &cases {
        let (file, kind, code, contains) = (&case[0], &case[1], &case[2], &case[3]);
        let input = Path::new("tests/bad-input").join(file);
        let before = digest(&input);
        let (got, stderr, left) = run_case(file, kind);
        assert_eq!(got, Some(code.parse().unwrap()), "{file}: {stderr}");
        assert!(
            stderr.contains(contains.as_str()),
            "{file}: expected {contains:?} in {stderr}"
        );
        assert!(
            !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
            "{file}: {stderr}"
        );
        assert_eq!(
            stderr.lines().filter(|l| l.starts_with("error:")).count(),
            1,
            "{file}: {stderr}"
        );
        assert_eq!(left, 0, "{file}: output left behind");
        assert_eq!(digest(&input), before, "{file} was modified");
    }
}

#[test]
fn a_ten_megabyte_line_is_an_error_not_a_hang() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.txt");
    std::fs::write(&path, format!("1 2\n7 {}\n", "8".repeat(10_000_000))).unwrap();
    let out = dir.path().join("r.csv");
    let a = netreach()
        .args(["reach", "--sample", "1", "--graph"])
        .arg(&path)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    assert!(
        stderr.contains("long.txt:2: expected two node ids") && stderr.len() < 400,
        "{stderr}"
    );
    assert!(!out.exists());
}
