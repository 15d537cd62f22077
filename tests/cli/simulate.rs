//! `netreach run` and `netreach simulate`: the built-in experiment, the tables and
//! their columns, determinism across thread counts, a snapshot of a tiny seeded
//! experiment, and experiment-file errors.

use predicates::prelude::*;

use crate::common::{netreach, read_csv};

#[test]
fn run_without_a_file_runs_the_built_in_experiment() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("quick");
    netreach()
        .args(["run", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("accept-all"))
        .stdout(predicate::str::contains("recruiters <=3"));
    for f in [
        "reach.parquet",
        "reach.csv",
        "people.parquet",
        "people.csv",
        "summary.parquet",
        "summary.csv",
        "experiment.toml",
    ] {
        assert!(out.join(f).exists(), "{f} missing");
    }
    let (header, rows) = read_csv(&out.join("reach.csv"));
    assert_eq!(
        header,
        [
            "replicate",
            "person",
            "strategy",
            "sweep_value",
            "week",
            "degree",
            "nodes",
            "recruiters",
            "hiring_managers",
            "nodes_up_to",
            "recruiters_up_to",
            "hiring_managers_up_to"
        ]
    );
    // 3 replicates × 300 people × (6 strategies + 5 sweep values) × 12 weeks × 3 degrees.
    assert_eq!(rows.len(), 3 * 300 * 11 * 12 * 3);
    let (header, _) = read_csv(&out.join("people.csv"));
    assert_eq!(
        header,
        [
            "replicate",
            "person",
            "strategy",
            "sweep_value",
            "week",
            "received",
            "accepted",
            "fake_accepted",
            "accepted_mutual_mean",
            "accepted_mutual_median"
        ]
    );
    let (header, _) = read_csv(&out.join("summary.csv"));
    assert_eq!(
        header,
        [
            "strategy",
            "sweep_value",
            "week",
            "measure",
            "scope",
            "degree",
            "mean",
            "sd",
            "median",
            "p10",
            "p90",
            "ci95_low",
            "ci95_high",
            "people",
            "observations"
        ]
    );
}

#[test]
fn tables_are_byte_identical_across_thread_counts() {
    let dir = tempfile::tempdir().unwrap();
    let mut tables = Vec::new();
    for j in ["1", "2", "4"] {
        let out = dir.path().join(j);
        netreach()
            .args([
                "simulate",
                "data/experiments/acceptance-sweep.toml",
                "-q",
                "-j",
                j,
                "-o",
            ])
            .arg(&out)
            .assert()
            .success();
        tables.push(
            ["reach.csv", "people.csv", "summary.csv", "reach.parquet"]
                .map(|f| std::fs::read(out.join(f)).unwrap()),
        );
    }
    assert!(tables[0] == tables[1] && tables[1] == tables[2]);
}

#[test]
fn tiny_experiment_summary_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    netreach()
        .args(["simulate", "data/test-experiments/tiny.toml", "-q", "-o"])
        .arg(dir.path())
        .assert()
        .success();
    let summary = std::fs::read_to_string(dir.path().join("summary.csv")).unwrap();
    insta::assert_snapshot!("tiny_summary", summary);
    let people = std::fs::read_to_string(dir.path().join("people.csv")).unwrap();
    insta::assert_snapshot!("tiny_people", people);
}

#[test]
fn experiment_errors_name_file_line_and_key() {
    let dir = tempfile::tempdir().unwrap();
    netreach()
        .args(["simulate", "data/bad/experiment_unknown_key.toml", "-o"])
        .arg(dir.path().join("x"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "experiment_unknown_key.toml:16: unknown field `fake_acounts`",
        ))
        .stderr(predicate::str::contains("fake_acounts"));
    netreach()
        .args(["simulate", "data/bad/experiment_malformed.toml", "-o"])
        .arg(dir.path().join("y"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("experiment_malformed.toml:3:"));
    assert!(!dir.path().join("x").exists() && !dir.path().join("y").exists());
    netreach().args(["simulate"]).assert().code(2);
}
