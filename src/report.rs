//! Report: a short Markdown report over a results folder's tables and charts: the
//! experiment, the network, and every chart with one or two sentences of findings
//! computed from the numbers. The last stage of the pipeline, beside
//! [`crate::charts`]; like the charts it reads only saved tables.

use std::fmt::Write as _;
use std::path::Path;

use crate::charts::{Chart, ChartKind, ExperimentChart};
use crate::error::Result;
use crate::output::{Overwrite, write_text};
use crate::results::summary::{Estimate, SavedResults};
use crate::results::{Measure, Scope};
use crate::stats::quantile;
use crate::words::{percent, plural, thousands};

mod adoption;
mod leads;

use leads::{leads_findings, tie_findings};

/// One decimal, with thousands separators for large values.
fn num(v: f64) -> String {
    if v.abs() >= 100.0 {
        thousands(v)
    } else {
        format!("{v:.1}")
    }
}

fn ci(e: Estimate) -> String {
    if e.low.is_finite() && e.high.is_finite() {
        format!("{} (95% CI {} to {})", num(e.mean), num(e.low), num(e.high))
    } else {
        num(e.mean)
    }
}

/// The network facts recorded in `network.*`, as one sentence, if present.
fn network_sentence(d: &SavedResults) -> Option<String> {
    let n = d.network.as_ref()?;
    Some(format!(
        "{} ({}), {}, {} and {}; {} added; {} studied.",
        plural(n.people, "person", "people"),
        n.source,
        plural(n.edges, "connection", "connections"),
        plural(n.recruiters, "recruiter", "recruiters"),
        plural(n.hiring_managers, "hiring manager", "hiring managers"),
        plural(n.fake_accounts, "fake account", "fake accounts"),
        plural(n.studied, "person", "people")
    ))
}

