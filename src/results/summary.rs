//! The typed summary of an experiment, and everything read from it: one home for
//! the terminal table, the charts and the report.
//!
//! [`SummaryRow`]s come from the simulation ([`super::simulation::summarize`]);
//! [`Summary`] indexes them by [`SummaryKey`] and is built the same way in memory
//! (for the terminal) and from a saved `summary.*` table ([`super::read`], for
//! `netreach chart` and the report). [`SavedResults`] adds the other saved tables
//! the charts and the report read. Defined here once, with no polars and no
//! plotters:
//! - the **saturation rule** ([`SATURATED_SHARE`], [`Summary::saturation`]): a
//!   result at degree k is saturated when the median person's share of the
//!   network within k exceeds 20%, since the network's finite size, not the
//!   strategy, then caps it;
//! - the **derived series** the charts draw and the report quotes:
//!   [`Summary::gains`] (recruiters gained against fake accounts accepted),
//!   [`Summary::any_fake_accepted`], [`Summary::has_leads`],
//!   [`SavedResults::tie_strategy`] and [`SavedResults::tie_values`] (an accepted
//!   tie's value by its mutual connections).
//!
//! # Example
//! ```
//! use netreach::results::summary::{Summary, SummaryRow};
//! use netreach::results::{Measure, Scope};
//! let row = |strategy, median| SummaryRow {
//!     strategy, week: 12, measure: Measure::NetworkShare, scope: Scope::UpToDegree,
//!     degree: Some(3), mean: median, sd: 0.0, median, p10: median, p90: median,
//!     ci95_low: median, ci95_high: median, people: 10, observations: 10,
//! };
//! let names = vec!["refuse-all".to_string(), "accept-all".to_string()];
//! let s = Summary::from_rows(names, vec![None, None], &[row(0, 0.05), row(1, 0.31)]);
//! assert_eq!(s.last_week(), 12);
//! assert_eq!(s.saturation(), Some((1, 0.31)));
//! ```

use std::collections::BTreeMap;

use super::network::NetworkFacts;
use super::schema::{Measure, Scope};
use crate::stats;

pub use crate::graph::MUTUAL_BINS;

/// Above this median share of the network within the max degree, a result is
/// saturated: netreach warns above 20%.
pub const SATURATED_SHARE: f64 = 0.20;

/// Bins of the tie-value series with fewer ties than this are drawn faint,
/// clipped to the axis, and the report does not read them.
pub const FEW: usize = 30;

/// One aggregate row of a simulation: a measure under a strategy (and sweep value)
/// at a week.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryRow {
    /// Index into the experiment's strategies.
    pub strategy: usize,
    /// Week.
    pub week: u32,
    /// What is measured.
    pub measure: Measure,
    /// At a degree, up to it, or per person.
    pub scope: Scope,
    /// The degree, for reach measures.
    pub degree: Option<u32>,
    /// Mean over people × replicates.
    pub mean: f64,
    /// Standard deviation over people × replicates.
    pub sd: f64,
    /// Median over people × replicates.
    pub median: f64,
    /// 10th percentile.
    pub p10: f64,
    /// 90th percentile.
    pub p90: f64,
    /// Lower end of the 95% confidence interval of the mean.
    pub ci95_low: f64,
    /// Upper end.
    pub ci95_high: f64,
    /// People contributing.
    pub people: usize,
    /// Observations (people × replicates).
    pub observations: usize,
}

impl SummaryRow {
    /// Where the row sits in a [`Summary`].
    pub fn key(&self) -> SummaryKey {
        SummaryKey {
            strategy: self.strategy,
            week: self.week,
            measure: self.measure,
            scope: self.scope,
            degree: self.degree,
        }
    }

    /// Its mean, interval and median.
    pub fn estimate(&self) -> Estimate {
        Estimate {
            mean: self.mean,
            median: self.median,
            low: self.ci95_low,
            high: self.ci95_high,
        }
    }
}

/// The key of one summary value: a measure of one strategy at one week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SummaryKey {
    /// Index into [`Summary::strategies`].
    pub strategy: usize,
    /// Week.
    pub week: u32,
    /// What is measured.
    pub measure: Measure,
    /// At a degree, up to it, or per person.
    pub scope: Scope,
    /// The degree, for reach measures.
    pub degree: Option<u32>,
}

