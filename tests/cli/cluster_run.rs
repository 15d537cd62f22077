//! `run --cluster` and `simulate --cluster`: processes on loopback ports write
//! the experiment folder one process writes, byte for byte, whether each reads
//! its part of a graph file or every one holds the whole network; a crashed or
//! disagreeing peer stops the others without output.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

use crate::cluster::{BOUND, crash_stops_process_zero, finish, hostfile, run_cluster, spawn};
use crate::common::netreach;

/// A 4,000-person Holme–Kim network with roles, imported as `dir/g.nrg`.
fn graph_file(dir: &Path) -> PathBuf {
    netreach()
        .args(["generate", "--model", "holme-kim", "--nodes", "4000"])
        .args(["--avg-degree", "8", "--seed", "3", "--format", "csv", "-o"])
        .arg(dir.join("net"))
        .assert()
        .success();
    let g = dir.join("g.nrg");
    netreach()
        .args(["import", "graph"])
        .arg(dir.join("net/edges.csv"))
        .arg("--roles")
        .arg(dir.join("net/nodes.csv"))
        .arg("-o")
        .arg(&g)
        .assert()
        .success();
    g
}

/// An experiment on `graph` (next to it) with every kind of strategy, a sweep,
/// weekly output and fake accounts; `extra` is appended.
fn experiment(dir: &Path, name: &str, seed: u32, extra: &str) -> PathBuf {
    let text = format!(
        "name = \"{name}\"\ndescription = \"Strategies counted on a cluster\"\nseed = {seed}\n\
         replicates = 2\nmax_degree = 3\n\
         strategies = [\"refuse-all\", \"accept-all\", \"min-mutual:2\", \"mutual:1-10\", \"roles:recruiter,hiring_manager\"]\n\
         [graph]\nedges = \"g.nrg\"\n\
         [people]\nsample = 25\nmin_connections = 3\nmax_connections = 100\nrole = \"none\"\n\
         [invitations]\nweeks = 5\nper_week = 2.0\nfriends_of_friends = 0.5\nstrangers = 0.25\n\
         recruiter_outreach = 0.15\nfake_accounts = 0.10\n\
         [sweep]\nparameter = \"random\"\nvalues = [0.0, 0.5, 1.0]\n{extra}\n\
         [output]\nweekly = true\nformats = [\"parquet\", \"csv\"]\n"
    );
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(&path, text).unwrap();
    path
}

/// Every file under `dir`, relative, sorted.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    out.sort();
    out
}

/// Asserts that two folders hold the same files with the same bytes.
fn same_folders(a: &Path, b: &Path) {
    let (fa, fb) = (files(a), files(b));
    assert_eq!(fa, fb);
    assert!(fa.len() >= 10, "{fa:?}");
    for f in &fa {
        assert!(
            std::fs::read(a.join(f)).unwrap() == std::fs::read(b.join(f)).unwrap(),
            "{} differs",
            f.display()
        );
    }
}

fn run_args(command: &str, exp: &Path, out: &Path) -> Vec<String> {
    vec![
        command.into(),
        exp.display().to_string(),
        "-o".into(),
        out.display().to_string(),
    ]
}

