//! The report's findings on job leads: the `leads` chart (the leader against
//! refusing, the split by hops against Granovetter's, leads per accepted
//! invitation, whether counting recruiters ranks the strategies alike) and the
//! `tie_value` chart (one tie's value against its mutual connections).

use std::fmt::Write as _;

use crate::results::summary::{Estimate, SavedResults};
use crate::results::{Measure, Scope};
use crate::words::{percent, plural, thousands};

/// A small rate with three significant digits ("0.0634", "1.27").
fn rate(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let digits = (2 - v.abs().log10().floor() as i32).max(0) as usize;
    format!("{v:.digits$}")
}

fn rate_ci(e: Estimate) -> String {
    if e.low.is_finite() && e.high.is_finite() {
        format!(
            "{} (95% CI {} to {})",
            rate(e.mean),
            rate(e.low),
            rate(e.high)
        )
    } else {
        rate(e.mean)
    }
}

/// Findings of the leads chart: the leader, against refusing; the split by
/// hops against Granovetter's; leads per accepted invitation; whether counting
/// recruiters ranks the strategies the same way.
#[allow(clippy::too_many_lines)] // four findings, each a few lines
pub(super) fn leads_findings(d: &SavedResults) -> String {
    let top = d.summary.max_degree;
    let top_degrees = plural(u64::from(top), "degree", "degrees");
    let last = d.summary.last_week();
    let at = |s: usize, m: Measure, k: u32| d.summary.at_last(s, m, Scope::UpToDegree, Some(k));
    let name = |s: usize| format!("`{}`", d.summary.strategies[s]);
    let mut ranked: Vec<(usize, Estimate)> = d
        .summary
        .main_strategies()
        .into_iter()
        .filter_map(|s| at(s, Measure::ExpectedLeads, top).map(|e| (s, e)))
        .collect();
    ranked.sort_by(|a, b| b.1.mean.total_cmp(&a.1.mean));
    let Some(&(best, e)) = ranked.first() else {
        return String::new();
    };
    let mut out = format!(
        "By week {last}, {} brings the most expected job leads within {}: {} a week per person",
        name(best),
        plural(u64::from(top), "tie", "ties"),
        rate_ci(e)
    );
    if let Some(p) = at(best, Measure::PAnyLead, top) {
        let share = percent(p.mean);
        // "an 8.8%", "an 11%", "an 18%": the article follows the spoken number.
        let article =
            if share.starts_with('8') || share.starts_with("11") || share.starts_with("18") {
                "an"
            } else {
                "a"
            };
        let _ = write!(out, ", {article} {share} chance of at least one a week");
    }
    let refuse = d.summary.strategies.iter().position(|s| s == "refuse-all");
    match refuse.and_then(|r| at(r, Measure::ExpectedLeads, top).map(|b| (r, b))) {
        Some((r, b)) if r != best && b.mean > 0.0 => {
            let _ = write!(
                out,
                ", against {} for `refuse-all` (×{:.2}).",
                rate(b.mean),
                e.mean / b.mean
            );
        }
        _ => out.push('.'),
    }
    if ranked.len() > 2 {
        let all: Vec<String> = ranked
            .iter()
            .map(|&(s, e)| format!("{} {}", name(s), rate(e.mean)))
            .collect();
        let _ = write!(out, " Every strategy: {}.", all.join(", "));
    }
    // Where the leads come from.
    let shares: Vec<f64> = (1..=top)
        .filter_map(|k| {
            let hi = at(best, Measure::ExpectedLeads, k)?.mean;
            let lo = if k > 1 {
                at(best, Measure::ExpectedLeads, k - 1)?.mean
            } else {
                0.0
            };
            Some((hi - lo) / e.mean.max(f64::MIN_POSITIVE))
        })
        .collect();
    if top == 3 && shares.len() == 3 {
        let _ = write!(
            out,
            " Of {}'s leads, {} come from a direct connection, {} through one intermediary and {} through two; Granovetter's job seekers heard of their jobs directly 39% of the time, through one intermediary 45% and through two or more 16% (docs/job-leads.md on the fit).",
            name(best),
            percent(shares[0]),
            percent(shares[1]),
            percent(shares[2])
        );
    }
    // Leads per accepted invitation, against refusing.
    if let Some(r) = refuse
        && let Some(base) = at(r, Measure::ExpectedLeads, top)
    {
        let per: Vec<String> = ranked
            .iter()
            .filter_map(|&(s, e)| {
                let acc = d
                    .summary
                    .at_last(s, Measure::Accepted, Scope::PerPerson, None)?
                    .mean;
                (acc >= 0.5).then(|| format!("{} {}", name(s), rate((e.mean - base.mean) / acc)))
            })
            .collect();
        if !per.is_empty() {
            let _ = write!(
                out,
                " Leads a week gained per invitation accepted: {}.",
                per.join(", ")
            );
        }
    }
    // Does counting recruiters rank the same way?
    let by_recruiters = d
        .summary
        .main_strategies()
        .into_iter()
        .filter_map(|s| {
            d.summary
                .at_last(s, Measure::Recruiters, Scope::UpToDegree, Some(top))
                .map(|e| (s, e.mean))
        })
        .max_by(|a, b| a.1.total_cmp(&b.1));
    if let Some((rb, _)) = by_recruiters {
        if rb == best {
            let _ = write!(
                out,
                " Counting recruiters within {top_degrees} ranks the same strategy first."
            );
        } else {
            let _ = write!(
                out,
                " Counting recruiters within {top_degrees} would rank {} first: the count treats a recruiter behind a weak tie like one behind a close colleague.",
                name(rb)
            );
        }
    }
    out
}