/// A mean with its 95% confidence interval (NaN ends when there is none), and the
/// median.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// The mean.
    pub mean: f64,
    /// The median over observations.
    pub median: f64,
    /// Lower end of the 95% confidence interval.
    pub low: f64,
    /// Upper end.
    pub high: f64,
}

impl Estimate {
    /// The highest point of the mean and its interval, for axis ranges.
    pub fn top(self) -> f64 {
        if self.high.is_finite() {
            self.high.max(self.mean)
        } else {
            self.mean
        }
    }
}

/// An experiment's summary: every measure of every strategy at every week.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// Strategy spellings, in experiment order.
    pub strategies: Vec<String>,
    /// Sweep value of each strategy, if any.
    pub sweep: Vec<Option<f64>>,
    /// Weeks present, ascending.
    pub weeks: Vec<u32>,
    /// Largest degree present.
    pub max_degree: u32,
    values: BTreeMap<SummaryKey, Estimate>,
}

impl Summary {
    /// The summary of `rows`, whose `strategy` indexes `strategies` and `sweep`.
    pub fn from_rows(
        strategies: Vec<String>,
        sweep: Vec<Option<f64>>,
        rows: &[SummaryRow],
    ) -> Self {
        let mut s = Summary {
            strategies,
            sweep,
            ..Summary::default()
        };
        for r in rows {
            s.insert(r.key(), r.estimate());
        }
        s
    }

    /// Adds one value (the reader's and [`Summary::from_rows`]'s one way in).
    pub fn insert(&mut self, key: SummaryKey, value: Estimate) {
        if let Err(at) = self.weeks.binary_search(&key.week) {
            self.weeks.insert(at, key.week);
        }
        if let Some(k) = key.degree {
            self.max_degree = self.max_degree.max(k);
        }
        self.values.insert(key, value);
    }

    /// A measure.
    pub fn get(
        &self,
        strategy: usize,
        week: u32,
        measure: Measure,
        scope: Scope,
        degree: Option<u32>,
    ) -> Option<Estimate> {
        self.values
            .get(&SummaryKey {
                strategy,
                week,
                measure,
                scope,
                degree,
            })
            .copied()
    }

    /// A measure in the last week.
    pub fn at_last(
        &self,
        strategy: usize,
        measure: Measure,
        scope: Scope,
        degree: Option<u32>,
    ) -> Option<Estimate> {
        self.get(strategy, self.last_week(), measure, scope, degree)
    }

    /// The last week.
    pub fn last_week(&self) -> u32 {
        self.weeks.last().copied().unwrap_or(0)
    }

    /// The strategies drawn in the comparison charts: those not made by a sweep
    /// (sweep values have their own chart), or all when every one is.
    pub fn main_strategies(&self) -> Vec<usize> {
        let main: Vec<usize> = (0..self.strategies.len())
            .filter(|&s| self.sweep[s].is_none())
            .collect();
        if main.is_empty() {
            (0..self.strategies.len()).collect()
        } else {
            main
        }
    }

    /// The index of strategy `spelling`, if run.
    pub fn strategy_index(&self, spelling: &str) -> Option<usize> {
        self.strategies.iter().position(|s| s == spelling)
    }

    /// The saturation rule: the strategy whose median person reaches the largest
    /// share of the network within the max degree in the last week, and that
    /// share, `Some` only above [`SATURATED_SHARE`].
    pub fn saturation(&self) -> Option<(usize, f64)> {
        (0..self.strategies.len())
            .filter_map(|s| {
                let e = self.at_last(
                    s,
                    Measure::NetworkShare,
                    Scope::UpToDegree,
                    Some(self.max_degree),
                )?;
                Some((s, e.median))
            })
            .filter(|&(_, m)| m > SATURATED_SHARE)
            .max_by(|a, b| a.1.total_cmp(&b.1))
    }

    /// Whether the summary has expected job leads (an experiment with `[leads]`).
    pub fn has_leads(&self) -> bool {
        self.values
            .keys()
            .any(|k| k.measure == Measure::ExpectedLeads)
    }