/// Runs `exp` as one plain process, then as a cluster of `processes` ×
/// `workers`, into the same folder name (the report names it); asserts both
/// write the same bytes and returns the cluster processes' outputs.
fn plain_then_cluster(command: &str, exp: &Path, processes: usize, workers: usize) -> Vec<Output> {
    let dir = exp.parent().unwrap();
    let out = dir.join(format!("out-{processes}x{workers}"));
    let plain = dir.join(format!("plain-{processes}x{workers}"));
    netreach()
        .args(run_args(command, exp, &out))
        .assert()
        .success();
    std::fs::rename(&out, &plain).unwrap();
    let hosts = hostfile(dir, processes);
    let outs = run_cluster(&run_args(command, exp, &out), &hosts, processes, workers);
    for (p, o) in outs.iter().enumerate() {
        assert!(
            o.status.success(),
            "process {p}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    same_folders(&plain, &out);
    outs
}

#[test]
fn an_experiment_on_parts_of_a_graph_file_writes_the_folder_one_process_writes() {
    let dir = tempfile::tempdir().unwrap();
    graph_file(dir.path());
    let exp = experiment(dir.path(), "parts", 5, "");
    for (processes, workers) in [(2, 2), (3, 1)] {
        let outs = plain_then_cluster("run", &exp, processes, workers);
        let zero = String::from_utf8_lossy(&outs[0].stderr);
        assert!(
            zero.contains("reading its part of the graph file"),
            "{zero}"
        );
        assert!(zero.contains(&format!("part 0 of {processes}")), "{zero}");
        // Every process held a share of the nodes, not the whole network.
        let held = zero
            .split(&format!("part 0 of {processes}: "))
            .nth(1)
            .and_then(|s| s.split(" of ").next())
            .and_then(|s| s.trim().parse::<u64>().ok())
            .unwrap();
        assert!(held < 4040 * 2 / 3, "{zero}");
        let one = String::from_utf8_lossy(&outs[1].stdout);
        assert!(one.is_empty(), "only process 0 prints the summary: {one}");
    }
    // simulate too: tables only.
    plain_then_cluster("simulate", &exp, 2, 1);
}

/// Runs `exp` on parts as 2 × 2 and 3 × 1, each against one process; the
/// two output folders.
fn on_parts(dir: &Path, exp: &Path) -> Vec<PathBuf> {
    [(2, 2), (3, 1)]
        .into_iter()
        .map(|(processes, workers)| {
            let outs = plain_then_cluster("run", exp, processes, workers);
            let zero = String::from_utf8_lossy(&outs[0].stderr);
            assert!(
                zero.contains("reading its part of the graph file"),
                "{zero}"
            );
            dir.join(format!("out-{processes}x{workers}"))
        })
        .collect()
}

#[test]
fn job_leads_on_parts_of_a_graph_file_give_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    graph_file(dir.path());
    let exp = experiment(dir.path(), "leads", 5, "[leads]\n");
    for out in on_parts(dir.path(), &exp) {
        for table in ["leads.csv", "ties.csv"] {
            let text = std::fs::read_to_string(out.join(table)).unwrap();
            let rows = text.lines().count();
            assert!(rows > 10, "{table}: {rows} rows");
        }
    }
}

#[test]
fn offers_on_parts_of_a_graph_file_give_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    graph_file(dir.path());
    let exp = experiment(dir.path(), "market", 5, "[leads]\n[market]\nworlds = 128\n");
    for out in on_parts(dir.path(), &exp) {
        let leads = std::fs::read_to_string(out.join("leads.csv")).unwrap();
        assert!(
            leads
                .lines()
                .next()
                .unwrap()
                .contains("expected_offers_up_to")
        );
        let offered = leads
            .lines()
            .skip(1)
            .filter(|l| {
                l.rsplit(',')
                    .next()
                    .is_some_and(|x| x.parse::<f64>().unwrap() > 0.0)
            })
            .count();
        assert!(offered > 10, "{offered} rows with offers");
    }
}

#[test]
fn adoption_on_a_cluster_is_computed_by_process_zero_with_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    graph_file(dir.path());
    let exp = experiment(
        dir.path(),
        "adoption",
        5,
        "[adoption]\nshares = [0.0, 0.5]\n",
    );
    let outs = plain_then_cluster("run", &exp, 2, 1);
    let zero = String::from_utf8_lossy(&outs[0].stderr);
    assert!(
        zero.contains("the whole network in every process: [adoption] is computed by process 0"),
        "{zero}"
    );
    assert!(dir.path().join("out-2x1/adoption.csv").exists());
}

#[test]
fn a_crashed_or_disagreeing_peer_stops_the_cluster_without_output() {
    let dir = tempfile::tempdir().unwrap();
    graph_file(dir.path());
    let exp = experiment(dir.path(), "parts", 5, "");
    let other = experiment(dir.path(), "other", 6, "");
    let out = dir.path().join("out");
    let hosts = hostfile(dir.path(), 2);
    let h = hosts.to_str().unwrap();
    crash_stops_process_zero(&run_args("run", &exp, &out), &hosts);
    assert!(!out.exists(), "no folder is left behind");
    // Another seed draws other invitations: the processes refuse each other.
    let deadline = Instant::now() + BOUND;
    let zero = spawn(&run_args("run", &exp, &out), &["--cluster", h], None);
    let one = spawn(
        &run_args("run", &other, &out),
        &["--cluster", h, "--process", "1"],
        None,
    );
    for o in [finish(zero, deadline), finish(one, deadline)] {
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{err}");
        assert!(err.contains("runs a different job"), "{err}");
    }
    assert!(!out.exists());
    // A process number beyond the hostfile is a usage error.
    let o = netreach()
        .args(run_args("run", &exp, &out))
        .args(["--cluster", h, "--process", "2"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--process 2 is out of range"));
}

#[test]
fn the_cluster_example_of_run_help_runs_as_written() {
    let help = netreach().args(["run", "--help"]).output().unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    let block: Vec<&str> = help
        .lines()
        .skip_while(|l| !l.starts_with("On a cluster"))
        .filter(|l| l.starts_with("  "))
        .collect();
    assert!(block.len() >= 5, "{help}");
    let script = format!("set -e\n{}\nwait\n", block.join("\n"));
    let dir = tempfile::tempdir().unwrap();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    std::os::unix::fs::symlink(&data, dir.path().join("data")).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("netreach");
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let o = Command::new("bash")
        .args(["-c", &script])
        .current_dir(dir.path())
        .env("PATH", &path)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{script}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let folder = dir.path().join("out/first-look-cluster");
    for f in ["report.md", "summary.csv", "charts/strategies.png"] {
        assert!(folder.join(f).exists(), "{f} missing: {:?}", files(&folder));
    }
}
