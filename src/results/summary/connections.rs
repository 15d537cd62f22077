//! The summary by connection count, typed: what the `by_connections` table
//! holds, built in memory by the simulation and read back from the table by
//! `results/read.rs`, and the one rule for a strategy's gain per bin that the
//! terminal, the chart and the report share.

use std::collections::BTreeMap;

use super::{Estimate, Summary, SummaryKey, SummaryRow};
use crate::results::schema::{Measure, Scope};

/// Bins with fewer people than this are shown faint and said to be few.
pub const FEW_PEOPLE: u64 = 30;

/// The summary per bin of the people's connections before the first week.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ConnectionBins {
    /// The bins' labels (`<50`, `50-149`, ...), ascending.
    pub labels: Vec<String>,
    /// (bin, key) → (people in the bin, estimate).
    values: BTreeMap<(usize, SummaryKey), (u64, Estimate)>,
}

/// One bin's gain of a strategy over the baseline in the headline measure.
#[derive(Debug, Clone, PartialEq)]
pub struct BinGain {
    /// The bin's label.
    pub label: String,
    /// People in the bin (the baseline's count).
    pub people: u64,
    /// The baseline's estimate.
    pub base: Estimate,
    /// The strategy's estimate.
    pub with: Estimate,
}

impl BinGain {
    /// The strategy's mean over the baseline's (NaN when the baseline is 0).
    pub fn ratio(&self) -> f64 {
        if self.base.mean > 0.0 {
            self.with.mean / self.base.mean
        } else {
            f64::NAN
        }
    }

    /// Whether the bin holds too few people to read ([`FEW_PEOPLE`]).
    pub fn few(&self) -> bool {
        self.people < FEW_PEOPLE
    }
}

/// The lower end of a bin label, for ordering: `<50` → 0, `50-149` → 50,
/// `500+` → 500.
fn floor(label: &str) -> u64 {
    if label.starts_with('<') {
        return 0;
    }
    label
        .split(['-', '+'])
        .next()
        .and_then(|x| x.parse().ok())
        .unwrap_or(u64::MAX)
}

impl ConnectionBins {
    /// From the simulation's rows: (bin index, row), with `labels` the bins'.
    pub fn from_rows(labels: Vec<String>, rows: &[(usize, SummaryRow)]) -> Self {
        let mut b = ConnectionBins {
            labels,
            values: BTreeMap::new(),
        };
        for (bin, r) in rows {
            b.values
                .insert((*bin, r.key()), (r.people as u64, r.estimate()));
        }
        b
    }

    /// Adds a row read back from the table, its bin given by label.
    pub fn insert(&mut self, label: &str, key: SummaryKey, people: u64, value: Estimate) {
        let bin = if let Some(i) = self.labels.iter().position(|l| l == label) {
            i
        } else {
            // Keep the labels ascending: renumber the bins after the new one.
            let at = self.labels.partition_point(|l| floor(l) < floor(label));
            self.labels.insert(at, label.to_string());
            let old = std::mem::take(&mut self.values);
            self.values = old
                .into_iter()
                .map(|((b, k), v)| ((if b >= at { b + 1 } else { b }, k), v))
                .collect();
            at
        };
        self.values.insert((bin, key), (people, value));
    }

    /// Whether the table had any row.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The headline measure: expected leads within the max degree when the
    /// experiment has them, else recruiters within it.
    pub fn measure(summary: &Summary) -> (Measure, &'static str) {
        if summary.has_leads() {
            (Measure::ExpectedLeads, "expected leads a week")
        } else {
            (Measure::Recruiters, "recruiters")
        }
    }

    /// "within 3 ties" for leads, "within 3 degrees" for reach.
    pub fn within(summary: &Summary) -> String {
        let (one, many) = if summary.has_leads() {
            ("tie", "ties")
        } else {
            ("degree", "degrees")
        };
        format!(
            "within {}",
            crate::words::plural(u64::from(summary.max_degree), one, many)
        )
    }

