//! `reach --cluster`: processes on loopback ports, started from the test, give the
//! same bytes as one process; missing or crashing peers make the others exit 1.

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::{data, netreach};

/// Longest any cluster process may run in these tests.
pub const BOUND: Duration = Duration::from_mins(1);

/// A hostfile with `n` free loopback ports.
pub fn hostfile(dir: &Path, n: usize) -> std::path::PathBuf {
    // Ports the OS hands out now are free; they are released before the cluster binds them.
    let listeners: Vec<std::net::TcpListener> = (0..n)
        .map(|_| std::net::TcpListener::bind("127.0.0.1:0").unwrap())
        .collect();
    let mut text = String::new();
    for l in &listeners {
        let port = l.local_addr().unwrap().port();
        writeln!(text, "# a comment\n127.0.0.1:{port}").unwrap();
    }
    let path = dir.join("hosts.txt");
    std::fs::write(&path, text).unwrap();
    path
}

pub fn spawn(args: &[String], extra: &[&str], env: Option<(&str, &str)>) -> Child {
    let mut c = Command::new(env!("CARGO_BIN_EXE_netreach"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some((k, v)) = env {
        c.env(k, v);
    }
    c.spawn().unwrap()
}

/// Waits for `child` at most until `deadline`, killing it if it runs longer.
pub fn finish(mut child: Child, deadline: Instant) -> Output {
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            child.kill().unwrap();
            let out = child.wait_with_output().unwrap();
            panic!(
                "a cluster process ran past {BOUND:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// Runs `args` as a cluster of two processes from `hosts` in which process 1
/// dies in its second round, after the cluster formed; asserts that process 0
/// exits 1 naming it.
pub fn crash_stops_process_zero(args: &[String], hosts: &Path) {
    let h = hosts.to_str().unwrap();
    let deadline = Instant::now() + BOUND;
    let zero = spawn(args, &["--cluster", h], None);
    let one = spawn(
        args,
        &["--cluster", h, "--process", "1"],
        Some(("NETREACH_TEST_ABORT_AT_ROUND", "1")),
    );
    let (z, o) = (finish(zero, deadline), finish(one, deadline));
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&z.stderr);
    assert_eq!(z.status.code(), Some(1), "{err}");
    assert!(
        err.contains("process 0: lost the connection to process 1"),
        "{err}"
    );
}

/// Runs `args` as a cluster of `processes` × `workers`; returns every process's output.
pub fn run_cluster(args: &[String], hosts: &Path, processes: usize, workers: usize) -> Vec<Output> {
    let deadline = Instant::now() + BOUND;
    let children: Vec<Child> = (0..processes)
        .map(|p| {
            let mut extra = vec![
                "--cluster".to_string(),
                hosts.display().to_string(),
                "--process".into(),
                p.to_string(),
                "--workers".into(),
                workers.to_string(),
            ];
            // Flags that change nothing computed may differ between processes.
            if p > 0 {
                extra.extend(["-q".into(), "-j".into(), "1".into()]);
            }
            let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
            spawn(args, &extra, None)
        })
        .collect();
    children.into_iter().map(|c| finish(c, deadline)).collect()
}

fn reach_args(out: &Path, rest: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = vec![
        "reach".into(),
        "--graph".into(),
        data("sample/edges.txt").display().to_string(),
        "--roles".into(),
        data("sample/roles.csv").display().to_string(),
        "-o".into(),
        out.display().to_string(),
    ];
    v.extend(rest.iter().map(ToString::to_string));
    v
}

/// Single-process output and 2 processes × 2 workers output of the same job.
fn single_and_cluster(rest: &[&str]) -> (Vec<u8>, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let single = dir.path().join("single.csv");
    netreach()
        .args(reach_args(&single, rest))
        .assert()
        .success();
    let clustered = dir.path().join("cluster.csv");
    let hosts = hostfile(dir.path(), 2);
    let outs = run_cluster(&reach_args(&clustered, rest), &hosts, 2, 2);
    for (p, o) in outs.iter().enumerate() {
        assert!(
            o.status.success(),
            "process {p}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    (
        std::fs::read(single).unwrap(),
        std::fs::read(clustered).unwrap(),
    )
}

#[test]
fn exact_reach_on_two_processes_of_two_workers_equals_one_process() {
    // 150 people × 5 strategies = 750 queries: 12 batches of 64 lanes.
    let (single, cluster) = single_and_cluster(&[
        "--sample",
        "150",
        "--seed",
        "4",
        "--invitations",
        data("sample/invitations.csv").to_str().unwrap(),
        "--strategy",
        "refuse-all,accept-all,min-mutual:2,random:0.5,roles:recruiter",
        "--max-degree",
        "4",
    ]);
    assert!(single.len() > 10_000);
    assert_eq!(single, cluster);
}

#[test]
fn one_process_of_three_workers_equals_the_plain_path() {
    // Three workers in one process: nodes are dealt to workers by position in
    // the range, so records go to worker `position mod 3`, not a power of two.
    let dir = tempfile::tempdir().unwrap();
    let rest = ["--all", "--max-degree", "3"];
    let single = dir.path().join("single.csv");
    netreach()
        .args(reach_args(&single, &rest))
        .assert()
        .success();
    let clustered = dir.path().join("cluster.csv");
    let hosts = hostfile(dir.path(), 1);
    let outs = run_cluster(&reach_args(&clustered, &rest), &hosts, 1, 3);
    assert!(
        outs[0].status.success(),
        "{}",
        String::from_utf8_lossy(&outs[0].stderr)
    );
    assert_eq!(
        std::fs::read(single).unwrap(),
        std::fs::read(clustered).unwrap()
    );
}

#[test]
fn approximate_reach_on_two_processes_of_two_workers_equals_one_process() {
    let (single, cluster) = single_and_cluster(&["--all", "--approx", "--precision", "6"]);
    assert!(single.len() > 10_000);
    assert_eq!(single, cluster);
}

#[test]
fn a_peer_that_never_starts_is_named_after_the_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let hosts = hostfile(dir.path(), 2);
    let second = std::fs::read_to_string(&hosts).unwrap();
    let second = second
        .lines()
        .filter(|l| !l.starts_with('#'))
        .nth(1)
        .unwrap();
    let out = dir.path().join("out.csv");
    let args = reach_args(&out, &["--sample", "10"]);
    let child = spawn(
        &args,
        &[
            "--cluster",
            hosts.to_str().unwrap(),
            "--cluster-timeout",
            "2",
        ],
        None,
    );
    let o = finish(child, Instant::now() + BOUND);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!("process 1 at {second} did not connect within 2 s")),
        "{err}"
    );
    assert_eq!(
        err.lines().filter(|l| l.starts_with("error")).count(),
        1,
        "{err}"
    );
    assert!(!out.exists());
}

#[test]
fn a_crashed_peer_stops_the_others_without_output() {
    // Text input (every process loads the whole graph) and a graph file (each
    // reads its part): the same failure behaviour.
    let files = tempfile::tempdir().unwrap();
    let g = graph_file(
        files.path(),
        &data("sample/edges.txt"),
        Some(&data("sample/roles.csv")),
    );
    for from_file in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let hosts = hostfile(dir.path(), 2);
        let out = dir.path().join("out.csv");
        let mut args = reach_args(&out, &["--sample", "200", "--max-degree", "3"]);
        if from_file {
            args = vec![
                "reach".into(),
                "--graph".into(),
                g.display().to_string(),
                "-o".into(),
                out.display().to_string(),
                "--sample".into(),
                "200".into(),
            ];
        }
        crash_stops_process_zero(&args, &hosts);
        assert!(!out.exists());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "only the hostfile remains");
    }
}

