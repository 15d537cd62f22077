//! Malformed input: exit code 1 (2 for usage errors), one line naming the file and
//! line, no panic, and no output file left behind.

use predicates::prelude::*;

use crate::common::{SAMPLE_REACH, netreach};

/// Runs `reach` with extra args and expects exit 1 with `want` in stderr and no output.
fn fails_with(args: &[&str], want: &str) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.csv");
    let a = netreach()
        .arg("reach")
        .args(args)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(want))
        .stderr(predicate::str::contains("panicked").not());
    let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    assert_eq!(
        err.lines().filter(|l| l.starts_with("error:")).count(),
        1,
        "{err}"
    );
    assert!(!out.exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "temporary file left behind"
    );
}

#[test]
fn bad_edge_line_names_file_and_line() {
    fails_with(
        &[
            "--graph",
            "tests/bad-input/edges_bad_line.txt",
            "--sample",
            "1",
        ],
        r#"tests/bad-input/edges_bad_line.txt:4: expected two node ids (non-negative integers) separated by spaces or tabs, found "12 abc""#,
    );
}

#[test]
fn one_field_negative_and_nul_lines_are_errors() {
    fails_with(
        &[
            "--graph",
            "tests/bad-input/edges_one_field.txt",
            "--sample",
            "1",
        ],
        "edges_one_field.txt:2: expected two node ids",
    );
    fails_with(
        &[
            "--graph",
            "tests/bad-input/edges_negative.txt",
            "--sample",
            "1",
        ],
        "edges_negative.txt:2: expected two node ids",
    );
    fails_with(
        &["--graph", "tests/bad-input/edges_nul.txt", "--sample", "1"],
        "edges_nul.txt:2: expected two node ids",
    );
}

#[test]
fn empty_graph_is_an_error() {
    fails_with(
        &[
            "--graph",
            "tests/bad-input/edges_empty.txt",
            "--sample",
            "1",
        ],
        "edges_empty.txt: the graph has no edges",
    );
}

#[test]
fn corrupt_gzip_is_an_error() {
    fails_with(
        &[
            "--graph",
            "tests/bad-input/edges_corrupt.txt.gz",
            "--sample",
            "1",
        ],
        "edges_corrupt.txt.gz: expected a valid gzip stream",
    );
}

#[test]
fn conflicting_roles_name_both_lines() {
    fails_with(
        &[
            "--graph",
            "data/sample/edges.txt",
            "--roles",
            "tests/bad-input/roles_conflict_spelled.csv",
            "--sample",
            "1",
        ],
        "tests/bad-input/roles_conflict_spelled.csv:4: node \"1000\" is given role \"hiring_manager\", but tests/bad-input/roles_conflict_spelled.csv:2 already gave it role \"recruiter\"",
    );
}

#[test]
fn roles_without_node_and_role_columns_are_an_error() {
    fails_with(
        &[
            "--graph",
            "data/sample/edges.txt",
            "--roles",
            "tests/bad-input/roles_missing_columns.csv",
            "--sample",
            "1",
        ],
        "roles_missing_columns.csv: expected a header line with columns node and role",
    );
}

#[test]
fn short_invitation_row_names_its_line() {
    fails_with(
        &[
            "--graph",
            "data/sample/edges.txt",
            "--sample",
            "1",
            "--invitations",
            "tests/bad-input/invitations_short.csv",
            "--strategy",
            "accept-all",
        ],
        "invitations_short.csv:3: expected at least 2 comma-separated fields",
    );
}

#[test]
fn unknown_source_names_its_line() {
    fails_with(
        &[
            "--graph",
            "data/formats/out.konect",
            "--sources",
            "tests/bad-input/sources_unknown.txt",
        ],
        r#"sources_unknown.txt:2: expected a node id that occurs in the graph, found "424242""#,
    );
}

#[test]
fn missing_file_is_an_error() {
    fails_with(
        &["--graph", "data/nope.txt", "--sample", "1"],
        "cannot read data/nope.txt",
    );
}

#[test]
fn usage_errors_exit_2() {
    let cases: &[&[&str]] = &[
        &["reach", "--graph", "data/sample/edges.txt", "-o", "x.csv"],
        &[
            "reach",
            "--graph",
            "data/sample/edges.txt",
            "--sample",
            "1",
            "-o",
            "x.xlsx",
        ],
        &[
            "reach",
            "--graph",
            "data/sample/edges.txt",
            "--sample",
            "1",
            "--invitations",
            "data/sample/invitations.csv",
            "--strategy",
            "accept-some",
            "-o",
            "x.csv",
        ],
        &[
            "reach",
            "--graph",
            "data/sample/edges.txt",
            "--sample",
            "1",
            "--max-degree",
            "0",
            "-o",
            "x.csv",
        ],
        &[
            "reach",
            "--graph",
            "data/sample/edges.txt",
            "--sample",
            "1",
            "--strategy",
            "accept-all",
            "-o",
            "x.csv",
        ],
        &["frobnicate"],
    ];
    for args in cases {
        netreach().args(*args).assert().code(2);
    }
    assert!(
        !std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("x.csv")
            .exists()
    );
}

#[test]
fn unwritable_output_is_an_error_without_partial_file() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("a-file");
    std::fs::write(&blocker, "not a folder").unwrap();
    let out = blocker.join("r.csv");
    netreach()
        .args([
            "reach",
            "--graph",
            "data/sample/edges.txt",
            "--sample",
            "2",
            "-o",
        ])
        .arg(&out)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("cannot create the folder"));
    assert!(!out.exists());
    assert_eq!(std::fs::read(&blocker).unwrap(), b"not a folder");
}

#[test]
fn a_graph_too_big_for_the_memory_is_refused_before_allocating() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.csv");
    netreach()
        .env("NETREACH_MEMORY_LIMIT", "1000")
        .args(SAMPLE_REACH)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("building the graph needs about"))
        .stderr(predicate::str::contains("MiB is available"));
    assert!(!out.exists());
}

#[test]
fn existing_outputs_are_kept_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.csv");
    std::fs::write(&out, "precious").unwrap();
    let reach = |force: bool| {
        let mut c = netreach();
        c.args([
            "reach",
            "--graph",
            "data/sample/edges.txt",
            "--sample",
            "2",
            "-q",
            "-o",
        ])
        .arg(&out);
        if force {
            c.arg("--force");
        }
        c.assert()
    };
    reach(false).code(1).stderr(predicate::str::contains(
        "already exists; use --force to replace it",
    ));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "precious");
    reach(true).success();
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .starts_with("source,degree")
    );
    // A results folder is refused before any work is done.
    let results = dir.path().join("quick");
    std::fs::create_dir_all(&results).unwrap();
    std::fs::write(results.join("summary.csv"), "old").unwrap();
    netreach()
        .args(["run", "-o"])
        .arg(&results)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("summary.csv already exists"));
    assert_eq!(std::fs::read_dir(&results).unwrap().count(), 1);
}
