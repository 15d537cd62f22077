//! The `adoption` table read back for charts and the report: per (strategy,
//! share, adopter), the means over the people studied (and replicates) of
//! recruiters, expected leads and expected offers within the max degree, with
//! 95% intervals.

use super::{Estimate, Summary};

/// One (strategy, share, adopter) of the adoption table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AdoptionPoint {
    /// Index into the summary's strategies.
    pub strategy: usize,
    /// The share of the population following the strategy.
    pub share: f64,
    /// Whether the people follow it too.
    pub adopter: bool,
    /// Rows averaged (people × replicates).
    pub people: usize,
    /// Recruiters within the max degree.
    pub recruiters: Estimate,
    /// People within the max degree.
    pub nodes: Estimate,
    /// Expected leads a week within the max degree, with `[leads]`.
    pub leads: Option<Estimate>,
    /// Expected offers a week, with `[market]`.
    pub offers: Option<Estimate>,
}

/// The adoption table, by (strategy, share, adopter); empty without one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Adoption {
    /// The points, in (strategy, share, adopter-first) order.
    pub points: Vec<AdoptionPoint>,
}

/// The mean, median and 95% interval of `values` ([`crate::stats`], a
/// t-interval over the rows); NaN ends with fewer than two.
pub(crate) fn estimate(values: &[f64]) -> Estimate {
    let mean = crate::stats::mean(values);
    let (low, high) = crate::stats::t_interval(values);
    Estimate {
        mean,
        median: crate::stats::quantile(&mut values.to_vec(), 0.5),
        low,
        high,
    }
}

impl Adoption {
    /// Whether there is anything to show.
    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    /// The strategy the chart and report follow: `accept-all` if adopted,
    /// else the first adopted strategy other than `refuse-all`.
    pub fn headline(&self, summary: &Summary) -> Option<usize> {
        let adopted = |name: &str| {
            self.points
                .iter()
                .find(|p| summary.strategies[p.strategy] == name)
                .map(|p| p.strategy)
        };
        adopted("accept-all").or_else(|| {
            self.points
                .iter()
                .find(|p| summary.strategies[p.strategy] != "refuse-all")
                .map(|p| p.strategy)
        })
    }

    /// One strategy's points for adopters or the others, by share.
    pub fn series(&self, strategy: usize, adopter: bool) -> Vec<AdoptionPoint> {
        let mut v: Vec<AdoptionPoint> = self
            .points
            .iter()
            .filter(|p| p.strategy == strategy && p.adopter == adopter)
            .copied()
            .collect();
        v.sort_by(|a, b| a.share.total_cmp(&b.share));
        v
    }

    /// The point of (strategy, share, adopter).
    pub fn at(&self, strategy: usize, share: f64, adopter: bool) -> Option<AdoptionPoint> {
        self.points
            .iter()
            .find(|p| {
                p.strategy == strategy
                    && p.share.to_bits() == share.to_bits()
                    && p.adopter == adopter
            })
            .copied()
    }
}
