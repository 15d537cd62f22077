//! The `adoption` table (experiments with `[adoption]`): each person studied
//! at each share of the population following each main strategy, as an
//! adopter and as one who refuses every invitation.
//!
//! # Columns
//! `replicate, person, strategy, share, adopter, week, degree, nodes_up_to,
//! recruiters_up_to, hiring_managers_up_to, expected_leads_up_to,
//! expected_offers_up_to`: one row per degree; the counts are within
//! `degree`, named as in the `reach` table; leads and offers (null without
//! `[leads]` or `[market]`) as in the `leads` table. `week` is the last week.

use polars::prelude::*;

use super::schema::column;
use super::{id_column, strategy_column, table_err};
use crate::config::Experiment;
use crate::error::Result;
use crate::graph::NodeIds;
use crate::reach::Degree;
use crate::simulation::AdoptionRow;

/// The adoption table; `None` without `[adoption]`.
pub fn adoption_table(
    exp: &Experiment,
    ids: &NodeIds,
    rows: &[AdoptionRow],
    spell: &[String],
) -> Result<Option<DataFrame>> {
    if exp.adoption.is_none() {
        return Ok(None);
    }
    let d = exp.max_degree.0;
    let up_to = |name: &str| PlSmallStr::from(format!("{name}{}", column::UP_TO_SUFFIX));
    let rep = || rows.iter().flat_map(move |r| (1..=d).map(move |k| (r, k)));
    let count = |f: fn(&crate::reach::Counts) -> u64| {
        rep()
            .map(|(r, k)| f(&r.reach.up_to_degree(Degree(k))))
            .collect::<Vec<u64>>()
    };
    let cols = vec![
        Column::new(
            column::REPLICATE.into(),
            rep().map(|(r, _)| r.replicate).collect::<Vec<u32>>(),
        ),
        id_column(column::PERSON, ids, rep().map(|(r, _)| r.person)),
        strategy_column(spell, rep().map(|(r, _)| r.strategy)),
        Column::new(
            column::SHARE.into(),
            rep().map(|(r, _)| r.share).collect::<Vec<f64>>(),
        ),
        Column::new(
            column::ADOPTER.into(),
            rep().map(|(r, _)| r.adopter).collect::<Vec<bool>>(),
        ),
        Column::new(
            column::WEEK.into(),
            rep().map(|(r, _)| r.week).collect::<Vec<u32>>(),
        ),
        Column::new(
            column::DEGREE.into(),
            rep().map(|(_, k)| u32::from(k)).collect::<Vec<u32>>(),
        ),
        Column::new(up_to(column::NODES), count(|c| c.nodes)),
        Column::new(up_to(column::RECRUITERS), count(|c| c.recruiters)),
        Column::new(up_to(column::HIRING_MANAGERS), count(|c| c.hiring_managers)),
        Column::new(
            column::EXPECTED_LEADS_UP_TO.into(),
            rep()
                .map(|(r, k)| r.leads.as_ref().map(|l| l.up_to(usize::from(k))))
                .collect::<Vec<Option<f64>>>(),
        ),
        Column::new(
            column::EXPECTED_OFFERS_UP_TO.into(),
            rep()
                .map(|(r, k)| {
                    r.leads
                        .as_ref()
                        .and_then(|l| l.offers_up_to(usize::from(k)))
                })
                .collect::<Vec<Option<f64>>>(),
        ),
    ];
    DataFrame::new_infer_height(cols)
        .map(Some)
        .map_err(table_err("adoption"))
}
