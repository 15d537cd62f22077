//! `netreach reach` on the bundled sample: columns, agreement with a plain BFS,
//! strategies, formats and determinism across thread counts.

use std::collections::HashMap;

use polars::prelude::*;

use crate::common::{bfs_counts, data, netreach, read_adjacency, read_csv};

#[test]
fn reach_agrees_with_plain_bfs_on_the_sample() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.csv");
    netreach()
        .args([
            "reach",
            "--graph",
            "data/sample/edges.txt",
            "--roles",
            "data/sample/roles.csv",
        ])
        .args(["--sources", "data/sample/sources.txt", "-o"])
        .arg(&out)
        .assert()
        .success();
    let (header, rows) = read_csv(&out);
    assert_eq!(
        header,
        ["source", "degree", "nodes", "recruiters", "hiring_managers"]
    );
    assert_eq!(rows.len(), 10 * 3);
    let adj = read_adjacency(&data("sample/edges.txt"));
    let roles: HashMap<String, String> = read_csv(&data("sample/roles.csv"))
        .1
        .into_iter()
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect();
    for row in &rows {
        let by = bfs_counts(&adj, &row[0], 3);
        let k: usize = row[1].parse().unwrap();
        let at = &by[k - 1];
        let count = |role: &str| {
            at.iter()
                .filter(|v| roles.get(*v).is_some_and(|r| r == role))
                .count()
        };
        assert_eq!(row[2], at.len().to_string(), "{row:?}");
        assert_eq!(row[3], count("recruiter").to_string(), "{row:?}");
        assert_eq!(row[4], count("hiring_manager").to_string(), "{row:?}");
    }
}

#[test]
fn strategies_add_columns_and_keep_the_invariants() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.csv");
    netreach()
        .args([
            "reach",
            "--graph",
            "data/sample/edges.txt",
            "--roles",
            "data/sample/roles.csv",
        ])
        .args([
            "--sample",
            "50",
            "--seed",
            "3",
            "--invitations",
            "data/sample/invitations.csv",
        ])
        .args([
            "--strategy",
            "refuse-all,accept-all,min-mutual:0,min-mutual:2",
            "-q",
            "-o",
        ])
        .arg(&out)
        .assert()
        .success()
        .stderr("");
    let (header, rows) = read_csv(&out);
    assert_eq!(
        header,
        [
            "source",
            "strategy",
            "accepted",
            "degree",
            "nodes",
            "recruiters",
            "hiring_managers"
        ]
    );
    assert_eq!(rows.len(), 50 * 4 * 3);
    // Group by (source, strategy): cumulative nodes up to 3.
    let mut cum: HashMap<(String, String), (u64, u64)> = HashMap::new();
    for r in &rows {
        let e = cum.entry((r[0].clone(), r[1].clone())).or_default();
        e.0 += r[4].parse::<u64>().unwrap();
        e.1 = r[2].parse().unwrap();
    }
    let mut some_accepted = false;
    for ((s, st), (nodes, accepted)) in &cum {
        let refuse = cum[&(s.clone(), "refuse-all".to_string())];
        let accept = cum[&(s.clone(), "accept-all".to_string())];
        assert_eq!(refuse.1, 0);
        assert!(*nodes >= refuse.0, "{s} {st}");
        assert!(accept.0 >= *nodes, "{s} {st}");
        if st == "min-mutual:0" {
            assert_eq!((*nodes, *accepted), accept, "min-mutual:0 is accept-all");
        }
        some_accepted |= *accepted > 0;
    }
    assert!(some_accepted);
}

#[test]
fn thread_counts_and_vertex_orders_write_identical_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let mut outputs = Vec::new();
    for (j, order) in [
        ("1", "given"),
        ("2", "given"),
        ("2", "degree"),
        ("1", "bfs"),
    ] {
        let out = dir.path().join(format!("r{j}-{order}.csv"));
        netreach()
            .args([
                "reach",
                "--graph",
                "data/sample/edges.txt",
                "--roles",
                "data/sample/roles.csv",
            ])
            .args([
                "--sample",
                "150",
                "--invitations",
                "data/sample/invitations.csv",
            ])
            .args(["--strategy", "accept-all,random:0.5", "--order", order])
            .args(["-j", j, "-q", "-o"])
            .arg(&out)
            .assert()
            .success();
        outputs.push(std::fs::read(&out).unwrap());
    }
    assert!(outputs[0].len() > 10_000);
    assert!(outputs.iter().all(|o| o == &outputs[0]));
}

