//! An experiment's tables: `reach` (long, one row per observation and degree),
//! `people` (one row per observation) and `summary` (aggregates per strategy, week
//! and measure), plus `experiment.toml`, the experiment as run.
//!
//! # Columns
//! | table | columns |
//! |---|---|
//! | `reach` | `replicate, person, strategy, sweep_value, week, degree`, then `nodes, recruiters, hiring_managers` at exactly that degree and `nodes_up_to, recruiters_up_to, hiring_managers_up_to` within it |
//! | `people` | `replicate, person, strategy, sweep_value, week, received, accepted, fake_accepted, accepted_mutual_mean, accepted_mutual_median` |
//! | `summary` | `strategy, sweep_value, week, measure, scope, degree, mean, sd, median, p10, p90, ci95_low, ci95_high, people, observations` |
//! | `by_connections` | `strategy, sweep_value, week, connections_bin, people, measure, scope, degree, mean, ci_low, ci_high, median`: the summary per bin of the people's connections before the first week |
//!
//! `measure` is one of [`Measure`]; `scope` is `at_degree` or `up_to_degree` for
//! reach measures (with `degree`), `up_to_degree` for `network_share` (members
//! within the degree divided by the people in the network, fake accounts excluded
//! from the people; a fake account reached counts, at most the pool's 1%), and
//! `per_person` for the others (`degree` empty). With `[leads]`, `expected_leads`
//! (leads a week within the degree) and `p_any_lead` (the probability of at
//! least one a week within it) have scope `up_to_degree`, and
//! `hiring_firm_connected` (the share of the openings relevant to the person,
//! weighted by firm rate and relevance, at firms the person has a 1st-degree
//! connection at, accepted invitations included) has scope `at_degree`,
//! degree 1.
//!
//! The summary's rows are typed as [`SummaryRow`] and read through
//! [`super::summary::Summary`], where the saturation rule lives.
//!
//! # Statistics
//! Means, standard deviations and percentiles are over observations (people ×
//! replicates). The 95% confidence interval of a mean is a t-interval over people:
//! each person's replicates are averaged first, so one person's replicates are not
//! counted as independent observations; with one person it is empty (NaN).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use polars::prelude::*;

use super::schema::{Measure, Scope, Table, column};
use super::summary::{ConnectionBins, Summary, SummaryRow};
use super::{strategy_column, sweep_column, table_err, u64_column, write_experiment_tables};
use crate::config::{Experiment, connection_bin, connection_bin_label};
use crate::error::{Error, Result};
use crate::graph::{NodeId, NodeIds};
use crate::output::{Overwrite, write_text};
use crate::reach::Degree;
use crate::simulation::{Observation, Outcome};
use crate::stats;

/// The tables of a simulation.
#[derive(Debug, Clone)]
pub struct SimulationTables {
    /// One row per replicate × person × strategy × week × degree.
    pub reach: DataFrame,
    /// One row per replicate × person × strategy × week.
    pub people: DataFrame,
    /// One row per strategy × week × measure (× degree).
    pub summary: DataFrame,
    /// The summary, typed, for the terminal.
    pub typed_summary: Summary,
    /// The summary per bin of the people's connections before the first week.
    pub by_connections: DataFrame,
    /// The same, typed, for the terminal.
    pub typed_by_connections: ConnectionBins,
    /// Expected leads per observation and hop count (experiments with `[leads]`).
    pub leads: Option<DataFrame>,
    /// Accepted ties and their marginal leads (experiments with `[leads]`).
    pub ties: Option<DataFrame>,
    /// Each person studied at each share of adopters (experiments with
    /// `[adoption]`).
    pub adoption: Option<DataFrame>,
}

/// The mean mutual connections of an observation's accepted inviters, if any.
fn mutual_mean(o: &Observation) -> Option<f64> {
    (!o.accepted_mutuals.is_empty()).then(|| {
        o.accepted_mutuals
            .iter()
            .map(|&m| f64::from(m))
            .sum::<f64>()
            / o.accepted_mutuals.len() as f64
    })
}

