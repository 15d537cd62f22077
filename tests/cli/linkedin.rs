//! `netreach import linkedin` on invented exports in `data/linkedin/` that carry
//! every quirk of the real formats: counts, name matching, pseudonymization
//! (no name, email or profile URL in any output by default), and the outputs
//! going straight into `reach`.

use predicates::prelude::*;

use crate::common::{netreach, read_csv};

fn import(export: &str, out: &std::path::Path, extra: &[&str]) -> String {
    let a = netreach()
        .args(["import", "linkedin", export, "-o"])
        .arg(out)
        .args(extra)
        .assert()
        .success();
    let o = a.get_output();
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn summary(out: &std::path::Path, key: &str) -> u64 {
    let json = std::fs::read_to_string(out.join("import-summary.json")).unwrap();
    let line = json
        .lines()
        .find(|l| l.contains(&format!("\"{key}\"")))
        .unwrap_or_else(|| panic!("{key} missing"));
    line.split(':')
        .nth(1)
        .unwrap()
        .trim()
        .trim_end_matches(',')
        .parse()
        .unwrap()
}

/// Strings from the fixtures that must never leak by default.
const PRIVATE: &[&str] = &[
    "Ortiz",
    "Keller",
    "bruno@example.org",
    "Mejía",
    "mej%C3",
    "Nowak",
    "Sørensen",
    "Zahra",
    "Gita",
    "Hugo",
    "Ivy",
    "Pat",
    "linkedin.com",
    "Acme",
    "Globex",
    "Recruiter",
    "Kim",
    "alex.kim@example.com",
    "Noor",
    "Robin",
];

#[test]
fn a_2026_export_folder_and_its_zip_import_alike() {
    let dir = tempfile::tempdir().unwrap();
    for export in [
        "data/linkedin/export-2026",
        "data/linkedin/Complete_LinkedInDataExport_11-24-2026.zip",
    ] {
        let out = dir.path().join(export.rsplit('/').next().unwrap());
        let printed = import(export, &out, &[]);
        for (key, want) in [
            ("connections", 7),
            ("duplicates_merged", 1),
            ("hidden_rows", 1),
            ("recruiters", 2),
            ("hiring_managers", 2),
            ("invitations_incoming", 4),
            ("invitations_outgoing", 2),
            ("pending_incoming", 2),
            ("pending_outgoing", 1),
            ("ambiguous_matches", 0),
            ("unknown_directions", 1),
        ] {
            assert_eq!(summary(&out, key), want, "{export}: {key}");
        }
        // Privacy: nothing personal in any file or on the terminal.
        for entry in std::fs::read_dir(&out).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            for p in PRIVATE {
                assert!(!text.contains(p), "{} leaks {p:?}", path.display());
            }
        }
        for p in PRIVATE {
            assert!(!printed.contains(p), "terminal output leaks {p:?}");
        }
        let (header, rows) = read_csv(&out.join("invitations.csv"));
        assert_eq!(header, ["to", "from", "direction", "sent_at"]);
        assert_eq!(rows.len(), 3);
        assert!(
            rows.iter()
                .any(|r| r[2] == "outgoing" && r[3] == "2026-03-19T07:48")
        );
    }
}

#[test]
fn pseudonyms_are_stable_in_one_folder_and_names_are_kept_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("me");
    import("data/linkedin/export-2026", &out, &[]);
    let first = std::fs::read_to_string(out.join("nodes.csv")).unwrap();
    import("data/linkedin/export-2026", &out, &["--force"]);
    assert_eq!(
        first,
        std::fs::read_to_string(out.join("nodes.csv")).unwrap()
    );
    let named = dir.path().join("named");
    import("data/linkedin/export-2026", &named, &["--keep-names"]);
    let (header, rows) = read_csv(&named.join("nodes.csv"));
    assert_eq!(&header[..4], ["node", "role", "kind", "connected_on"]);
    assert!(header.contains(&"email".to_string()));
    assert!(
        rows.iter()
            .any(|r| r.contains(&"Bruno Keller, Ph.D.".to_string()))
    );
    assert!(
        rows.iter()
            .any(|r| r.contains(&"Engineering Manager, Payments\n(EMEA)".to_string()))
    );
}

#[test]
fn an_old_export_matches_by_name_and_reports_ambiguity() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("old");
    import("data/linkedin/export-2018", &out, &[]);
    for (key, want) in [
        ("connections", 4),
        ("hidden_rows", 1),
        ("recruiters", 2),
        ("hiring_managers", 2),
        ("ambiguous_matches", 1),
        ("pending_incoming", 1),
        ("pending_outgoing", 0),
    ] {
        assert_eq!(summary(&out, key), want, "{key}");
    }
    let excel = dir.path().join("excel");
    import("data/linkedin/export-excel", &excel, &[]);
    assert_eq!(summary(&excel, "connections"), 2);
    assert_eq!(summary(&excel, "windows_1252_files"), 1);
    assert_eq!(
        (
            summary(&excel, "recruiters"),
            summary(&excel, "hiring_managers")
        ),
        (1, 1)
    );
}

