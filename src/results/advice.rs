//! The tables of `netreach advise`: `advice.csv`, model estimates for an imported
//! export ([`advice_table`]), or the exact greedy ranking of one person's pending
//! invitations on a whole graph ([`greedy_table`]).

use polars::prelude::*;

use std::path::Path;

use super::{id_column, table_err, write_table};
use crate::advise::{AdviceRow, LeadPick, Pick};
use crate::error::Result;
use crate::graph::{NodeId, NodeIds};
use crate::output::Overwrite;
use crate::roles::Role;

/// The advice table: columns `scenario, measure, within, mean, p10, p90,
/// replicates, estimate` (`estimate` is always `model`: these are model estimates).
/// For `no change` the values are reach; for the others, the gain over it.
/// Estimates are rounded to 0.01 person (what a reader reads, without float noise
/// such as `3.4000000000000004`).
pub fn advice_table(rows: &[AdviceRow]) -> Result<DataFrame> {
    let round = |v: f64| (v * 100.0).round() / 100.0;
    DataFrame::new_infer_height(vec![
        Column::new(
            "scenario".into(),
            rows.iter()
                .map(|r| r.scenario.as_str())
                .collect::<Vec<&str>>(),
        ),
        Column::new(
            "measure".into(),
            rows.iter().map(|r| r.measure).collect::<Vec<&str>>(),
        ),
        Column::new(
            "within".into(),
            rows.iter()
                .map(|r| u32::from(r.within))
                .collect::<Vec<u32>>(),
        ),
        Column::new(
            "mean".into(),
            rows.iter().map(|r| round(r.mean)).collect::<Vec<f64>>(),
        ),
        Column::new(
            "p10".into(),
            rows.iter().map(|r| round(r.p10)).collect::<Vec<f64>>(),
        ),
        Column::new(
            "p90".into(),
            rows.iter().map(|r| round(r.p90)).collect::<Vec<f64>>(),
        ),
        Column::new(
            "replicates".into(),
            rows.iter()
                .map(|r| r.replicates as u64)
                .collect::<Vec<u64>>(),
        ),
        Column::new("estimate".into(), vec!["model"; rows.len()]),
    ])
    .map_err(table_err("advice"))
}

/// `rank, inviter, mutual, role` of ranked invitations: (inviter, mutual
/// connections, role), best first.
fn ranked_columns(ids: &NodeIds, picks: &[(NodeId, usize, Option<Role>)]) -> Vec<Column> {
    vec![
        Column::new(
            "rank".into(),
            (1..=picks.len() as u64).collect::<Vec<u64>>(),
        ),
        id_column("inviter", ids, picks.iter().map(|p| p.0)),
        Column::new(
            "mutual".into(),
            picks.iter().map(|p| p.1 as u64).collect::<Vec<u64>>(),
        ),
        Column::new(
            "role".into(),
            picks
                .iter()
                .map(|p| p.2.map(|r| r.to_string()))
                .collect::<Vec<Option<String>>>(),
        ),
    ]
}

/// The greedy ranking table of `advise --graph`: `rank, inviter, mutual, role`,
/// what each pick adds (`added_recruiters_2, added_hiring_managers_2,
/// added_recruiters_3, added_hiring_managers_3`), the totals after it
/// (`recruiters_within_2, hiring_managers_within_2, recruiters_within_3,
/// hiring_managers_within_3`) and `estimate` (`exact`).
pub fn greedy_table(ids: &NodeIds, picks: &[Pick]) -> Result<DataFrame> {
    let col = |name: &str, k: usize, added: bool| {
        Column::new(
            name.into(),
            picks
                .iter()
                .map(|p| if added { p.added[k] } else { p.cumulative[k] })
                .collect::<Vec<u64>>(),
        )
    };
    let mut cols = ranked_columns(
        ids,
        &picks
            .iter()
            .map(|p| (p.inviter, p.mutual, p.role))
            .collect::<Vec<_>>(),
    );
    cols.extend([
        col("added_recruiters_2", 0, true),
        col("added_hiring_managers_2", 1, true),
        col("added_recruiters_3", 2, true),
        col("added_hiring_managers_3", 3, true),
        col("recruiters_within_2", 0, false),
        col("hiring_managers_within_2", 1, false),
        col("recruiters_within_3", 2, false),
        col("hiring_managers_within_3", 3, false),
        Column::new("estimate".into(), vec!["exact"; picks.len()]),
    ]);
    DataFrame::new_infer_height(cols).map_err(table_err("advice"))
}

/// The ranking of `advise --graph --leads`: `rank, inviter, mutual, role,
/// inviter_connections, marginal_leads` (expected leads a week within 3 ties
/// that accepting the invitation alone adds; four significant digits) and
/// `estimate` (`monte carlo`).
pub fn leads_advice_table(ids: &NodeIds, picks: &[LeadPick]) -> Result<DataFrame> {
    let round = |v: f64| {
        if v == 0.0 || !v.is_finite() {
            return v;
        }
        #[allow(clippy::cast_possible_truncation)] // a small exponent
        let scale = 10f64.powi(3 - v.abs().log10().floor() as i32);
        (v * scale).round() / scale
    };
    let mut cols = ranked_columns(
        ids,
        &picks
            .iter()
            .map(|p| (p.inviter, p.mutual, p.role))
            .collect::<Vec<_>>(),
    );
    cols.extend([
        Column::new(
            "inviter_connections".into(),
            picks
                .iter()
                .map(|p| p.connections as u64)
                .collect::<Vec<u64>>(),
        ),
        Column::new(
            "marginal_leads".into(),
            picks
                .iter()
                .map(|p| round(p.marginal_leads))
                .collect::<Vec<f64>>(),
        ),
        Column::new("estimate".into(), vec!["monte carlo"; picks.len()]),
    ]);
    DataFrame::new_infer_height(cols).map_err(table_err("advice"))
}

/// Writes [`leads_advice_table`] to `path`.
pub fn write_leads_advice_table(
    ids: &NodeIds,
    picks: &[LeadPick],
    path: &Path,
    overwrite: Overwrite,
) -> Result<()> {
    write_table(&mut leads_advice_table(ids, picks)?, path, overwrite)
}

/// Writes [`advice_table`] to `path`.
pub fn write_advice_table(rows: &[AdviceRow], path: &Path, overwrite: Overwrite) -> Result<()> {
    write_table(&mut advice_table(rows)?, path, overwrite)
}

/// Writes [`greedy_table`] to `path`.
pub fn write_greedy_table(
    ids: &NodeIds,
    picks: &[Pick],
    path: &Path,
    overwrite: Overwrite,
) -> Result<()> {
    write_table(&mut greedy_table(ids, picks)?, path, overwrite)
}