/// Builds the reach, people and summary tables of a simulation.
pub fn simulation_tables(
    exp: &Experiment,
    ids: &NodeIds,
    outcome: &Outcome,
) -> Result<SimulationTables> {
    let obs = &outcome.observations;
    let spell: Vec<String> = exp
        .strategies
        .iter()
        .map(|s| s.strategy.to_string())
        .collect();
    let sweep: Vec<Option<f64>> = exp.strategies.iter().map(|s| s.sweep_value).collect();
    let reach = reach_long(exp, ids, obs, &spell, &sweep)?;
    let people = people_table(ids, obs, &spell, &sweep)?;
    let rows = summarize(exp, obs, outcome.network_people);
    let summary = summary_table(&rows, &spell, &sweep)?;
    let (by_connections, typed_by_connections) =
        by_connections_table(exp, obs, outcome.network_people, &spell, &sweep)?;
    let leads = super::leads::leads_table(exp, ids, obs, &spell, &sweep)?;
    let ties = match leads {
        Some(_) => Some(super::leads::ties_table(
            ids,
            &outcome.ties,
            &spell,
            &sweep,
        )?),
        None => None,
    };
    let adoption = super::adoption::adoption_table(exp, ids, &outcome.adoption, &spell)?;
    Ok(SimulationTables {
        adoption,
        reach,
        people,
        summary,
        typed_summary: Summary::from_rows(spell, sweep, &rows),
        by_connections,
        typed_by_connections,
        leads,
        ties,
    })
}

/// The long reach table: one row per observation and degree.
fn reach_long(
    exp: &Experiment,
    ids: &NodeIds,
    obs: &[Observation],
    spell: &[String],
    sweep: &[Option<f64>],
) -> Result<DataFrame> {
    let d = usize::from(exp.max_degree.0);
    let mut cols = super::observation_columns(ids, obs, d, spell, sweep);
    cols.extend([Column::new(
        column::DEGREE.into(),
        obs.iter()
            .flat_map(|_| 1..=u32::from(exp.max_degree.0))
            .collect::<Vec<u32>>(),
    )]);
    // At each degree, then up to it: nodes, recruiters, hiring_managers, nodes_up_to, ...
    for (suffix, scope) in [
        ("", Scope::AtDegree),
        (column::UP_TO_SUFFIX, Scope::UpToDegree),
    ] {
        for m in Measure::REACH {
            let values = obs.iter().flat_map(|o| {
                (1..=exp.max_degree.0).map(move |k| {
                    let c = if scope == Scope::UpToDegree {
                        o.reach.up_to_degree(Degree(k))
                    } else {
                        o.reach.at_degree(Degree(k))
                    };
                    m.of(&c).unwrap_or_default()
                })
            });
            cols.push(u64_column(&format!("{m}{suffix}"), values));
        }
    }
    DataFrame::new_infer_height(cols).map_err(table_err("reach"))
}

/// The people table: one row per observation.
fn people_table(
    ids: &NodeIds,
    obs: &[Observation],
    spell: &[String],
    sweep: &[Option<f64>],
) -> Result<DataFrame> {
    let u32s = |name: &str, f: fn(&Observation) -> u32| {
        Column::new(name.into(), obs.iter().map(f).collect::<Vec<u32>>())
    };
    let mutual_median = |o: &Observation| {
        let mut v: Vec<f64> = o.accepted_mutuals.iter().map(|&m| f64::from(m)).collect();
        (!v.is_empty()).then(|| stats::quantile(&mut v, 0.5))
    };
    let mut cols = super::observation_columns(ids, obs, 1, spell, sweep);
    cols.extend([
        u32s(column::RECEIVED, |o| o.received),
        u32s(column::ACCEPTED, |o| o.accepted),
        u32s(column::FAKE_ACCEPTED, |o| o.fake_accepted),
        Column::new(
            column::ACCEPTED_MUTUAL_MEAN.into(),
            obs.iter().map(mutual_mean).collect::<Vec<Option<f64>>>(),
        ),
        Column::new(
            column::ACCEPTED_MUTUAL_MEDIAN.into(),
            obs.iter().map(mutual_median).collect::<Vec<Option<f64>>>(),
        ),
    ]);
    DataFrame::new_infer_height(cols).map_err(table_err("people"))
}