    /// The strategy a one-line answer by connection count speaks of:
    /// `accept-all` (the advice tested) if listed, else the main strategy
    /// other than `refuse-all` with the highest headline mean.
    pub fn headline_strategy(summary: &Summary) -> Option<usize> {
        let base = summary.strategy_index("refuse-all")?;
        if let Some(s) = summary.strategy_index("accept-all") {
            return Some(s);
        }
        let (measure, _) = Self::measure(summary);
        summary
            .main_strategies()
            .into_iter()
            .filter(|&s| s != base)
            .filter_map(|s| {
                let e = summary.at_last(s, measure, Scope::UpToDegree, Some(summary.max_degree))?;
                Some((s, e.mean))
            })
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(s, _)| s)
    }

    /// One sentence: the headline strategy's gain per bin, with people counts.
    pub fn sentence(&self, summary: &Summary) -> Option<String> {
        let s = Self::headline_strategy(summary)?;
        let gains = self.gains(summary, s);
        if gains.len() < 2 {
            return None;
        }
        let (_, what) = Self::measure(summary);
        let parts: Vec<String> = gains
            .iter()
            .map(|g| {
                format!(
                    "{} ×{:.2} ({} {}{})",
                    g.label,
                    g.ratio(),
                    g.people,
                    if g.people == 1 { "person" } else { "people" },
                    if g.few() { ", too few to read" } else { "" }
                )
            })
            .collect();
        Some(format!(
            "By connections before the first week, {} ÷ refuse-all in {what} {}: {}.",
            summary.strategies[s],
            Self::within(summary),
            parts.join("; ")
        ))
    }

    /// Strategy `s`'s headline measure against `refuse-all`'s, per bin, in
    /// the last week; empty without `refuse-all`.
    pub fn gains(&self, summary: &Summary, s: usize) -> Vec<BinGain> {
        let Some(base) = summary.strategy_index("refuse-all") else {
            return Vec::new();
        };
        let (measure, _) = Self::measure(summary);
        let week = summary.last_week();
        let key = |strategy| SummaryKey {
            strategy,
            week,
            measure,
            scope: Scope::UpToDegree,
            degree: Some(summary.max_degree),
        };
        (0..self.labels.len())
            .filter_map(|bin| {
                let (people, b) = self.values.get(&(bin, key(base)))?;
                let (_, w) = self.values.get(&(bin, key(s)))?;
                Some(BinGain {
                    label: self.labels[bin].clone(),
                    people: *people,
                    base: *b,
                    with: *w,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn est(mean: f64) -> Estimate {
        Estimate {
            mean,
            median: mean,
            low: mean - 1.0,
            high: mean + 1.0,
        }
    }

    #[test]
    fn labels_read_in_any_order_come_out_ascending_and_gains_pair_up() {
        let mut summary = Summary {
            strategies: vec!["refuse-all".into(), "accept-all".into()],
            sweep: vec![None, None],
            weeks: vec![4],
            max_degree: 3,
            ..Summary::default()
        };
        let key = |strategy| SummaryKey {
            strategy,
            week: 4,
            measure: Measure::Recruiters,
            scope: Scope::UpToDegree,
            degree: Some(3),
        };
        summary.insert(key(0), est(10.0));
        let mut b = ConnectionBins::default();
        b.insert("500+", key(0), 3, est(100.0));
        b.insert("<50", key(0), 40, est(10.0));
        b.insert("50-149", key(1), 12, est(60.0));
        b.insert("500+", key(1), 3, est(110.0));
        b.insert("<50", key(1), 40, est(25.0));
        b.insert("50-149", key(0), 12, est(40.0));
        assert_eq!(b.labels, ["<50", "50-149", "500+"]);
        let g = b.gains(&summary, 1);
        let got: Vec<(&str, u64, f64, bool)> = g
            .iter()
            .map(|x| (x.label.as_str(), x.people, x.ratio(), x.few()))
            .collect();
        assert_eq!(
            got,
            [
                ("<50", 40, 2.5, false),
                ("50-149", 12, 1.5, true),
                ("500+", 3, 1.1, true)
            ]
        );
    }
}
