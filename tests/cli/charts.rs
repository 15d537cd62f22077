//! Charts and report: every chart is a valid, non-blank PNG or SVG of report size
//! with the expected number of series, and report.md links every chart.

use std::collections::BTreeSet;
use std::path::Path;

use predicates::prelude::*;

use crate::common::netreach;

/// Decodes a PNG; returns (width, height, distinct colours among sampled pixels).
fn png_facts(path: &Path) -> (u32, u32, usize) {
    let decoder = png::Decoder::new(std::fs::File::open(path).unwrap());
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let px = info.color_type.samples();
    let colours: BTreeSet<&[u8]> = buf[..info.buffer_size()].chunks(px).step_by(97).collect();
    (info.width, info.height, colours.len())
}

fn series_reported(stderr: &str, chart: &str) -> usize {
    let line = stderr
        .lines()
        .find(|l| l.contains(&format!("{chart}.")))
        .unwrap_or_else(|| panic!("{chart} not written:\n{stderr}"));
    let n = line
        .rsplit('(')
        .next()
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap();
    n.parse().unwrap()
}

#[test]
#[allow(clippy::too_many_lines)] // one run, every chart and table it draws from
fn run_draws_every_chart_and_links_them_in_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let (out, _) = crate::common::quick_run();
    let charts = out.join("charts");
    let mut names: Vec<String> = std::fs::read_dir(&charts)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "by_connections.png",
            "cost_benefit.png",
            "degrees.png",
            "distribution.png",
            "leads.png",
            "over_time.png",
            "strategies.png",
            "sweep.png",
            "tie_value.png"
        ]
    );
    for n in &names {
        let (w, h, colours) = png_facts(&charts.join(n));
        assert_eq!((w, h), (1600, 1000), "{n}");
        assert!(colours > 5, "{n} looks blank: {colours} colours");
    }
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    for n in &names {
        assert!(
            report.contains(&format!("](charts/{n})")),
            "report does not link {n}"
        );
    }
    assert!(
        report.contains("accept-all") && report.contains("95% CI"),
        "{report}"
    );
    // Answers by connection count: every studied person falls in one bin, and
    // the report gives each bin with its people.
    let (h, rows) = crate::common::read_csv(&out.join("by_connections.csv"));
    assert_eq!(
        h,
        [
            "strategy",
            "sweep_value",
            "week",
            "connections_bin",
            "people",
            "measure",
            "scope",
            "degree",
            "mean",
            "ci_low",
            "ci_high",
            "median"
        ]
    );
    let people: u64 = rows
        .iter()
        .filter(|r| {
            r[0] == "refuse-all"
                && r[2] == "12"
                && r[5] == "recruiters"
                && r[6] == "up_to_degree"
                && r[7] == "3"
        })
        .map(|r| r[4].parse::<u64>().unwrap())
        .sum();
    assert_eq!(people, 200);
    assert!(
        report.contains("depends on how many connections a person already has")
            && report.contains("with <12 connections ("),
        "{report}"
    );
    // Redraw as SVG from the saved tables alone, into another folder.
    let svg = dir.path().join("svg");
    let a = netreach()
        .args(["chart"])
        .arg(out)
        .args(["--format", "svg", "-o"])
        .arg(&svg)
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    // 6 strategies plus a 5-point sweep drawn apart; strategies and sweep: 2
    // degrees × 2 roles; leads: 3 hops and the chance of any; tie_value: two
    // panels; degrees: one point series.
    for (chart, series) in [
        ("strategies", 4),
        ("sweep", 4),
        ("distribution", 6),
        ("over_time", 6),
        ("cost_benefit", 6),
        ("leads", 4),
        ("tie_value", 2),
        ("degrees", 1),
    ] {
        assert_eq!(series_reported(&stderr, chart), series, "{chart}");
        let text = std::fs::read_to_string(svg.join(format!("{chart}.svg"))).unwrap();
        assert!(
            text.starts_with("<svg")
                && text.contains("width=\"1600\"")
                && text.contains("height=\"1000\""),
            "{chart}"
        );
        // Text is drawn as glyph outlines: no <text>, no font for a viewer to
        // substitute; the title alone is dozens of subpaths.
        assert!(
            !text.contains("<text") && !text.contains("font-family"),
            "{chart}"
        );
        assert!(
            text.matches("<path d=\"M").count() >= 10,
            "{chart}.svg has no text"
        );
    }
}

#[test]
fn a_sweep_gets_its_chart_with_one_line_per_degree_and_role() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sweep");
    netreach()
        .args(["run", "data/test-experiments/sweep.toml", "-q", "-o"])
        .arg(&out)
        .assert()
        .success();
    let (w, h, colours) = png_facts(&out.join("charts/sweep.png"));
    assert_eq!((w, h), (1600, 1000));
    assert!(colours > 5);
    netreach()
        .args(["chart"])
        .arg(&out)
        .assert()
        .success()
        .stderr(predicate::str::contains("sweep.png (4 series)"));
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        report.contains("](charts/sweep.png)") && report.contains("half of that change"),
        "{report}"
    );
}

#[test]
fn stats_draws_the_degree_distribution_and_chart_refuses_a_non_results_folder() {
    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("deg.png");
    netreach()
        .args(["stats", "--graph", "data/sample/edges.txt", "--chart"])
        .arg(&png)
        .assert()
        .success();
    assert_eq!(png_facts(&png).0, 1600);
    netreach()
        .args(["chart", "data/sample"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "expected a results folder with summary.parquet or summary.csv",
        ));
    netreach()
        .args([
            "stats",
            "--graph",
            "data/sample/edges.txt",
            "--chart",
            "x.gif",
        ])
        .assert()
        .code(2);
}
