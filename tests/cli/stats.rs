//! `netreach stats` on the sample.

use crate::common::netreach;

#[test]
fn stats_report_merges_drops_components_and_roles() {
    let out = netreach()
        .args([
            "stats",
            "--graph",
            "data/sample/edges.txt",
            "--roles",
            "data/sample/roles.csv",
        ])
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    for want in [
        "nodes                  400",
        "edges                  1194",
        "self-loops dropped     1",
        "duplicates merged      1",
        "components             1",
        "recruiters             14",
        "hiring managers        49",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
}

/// Ordered pairs at each distance on a small graph, by a BFS from every node.
fn exact_distance_shares(path: &std::path::Path) -> Vec<f64> {
    let adj = crate::common::read_adjacency(path);
    let mut by: Vec<u64> = Vec::new();
    for s in adj.keys() {
        for (d, level) in crate::common::bfs_counts(&adj, s, 64).iter().enumerate() {
            if !level.is_empty() {
                if by.len() <= d {
                    by.resize(d + 1, 0);
                }
                by[d] += level.len() as u64;
            }
        }
    }
    let total: u64 = by.iter().sum();
    let mut cum = 0;
    by.iter()
        .map(|&p| {
            cum += p;
            cum as f64 / total as f64
        })
        .collect()
}

#[test]
fn distances_agree_with_bfs_and_write_a_table_and_chart() {
    let dir = tempfile::tempdir().unwrap();
    let (table, chart) = (dir.path().join("d.csv"), dir.path().join("d.png"));
    let out = netreach()
        .args([
            "stats",
            "--graph",
            "data/sample/edges.txt",
            "--distances",
            "-o",
        ])
        .arg(&table)
        .arg("--chart")
        .arg(&chart)
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        text.contains("average distance") && text.contains("within 3 hops"),
        "{text}"
    );
    let (header, rows) = crate::common::read_csv(&table);
    assert_eq!(header, ["distance", "pairs", "share", "cumulative_share"]);
    let exact = exact_distance_shares(&crate::common::data("sample/edges.txt"));
    for (i, row) in rows.iter().enumerate() {
        let got: f64 = row[3].parse().unwrap();
        let want = exact.get(i).copied().unwrap_or(1.0);
        assert!(
            (got - want).abs() <= 0.03,
            "within {}: {got} vs {want}",
            i + 1
        );
    }
    assert!(std::fs::read(&chart).unwrap().starts_with(b"\x89PNG"));
}

#[test]
fn ego_counts_friends_of_friends_by_connections() {
    let dir = tempfile::tempdir().unwrap();
    let table = dir.path().join("ego.csv");
    netreach()
        .args([
            "stats",
            "--graph",
            "data/sample/edges.txt",
            "--ego",
            "--sample",
            "400",
            "-o",
        ])
        .arg(&table)
        .assert()
        .success();
    let (header, rows) = crate::common::read_csv(&table);
    assert_eq!(header[..3], ["neighbors_min", "neighbors_max", "people"]);
    let people: u64 = rows.iter().map(|r| r[2].parse::<u64>().unwrap()).sum();
    assert_eq!(people, 400, "every sampled person falls in a bin");
    for r in &rows {
        let share: f64 = r[6].parse().unwrap();
        assert!(share > 0.0 && share <= 1.0, "{r:?}");
    }
}

#[test]
fn stats_refuses_bad_requests_with_one_line() {
    for (args, code, want) in [
        (
            vec!["--ego", "--sample", "401"],
            1,
            "--sample 401: expected between 1 and 400",
        ),
        (
            vec!["--distances", "--precision", "3"],
            2,
            "3 is not in 4..=16",
        ),
        (vec!["-o", "x.csv"], 2, "give one of them"),
        (vec!["--ego", "--distances"], 2, "cannot be used with"),
    ] {
        let out = netreach()
            .args(["stats", "--graph", "data/sample/edges.txt"])
            .args(&args)
            .assert()
            .code(code);
        let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
        assert!(err.contains(want), "{args:?}: {err}");
    }
    netreach()
        .args(["stats", "--distances", "--graph"])
        .arg(crate::common::data(
            "../tests/bad-input/edges_self_loops_only.txt",
        ))
        .assert()
        .code(1)
        .stderr(predicates::str::contains("the graph has no edges"));
}

#[test]
fn mutual_connections_are_binned_over_every_connection() {
    let out = netreach()
        .args(["stats", "--graph", "data/sample/edges.txt", "--mutual"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let shares: Vec<f64> = text
        .lines()
        .filter(|l| l.trim_end().ends_with('%'))
        .map(|l| {
            l.split_whitespace()
                .last()
                .unwrap()
                .trim_end_matches('%')
                .parse()
                .unwrap()
        })
        .collect();
    assert_eq!(shares.len(), 8, "{text}");
    let sum: f64 = shares.iter().sum();
    assert!(
        (sum - 100.0).abs() < 2.0,
        "shares rounded to 2 digits: {text}"
    );
    assert!(
        text.contains("mean") && text.contains("2 bytes per arc"),
        "{text}"
    );
    netreach()
        .args([
            "stats",
            "--graph",
            "data/sample/edges.txt",
            "--mutual",
            "--ego",
        ])
        .assert()
        .code(2);
}