/// The summary table from its rows.
fn summary_table(
    rows: &[SummaryRow],
    spell: &[String],
    sweep: &[Option<f64>],
) -> Result<DataFrame> {
    let f64s = |name: &str, f: fn(&SummaryRow) -> f64| {
        Column::new(name.into(), rows.iter().map(f).collect::<Vec<f64>>())
    };
    DataFrame::new_infer_height(vec![
        strategy_column(spell, rows.iter().map(|r| r.strategy)),
        sweep_column(sweep, rows.iter().map(|r| r.strategy)),
        Column::new(
            column::WEEK.into(),
            rows.iter().map(|r| r.week).collect::<Vec<u32>>(),
        ),
        Column::new(
            column::MEASURE.into(),
            rows.iter()
                .map(|r| r.measure.as_str())
                .collect::<Vec<&str>>(),
        ),
        Column::new(
            column::SCOPE.into(),
            rows.iter().map(|r| r.scope.as_str()).collect::<Vec<&str>>(),
        ),
        Column::new(
            column::DEGREE.into(),
            rows.iter().map(|r| r.degree).collect::<Vec<Option<u32>>>(),
        ),
        f64s(column::MEAN, |r| r.mean),
        f64s(column::SD, |r| r.sd),
        f64s(column::MEDIAN, |r| r.median),
        f64s(column::P10, |r| r.p10),
        f64s(column::P90, |r| r.p90),
        f64s(column::CI95_LOW, |r| r.ci95_low),
        f64s(column::CI95_HIGH, |r| r.ci95_high),
        u64_column(column::PEOPLE, rows.iter().map(|r| r.people as u64)),
        u64_column(
            column::OBSERVATIONS,
            rows.iter().map(|r| r.observations as u64),
        ),
    ])
    .map_err(table_err("summary"))
}

/// The label of one summary measure: (measure, scope, degree).
type Label = (Measure, Scope, Option<u32>);

/// The measures of one observation, in a fixed order: (label, value); `people`
/// is the network's size, fake accounts excluded.
fn measures(o: &Observation, max: Degree, people: u64) -> Vec<(Label, Option<f64>)> {
    let mut out = Vec::new();
    for k in 1..=max.0 {
        for (scope, c) in [
            (Scope::AtDegree, o.reach.at_degree(Degree(k))),
            (Scope::UpToDegree, o.reach.up_to_degree(Degree(k))),
        ] {
            for m in Measure::REACH {
                let v = m.of(&c).unwrap_or_default() as f64;
                out.push(((m, scope, Some(u32::from(k))), Some(v)));
            }
        }
    }
    for k in 1..=max.0 {
        let within = o.reach.up_to_degree(Degree(k)).nodes as f64;
        out.push((
            (Measure::NetworkShare, Scope::UpToDegree, Some(u32::from(k))),
            (people > 0).then(|| (within / people as f64).min(1.0)),
        ));
    }
    let per_person = |m: Measure, v: Option<f64>| ((m, Scope::PerPerson, None), v);
    out.push(per_person(Measure::Received, Some(f64::from(o.received))));
    out.push(per_person(Measure::Accepted, Some(f64::from(o.accepted))));
    out.push(per_person(
        Measure::FakeAccepted,
        Some(f64::from(o.fake_accepted)),
    ));
    out.push(per_person(Measure::AcceptedMutualMean, mutual_mean(o)));
    if let Some(leads) = &o.leads {
        out.push((
            (Measure::HiringFirmConnected, Scope::AtDegree, Some(1)),
            o.hiring_firm_connected,
        ));
        for k in 1..=usize::from(max.0) {
            let degree = Some(u32::try_from(k).unwrap_or(u32::MAX));
            out.push((
                (Measure::ExpectedLeads, Scope::UpToDegree, degree),
                Some(leads.up_to(k)),
            ));
            out.push((
                (Measure::PAnyLead, Scope::UpToDegree, degree),
                Some(leads.p_any_up_to[k - 1]),
            ));
            if let Some(offers) = leads.offers_up_to(k) {
                out.push((
                    (Measure::ExpectedOffers, Scope::UpToDegree, degree),
                    Some(offers),
                ));
            }
        }
    }
    out
}

