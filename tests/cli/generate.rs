//! `netreach generate`: formats, reproducibility across thread counts and seeds,
//! and the files going straight into `reach` and `stats`.

use predicates::prelude::*;

use crate::common::{netreach, read_csv};

fn generate(args: &[&str], out: &std::path::Path) {
    netreach()
        .arg("generate")
        .args(args)
        .arg("-o")
        .arg(out)
        .arg("-q")
        .assert()
        .success();
}

#[test]
fn same_seed_gives_byte_identical_files_whatever_the_threads() {
    let dir = tempfile::tempdir().unwrap();
    for (model, format) in [
        (
            &["--model", "chung-lu", "--degree-dist", "powerlaw"][..],
            "parquet",
        ),
        (&["--model", "sbm", "--placement", "community"][..], "csv"),
        (&["--model", "watts-strogatz"][..], "txt"),
        (
            &[
                "--preset",
                "linkedin",
                "--nodes",
                "3000",
                "--avg-degree",
                "20",
            ][..],
            "parquet",
        ),
    ] {
        let mut files = Vec::new();
        for (j, seed) in [("1", "5"), ("2", "5"), ("2", "6")] {
            let out = dir.path().join(format!("{}-{format}-{j}-{seed}", model[1]));
            let mut args = model.to_vec();
            args.extend([
                "--nodes", "3000", "--seed", seed, "--format", format, "-j", j,
            ]);
            if model[0] == "--preset" {
                args.truncate(model.len());
                args.extend(["--seed", seed, "--format", format, "-j", j]);
            }
            generate(&args, &out);
            let names: Vec<std::path::PathBuf> = std::fs::read_dir(&out)
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
            assert_eq!(names.len(), 2, "{names:?}");
            let ext = if format == "txt" { "txt" } else { format };
            let nodes_ext = if format == "txt" { "csv" } else { format };
            files.push((
                std::fs::read(out.join(format!("edges.{ext}"))).unwrap(),
                std::fs::read(out.join(format!("nodes.{nodes_ext}"))).unwrap(),
            ));
        }
        assert!(
            files[0] == files[1],
            "{model:?} {format}: -j 1 and -j 2 differ"
        );
        assert!(
            files[0].0 != files[2].0,
            "{model:?} {format}: seeds 5 and 6 agree"
        );
    }
}

#[test]
fn generated_files_go_straight_into_stats_and_reach() {
    let dir = tempfile::tempdir().unwrap();
    let net = dir.path().join("net");
    generate(
        &[
            "--model",
            "holme-kim",
            "--nodes",
            "2000",
            "--avg-degree",
            "8",
            "--seed",
            "3",
            "--format",
            "txt",
        ],
        &net,
    );
    let txt = std::fs::read_to_string(net.join("edges.txt")).unwrap();
    assert!(
        txt.starts_with("# netreach 0.1.0 generate --model holme-kim"),
        "header records the command"
    );
    assert!(txt.contains("# seed 3\n") && txt.contains("--model holme-kim"));
    netreach()
        .args(["stats", "--graph"])
        .arg(net.join("edges.txt"))
        .arg("--roles")
        .arg(net.join("nodes.csv"))
        .assert()
        .success()
        .stdout(predicate::str::contains("edges                  7990"))
        .stdout(predicate::str::contains("recruiters             60"))
        .stdout(predicate::str::contains("hiring managers        140"));
    let out = dir.path().join("r.csv");
    netreach()
        .args(["reach", "--sample", "5", "--graph"])
        .arg(net.join("edges.txt"))
        .arg("--roles")
        .arg(net.join("nodes.csv"))
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    assert_eq!(read_csv(&out).1.len(), 15);
    let (header, rows) = read_csv(&net.join("nodes.csv"));
    assert_eq!(header, ["node", "role", "firm", "industry", "neighbors"]);
    assert!(
        rows.iter().all(|r| !r[2].is_empty() && r[3] == "0"),
        "everyone works; one industry"
    );
    assert_eq!(rows.len(), 2000);
    assert_eq!(rows.iter().filter(|r| r[1] == "recruiter").count(), 60);
}

#[test]
fn flags_of_another_model_are_usage_errors() {
    for args in [
        &[
            "generate",
            "--model",
            "ba",
            "--rewire-prob",
            "0.3",
            "-o",
            "x",
        ][..],
        &[
            "generate",
            "--model",
            "sbm",
            "--triad-prob",
            "0.3",
            "-o",
            "x",
        ][..],
        &[
            "generate",
            "--model",
            "chung-lu",
            "--degree-dist",
            "powerlaw",
            "--sigma",
            "2",
            "-o",
            "x",
        ][..],
        &["generate", "--model", "er", "-o", "x"][..],
        &["generate", "-o", "x"][..],
    ] {
        netreach().args(args).assert().code(2);
    }
    netreach()
        .args([
            "generate",
            "--model",
            "watts-strogatz",
            "--nodes",
            "1",
            "-o",
        ])
        .arg(tempfile::tempdir().unwrap().path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("at least 2 nodes"));
}

#[test]
fn a_negative_count_is_named_as_a_bad_value_not_an_unknown_flag() {
    netreach()
        .args(["generate", "--model", "ba", "--nodes", "-5", "-o", "x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid value '-5' for '--nodes"));
}

#[test]
fn a_mean_degree_below_one_is_refused_not_rounded_to_a_tree() {
    for d in ["0", "0.5", "-3"] {
        let flag = format!("--avg-degree={d}");
        let dir = tempfile::tempdir().unwrap();
        netreach()
            .args(["generate", "--model", "ba", "--nodes", "100", &flag, "-o"])
            .arg(dir.path().join("g"))
            .assert()
            .code(2)
            .stderr(predicate::str::contains("--avg-degree must be at least 1"));
        assert!(!dir.path().join("g").exists(), "nothing written for {d}");
    }
}

#[test]
fn run_into_a_file_is_refused_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("results");
    std::fs::write(&file, "not a folder").unwrap();
    netreach()
        .args(["run", "-o"])
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("-o names the folder"))
        .stdout(predicate::str::contains("network:").not());
}

#[test]
fn a_missing_choice_names_every_way_to_make_it() {
    netreach()
        .args(["generate", "-o", "x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--model").and(predicate::str::contains("--preset")));
    netreach()
        .args(["reach", "--graph", "data/sample/edges.txt", "-o", "r.csv"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("--sources")
                .and(predicate::str::contains("--sample"))
                .and(predicate::str::contains("--all")),
        );
}

#[test]
fn the_delivered_mean_degree_is_reported_against_the_one_asked() {
    let dir = tempfile::tempdir().unwrap();
    netreach()
        .args([
            "generate",
            "--preset",
            "linkedin",
            "--nodes",
            "5000",
            "--avg-degree",
            "200",
            "-o",
        ])
        .arg(dir.path().join("li"))
        .assert()
        .success()
        .stderr(
            predicate::str::contains("below the 200 asked").and(predicate::str::contains("merged")),
        );
    netreach()
        .args([
            "generate",
            "--model",
            "ba",
            "--nodes",
            "2000",
            "--avg-degree",
            "6",
            "-o",
        ])
        .arg(dir.path().join("ba"))
        .assert()
        .success()
        .stderr(predicate::str::contains("(6 asked)"));
}