/// Findings of the tie-value chart: how one tie's value moves with its mutual
/// connections, per tie and per connection of the inviter, with an honest word
/// on Rajkumar et al.'s inverted U.
pub(super) fn tie_findings(d: &SavedResults) -> String {
    use crate::results::summary::{BinValue, FEW, MUTUAL_BINS};
    let Some(s) = d.tie_strategy() else {
        return String::new();
    };
    let per_tie = d.tie_values(s, |t| t.marginal_leads);
    let per_conn = d.tie_values(s, |t| {
        t.marginal_leads / f64::from(t.inviter_connections.max(1))
    });
    // Bins with enough ties to read.
    let solid = |v: &[BinValue]| -> Vec<(usize, f64, usize)> {
        v.iter()
            .filter(|b| b.ties >= FEW)
            .map(|b| (b.bin, b.mean, b.ties))
            .collect()
    };
    let (a, b) = (solid(&per_tie), solid(&per_conn));
    if a.len() < 2 {
        return format!(
            "Too few accepted ties per mutual-connection bin (at least 30 in two bins) to read a trend from `{}`'s ties.",
            d.summary.strategies[s]
        );
    }
    let label = |bin: usize| MUTUAL_BINS[bin].2;
    let listed: Vec<String> = a
        .iter()
        .map(|&(bin, m, n)| {
            format!(
                "{} mutual: {} (n={})",
                label(bin),
                rate(m),
                thousands(n as f64)
            )
        })
        .collect();
    let shape = |v: &[(usize, f64, usize)]| -> String {
        let peak = v
            .iter()
            .enumerate()
            .max_by(|x, y| x.1.1.total_cmp(&y.1.1))
            .map_or(0, |(i, _)| i);
        if peak == 0 {
            format!(
                "is highest for ties with {} mutual connections and lower beyond",
                label(v[0].0)
            )
        } else if peak + 1 == v.len() {
            format!(
                "rises to its highest in the last bin read ({} mutual connections)",
                label(v[peak].0)
            )
        } else {
            format!(
                "peaks at {} mutual connections, an interior peak",
                label(v[peak].0)
            )
        }
    };
    let mut out = format!(
        "Among `{}`'s accepted invitations (fake accounts left out), one tie adds, in expected leads a week: {}. Per tie the value {}",
        d.summary.strategies[s],
        listed.join("; "),
        shape(&a)
    );
    if b.len() >= 2 {
        let _ = write!(
            out,
            "; divided by the inviter's connections, so that hubs do not stand in for strength, it {}.",
            shape(&b)
        );
    } else {
        out.push('.');
    }
    let widest = a.last().map_or(0, |x| x.0);
    if MUTUAL_BINS[widest].1 < 8 {
        let _ = write!(
            out,
            " Rajkumar et al. found job moves through new LinkedIn ties peak near 10 mutual connections; the invitations here rarely carry more than {}, so that range is not read (p(m) itself only rises, by design).",
            label(widest)
        );
    }
    out
}