/// Aggregates observations per (strategy, week, measure); `people` is the
/// network's size, fake accounts excluded.
pub fn summarize(exp: &Experiment, obs: &[Observation], people: u64) -> Vec<SummaryRow> {
    summarize_by(exp, obs, people, |_| 0)
        .into_iter()
        .map(|(_, row)| row)
        .collect()
}

/// [`summarize`] per group of people: (group, row) per (strategy, week,
/// group, measure), groups ascending within a strategy and week.
fn summarize_by(
    exp: &Experiment,
    obs: &[Observation],
    people: u64,
    group: impl Fn(&Observation) -> usize,
) -> Vec<(usize, SummaryRow)> {
    // (strategy, week, group) -> per measure: (person, value) pairs.
    type Values = Vec<(NodeId, f64)>;
    let mut groups: BTreeMap<(usize, u32, usize), Vec<Values>> = BTreeMap::new();
    let mut labels: Vec<Label> = Vec::new();
    for o in obs {
        let ms = measures(o, exp.max_degree, people);
        if labels.is_empty() {
            labels = ms.iter().map(|(l, _)| *l).collect();
        }
        let slot = groups
            .entry((o.strategy, o.week, group(o)))
            .or_insert_with(|| vec![Vec::new(); ms.len()]);
        for (i, (_, v)) in ms.into_iter().enumerate() {
            if let Some(v) = v {
                slot[i].push((o.person, v));
            }
        }
    }
    let mut rows = Vec::new();
    for ((strategy, week, g), per_measure) in groups {
        for (i, values) in per_measure.into_iter().enumerate() {
            rows.push((g, describe(strategy, week, labels[i], values)));
        }
    }
    rows
}

/// One summary row from the (person, value) pairs of one label.
fn describe(
    strategy: usize,
    week: u32,
    (measure, scope, degree): Label,
    mut values: Vec<(NodeId, f64)>,
) -> SummaryRow {
    let n = values.len();
    let mut xs: Vec<f64> = values.iter().map(|v| v.1).collect();
    let mean = stats::mean(&xs);
    let sd = stats::sd(&xs, mean);
    let (median, p10, p90) = (
        stats::quantile(&mut xs, 0.5),
        stats::quantile(&mut xs, 0.1),
        stats::quantile(&mut xs, 0.9),
    );
    // Per-person means, then a t-interval across people.
    values.sort_by_key(|v| v.0);
    let person_means: Vec<f64> = values
        .chunk_by(|a, b| a.0 == b.0)
        .map(|run| run.iter().map(|v| v.1).sum::<f64>() / run.len() as f64)
        .collect();
    let (ci95_low, ci95_high) = stats::t_interval(&person_means);
    SummaryRow {
        strategy,
        week,
        measure,
        scope,
        degree,
        mean,
        sd,
        median,
        p10,
        p90,
        ci95_low,
        ci95_high,
        people: person_means.len(),
        observations: n,
    }
}

/// Writes a simulation's tables into `dir` (`reach`, `people`, `summary`, in the
/// experiment's formats) plus `experiment.toml`, the experiment as run. Returns the
/// files written.
pub fn write_simulation(
    dir: &Path,
    exp: &Experiment,
    tables: &mut SimulationTables,
    overwrite: Overwrite,
) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io("create the folder", dir, e))?;
    let mut written = write_experiment_tables(
        dir,
        exp,
        [
            (Table::Reach, &mut tables.reach),
            (Table::People, &mut tables.people),
            (Table::Summary, &mut tables.summary),
            (Table::ByConnections, &mut tables.by_connections),
        ],
        overwrite,
    )?;
    let mut stale_tables = Vec::new();
    if let (Some(leads), Some(ties)) = (&mut tables.leads, &mut tables.ties) {
        written.extend(write_experiment_tables(
            dir,
            exp,
            [(Table::Leads, leads), (Table::Ties, ties)],
            overwrite,
        )?);
    } else {
        stale_tables.extend([Table::Leads, Table::Ties]);
    }
    if let Some(adoption) = &mut tables.adoption {
        written.extend(write_experiment_tables(
            dir,
            exp,
            [(Table::Adoption, adoption)],
            overwrite,
        )?);
    } else {
        stale_tables.push(Table::Adoption);
    }
    {
        // A rerun without [leads] or [adoption] (with --force) must not leave
        // an earlier run's tables beside the new results, where charts and the
        // report would read them.
        for table in stale_tables {
            for ext in ["parquet", "csv"] {
                let stale = dir.join(format!("{}.{ext}", table.name()));
                if stale.exists() {
                    if overwrite == Overwrite::Refuse {
                        return Err(Error::OutputExists { path: stale });
                    }
                    std::fs::remove_file(&stale)
                        .map_err(|e| Error::io("remove the earlier", &stale, e))?;
                }
            }
        }
    }
    let toml = dir.join(crate::config::EXPERIMENT_FILE);
    write_text(&toml, &exp.source_text, overwrite)?;
    written.push(toml);
    Ok(written)
}

