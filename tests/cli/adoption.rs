//! Adoption (`[adoption] shares`) end to end: the `adoption` table with its
//! columns, share 0 equal to the per-person counterfactual byte for byte on
//! the shared columns, `refuse-all` adopted by everyone changing nothing,
//! identical for any thread count; the chart and the report's answer; bad
//! shares named at their line.

use predicates::prelude::*;

use crate::common::{
    column as at, leads_experiment_with, read_csv, run_with_threads, simulate_refused,
};

fn experiment(dir: &std::path::Path, extra: &str) -> std::path::PathBuf {
    leads_experiment_with(dir, "adoption.toml", extra)
}

#[test]
#[allow(clippy::too_many_lines)] // one run, read every way a user reads it
fn adoption_table_share_zero_and_answers() {
    let dir = tempfile::tempdir().unwrap();
    let file = experiment(
        dir.path(),
        "[market]\nseekers = 0.3\nworlds = 128\n\n[adoption]\nshares = [0.0, 0.5, 1.0]\n",
    );
    let run = |name: &str, threads: &str| run_with_threads(&file, dir.path(), name, threads);
    let (one, two) = (run("one", "1"), run("two", "2"));
    for t in ["adoption.csv", "adoption.parquet"] {
        assert!(
            std::fs::read(one.join(t)).unwrap() == std::fs::read(two.join(t)).unwrap(),
            "{t} differs with -j 2"
        );
    }
    let (h, rows) = read_csv(&one.join("adoption.csv"));
    assert_eq!(
        h,
        [
            "replicate",
            "person",
            "strategy",
            "share",
            "adopter",
            "week",
            "degree",
            "nodes_up_to",
            "recruiters_up_to",
            "hiring_managers_up_to",
            "expected_leads_up_to",
            "expected_offers_up_to"
        ]
    );
    // 3 shares × 3 strategies × 2 replicates × 15 people × 2 (adopter or not) × 3 degrees.
    assert_eq!(rows.len(), 3 * 3 * 2 * 15 * 2 * 3);
    // Share 0, adopters: the per-person counterfactual of the reach and leads tables.
    let key = |r: &Vec<String>, hh: &[String], deg: &str| {
        (
            r[at(hh, "replicate")].clone(),
            r[at(hh, "person")].clone(),
            r[at(hh, "strategy")].clone(),
            r[at(hh, deg)].clone(),
        )
    };
    let (rh, reach) = read_csv(&one.join("reach.csv"));
    let (lh, leads) = read_csv(&one.join("leads.csv"));
    let reach: std::collections::HashMap<_, _> = reach
        .iter()
        .filter(|r| r[at(&rh, "week")] == "4")
        .map(|r| (key(r, &rh, "degree"), r))
        .collect();
    let leads: std::collections::HashMap<_, _> = leads
        .iter()
        .filter(|r| r[at(&lh, "week")] == "4")
        .map(|r| (key(r, &lh, "hops"), r))
        .collect();
    let mut compared = 0;
    for r in rows
        .iter()
        .filter(|r| r[at(&h, "share")] == "0.0" && r[at(&h, "adopter")] == "true")
    {
        let k = key(r, &h, "degree");
        for c in ["nodes_up_to", "recruiters_up_to", "hiring_managers_up_to"] {
            assert_eq!(r[at(&h, c)], reach[&k][at(&rh, c)], "{c} {k:?}");
        }
        for c in ["expected_leads_up_to", "expected_offers_up_to"] {
            assert_eq!(r[at(&h, c)], leads[&k][at(&lh, c)], "{c} {k:?}");
        }
        compared += 1;
    }
    assert_eq!(compared, 3 * 2 * 15 * 3);
    // Everyone refusing adds nothing: refuse-all's rows are alike at every share.
    let refuse: std::collections::BTreeSet<Vec<String>> = rows
        .iter()
        .filter(|r| r[at(&h, "strategy")] == "refuse-all")
        .map(|r| {
            let mut v = r.clone();
            v[at(&h, "share")] = String::new();
            v
        })
        .collect();
    assert_eq!(
        refuse.len(),
        2 * 15 * 2 * 3,
        "refuse-all changes with the share"
    );
    // Following accept-all at share 1 puts the others' ties in everyone's
    // network: those who refuse reach more than at share 0.
    let mean = |share: &str, adopter: &str, c: &str| {
        let v: Vec<f64> = rows
            .iter()
            .filter(|r| {
                r[at(&h, "strategy")] == "accept-all"
                    && r[at(&h, "share")] == share
                    && r[at(&h, "adopter")] == adopter
                    && r[at(&h, "degree")] == "3"
            })
            .map(|r| r[at(&h, c)].parse().unwrap())
            .collect();
        v.iter().sum::<f64>() / v.len() as f64
    };
    assert!(mean("1.0", "false", "nodes_up_to") > mean("0.0", "false", "nodes_up_to"));
    assert!(
        mean("1.0", "false", "expected_leads_up_to") > mean("0.0", "false", "expected_leads_up_to")
    );
    assert!(one.join("charts").join("adoption.png").exists());
    let report = std::fs::read_to_string(one.join("report.md")).unwrap();
    assert!(
        report.contains("](charts/adoption.png)") && report.contains("Who pays"),
        "{report}"
    );
}

#[test]
fn bad_shares_are_named_at_their_line() {
    let dir = tempfile::tempdir().unwrap();
    for shares in ["[1.5]", "[0.5, 0.1]", "[]", "[-0.1, 0.5]"] {
        let file = experiment(dir.path(), &format!("[adoption]\nshares = {shares}\n"));
        simulate_refused(&file, dir.path()).stderr(
            predicate::str::contains("adoption.toml:")
                .and(predicate::str::contains("shares:"))
                .and(predicate::str::contains("expected ascending shares")),
        );
    }
    let file = experiment(dir.path(), "[adoption]\nshare = [0.5]\n");
    simulate_refused(&file, dir.path()).stderr(predicate::str::contains("unknown field `share`"));
}
