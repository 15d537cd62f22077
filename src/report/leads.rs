//! The report's findings on job leads: the `leads` chart (the leader against
//! refusing, the split by hops against Granovetter's, leads per accepted
//! invitation, whether counting recruiters ranks the strategies alike) and the
//! `tie_value` chart (one tie's value against its mutual connections).

use std::fmt::Write as _;

use crate::results::summary::{BinGain, ConnectionBins, Estimate, FEW_PEOPLE, SavedResults};
use crate::results::{Measure, Scope};
use crate::words::{percent, plural, thousands};

/// A small rate with three significant digits ("0.0634", "1.27").
pub(super) fn rate(v: f64) -> String {
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
    // With a market: offers, where the rivals a lead also reaches take a share.
    if let Some(o) = at(best, Measure::ExpectedOffers, top) {
        let _ = write!(
            out,
            " With seekers competing for each opening ([market]: an opening goes to one of the seekers it reaches), {} brings {} expected offers a week",
            name(best),
            rate_ci(o)
        );
        match refuse.and_then(|r| at(r, Measure::ExpectedOffers, top).map(|b| (r, b))) {
            Some((r, b)) if r != best && b.mean > 0.0 => {
                let _ = write!(
                    out,
                    ", against {} for `refuse-all` (×{:.2}; everyone else's network as it was, so the rivals stay the same).",
                    rate(b.mean),
                    o.mean / b.mean
                );
            }
            _ => out.push('.'),
        }
    }
    if ranked.len() > 2 {
        let all: Vec<String> = ranked
            .iter()
            .map(|&(s, e)| format!("{} {}", name(s), rate(e.mean)))
            .collect();
        let _ = write!(out, " Every strategy: {}.", all.join(", "));
    }
    // Where the leads come from, against Granovetter's job seekers.
    if top == 3 {
        let mut said = Vec::new();
        for s in [Some(best), refuse].into_iter().flatten() {
            if said.contains(&s) {
                continue;
            }
            said.push(s);
            let Some(split) = d.summary.hop_split(s) else {
                continue;
            };
            let chi = granovetter_chi2(split);
            let verdict = if chi <= CHI2_95 {
                "within what chance allows at 95% (5.99)"
            } else {
                "outside what chance allows at 95% (5.99; the defaults are checked on the LinkedIn preset, docs/job-leads.md)"
            };
            let p = (-chi / 2.0).exp();
            let p = if p < 0.001 {
                "p < 0.001".to_string()
            } else {
                format!("p = {p:.3}")
            };
            if said.len() == 1 {
                let _ = write!(
                    out,
                    " Of {}'s leads, {} come from a direct connection, {} through one intermediary and {} through two: against Granovetter's job seekers (25, 29 and 10 of 64 heard directly, through one and through two or more), χ² = {chi:.2} with 2 degrees of freedom ({p}), {verdict}.",
                    name(s),
                    percent(split[0]),
                    percent(split[1]),
                    percent(split[2]),
                );
            } else {
                let _ = write!(
                    out,
                    " {}: {}, {} and {}, χ² = {chi:.2} ({p}), {} at 95%.",
                    name(s),
                    percent(split[0]),
                    percent(split[1]),
                    percent(split[2]),
                    if chi <= CHI2_95 { "within" } else { "outside" },
                );
            }
        }
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

/// Findings of the tie-value chart: one tie's value by its mutual connections
/// (bins with their standard errors over people), where it peaks against
/// Rajkumar et al.'s inverted U, and how much of what a tie brings alone is
/// new given the strategy's other ties.
#[allow(clippy::too_many_lines)] // the bins, the peak against Rajkumar, the redundancy
pub(super) fn tie_findings(d: &SavedResults) -> String {
    use crate::results::summary::{BinValue, FEW, TIE_BINS};
    let Some(s) = d.tie_strategy() else {
        return String::new();
    };
    let per_tie = d.tie_values(s, |t| t.marginal_leads);
    let per_conn = d.tie_values(s, |t| {
        t.marginal_leads / f64::from(t.inviter_connections.max(1))
    });
    // Bins with enough ties to read.
    let solid =
        |v: &[BinValue]| -> Vec<BinValue> { v.iter().filter(|b| b.ties >= FEW).copied().collect() };
    let (a, b) = (solid(&per_tie), solid(&per_conn));
    if a.len() < 2 {
        return format!(
            "Too few accepted ties per mutual-connection bin (at least 30 in two bins) to read a trend from `{}`'s ties.",
            d.summary.strategies[s]
        );
    }
    let label = |bin: usize| TIE_BINS[bin].2;
    let se = |x: f64| {
        if x.is_finite() {
            format!(" ± {}", rate(x))
        } else {
            String::new()
        }
    };
    let listed: Vec<String> = a
        .iter()
        .map(|v| {
            format!(
                "{} mutual: {}{} (n={})",
                label(v.bin),
                rate(v.mean),
                se(v.se),
                thousands(v.ties as f64)
            )
        })
        .collect();
    let shape = |v: &[BinValue]| -> String {
        let peak = v
            .iter()
            .enumerate()
            .max_by(|x, y| x.1.mean.total_cmp(&y.1.mean))
            .map_or(0, |(i, _)| i);
        if peak == 0 {
            format!(
                "is highest for ties with {} mutual connections and lower beyond",
                label(v[0].bin)
            )
        } else if peak + 1 == v.len() {
            format!(
                "rises to its highest in the last bin read ({} mutual connections)",
                label(v[peak].bin)
            )
        } else {
            format!(
                "peaks at {} mutual connections, an interior peak",
                label(v[peak].bin)
            )
        }
    };
    let mut out = format!(
        "Among `{}`'s accepted invitations (fake accounts left out), one tie adds, in expected leads a week (mean ± standard error over people): {}. Per tie the value {}",
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
    // Against Rajkumar et al.: a peak between 3 and 24 mutual connections, with
    // the ends below it by more than 2 standard errors.
    let peak = a
        .iter()
        .max_by(|x, y| x.mean.total_cmp(&y.mean))
        .copied()
        .expect("two bins at least");
    let below = |end: Option<&BinValue>| {
        end.filter(|e| e.bin != peak.bin).map(|e| {
            let gap = (peak.mean - e.mean) / (peak.se.powi(2) + e.se.powi(2)).sqrt();
            (e.bin, gap)
        })
    };
    let first = below(a.iter().find(|v| v.bin == 0));
    let last = below(a.iter().find(|v| v.bin + 1 == TIE_BINS.len()));
    let interior = peak.bin > 0 && peak.bin + 1 < TIE_BINS.len();
    let gaps: Vec<String> = [first, last]
        .into_iter()
        .flatten()
        .map(|(bin, g)| format!("{} mutual {g:.1} standard errors below it", label(bin)))
        .collect();
    let _ = write!(
        out,
        " Rajkumar et al. found that new LinkedIn ties with a moderate number of mutual connections lead to the most job moves; here the highest bin is {} mutual connections ({}{}){}{}.",
        label(peak.bin),
        rate(peak.mean),
        se(peak.se),
        if gaps.is_empty() {
            String::new()
        } else {
            format!(", with {}", gaps.join(" and "))
        },
        if interior && first.is_some_and(|x| x.1 > 2.0) && last.is_some_and(|x| x.1 > 2.0) {
            ": an inverted U on leads"
        } else {
            ": no inverted U on leads (docs/job-leads.md says why)"
        }
    );
    // The same bins in expected offers, with a market.
    if d.ties.iter().any(|t| t.marginal_offers.is_some()) {
        let offers = solid(&d.tie_values(s, |t| t.marginal_offers.unwrap_or(f64::NAN)));
        if let Some(top) = offers.iter().max_by(|x, y| x.mean.total_cmp(&y.mean)) {
            let gap = |bin: usize| {
                offers
                    .iter()
                    .find(|v| v.bin == bin && v.bin != top.bin)
                    .map(|e| (top.mean - e.mean) / (top.se.powi(2) + e.se.powi(2)).sqrt())
            };
            let (g0, g_last) = (gap(0), gap(TIE_BINS.len() - 1));
            let inverted = top.bin > 0
                && top.bin + 1 < TIE_BINS.len()
                && g0.is_some_and(|g| g > 2.0)
                && g_last.is_some_and(|g| g > 2.0);
            let listed: Vec<String> = offers
                .iter()
                .map(|v| format!("{} mutual {}{}", label(v.bin), rate(v.mean), se(v.se)))
                .collect();
            let _ = write!(
                out,
                " In expected offers a week, against the seekers the same news reaches: {}; the highest bin is {} mutual connections{}.",
                listed.join("; "),
                label(top.bin),
                if inverted {
                    ", with 0 and 25+ more than 2 standard errors below it: an inverted U on offers"
                } else {
                    ": no inverted U on offers by the test of docs/job-leads.md"
                }
            );
        }
    }
    let novelty = d.tie_novelty(s);
    if novelty.len() >= 2 {
        let shares: Vec<String> = novelty
            .iter()
            .filter(|(bin, _)| a.iter().any(|v| v.bin == *bin))
            .map(|&(bin, x)| format!("{} mutual {}", label(bin), percent(x)))
            .collect();
        let _ = write!(
            out,
            " Of what a tie would bring alone, the share still new beside the strategy's other accepted ties: {}.",
            shares.join(", ")
        );
    }
    out
}

/// Granovetter's job finders through contacts (1973): heard directly, through
/// one intermediary, through two or more (N = 64).
const GRANOVETTER: [f64; 3] = [25.0, 29.0, 10.0];

/// χ² at 95% with 2 degrees of freedom.
const CHI2_95: f64 = 5.99;

/// Pearson's χ² of Granovetter's counts against a model's split by hops.
fn granovetter_chi2(split: [f64; 3]) -> f64 {
    crate::stats::chi_square(&GRANOVETTER, &split)
}

/// The `by_connections` chart's findings: the headline strategy's gain over
/// `refuse-all` per bin of connections before the first week, each with its
/// people, bins of fewer than 30 people said to be too few.
pub(super) fn connection_findings(d: &SavedResults) -> String {
    let s = &d.summary;
    let Some(best) = ConnectionBins::headline_strategy(s) else {
        return String::new();
    };
    let gains = d.by_connections.gains(s, best);
    let (_, what) = ConnectionBins::measure(s);
    let mut parts = Vec::new();
    for g in &gains {
        let few = if g.few() {
            format!(", fewer than {FEW_PEOPLE} people: too few to read")
        } else {
            String::new()
        };
        parts.push(format!(
            "with {} connections ({} {}{few}), {} against {} (×{:.2})",
            g.label,
            thousands(g.people as f64),
            if g.people == 1 { "person" } else { "people" },
            rate(g.with.mean),
            rate(g.base.mean),
            g.ratio()
        ));
    }
    let mut out = format!(
        "What `{}` is worth depends on how many connections a person already has. In {what} {} by week {}: {}.",
        s.strategies[best],
        ConnectionBins::within(s),
        s.last_week(),
        parts.join("; ")
    );
    let read: Vec<&BinGain> = gains.iter().filter(|g| !g.few()).collect();
    if let (Some(first), Some(last)) = (read.first(), read.last())
        && read.len() > 1
    {
        let _ = write!(
            out,
            " Among the bins with enough people, the gain is ×{:.2} at {} connections and ×{:.2} at {}: {}.",
            first.ratio(),
            first.label,
            last.ratio(),
            last.label,
            if first.ratio() > last.ratio() {
                "the fewer connections one has, the more the advice adds"
            } else {
                "those with more connections gain as much or more"
            }
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn granovetters_own_split_fits_and_a_flat_one_does_not() {
        assert!(granovetter_chi2([25.0 / 64.0, 29.0 / 64.0, 10.0 / 64.0]) < 1e-12);
        // The old model's accept-all split, 58/26/16: χ² ≈ 13.
        let old = granovetter_chi2([0.58, 0.26, 0.16]);
        assert!((12.0..14.0).contains(&old), "{old}");
        assert!(granovetter_chi2([0.36, 0.33, 0.31]) > CHI2_95);
    }
}
