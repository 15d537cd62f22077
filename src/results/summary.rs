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

/// The bins of a tie's mutual connections in the tie-value series: (lowest,
/// highest, label). Wide at the top, where LinkedIn's experiment (Rajkumar et
/// al. 2022) places the turn of a tie's value.
pub const TIE_BINS: [(u32, u32, &str); 7] = [
    (0, 0, "0"),
    (1, 2, "1-2"),
    (3, 5, "3-5"),
    (6, 9, "6-9"),
    (10, 14, "10-14"),
    (15, 24, "15-24"),
    (25, u32::MAX, "25+"),
];

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

    /// Strategy `s`'s expected leads within 3 ties in the last week, split by the
    /// hops at which they arrive, as shares (direct, one intermediary, two).
    pub fn hop_split(&self, s: usize) -> Option<[f64; 3]> {
        let at = |k: u32| {
            self.at_last(s, Measure::ExpectedLeads, Scope::UpToDegree, Some(k))
                .map(|e| e.mean)
        };
        let (one, two, three) = (at(1)?, at(2)?, at(3)?);
        (three > 0.0).then(|| [one / three, (two - one) / three, (three - two) / three])
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
    /// The person, numbered in order of first appearance in the table.
    pub person: usize,
    /// Mutual connections at acceptance.
    pub mutual: u32,
    /// The inviter's connections.
    pub inviter_connections: u32,
    /// Whether the inviter is a fake account.
    pub fake: bool,
    /// Expected leads a week the tie adds within the max degree.
    pub marginal_leads: f64,
    /// Expected leads a week the tie adds alone (no other invitation
    /// accepted); NaN in tables written before this column.
    pub standalone_leads: f64,
    /// With a market: what it adds to expected offers.
    pub marginal_offers: Option<f64>,
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
    /// The `by_connections` table; empty without it.
    pub by_connections: ConnectionBins,
    /// The `adoption` table, by strategy, share and adopter; empty without it.
    pub adoption: Adoption,
}

/// One bin of the tie-value series: the mean of a value over the bin's ties,
/// with a standard error over people (each person's ties form one cluster, so
/// a person with many ties in the bin is not counted as many independent draws).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BinValue {
    /// Index into [`TIE_BINS`].
    pub bin: usize,
    /// Ties in the bin.
    pub ties: usize,
    /// People with a tie in the bin.
    pub people: usize,
    /// Mean over ties.
    pub mean: f64,
    /// Standard error of the mean over people (NaN with fewer than 2).
    pub se: f64,
    /// 95% interval, mean ± 1.96 standard errors (NaN ends with fewer than 2 people).
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

    /// Per mutual-connection bin ([`TIE_BINS`]), the mean of `value` over
    /// `strategy`'s real (not fake) accepted ties, with its standard error over
    /// people; bins without ties are left out.
    pub fn tie_values(&self, strategy: usize, value: impl Fn(&SavedTie) -> f64) -> Vec<BinValue> {
        TIE_BINS
            .iter()
            .enumerate()
            .filter_map(|(bin, &(lo, hi, _))| {
                let mut per_person: BTreeMap<usize, (f64, f64)> = BTreeMap::new();
                let mut ties = 0usize;
                for t in self
                    .ties
                    .iter()
                    .filter(|t| t.strategy == strategy && !t.fake && (lo..=hi).contains(&t.mutual))
                {
                    let e = per_person.entry(t.person).or_default();
                    e.0 += value(t);
                    e.1 += 1.0;
                    ties += 1;
                }
                if ties == 0 {
                    return None;
                }
                let (sum, n) = per_person
                    .values()
                    .fold((0.0, 0.0), |a, &(s, k)| (a.0 + s, a.1 + k));
                let mean = sum / n;
                let people = per_person.len();
                let se = if people < 2 {
                    f64::NAN
                } else {
                    let ss: f64 = per_person
                        .values()
                        .map(|&(s, k)| (s - mean * k).powi(2))
                        .sum();
                    let p = people as f64;
                    (ss * p / (p - 1.0)).sqrt() / n
                };
                Some(BinValue {
                    bin,
                    ties,
                    people,
                    mean,
                    se,
                    low: mean - 1.96 * se,
                    high: mean + 1.96 * se,
                })
            })
            .collect()
    }

    /// Per mutual-connection bin, the share of what `strategy`'s real accepted
    /// ties bring alone that is new given the strategy's other ties: the sum of
    /// their marginal values over the sum of their standalone values. 1 means
    /// no redundancy; `None` for bins without a standalone value.
    pub fn tie_novelty(&self, strategy: usize) -> Vec<(usize, f64)> {
        TIE_BINS
            .iter()
            .enumerate()
            .filter_map(|(bin, &(lo, hi, _))| {
                let (m, a) = self
                    .ties
                    .iter()
                    .filter(|t| t.strategy == strategy && !t.fake && (lo..=hi).contains(&t.mutual))
                    .fold((0.0, 0.0), |acc, t| {
                        (acc.0 + t.marginal_leads, acc.1 + t.standalone_leads)
                    });
                (a > 0.0 && a.is_finite()).then_some((bin, m / a))
            })
            .collect()
    }
}

mod adoption;
mod connections;

pub(crate) use adoption::estimate as adoption_estimate;
pub use adoption::{Adoption, AdoptionPoint};
pub use connections::{BinGain, ConnectionBins, FEW_PEOPLE};

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
    fn standard_errors_are_over_people() {
        // Two people in bin 0: one with ties worth 1 and 3, one with a tie worth 8.
        let tie = |person, v| SavedTie {
            strategy: 0,
            person,
            mutual: 0,
            inviter_connections: 5,
            fake: false,
            marginal_leads: v,
            standalone_leads: v,
            marginal_offers: None,
        };
        let d = SavedResults {
            summary: two_strategies(&[]),
            ties: vec![tie(0, 1.0), tie(0, 3.0), tie(1, 8.0)],
            ..SavedResults::default()
        };
        let b = d.tie_values(0, |t| t.marginal_leads)[0];
        assert_eq!((b.ties, b.people, b.mean), (3, 2, 4.0));
        // Person sums 4 and 8 against 2 × 4 and 1 × 4: (16 + 16) × 2 / 1, over 3.
        assert!((b.se - (64.0f64).sqrt() / 3.0).abs() < 1e-12, "{b:?}");
        assert_eq!(d.tie_novelty(0), [(0, 1.0)]);
    }

    #[test]
    fn tie_values_skip_fakes_and_empty_bins() {
        let tie = |strategy, mutual, fake, v| SavedTie {
            strategy,
            person: usize::try_from(mutual).unwrap(),
            mutual,
            inviter_connections: 10,
            fake,
            marginal_leads: v,
            standalone_leads: 2.0 * v,
            marginal_offers: None,
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
            (TIE_BINS.len() - 1, 1, 5.0)
        );
    }
}