/// The `by_connections` table: the summary's measures again, per bin of the
/// people's connections before the first week (`[output] connection_bins`,
/// by default <50, 50-149, 150-499 and 500+). What a strategy is worth depends
/// on how many connections one already has; the summary averages over
/// everyone, this table does not.
///
/// # Columns
/// `strategy, sweep_value, week, connections_bin, people, measure, scope,
/// degree, mean, ci_low, ci_high, median`: `people` the distinct people in the
/// bin, the interval a t-interval over people (each person's replicates
/// averaged first), as in the summary. A bin nobody falls in has no rows.
///
/// # Complexity
/// One pass over the observations' measures, grouped in a B-tree:
/// O(observations × measures × log groups).
/// The table for an experiment's observations; `people` is the network's
/// size, fake accounts excluded.
fn by_connections_table(
    exp: &Experiment,
    obs: &[Observation],
    people: u64,
    spell: &[String],
    sweep: &[Option<f64>],
) -> Result<(DataFrame, ConnectionBins)> {
    let bins = &exp.connection_bins;
    let rows = summarize_by(exp, obs, people, |o| connection_bin(bins, o.connections));
    let labels = (0..=bins.len())
        .map(|i| connection_bin_label(bins, i))
        .collect();
    let typed = ConnectionBins::from_rows(labels, &rows);
    let f64s = |name: &str, f: fn(&super::summary::SummaryRow) -> f64| {
        Column::new(
            name.into(),
            rows.iter().map(|(_, r)| f(r)).collect::<Vec<f64>>(),
        )
    };
    DataFrame::new_infer_height(vec![
        strategy_column(spell, rows.iter().map(|(_, r)| r.strategy)),
        sweep_column(sweep, rows.iter().map(|(_, r)| r.strategy)),
        Column::new(
            column::WEEK.into(),
            rows.iter().map(|(_, r)| r.week).collect::<Vec<u32>>(),
        ),
        Column::new(
            column::CONNECTIONS_BIN.into(),
            rows.iter()
                .map(|(b, _)| connection_bin_label(bins, *b))
                .collect::<Vec<String>>(),
        ),
        u64_column(column::PEOPLE, rows.iter().map(|(_, r)| r.people as u64)),
        Column::new(
            column::MEASURE.into(),
            rows.iter()
                .map(|(_, r)| r.measure.as_str())
                .collect::<Vec<&str>>(),
        ),
        Column::new(
            column::SCOPE.into(),
            rows.iter()
                .map(|(_, r)| r.scope.as_str())
                .collect::<Vec<&str>>(),
        ),
        Column::new(
            column::DEGREE.into(),
            rows.iter()
                .map(|(_, r)| r.degree)
                .collect::<Vec<Option<u32>>>(),
        ),
        f64s(column::MEAN, |r| r.mean),
        f64s(column::CI_LOW, |r| r.ci95_low),
        f64s(column::CI_HIGH, |r| r.ci95_high),
        f64s(column::MEDIAN, |r| r.median),
    ])
    .map_err(table_err("by_connections"))
    .map(|t| (t, typed))
}