/// Finding sentences for one chart.
#[allow(clippy::too_many_lines)] // one arm per chart, each a few sentences
fn findings(chart: ExperimentChart, d: &SavedResults) -> String {
    let top = d.summary.max_degree;
    let top_degrees = plural(u64::from(top), "degree", "degrees");
    let last = d.summary.last_week();
    let rec = |s: usize| {
        d.summary
            .at_last(s, Measure::Recruiters, Scope::UpToDegree, Some(top))
    };
    let hm = |s: usize| {
        d.summary
            .at_last(s, Measure::HiringManagers, Scope::UpToDegree, Some(top))
    };
    let by = |f: &dyn Fn(usize) -> Option<Estimate>| -> Vec<(usize, Estimate)> {
        let mut v: Vec<_> = d
            .summary
            .main_strategies()
            .into_iter()
            .filter_map(|s| f(s).map(|x| (s, x)))
            .collect();
        v.sort_by(|a, b| b.1.mean.total_cmp(&a.1.mean));
        v
    };
    let name = |s: usize| format!("`{}`", d.summary.strategies[s]);
    let refuse = d.summary.strategies.iter().position(|s| s == "refuse-all");
    match chart {
        ExperimentChart::Strategies => {
            let r = by(&rec);
            let h = by(&hm);
            let (Some(best), Some(worst)) = (r.first(), r.last()) else {
                return String::new();
            };
            let mut out = format!(
                "By week {last}, {} reaches the most recruiters within {top_degrees}: {} per person, against {} for {}.",
                name(best.0),
                ci(best.1),
                num(worst.1.mean),
                name(worst.0)
            );
            if let Some(hb) = h.first() {
                let _ = write!(
                    out,
                    " For hiring managers the lead is {} with {}.",
                    name(hb.0),
                    ci(hb.1)
                );
            }
            let two = Some(2.min(top));
            // With a largest degree of 2 the first sentence already said it.
            if top > 2
                && let (Some(b), Some(two_best)) = (
                    refuse,
                    by(&|s| {
                        d.summary
                            .at_last(s, Measure::Recruiters, Scope::UpToDegree, two)
                    })
                    .first(),
                )
                && let Some(base) =
                    d.summary
                        .at_last(b, Measure::Recruiters, Scope::UpToDegree, two)
                && base.mean > 0.0
            {
                let _ = write!(
                    out,
                    " Within 2 degrees, where an introduction is one message away, {} multiplies refuse-all's {} recruiters by {:.2}.",
                    name(two_best.0),
                    num(base.mean),
                    two_best.1.mean / base.mean
                );
            }
            if r.len() > 2 {
                let ranked: Vec<String> = r
                    .iter()
                    .map(|(s, e)| format!("{} {}", name(*s), num(e.mean)))
                    .collect();
                let _ = write!(
                    out,
                    " Every strategy, recruiters within {top_degrees}: {}.",
                    ranked.join(", ")
                );
            }
            out
        }
        ExperimentChart::Sweep => {
            let mut pts: Vec<(f64, f64)> = d
                .summary
                .sweep
                .iter()
                .enumerate()
                .filter_map(|(s, v)| Some((v.as_ref().copied()?, rec(s)?.mean)))
                .collect();
            pts.sort_by(|a, b| a.0.total_cmp(&b.0));
            let (Some(first), Some(lastp)) = (pts.first(), pts.last()) else {
                return String::new();
            };
            let half = first.1 + (lastp.1 - first.1) / 2.0;
            let at_half = pts
                .iter()
                .find(|p| (p.1 - half) * (lastp.1 - first.1).signum() >= 0.0)
                .map_or(lastp.0, |p| p.0);
            format!(
                "Recruiters within {top_degrees} go from {} at {} to {} at {}; half of that change is reached by {}.",
                num(first.1),
                first.0,
                num(lastp.1),
                lastp.0,
                at_half
            )
        }
        ExperimentChart::Distribution => {
            let med = |s: usize| -> Option<f64> {
                let mut v = d.recruiters_within_max.get(s)?.clone();
                (!v.is_empty()).then(|| quantile(&mut v, 0.5))
            };
            let r = by(&rec);
            let (Some(best), Some(worst)) = (r.first(), r.last()) else {
                return String::new();
            };
            let p10 = |s: usize| {
                let mut v = d.recruiters_within_max[s].clone();
                if v.is_empty() {
                    f64::NAN
                } else {
                    quantile(&mut v, 0.1)
                }
            };
            format!(
                "The median person reaches {} recruiters within {top_degrees} under {} and {} under {}; the worst-placed tenth reach at most {} and {}.",
                num(med(best.0).unwrap_or(f64::NAN)),
                name(best.0),
                num(med(worst.0).unwrap_or(f64::NAN)),
                name(worst.0),
                num(p10(best.0)),
                num(p10(worst.0)),
            )
        }
        ExperimentChart::OverTime => {
            let r = by(&rec);
            let Some(best) = r.first() else {
                return String::new();
            };
            let first_week = d.summary.weeks[0];
            let start = d
                .summary
                .get(
                    best.0,
                    first_week,
                    Measure::Recruiters,
                    Scope::UpToDegree,
                    Some(top),
                )
                .map_or(f64::NAN, |v| v.mean);
            let mid_week = d.summary.weeks[d.summary.weeks.len() / 2];
            let mid = d
                .summary
                .get(
                    best.0,
                    mid_week,
                    Measure::Recruiters,
                    Scope::UpToDegree,
                    Some(top),
                )
                .map_or(f64::NAN, |v| v.mean);
            let share = if best.1.mean > start {
                100.0 * (mid - start) / (best.1.mean - start)
            } else {
                100.0
            };
            let mut out = format!(
                "Under {} recruiters within {top_degrees} grow from {} in week {first_week} to {} in week {last}; {:.0}% of that growth is in place by week {mid_week}.",
                name(best.0),
                num(start),
                num(best.1.mean),
                share
            );
            if let Some(b) = refuse.and_then(|b| rec(b).map(|v| (b, v))) {
                let _ = write!(
                    out,
                    " {} stays at {}, the base network.",
                    name(b.0),
                    num(b.1.mean)
                );
            }
            out
        }
        ExperimentChart::CostBenefit => {
            let g = d.summary.gains();
            let Some(most) = g.iter().max_by(|a, b| a.2.total_cmp(&b.2)) else {
                return String::new();
            };
            let mut out = format!(
                "{} gains the most, {} recruiters within {top_degrees}, while accepting {:.1} fake accounts per person.",
                name(most.0),
                num(most.2),
                most.1
            );
            // A cleaner alternative is worth a sentence only when the leader
            // accepted fakes and the alternative is a different strategy.
            let clean = g
                .iter()
                .filter(|p| p.0 != most.0 && p.1 < 0.05 && p.2 > 0.0)
                .max_by(|a, b| a.2.total_cmp(&b.2));
            if most.1 >= 0.05
                && let Some(best_clean) = clean
            {
                let _ = write!(
                    out,
                    " Among strategies accepting almost no fake account (under 0.05 per person), {} gains the most: {} ({:.0}% of the leader's gain).",
                    name(best_clean.0),
                    num(best_clean.2),
                    100.0 * best_clean.2 / most.2.max(f64::MIN_POSITIVE)
                );
            }
            out
        }
        ExperimentChart::Degrees => {
            let total: u64 = d.degrees.iter().map(|p| p.1).sum();
            let mut seen = 0;
            let median = d
                .degrees
                .iter()
                .find(|p| {
                    seen += p.1;
                    seen * 2 >= total
                })
                .map_or(0, |p| p.0);
            let mean =
                d.degrees.iter().map(|p| (p.0 * p.1) as f64).sum::<f64>() / total.max(1) as f64;
            let max = d.degrees.last().map_or(0, |p| p.0);
            let intro = format!(
                "The median person has {} and the mean is {}",
                plural(median, "connection", "connections"),
                num(mean)
            );
            if max >= 10 * median.max(1) {
                format!(
                    "{intro}, pulled up by a heavy tail reaching {}: hubs through which much of the 2nd- and 3rd-degree reach flows.",
                    thousands(max as f64)
                )
            } else {
                format!(
                    "{intro}; the most connected person has {}, so there are no hubs to speak of and reach spreads evenly.",
                    thousands(max as f64)
                )
            }
        }
        ExperimentChart::Leads => leads_findings(d),
        ExperimentChart::TieValue => tie_findings(d),
        ExperimentChart::ByConnections => leads::connection_findings(d),
        ExperimentChart::Adoption => adoption::adoption_findings(d),
    }
}

