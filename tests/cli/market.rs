//! Seekers who compete (`[market]`) end to end: offers beside leads in the
//! `leads`, `ties` and `summary` tables and the report, never above the leads,
//! identical for any thread count; bad `[market]` values named at their line.

use predicates::prelude::*;

use crate::common::{
    column, leads_experiment_with, netreach, read_csv, run_with_threads, simulate_refused,
};

/// The leads test experiment with `market` appended.
fn with_market(dir: &std::path::Path, market: &str) -> std::path::PathBuf {
    leads_experiment_with(dir, "market.toml", market)
}

#[test]
fn offers_sit_beside_leads_below_them_and_ignore_threads() {
    let dir = tempfile::tempdir().unwrap();
    let file = with_market(dir.path(), "[market]\nseekers = 0.3\nworlds = 128\n");
    let run = |name: &str, threads: &str| run_with_threads(&file, dir.path(), name, threads);
    let (one, two) = (run("one", "1"), run("two", "2"));
    let (h, leads) = read_csv(&one.join("leads.csv"));
    let (up, offers) = (
        column(&h, "expected_leads_up_to"),
        column(&h, "expected_offers_up_to"),
    );
    let f = |r: &Vec<String>, i: usize| r[i].parse::<f64>().unwrap();
    for r in &leads {
        assert!(
            f(r, offers) >= 0.0 && f(r, offers) <= f(r, up) + 1e-12,
            "{r:?}"
        );
    }
    assert!(leads.iter().any(|r| f(r, offers) > 0.0));
    let (th, ties) = read_csv(&one.join("ties.csv"));
    let (ml, mo) = (
        column(&th, "marginal_leads"),
        column(&th, "marginal_offers"),
    );
    column(&th, "standalone_offers");
    assert!(!ties.is_empty());
    for r in &ties {
        assert!(f(r, mo) >= 0.0 && f(r, mo) <= f(r, ml) + 1e-12, "{r:?}");
    }
    let summary = std::fs::read_to_string(one.join("summary.csv")).unwrap();
    assert!(summary.contains(",expected_offers,up_to_degree,3,"));
    // The span of the accepted ties' mutual connections, per strategy.
    let out = netreach()
        .args(["stats", "--mutual", "--ties"])
        .arg(&one)
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(text.contains("25+") && text.contains("fakes"), "{text}");
    let line = text.lines().find(|l| l.starts_with("accept-all")).unwrap();
    let numbers: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .map(|x| x.parse().unwrap())
        .collect();
    assert_eq!(numbers.len(), 9);
    let ties = ties
        .iter()
        .filter(|r| r[column(&th, "strategy")] == "accept-all")
        .count() as u64;
    assert_eq!(numbers[8], ties, "every accepted tie counted");
    assert_eq!(
        numbers[..8].iter().sum::<u64>(),
        ties,
        "bins and fakes add up"
    );
    let report = std::fs::read_to_string(one.join("report.md")).unwrap();
    assert!(report.contains("expected offers a week"), "{report}");
    for t in ["leads.csv", "ties.csv", "summary.csv"] {
        assert!(
            std::fs::read(one.join(t)).unwrap() == std::fs::read(two.join(t)).unwrap(),
            "{t} differs with -j 2"
        );
    }
}

#[test]
fn bad_market_values_are_named_at_their_line() {
    let dir = tempfile::tempdir().unwrap();
    for (market, said) in [
        (
            "[market]\nseekers = 1.5\n",
            "seekers: 1.5; expected a share",
        ),
        ("[market]\nseekers = 0\n", "seekers: 0; expected a share"),
        (
            "[market]\nworlds = 100\n",
            "worlds: 100; expected a multiple of 64",
        ),
        (
            "[market]\nworlds = 256\n",
            "from 64 to the leads' 128 worlds",
        ),
        ("[market]\nseeker = 0.2\n", "unknown field `seeker`"),
    ] {
        let file = with_market(dir.path(), market);
        simulate_refused(&file, dir.path())
            .stderr(predicate::str::contains("market.toml:").and(predicate::str::contains(said)));
        assert!(!dir.path().join("never").exists());
    }
    // A market without [leads]: offers need openings.
    let text = std::fs::read_to_string("data/test-experiments/leads.toml").unwrap();
    let cut = text.find("[leads]").unwrap();
    let end = text.find("[output]").unwrap();
    let file = dir.path().join("no-leads.toml");
    std::fs::write(&file, format!("{}{}[market]\n", &text[..cut], &text[end..])).unwrap();
    simulate_refused(&file, dir.path()).stderr(
        predicate::str::contains("market: offers need").and(predicate::str::contains("[leads]")),
    );
}