#[test]
fn imported_files_go_into_reach_and_custom_rules_apply() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("me");
    import(
        "data/linkedin/export-2026",
        &out,
        &["--rules", "data/linkedin/rules.toml"],
    );
    assert_eq!(summary(&out, "recruiters"), 2);
    let sources = dir.path().join("s.txt");
    std::fs::write(&sources, "owner\n").unwrap();
    let reach = dir.path().join("r.csv");
    netreach()
        .args(["reach", "--graph"])
        .arg(out.join("edges.csv"))
        .arg("--roles")
        .arg(out.join("nodes.csv"))
        .arg("--sources")
        .arg(&sources)
        .arg("-o")
        .arg(&reach)
        .assert()
        .success();
    let (_, rows) = read_csv(&reach);
    assert_eq!(rows[0], ["owner", "1", "7", "2", "2"]);
}

#[test]
fn a_folder_without_connections_is_an_error() {
    netreach()
        .args(["import", "linkedin", "data/sample", "-o"])
        .arg(tempfile::tempdir().unwrap().path().join("x"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "expected a LinkedIn export holding Connections.csv",
        ));
}

#[test]
fn advise_gives_labelled_model_estimates_from_an_import() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("me");
    import("data/linkedin/export-2026", &out, &[]);
    netreach()
        .args(["advise"])
        .arg(&out)
        .args([
            "--population",
            "3000",
            "--avg-degree",
            "20",
            "--replicates",
            "3",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("Model estimates"))
        .stdout(predicate::str::contains("accept all 2 pending"))
        // 3,000 people at 20 connections each: the 3rd degree covers much of a
        // population, and advise says so.
        .stdout(predicate::str::contains("of each population"))
        .stdout(predicate::str::contains(
            "saturated: within 3 degrees you reach",
        ));
    let (header, rows) = read_csv(&out.join("advice.csv"));
    assert_eq!(
        header,
        [
            "scenario",
            "measure",
            "within",
            "mean",
            "p10",
            "p90",
            "replicates",
            "estimate"
        ]
    );
    assert!(rows.iter().all(|r| r[7] == "model"));
    // What people read is rounded: at most two decimals, no float noise.
    for r in &rows {
        for v in &r[3..6] {
            let decimals = v.split('.').nth(1).map_or(0, str::len);
            assert!(decimals <= 2 && v.parse::<f64>().is_ok(), "{v} in {r:?}");
        }
    }
    // no change, accept all, three kinds of inviter; 3 measures within 2 and 3.
    assert_eq!(rows.len(), 5 * 6);
    assert!(
        std::fs::read(out.join("advice.png"))
            .unwrap()
            .starts_with(b"\x89PNG")
    );
    netreach()
        .args(["advise", "data/sample"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("netreach import linkedin"));
}

#[test]
fn advise_on_a_whole_graph_ranks_pending_invitations_greedily() {
    let dir = tempfile::tempdir().unwrap();
    crate::common::advise_on_sample("3439")
        .args(["--top", "4", "-o"])
        .arg(dir.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("(exact)"));
    let (header, rows) = read_csv(&dir.path().join("advice.csv"));
    assert_eq!(header[..4], ["rank", "inviter", "mutual", "role"]);
    assert!(!rows.is_empty() && rows.len() <= 4);
    // Cumulative reach within 3 never drops along the ranking; each pick adds
    // exactly the difference.
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (cum, add) = (col("recruiters_within_3"), col("added_recruiters_3"));
    for w in rows.windows(2) {
        let (a, b): (u64, u64) = (w[0][cum].parse().unwrap(), w[1][cum].parse().unwrap());
        assert_eq!(b - a, w[1][add].parse::<u64>().unwrap());
    }
    assert!(rows.iter().all(|r| r.last().unwrap() == "exact"));
    let png = std::fs::read(dir.path().join("advice.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG"));
}

#[test]
fn advise_with_no_pending_invitation_says_so_and_draws_no_chart() {
    let dir = tempfile::tempdir().unwrap();
    crate::common::advise_on_sample("1007")
        .arg("-o")
        .arg(dir.path())
        .assert()
        .success()
        .stdout(
            predicate::str::contains("no pending invitations")
                .and(predicate::str::contains("nothing to rank")),
        );
    let (_, rows) = read_csv(&dir.path().join("advice.csv"));
    assert!(rows.is_empty());
    assert!(!dir.path().join("advice.png").exists());
}

/// An import's `nodes.csv` names each connection's firm from the export's
/// Company column (pseudonymous: the company group) and reads as a nodes
/// table: `advise --graph … --nodes … --leads` ranks the owner's pending
/// invitations with those firms.
#[test]
fn an_import_gives_each_connection_its_firm() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("me");
    import("data/linkedin/export-2026", &out, &[]);
    let (header, rows) = read_csv(&out.join("nodes.csv"));
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (firm, industry, group) = (col("firm"), col("industry"), col("company_group"));
    let with_firm: Vec<&Vec<String>> = rows.iter().filter(|r| !r[firm].is_empty()).collect();
    assert!(
        with_firm.len() > 5,
        "{} connections with a firm",
        with_firm.len()
    );
    assert!(
        with_firm
            .iter()
            .all(|r| r[firm] == r[group] && r[industry] == "unknown")
    );
    netreach()
        .args([
            "advise", "-q", "--leads", "--worlds", "256", "--person", "owner", "--graph",
        ])
        .arg(out.join("edges.csv"))
        .arg("--nodes")
        .arg(out.join("nodes.csv"))
        .arg("--invitations")
        .arg(out.join("invitations.csv"))
        .arg("-o")
        .arg(dir.path().join("advice"))
        .assert()
        .success();
    assert!(dir.path().join("advice").join("advice.csv").exists());
}
