//! Helpers shared by the CLI tests.

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use assert_cmd::Command;

/// The built binary, run from the crate root so `data/...` paths work.
pub fn netreach() -> Command {
    let mut c = Command::cargo_bin("netreach").expect("binary is built");
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

/// `reach` on the bundled sample graph for one sampled person: the start of many
/// commands that test one other input.
pub const SAMPLE_REACH: [&str; 5] = ["reach", "--graph", "data/sample/edges.txt", "--sample", "1"];

/// A path under `data/`.
pub fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data").join(rel)
}

/// Adjacency of a whitespace edge list with `#`/`%` comments, by external id.
pub fn read_adjacency(path: &Path) -> HashMap<String, HashSet<String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut adj: HashMap<String, HashSet<String>> = HashMap::new();
    for line in text.lines() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') || t.starts_with('%') {
            continue;
        }
        let mut it = t.split_whitespace();
        let (a, b) = (
            it.next().unwrap().to_string(),
            it.next().unwrap().to_string(),
        );
        if a != b {
            adj.entry(a.clone()).or_default().insert(b.clone());
            adj.entry(b).or_default().insert(a);
        }
    }
    adj
}

/// Nodes at each exact hop distance 1..=max from `s` (plain BFS).
pub fn bfs_counts(adj: &HashMap<String, HashSet<String>>, s: &str, max: usize) -> Vec<Vec<String>> {
    let mut dist = HashMap::from([(s.to_string(), 0usize)]);
    let mut q = VecDeque::from([s.to_string()]);
    let mut by = vec![Vec::new(); max];
    while let Some(v) = q.pop_front() {
        let d = dist[&v];
        if d == max {
            continue;
        }
        for w in adj.get(&v).into_iter().flatten() {
            if !dist.contains_key(w) {
                dist.insert(w.clone(), d + 1);
                by[d].push(w.clone());
                q.push_back(w.clone());
            }
        }
    }
    by
}

/// Reads a CSV output into header and rows of strings.
pub fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|x| x.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

/// The built-in experiment (`netreach run`), run once per test process for every
/// test that reads its results: its folder (under cargo's temporary folder for
/// tests, one per process, so test runners that start a process per test do not
/// share it) and its standard output.
pub fn quick_run() -> &'static (PathBuf, String) {
    static RUN: OnceLock<(PathBuf, String)> = OnceLock::new();
    RUN.get_or_init(|| {
        let out =
            Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("quick-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&out);
        let done = netreach()
            .args(["run", "-o"])
            .arg(&out)
            .output()
            .expect("netreach runs");
        assert!(
            done.status.success(),
            "{}",
            String::from_utf8_lossy(&done.stderr)
        );
        (out, String::from_utf8_lossy(&done.stdout).into_owned())
    })
}

/// `advise` on the bundled sample graph, its roles and invitations, for `person`.
pub fn advise_on_sample(person: &str) -> assert_cmd::Command {
    let mut c = netreach();
    c.args([
        "advise",
        "--graph",
        "data/sample/edges.txt",
        "--roles",
        "data/sample/roles.csv",
        "--invitations",
        "data/sample/invitations.csv",
        "--person",
        person,
    ]);
    c
}

/// The index of column `name` in a CSV `header`.
pub fn column(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {header:?}"))
}

/// `data/test-experiments/leads.toml` with `extra` sections appended, written
/// into `dir` as `file`.
pub fn leads_experiment_with(dir: &Path, file: &str, extra: &str) -> PathBuf {
    let text = std::fs::read_to_string("data/test-experiments/leads.toml").unwrap();
    let path = dir.join(file);
    std::fs::write(&path, format!("{text}\n{extra}")).unwrap();
    path
}

/// `netreach run -q -j THREADS FILE -o DIR/NAME`, which must succeed; the folder.
pub fn run_with_threads(file: &Path, dir: &Path, name: &str, threads: &str) -> PathBuf {
    let out = dir.join(name);
    netreach()
        .args(["run", "-q", "-j", threads])
        .arg(file)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    out
}

/// `netreach simulate -q FILE -o DIR/never`, which must exit 1: its assertion,
/// for the message.
pub fn simulate_refused(file: &Path, dir: &Path) -> assert_cmd::assert::Assert {
    netreach()
        .args(["simulate", "-q"])
        .arg(file)
        .arg("-o")
        .arg(dir.join("never"))
        .assert()
        .code(1)
}