/// How much of the network people reach within the max degree, per strategy, and
/// a warning when that saturates the result.
fn share_paragraph(d: &SavedResults) -> String {
    let top = d.summary.max_degree;
    let top_degrees = plural(u64::from(top), "degree", "degrees");
    let shares: Vec<String> = d
        .summary
        .main_strategies()
        .into_iter()
        .filter_map(|s| {
            let e = d
                .summary
                .at_last(s, Measure::NetworkShare, Scope::UpToDegree, Some(top))?;
            Some(format!(
                "`{}` {}",
                d.summary.strategies[s],
                percent(e.median)
            ))
        })
        .collect();
    if shares.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "**Share of the network within {top_degrees}** (the median person, week {}): {}.",
        d.summary.last_week(),
        shares.join(", ")
    );
    match d.summary.saturation() {
        Some((s, share)) => {
            let _ = write!(
                out,
                " **Saturated:** under `{}` the median person reaches {} of the whole network within {top_degrees}, so the network's size, not the strategy, caps reach at that degree. Read the lower degrees, or run on a larger network: on LinkedIn (about a billion members) 3 degrees cover a few percent at most.",
                d.summary.strategies[s],
                percent(share)
            );
        }
        None => {
            let _ = write!(
                out,
                " Below 20% for every strategy: the network's size does not cap these results."
            );
        }
    }
    out
}

/// `path` as seen from the folder `dir` (`charts/a.png`, or `../elsewhere/a.png`),
/// so the report's links survive moving the folders together; `path` itself when
/// the two share no root.
fn relative_to(dir: &Path, path: &Path) -> std::path::PathBuf {
    let (Ok(d), Ok(p)) = (std::path::absolute(dir), std::path::absolute(path)) else {
        return path.to_path_buf();
    };
    let (d, p): (Vec<_>, Vec<_>) = (d.components().collect(), p.components().collect());
    let common = d.iter().zip(&p).take_while(|(a, b)| a == b).count();
    if common == 0 {
        return path.to_path_buf();
    }
    let mut rel = std::path::PathBuf::new();
    for _ in common..d.len() {
        rel.push("..");
    }
    for c in &p[common..] {
        rel.push(c);
    }
    rel
}