#[test]
fn parquet_output_reads_back_with_the_same_rows() {
    let dir = tempfile::tempdir().unwrap();
    let (csv_out, pq_out) = (dir.path().join("r.csv"), dir.path().join("r.parquet"));
    for out in [&csv_out, &pq_out] {
        netreach()
            .args([
                "reach",
                "--graph",
                "data/sample/edges.txt",
                "--sources",
                "data/sample/sources.txt",
                "-q",
                "-o",
            ])
            .arg(out)
            .assert()
            .success();
    }
    let df = ParquetReader::new(std::fs::File::open(&pq_out).unwrap())
        .finish()
        .unwrap();
    let (_, rows) = read_csv(&csv_out);
    assert_eq!(df.height(), rows.len());
    let nodes: Vec<u64> = df
        .column("nodes")
        .unwrap()
        .u64()
        .unwrap()
        .into_no_null_iter()
        .collect();
    let want: Vec<u64> = rows.iter().map(|r| r[2].parse().unwrap()).collect();
    assert_eq!(nodes, want);
}

#[test]
fn gzip_konect_and_string_id_inputs_load() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.csv");
    netreach()
        .args(["stats", "--graph", "data/formats/edges.txt.gz"])
        .assert()
        .success()
        .stdout(predicates::str::contains("edges                  1194"));
    netreach()
        .args(["stats", "--graph", "data/formats/out.konect"])
        .assert()
        .success()
        .stdout(predicates::str::contains("edges                  5"));
    netreach()
        .args(["stats", "--graph", "data/formats/edges_weighted.csv"])
        .assert()
        .success()
        .stdout(predicates::str::contains("edges                  4"));
    let sources = dir.path().join("s.txt");
    std::fs::write(&sources, "ana\n").unwrap();
    netreach()
        .args([
            "reach",
            "--graph",
            "data/formats/edges_names.csv",
            "--roles",
            "data/formats/roles_names.csv",
            "--sources",
        ])
        .arg(&sources)
        .arg("-o")
        .arg(&out)
        .assert()
        .success()
        .stderr(predicates::str::contains(
            "1 row for nodes not in the graph",
        ));
    let (_, rows) = read_csv(&out);
    // ana - ben(recruiter) - "Carla, PhD"(hiring manager) - dev
    assert_eq!(rows[0], ["ana", "1", "1", "1", "0"]);
    assert_eq!(rows[1], ["ana", "2", "1", "0", "1"]);
    assert_eq!(rows[2], ["ana", "3", "1", "0", "0"]);
}

#[test]
fn every_subcommand_has_help_with_an_example() {
    for sub in ["run", "simulate", "chart", "reach", "stats", "generate"] {
        netreach()
            .args([sub, "--help"])
            .assert()
            .success()
            .stdout(predicates::str::contains("Example"));
    }
}

#[test]
fn a_graph_file_with_its_roles_gives_the_same_reach_as_the_text() {
    let dir = tempfile::tempdir().unwrap();
    let nrg = dir.path().join("sample.nrg");
    netreach()
        .args(["import", "graph", "data/sample/edges.txt"])
        .args(["--roles", "data/sample/roles.csv", "-v", "-o"])
        .arg(&nrg)
        .assert()
        .success()
        .stderr(predicates::str::contains("with roles"))
        // -v: the load's and the write's time, and the process's peak memory.
        .stderr(predicates::str::contains("; peak memory "));
    let run = |graph: &[&str], out: &str| {
        let out = dir.path().join(out);
        netreach()
            .arg("reach")
            .args(graph)
            .args(["--sources", "data/sample/sources.txt", "--invitations"])
            .args([
                "data/sample/invitations.csv",
                "--strategy",
                "refuse-all,accept-all",
            ])
            .arg("-o")
            .arg(&out)
            .assert()
            .success();
        std::fs::read(out).unwrap()
    };
    let text = run(
        &[
            "--graph",
            "data/sample/edges.txt",
            "--roles",
            "data/sample/roles.csv",
        ],
        "text.csv",
    );
    // The roles come from the graph file when --roles is left out.
    let nrg_arg = nrg.to_str().unwrap();
    assert_eq!(run(&["--graph", nrg_arg], "nrg.csv"), text);
    // A graph file under another name is recognised by its first bytes.
    let renamed = dir.path().join("sample.bin");
    std::fs::copy(&nrg, &renamed).unwrap();
    assert_eq!(
        run(&["--graph", renamed.to_str().unwrap()], "bin.csv"),
        text
    );
    // The output name must say .nrg (a usage error), and a damaged file is named.
    netreach()
        .args(["import", "graph", "data/sample/edges.txt", "-o"])
        .arg(dir.path().join("g.txt"))
        .assert()
        .code(2);
    let mut bytes = std::fs::read(&nrg).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x10;
    std::fs::write(&renamed, &bytes).unwrap();
    netreach()
        .args(["stats", "--graph"])
        .arg(&renamed)
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "sample.bin: expected a netreach graph file",
        ));
}