    /// Per main strategy, `(strategy, fake accounts accepted, recruiters gained)`
    /// within the max degree in the last week, against the baseline: `refuse-all`
    /// if present, else the strategy with the least reach.
    pub fn gains(&self) -> Vec<(usize, f64, f64)> {
        let top = Some(self.max_degree);
        let reach: Vec<Option<f64>> = (0..self.strategies.len())
            .map(|s| {
                self.at_last(s, Measure::Recruiters, Scope::UpToDegree, top)
                    .map(|v| v.mean)
            })
            .collect();
        let base = self
            .strategy_index("refuse-all")
            .and_then(|s| reach[s])
            .unwrap_or_else(|| {
                reach
                    .iter()
                    .flatten()
                    .copied()
                    .fold(f64::INFINITY, f64::min)
            });
        self.main_strategies()
            .into_iter()
            .filter_map(|s| {
                let fakes = self
                    .at_last(s, Measure::FakeAccepted, Scope::PerPerson, None)?
                    .mean;
                Some((s, fakes, reach[s]? - base))
            })
            .collect()
    }

    /// Whether any strategy accepted a fake account (on average, by the last week):
    /// without one, gains against fakes would all sit at x = 0.
    pub fn any_fake_accepted(&self) -> bool {
        self.gains().iter().any(|p| p.1 >= 0.005)
    }
}

/// What `experiment.toml` in a results folder says about the experiment.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SavedExperiment {
    /// `name`.
    pub name: String,
    /// `description`.
    pub description: String,
    /// `seed`, if written.
    pub seed: Option<i64>,
    /// `replicates`, if written.
    pub replicates: Option<i64>,
    /// `[sweep] parameter`, if any.
    pub sweep_parameter: Option<String>,
}

/// One accepted tie of the `ties` table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SavedTie {
    /// Index into [`Summary::strategies`].
    pub strategy: usize,
    /// Mutual connections at acceptance.
    pub mutual: u32,
    /// The inviter's connections.
    pub inviter_connections: u32,
    /// Whether the inviter is a fake account.
    pub fake: bool,
    /// Expected leads a week the tie adds within the max degree.
    pub marginal_leads: f64,
}

/// The tables of a results folder, read back ([`super::read`]).
#[derive(Debug, Clone, Default)]
pub struct SavedResults {
    /// The summary.
    pub summary: Summary,
    /// Per strategy: each observation's recruiters within the max degree, last week.
    pub recruiters_within_max: Vec<Vec<f64>>,
    /// Degree distribution: (connections, people), ascending; empty without a
    /// `degrees` table.
    pub degrees: Vec<(u64, u64)>,
    /// The `network` table, if present.
    pub network: Option<NetworkFacts>,
    /// The experiment as run.
    pub experiment: SavedExperiment,
    /// The `ties` table (experiments with `[leads]`); empty without it.
    pub ties: Vec<SavedTie>,
}

/// One bin of the tie-value series: mean and 95% CI of a value over ties.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BinValue {
    /// Index into [`MUTUAL_BINS`].
    pub bin: usize,
    /// Ties in the bin.
    pub ties: usize,
    /// Mean.
    pub mean: f64,
    /// 95% CI of the mean over ties (NaN with fewer than 2).
    pub low: f64,
    /// Upper end.
    pub high: f64,
}

impl SavedResults {
    /// The strategy whose accepted ties the tie-value series shows: the one with
    /// the most ties (all invitations it could accept, as a rule accept-all's).
    pub fn tie_strategy(&self) -> Option<usize> {
        let mut count = vec![0usize; self.summary.strategies.len()];
        for t in &self.ties {
            count[t.strategy] += 1;
        }
        (0..count.len())
            .filter(|&s| count[s] > 0)
            .max_by_key(|&s| (count[s], std::cmp::Reverse(s)))
    }

