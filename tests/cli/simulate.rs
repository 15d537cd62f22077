//! `netreach run` and `netreach simulate`: the built-in experiment, the tables and
//! their columns, determinism across thread counts, a snapshot of a tiny seeded
//! experiment, and experiment-file errors.

use predicates::prelude::*;

use crate::common::{netreach, read_csv};

#[test]
fn run_without_a_file_runs_the_built_in_experiment() {
    let (out, stdout) = crate::common::quick_run();
    assert!(stdout.contains("accept-all") && stdout.contains("recruiters <=3"));
    assert!(stdout.contains("leads/week <=3") && stdout.contains("P(lead) <=3"));
    // The built-in experiment answers a question about strategies, not about its
    // network's size: unsaturated, and every strategy accepts something.
    assert!(!stdout.contains("saturated"), "{stdout}");
    for f in [
        "reach.parquet",
        "reach.csv",
        "people.parquet",
        "people.csv",
        "summary.parquet",
        "summary.csv",
        "leads.parquet",
        "ties.csv",
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
    // 2 replicates × 200 people × (6 strategies + 5 sweep values) × 12 weeks × 3 degrees.
    assert_eq!(rows.len(), 2 * 200 * 11 * 12 * 3);
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
                "data/test-experiments/sweep.toml",
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
        .args([
            "simulate",
            "tests/bad-input/exp_unknown_key_in_table.toml",
            "-o",
        ])
        .arg(dir.path().join("x"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "exp_unknown_key_in_table.toml:16: unknown field `fake_acounts`",
        ))
        .stderr(predicate::str::contains("fake_acounts"));
    netreach()
        .args(["simulate", "tests/bad-input/exp_malformed.toml", "-o"])
        .arg(dir.path().join("y"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("exp_malformed.toml:2:"));
    assert!(!dir.path().join("x").exists() && !dir.path().join("y").exists());
    netreach().args(["simulate"]).assert().code(2);
}

#[test]
fn an_experiment_on_a_graph_file_matches_the_same_experiment_on_text() {
    let dir = tempfile::tempdir().unwrap();
    let nrg = dir.path().join("sample.nrg");
    netreach()
        .args(["import", "graph", "data/sample/edges.txt", "-q"])
        .args(["--roles", "data/sample/roles.csv", "-o"])
        .arg(&nrg)
        .assert()
        .success();
    let sample = crate::common::data("sample");
    let body = std::fs::read_to_string(crate::common::data("test-experiments/tiny.toml"))
        .unwrap()
        .replace("model = \"ba\"\nnodes = 300\navg_degree = 6\n", "GRAPH\n");
    assert!(body.contains("GRAPH"));
    let mut summaries = Vec::new();
    for (name, graph) in [
        (
            "text",
            format!(
                "edges = {:?}\nroles = {:?}",
                sample.join("edges.txt"),
                sample.join("roles.csv")
            ),
        ),
        ("nrg", format!("edges = {nrg:?}")),
    ] {
        let toml = dir.path().join(format!("{name}.toml"));
        std::fs::write(&toml, body.replace("GRAPH", &graph)).unwrap();
        let out = dir.path().join(name);
        netreach()
            .arg("simulate")
            .arg(&toml)
            .args(["-q", "-o"])
            .arg(&out)
            .assert()
            .success();
        summaries.push(std::fs::read_to_string(out.join("summary.csv")).unwrap());
    }
    assert_eq!(summaries[0], summaries[1]);
    // The stored roles were used: some recruiters are within reach on average.
    let recruiters_reached = summaries[1]
        .lines()
        .filter(|l| l.split(',').nth(3) == Some("recruiters"))
        .any(|l| l.split(',').nth(6).unwrap().parse::<f64>().unwrap() > 0.0);
    assert!(recruiters_reached);
}