#[test]
fn processes_with_different_queries_refuse_to_work_together() {
    let dir = tempfile::tempdir().unwrap();
    let hosts = hostfile(dir.path(), 2);
    let out = dir.path().join("out.csv");
    let deadline = Instant::now() + BOUND;
    let h = hosts.to_str().unwrap();
    let zero = spawn(
        &reach_args(&out, &["--sample", "10"]),
        &["--cluster", h],
        None,
    );
    let one = spawn(
        &reach_args(&out, &["--sample", "11"]),
        &["--cluster", h, "--process", "1"],
        None,
    );
    for o in [finish(zero, deadline), finish(one, deadline)] {
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{err}");
        assert!(err.contains("runs a different job"), "{err}");
    }
    assert!(!out.exists());
}

#[test]
fn bad_hostfiles_and_process_numbers_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("hosts.txt");
    std::fs::write(&bad, "127.0.0.1:7000\nlocalhost\n").unwrap();
    let out = dir.path().join("out.csv");
    let o = netreach()
        .args(reach_args(&out, &["--sample", "5", "--cluster"]))
        .arg(&bad)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("hosts.txt:2: expected host:port"), "{err}");
    let good = hostfile(dir.path(), 2);
    let o = netreach()
        .args(reach_args(
            &out,
            &["--sample", "5", "--process", "2", "--cluster"],
        ))
        .arg(&good)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--process 2 is out of range"));
    // --process without --cluster is a usage error too.
    netreach()
        .args(reach_args(&out, &["--sample", "5", "--process", "1"]))
        .assert()
        .code(2);
}

/// `netreach import graph` of `edges` (with `roles`, if any) into `dir/g.nrg`.
fn graph_file(dir: &Path, edges: &Path, roles: Option<&Path>) -> std::path::PathBuf {
    let out = dir.join("g.nrg");
    let mut c = netreach();
    c.args(["import", "graph"]).arg(edges).arg("-o").arg(&out);
    if let Some(r) = roles {
        c.arg("--roles").arg(r);
    }
    c.assert().success();
    out
}