    /// Per mutual-connection bin, the mean of `value` over `strategy`'s real
    /// (not fake) accepted ties; bins without ties are left out.
    pub fn tie_values(&self, strategy: usize, value: impl Fn(&SavedTie) -> f64) -> Vec<BinValue> {
        MUTUAL_BINS
            .iter()
            .enumerate()
            .filter_map(|(bin, &(lo, hi, _))| {
                let xs: Vec<f64> = self
                    .ties
                    .iter()
                    .filter(|t| t.strategy == strategy && !t.fake && (lo..=hi).contains(&t.mutual))
                    .map(&value)
                    .collect();
                if xs.is_empty() {
                    return None;
                }
                let mean = stats::mean(&xs);
                let (low, high) = stats::t_interval(&xs);
                Some(BinValue {
                    bin,
                    ties: xs.len(),
                    mean,
                    low,
                    high,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(
        strategy: usize,
        week: u32,
        measure: Measure,
        scope: Scope,
        degree: Option<u32>,
        v: f64,
    ) -> SummaryRow {
        SummaryRow {
            strategy,
            week,
            measure,
            scope,
            degree,
            mean: v,
            sd: 0.0,
            median: v,
            p10: v,
            p90: v,
            ci95_low: v - 1.0,
            ci95_high: v + 1.0,
            people: 1,
            observations: 1,
        }
    }

    fn two_strategies(rows: &[SummaryRow]) -> Summary {
        Summary::from_rows(
            vec!["refuse-all".into(), "accept-all".into()],
            vec![None, None],
            rows,
        )
    }

    #[test]
    fn weeks_and_degrees_come_from_the_rows() {
        let up = Scope::UpToDegree;
        let s = two_strategies(&[
            row(0, 4, Measure::Recruiters, up, Some(2), 1.0),
            row(0, 1, Measure::Recruiters, up, Some(3), 2.0),
            row(1, 4, Measure::Recruiters, up, Some(3), 5.0),
        ]);
        assert_eq!(s.weeks, [1, 4]);
        assert_eq!(s.max_degree, 3);
        assert_eq!(s.last_week(), 4);
        let e = s.at_last(1, Measure::Recruiters, up, Some(3)).unwrap();
        assert_eq!((e.mean, e.low, e.high), (5.0, 4.0, 6.0));
        assert!(s.at_last(0, Measure::Recruiters, up, Some(3)).is_none());
    }

    #[test]
    fn saturation_takes_the_worst_strategy_above_the_threshold_only() {
        let share = |s, v| row(s, 1, Measure::NetworkShare, Scope::UpToDegree, Some(3), v);
        assert_eq!(
            two_strategies(&[share(0, 0.1), share(1, 0.2)]).saturation(),
            None
        );
        assert_eq!(
            two_strategies(&[share(0, 0.25), share(1, 0.4)]).saturation(),
            Some((1, 0.4))
        );
    }

    #[test]
    fn gains_are_against_refuse_all_and_fakes_are_seen() {
        let up = Scope::UpToDegree;
        let fakes = |s, v| row(s, 1, Measure::FakeAccepted, Scope::PerPerson, None, v);
        let s = two_strategies(&[
            row(0, 1, Measure::Recruiters, up, Some(3), 10.0),
            row(1, 1, Measure::Recruiters, up, Some(3), 25.0),
            fakes(0, 0.0),
            fakes(1, 0.5),
        ]);
        assert_eq!(s.gains(), [(0, 0.0, 0.0), (1, 0.5, 15.0)]);
        assert!(s.any_fake_accepted());
        assert!(!s.has_leads());
    }

    #[test]
    fn tie_values_skip_fakes_and_empty_bins() {
        let tie = |strategy, mutual, fake, v| SavedTie {
            strategy,
            mutual,
            inviter_connections: 10,
            fake,
            marginal_leads: v,
        };
        let d = SavedResults {
            summary: two_strategies(&[]),
            ties: vec![
                tie(1, 0, false, 1.0),
                tie(1, 0, false, 3.0),
                tie(1, 0, true, 100.0),
                tie(1, 25, false, 5.0),
                tie(0, 1, false, 7.0),
            ],
            ..SavedResults::default()
        };
        assert_eq!(d.tie_strategy(), Some(1));
        let v = d.tie_values(1, |t| t.marginal_leads);
        assert_eq!(v.len(), 2);
        assert_eq!((v[0].bin, v[0].ties, v[0].mean), (0, 2, 2.0));
        assert_eq!(
            (v[1].bin, v[1].ties, v[1].mean),
            (MUTUAL_BINS.len() - 1, 1, 5.0)
        );
    }
}
