//! Job leads end to end: an experiment with `[leads]` writes the `leads` and
//! `ties` tables with one row per observation and hop count and one per tie
//! accepted by the last week, identical for any thread count; draws the leads
//! and tie-value charts and reports them; a rerun without `[leads]` leaves no
//! stale leads behind.

use predicates::prelude::*;

use crate::common::{advise_on_sample, column, netreach, read_csv};

const EXPERIMENT: &str = "data/test-experiments/leads.toml";

#[test]
#[allow(clippy::too_many_lines)] // one run, read every way a user reads it
fn leads_tables_charts_and_report() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("one");
    netreach()
        .args(["run", EXPERIMENT, "-q", "-j", "1", "-o"])
        .arg(&out)
        .assert()
        .success();
    let (h, leads) = read_csv(&out.join("leads.csv"));
    assert_eq!(
        h,
        [
            "replicate",
            "person",
            "strategy",
            "sweep_value",
            "week",
            "hops",
            "expected_leads",
            "expected_leads_up_to",
            "p_any_up_to"
        ]
    );
    // 2 replicates × 15 people × 3 strategies × 4 weeks × 3 hops.
    assert_eq!(leads.len(), 2 * 15 * 3 * 4 * 3);
    let (at, up, p) = (
        column(&h, "expected_leads"),
        column(&h, "expected_leads_up_to"),
        column(&h, "p_any_up_to"),
    );
    let f = |r: &Vec<String>, i: usize| r[i].parse::<f64>().unwrap();
    for rows in leads.chunks(3) {
        // Cumulative over hops, probabilities in [0, 1] and rising.
        let mut sum = 0.0;
        for (k, r) in rows.iter().enumerate() {
            assert_eq!(r[column(&h, "hops")], (k + 1).to_string());
            sum += f(r, at);
            assert!((f(r, up) - sum).abs() < 1e-9);
            assert!((0.0..=1.0).contains(&f(r, p)));
        }
        assert!(f(&rows[2], p) >= f(&rows[0], p));
    }
    assert!(leads.iter().any(|r| f(r, at) > 0.0));
    // One tie row per invitation accepted by the last week.
    let (ph, people) = read_csv(&out.join("people.csv"));
    let accepted: u64 = people
        .iter()
        .filter(|r| r[column(&ph, "week")] == "4")
        .map(|r| r[column(&ph, "accepted")].parse::<u64>().unwrap())
        .sum();
    let (th, ties) = read_csv(&out.join("ties.csv"));
    assert_eq!(ties.len() as u64, accepted);
    assert!(accepted > 0);
    for name in [
        "inviter",
        "mutual",
        "fake",
        "inviter_connections",
        "marginal_leads",
    ] {
        column(&th, name);
    }
    let m = column(&th, "marginal_leads");
    assert!(ties.iter().all(|r| r[m].parse::<f64>().unwrap() >= 0.0));
    // Summary measures, charts and report.
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    assert!(
        summary.contains(",expected_leads,up_to_degree,3,") && summary.contains(",p_any_lead,")
    );
    for chart in ["leads.png", "tie_value.png"] {
        assert!(out.join("charts").join(chart).exists(), "{chart}");
    }
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(report.contains("](charts/leads.png)") && report.contains("expected job leads"));
    assert!(report.contains("](charts/tie_value.png)"));
    // The same tables with two threads.
    let two = dir.path().join("two");
    netreach()
        .args(["simulate", EXPERIMENT, "-q", "-j", "2", "-o"])
        .arg(&two)
        .assert()
        .success();
    for t in ["leads.csv", "ties.csv", "leads.parquet", "summary.csv"] {
        assert!(
            std::fs::read(out.join(t)).unwrap() == std::fs::read(two.join(t)).unwrap(),
            "{t} differs with -j 2"
        );
    }
    // Rerun without [leads] into the same folder: no stale leads remain.
    let text = std::fs::read_to_string(EXPERIMENT).unwrap();
    let cut = text.find("[leads]").unwrap();
    let end = text.find("[output]").unwrap();
    let plain = dir.path().join("plain.toml");
    std::fs::write(&plain, format!("{}{}", &text[..cut], &text[end..])).unwrap();
    netreach()
        .args(["run", "-q", "--force", "-o"])
        .arg(&out)
        .arg(&plain)
        .assert()
        .success();
    for gone in [
        "leads.csv",
        "ties.csv",
        "leads.parquet",
        "ties.parquet",
        "charts/leads.png",
    ] {
        assert!(!out.join(gone).exists(), "{gone} left behind");
    }
}