/// Writes `report.md` into `dir`, linking `charts` (paths relative to `dir`).
pub fn write_report(
    dir: &Path,
    data: &SavedResults,
    charts: &[Chart],
    overwrite: Overwrite,
) -> Result<std::path::PathBuf> {
    let exp = &data.experiment;
    let whole = |v: Option<i64>| v.map_or(String::new(), |v| v.to_string());
    let mut md = String::new();
    let _ = writeln!(md, "# netreach report: {}\n", exp.name);
    if !exp.description.is_empty() {
        let _ = writeln!(md, "{}\n", exp.description);
    }
    let _ = writeln!(md, "## Experiment\n");
    if let Some(s) = network_sentence(data) {
        let _ = writeln!(md, "- Network: {s}");
    }
    let spell = |ids: &[usize]| {
        ids.iter()
            .map(|&s| format!("`{}`", data.summary.strategies[s]))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let main = data.summary.main_strategies();
    let _ = writeln!(md, "- Strategies: {}.", spell(&main));
    let swept: Vec<usize> = (0..data.summary.strategies.len())
        .filter(|s| !main.contains(s))
        .collect();
    if !swept.is_empty() {
        let _ = writeln!(md, "- Sweep: {}.", spell(&swept));
    }
    let _ = writeln!(
        md,
        "- Seed {}, {}, {} of invitations, reach counted up to degree {}.",
        whole(exp.seed),
        plural(
            exp.replicates
                .and_then(|r| u64::try_from(r).ok())
                .unwrap_or(0),
            "replicate",
            "replicates"
        ),
        plural(u64::from(data.summary.last_week()), "week", "weeks"),
        data.summary.max_degree
    );
    let _ = writeln!(
        md,
        "- Reproduce: `netreach run {}` (the experiment as run, seed included); redraw the charts with `netreach chart {}`.\n",
        dir.join(crate::config::EXPERIMENT_FILE).display(),
        dir.display()
    );
    let _ = writeln!(
        md,
        "Means are over people and replicates; 95% confidence intervals are t-intervals over people (each person's replicates averaged first).\n"
    );
    let _ = writeln!(md, "{}\n", share_paragraph(data));
    if !data.summary.any_fake_accepted() {
        let _ = writeln!(
            md,
            "No strategy accepted a fake account (fewer than 0.005 per person), so reach came at no cost in fakes and there is no chart of gains against fakes.\n"
        );
    }
    let _ = writeln!(md, "## Findings\n");
    for c in charts {
        let rel = relative_to(dir, &c.path);
        let _ = writeln!(md, "### {}\n", c.title);
        let _ = writeln!(md, "![{}]({})\n", c.title, rel.display());
        let f = match c.kind {
            ChartKind::Experiment(kind) => findings(kind, data),
            // Drawn by `stats` and `advise`, never into an experiment's report.
            ChartKind::Distances | ChartKind::Ego | ChartKind::Advice => String::new(),
        };
        if !f.is_empty() {
            let _ = writeln!(md, "{f}\n");
        }
    }
    let _ = writeln!(md, "## Tables\n");
    let _ = writeln!(
        md,
        "`reach` (per person, strategy, week and degree), `people` (invitations received and accepted), `summary` (means, medians, percentiles and confidence intervals), `network` and `degrees`; columns are described in netreach's README."
    );
    let path = dir.join("report.md");
    write_text(&path, &md, overwrite)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_links_are_relative_to_the_report() {
        let rel = |d: &str, p: &str| relative_to(Path::new(d), Path::new(p));
        assert_eq!(
            rel("/r/out", "/r/out/charts/a.png"),
            Path::new("charts/a.png")
        );
        assert_eq!(rel("/r/out", "/r/svg/a.svg"), Path::new("../svg/a.svg"));
        assert_eq!(rel("out", "out/charts/a.png"), Path::new("charts/a.png"));
    }
}
