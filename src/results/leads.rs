//! An experiment's job-leads tables (experiments with `[leads]`), beside the
//! reach tables of [`super::simulation`].
//!
//! # Columns
//! | table | columns |
//! |---|---|
//! | `leads` | `replicate, person, strategy, sweep_value, week, hops`, then `expected_leads` (leads a week whose shortest carrying path has exactly `hops` ties), `expected_leads_up_to` (within `hops`) and `p_any_up_to` (the probability of at least one lead a week within `hops`); with `[market]`, `expected_offers_up_to` (offers a week from leads within `hops`, against the rivals the openings reach within the max degree) |
//! | `ties` | `replicate, person, strategy, sweep_value, inviter, mutual, fake, inviter_connections, marginal_leads, standalone_leads`: one row per invitation accepted by the last week; `mutual` is the tie's mutual connections at acceptance, `inviter_connections` the inviter's connections in the base graph, `marginal_leads` the expected leads within the max degree with all the strategy's accepted ties minus the same without this one, in the same worlds, `standalone_leads` the same with this tie alone against none (so `marginal_leads / standalone_leads` is the share of what the tie brings that the strategy's other ties do not already bring); with `[market]`, `marginal_offers` and `standalone_offers`, the same two in expected offers |
//!
//! Persons and inviters are written by their external ids (pseudonyms for a
//! LinkedIn export).

use polars::prelude::*;

use super::schema::column;
use super::{id_column, strategy_column, sweep_column, table_err};
use crate::config::Experiment;
use crate::error::Result;
use crate::graph::NodeIds;
use crate::simulation::{Observation, TieValue};

/// The leads table: one row per observation and hop count; `None` without leads.
pub fn leads_table(
    exp: &Experiment,
    ids: &NodeIds,
    obs: &[Observation],
    spell: &[String],
    sweep: &[Option<f64>],
) -> Result<Option<DataFrame>> {
    if obs.iter().any(|o| o.leads.is_none()) || exp.leads.is_none() {
        return Ok(None);
    }
    let d = usize::from(exp.max_degree.0);
    let per_hop = |f: fn(&crate::reach::leads::Leads, usize) -> f64| {
        obs.iter()
            .flat_map(move |o| {
                let l = o.leads.as_ref().expect("checked above");
                (1..=d).map(move |k| f(l, k))
            })
            .collect::<Vec<f64>>()
    };
    let hops = u32::from(exp.max_degree.0);
    let mut cols = super::observation_columns(ids, obs, d, spell, sweep);
    cols.extend([
        Column::new(
            column::HOPS.into(),
            obs.iter().flat_map(|_| 1..=hops).collect::<Vec<u32>>(),
        ),
        Column::new(
            column::EXPECTED_LEADS.into(),
            per_hop(|l, k| l.at_hops[k - 1]),
        ),
        Column::new(
            column::EXPECTED_LEADS_UP_TO.into(),
            per_hop(crate::reach::leads::Leads::up_to),
        ),
        Column::new(
            column::P_ANY_UP_TO.into(),
            per_hop(|l, k| l.p_any_up_to[k - 1]),
        ),
    ]);
    if exp.market.is_some() {
        cols.push(Column::new(
            column::EXPECTED_OFFERS_UP_TO.into(),
            per_hop(|l, k| l.offers_up_to(k).unwrap_or(f64::NAN)),
        ));
    }
    DataFrame::new_infer_height(cols)
        .map(Some)
        .map_err(table_err("leads"))
}

/// The ties table: one row per invitation accepted by the last week.
pub fn ties_table(
    ids: &NodeIds,
    ties: &[TieValue],
    spell: &[String],
    sweep: &[Option<f64>],
) -> Result<DataFrame> {
    let mut cols = vec![
        Column::new(
            column::REPLICATE.into(),
            ties.iter().map(|t| t.replicate).collect::<Vec<u32>>(),
        ),
        id_column(column::PERSON, ids, ties.iter().map(|t| t.person)),
        strategy_column(spell, ties.iter().map(|t| t.strategy)),
        sweep_column(sweep, ties.iter().map(|t| t.strategy)),
        id_column(column::INVITER, ids, ties.iter().map(|t| t.inviter)),
        Column::new(
            column::MUTUAL.into(),
            ties.iter().map(|t| t.mutual).collect::<Vec<u32>>(),
        ),
        Column::new(
            column::FAKE.into(),
            ties.iter().map(|t| t.fake).collect::<Vec<bool>>(),
        ),
        Column::new(
            column::INVITER_CONNECTIONS.into(),
            ties.iter()
                .map(|t| t.inviter_connections)
                .collect::<Vec<u32>>(),
        ),
        Column::new(
            column::MARGINAL_LEADS.into(),
            ties.iter().map(|t| t.marginal_leads).collect::<Vec<f64>>(),
        ),
        Column::new(
            column::STANDALONE_LEADS.into(),
            ties.iter()
                .map(|t| t.standalone_leads)
                .collect::<Vec<f64>>(),
        ),
    ];
    if ties.iter().any(|t| t.marginal_offers.is_some()) {
        cols.push(Column::new(
            column::MARGINAL_OFFERS.into(),
            ties.iter()
                .map(|t| t.marginal_offers)
                .collect::<Vec<Option<f64>>>(),
        ));
        cols.push(Column::new(
            column::STANDALONE_OFFERS.into(),
            ties.iter()
                .map(|t| t.standalone_offers)
                .collect::<Vec<Option<f64>>>(),
        ));
    }
    DataFrame::new_infer_height(cols).map_err(table_err("ties"))
}