#[test]
fn advise_ranks_pending_invitations_by_expected_leads() {
    let dir = tempfile::tempdir().unwrap();
    let a = advise_on_sample("3439")
        .args(["--leads", "-o"])
        .arg(dir.path())
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&a.get_output().stdout).into_owned();
    assert!(
        stdout.contains("expected job leads a week within 3 ties"),
        "{stdout}"
    );
    let (h, rows) = read_csv(&dir.path().join("advice.csv"));
    assert_eq!(
        h,
        [
            "rank",
            "inviter",
            "mutual",
            "role",
            "inviter_connections",
            "marginal_leads",
            "estimate"
        ]
    );
    assert_eq!(rows.len(), 8, "every pending invitation of 3439");
    let values: Vec<f64> = rows.iter().map(|r| r[5].parse().unwrap()).collect();
    assert!(values.windows(2).all(|w| w[0] >= w[1]), "{values:?}");
    assert!(values[0] > 0.0);
    assert!(!dir.path().join("advice.png").exists());
    // Worlds come in words of 64.
    advise_on_sample("3439")
        .args(["--leads", "--worlds", "100", "-o"])
        .arg(dir.path().join("x"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "--worlds 100: expected a multiple of 64",
        ));
}

/// A network read from files with a `nodes` table (as `netreach generate`
/// writes it) has firms: an experiment reads them through `[graph] nodes`, and
/// its leads differ from the same files without firms (every person their own
/// firm). Bad tables are errors naming the file and line.
#[test]
#[allow(clippy::too_many_lines)] // one generated network, read every way that takes firms
fn a_nodes_table_gives_an_experiment_its_firms() {
    let dir = tempfile::tempdir().unwrap();
    let net = dir.path().join("net");
    netreach()
        .args([
            "generate",
            "--model",
            "holme-kim",
            "--nodes",
            "2000",
            "--avg-degree",
            "8",
        ])
        .args(["--seed", "4", "--format", "csv", "-q", "-o"])
        .arg(&net)
        .assert()
        .success();
    let (h, rows) = read_csv(&net.join("nodes.csv"));
    assert_eq!(h[..4], ["node", "role", "firm", "industry"]);
    let firms: std::collections::HashSet<&str> = rows.iter().map(|r| r[2].as_str()).collect();
    assert!(
        firms.len() > 10 && firms.len() < 2000,
        "{} firms",
        firms.len()
    );
    let experiment = |nodes: &str| {
        format!(
            "name = \"files\"\nseed = 2\nreplicates = 1\nmax_degree = 3\nstrategies = [\"refuse-all\", \"accept-all\"]\n\
             [graph]\nedges = \"{}\"\n{nodes}\n[people]\nsample = 10\n\
             [invitations]\nweeks = 2\nper_week = 2.0\nfriends_of_friends = 1.0\n\
             [leads]\nworlds = 64\n[output]\nformats = [\"csv\"]\n",
            net.join("edges.csv").display()
        )
    };
    let run = |name: &str, text: &str| {
        let file = dir.path().join(format!("{name}.toml"));
        std::fs::write(&file, text).unwrap();
        let out = dir.path().join(name);
        netreach()
            .args(["simulate", "-q"])
            .arg(&file)
            .arg("-o")
            .arg(&out)
            .assert()
            .success();
        read_csv(&out.join("summary.csv"))
    };
    let nodes = format!("nodes = \"{}\"", net.join("nodes.csv").display());
    let roles = format!("roles = \"{}\"", net.join("nodes.csv").display());
    let measure = |(h, rows): &(Vec<String>, Vec<Vec<String>>), m: &str| -> f64 {
        let (mc, mean) = (column(h, "measure"), column(h, "mean"));
        let row = rows.iter().find(|r| r[mc] == m);
        row.unwrap_or_else(|| panic!("no {m}"))[mean]
            .parse()
            .unwrap()
    };
    let with_firms = run("firms", &experiment(&nodes));
    let without = run("singletons", &experiment(&roles));
    let connected = measure(&with_firms, "hiring_firm_connected");
    assert!(connected > 0.0 && connected < 1.0, "{connected}");
    let (a, b) = (
        measure(&with_firms, "expected_leads"),
        measure(&without, "expected_leads"),
    );
    assert!((a - b).abs() > 1e-9, "firms change the leads: {a} and {b}");
    // A graph file made with --nodes stores the firms: the experiment on it,
    // without a nodes table, gives the same summary; `stats` reports the firms
    // from either.
    let nrg = dir.path().join("net.nrg");
    netreach()
        .args(["import", "graph", "-q"])
        .arg(net.join("edges.csv"))
        .arg("--nodes")
        .arg(net.join("nodes.csv"))
        .arg("-o")
        .arg(&nrg)
        .assert()
        .success();
    let from_file = run(
        "stored",
        &experiment("").replace(
            &format!("edges = \"{}\"", net.join("edges.csv").display()),
            &format!("edges = \"{}\"", nrg.display()),
        ),
    );
    assert_eq!(from_file, with_firms);
    let firm_lines = |args: &[&std::path::Path]| {
        let out = netreach()
            .args(["stats", "-q", "--graph"])
            .args(args)
            .assert()
            .success();
        let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
        let lines: Vec<String> = text
            .lines()
            .filter(|l| l.starts_with("firm") || l.starts_with("inside a firm"))
            .map(str::to_string)
            .collect();
        assert_eq!(lines.len(), 3, "{text}");
        lines
    };
    let nodes_path = net.join("nodes.csv");
    assert_eq!(
        firm_lines(&[&nrg]),
        firm_lines(&[
            &net.join("edges.csv"),
            std::path::Path::new("--nodes"),
            &nodes_path
        ])
    );
    // `advise --leads` takes the same table with --nodes: the firms change
    // what each invitation is worth.
    std::fs::write(
        dir.path().join("invitations.csv"),
        "to,from\n5,1500\n5,1600\n5,1700\n",
    )
    .unwrap();
    let advise = |extra: &[&str], name: &str| {
        let out = dir.path().join(name);
        netreach()
            .args([
                "advise", "-q", "--leads", "--worlds", "1024", "--person", "5", "--graph",
            ])
            .arg(net.join("edges.csv"))
            .arg("--invitations")
            .arg(dir.path().join("invitations.csv"))
            .args(extra)
            .arg("-o")
            .arg(&out)
            .assert()
            .success();
        let (h, rows) = read_csv(&out.join("advice.csv"));
        let m = column(&h, "marginal_leads");
        let mut values: Vec<String> = rows.iter().map(|r| r[m].clone()).collect();
        values.sort();
        values
    };
    let nodes_csv = net.join("nodes.csv").display().to_string();
    let firmly = advise(&["--nodes", &nodes_csv], "advice-firms");
    let alone = advise(&["--roles", &nodes_csv], "advice-singletons");
    assert_eq!(firmly.len(), 3);
    assert_ne!(firmly, alone);
    // Bad tables: exit 1, one sentence naming the file and line.
    for (table, said) in [
        (
            "node,role,firm\n1,,a\n",
            "expected a header line with columns node and industry",
        ),
        (
            "node,role,firm,industry\n1,,a,x\n2,,b,\n",
            "nodes.csv:3: expected an industry for firm b",
        ),
        (
            "node,role,firm,industry\n1,,a,x\n1,,a,x\n",
            "nodes.csv:3: expected each node once",
        ),
        (
            "node,role,firm,industry\n1,,a,x\n2,,a,y\n",
            "nodes.csv:3: expected firm a in one industry",
        ),
    ] {
        let bad = dir.path().join("bad");
        std::fs::create_dir_all(&bad).unwrap();
        std::fs::write(bad.join("nodes.csv"), table).unwrap();
        let file = dir.path().join("bad.toml");
        let text = experiment(&format!("nodes = \"{}\"", bad.join("nodes.csv").display()));
        std::fs::write(&file, text).unwrap();
        netreach()
            .args(["simulate", "-q"])
            .arg(&file)
            .arg("-o")
            .arg(dir.path().join("bad-out"))
            .assert()
            .code(1)
            .stderr(predicates::str::contains(said))
            .stderr(predicates::str::contains("panicked").not());
        assert!(!dir.path().join("bad-out").join("summary.csv").exists());
    }
}