/// `reach --graph graph -o out rest…` as one plain process and as a cluster of
/// `processes` × `workers` reading their parts of the graph file; both outputs,
/// and the cluster processes' stderr.
fn plain_and_parts(
    graph: &Path,
    rest: &[&str],
    processes: usize,
    workers: usize,
) -> (Vec<u8>, Vec<u8>, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let args = |out: &Path| -> Vec<String> {
        let mut v: Vec<String> = vec![
            "reach".into(),
            "--graph".into(),
            graph.display().to_string(),
            "-o".into(),
            out.display().to_string(),
        ];
        v.extend(rest.iter().map(ToString::to_string));
        v
    };
    let single = dir.path().join("single.csv");
    netreach().args(args(&single)).assert().success();
    let clustered = dir.path().join("cluster.csv");
    let hosts = hostfile(dir.path(), processes);
    let outs = run_cluster(&args(&clustered), &hosts, processes, workers);
    let errs: Vec<String> = outs
        .iter()
        .map(|o| String::from_utf8_lossy(&o.stderr).into_owned())
        .collect();
    for (p, (o, e)) in outs.iter().zip(&errs).enumerate() {
        assert!(o.status.success(), "process {p}: {e}");
    }
    (
        std::fs::read(single).unwrap(),
        std::fs::read(clustered).unwrap(),
        errs,
    )
}

#[test]
fn processes_reading_their_parts_of_a_graph_file_equal_one_process() {
    let dir = tempfile::tempdir().unwrap();
    let g = graph_file(
        dir.path(),
        &data("sample/edges.txt"),
        Some(&data("sample/roles.csv")),
    );
    let (invitations, sources) = (data("sample/invitations.csv"), data("sample/sources.txt"));
    let exact = [
        "--sample",
        "150",
        "--seed",
        "4",
        "--invitations",
        invitations.to_str().unwrap(),
        "--strategy",
        "refuse-all,accept-all,min-mutual:2,mutual:1-3,random:0.5,roles:recruiter",
        "--max-degree",
        "4",
    ];
    for (processes, workers) in [(3, 1), (2, 2)] {
        let (single, cluster, errs) = plain_and_parts(&g, &exact, processes, workers);
        assert!(single.len() > 10_000);
        assert_eq!(single, cluster, "{processes} × {workers}");
        // Process 0 says it read only its part.
        assert!(
            errs[0].contains(&format!("part 0 of {processes}")),
            "{}",
            errs[0]
        );
    }
    let approx = ["--all", "--approx", "--precision", "6", "--max-degree", "4"];
    let (single, cluster, _) = plain_and_parts(&g, &approx, 3, 1);
    assert!(single.len() > 10_000);
    assert_eq!(single, cluster);
    let listed = ["--sources", sources.to_str().unwrap(), "--max-degree", "3"];
    let (single, cluster, _) = plain_and_parts(&g, &listed, 2, 1);
    assert_eq!(single, cluster);
}

#[test]
fn string_ids_and_an_empty_part_give_the_same_bytes() {
    // Six people with string ids on seven processes: at least one part holds no
    // node, and most nodes' neighbours sit in other parts.
    let dir = tempfile::tempdir().unwrap();
    let edges = dir.path().join("edges.csv");
    // zed's only edge is a self-loop: a node with no arcs at all.
    std::fs::write(
        &edges,
        "source,target\nana,bo\nbo,cy\ncy,dee\ndee,ed\nbo,dee\nzed,zed\n",
    )
    .unwrap();
    let roles = dir.path().join("roles.csv");
    std::fs::write(&roles, "node,role\ncy,recruiter\ned,hiring_manager\n").unwrap();
    let g = graph_file(dir.path(), &edges, Some(&roles));
    let sources = dir.path().join("sources.txt");
    std::fs::write(&sources, "ed\nana\nzed\ncy\n").unwrap();
    let invitations = dir.path().join("invitations.csv");
    std::fs::write(
        &invitations,
        "to,from\nana,cy\nana,ed\ned,ana\ned,nobody\ncy,bo\n",
    )
    .unwrap();
    let rest = [
        "--sources",
        sources.to_str().unwrap(),
        "--invitations",
        invitations.to_str().unwrap(),
        "--strategy",
        "refuse-all,accept-all,min-mutual:1,roles:recruiter",
        "--max-degree",
        "4",
    ];
    let (single, cluster, errs) = plain_and_parts(&g, &rest, 7, 1);
    assert_eq!(
        String::from_utf8(single).unwrap(),
        String::from_utf8(cluster).unwrap()
    );
    assert!(errs[0].contains("part 0 of 7"), "{}", errs[0]);
    let approx = ["--all", "--approx", "--precision", "4", "--max-degree", "3"];
    let (single, cluster, _) = plain_and_parts(&g, &approx, 7, 1);
    assert_eq!(single, cluster);
}
