//! The table of `netreach reach`: one row per person (× strategy) × degree.
//!
//! # Columns
//! | column | type | meaning |
//! |---|---|---|
//! | `source` | u64 or string | the person, as their external id |
//! | `strategy` | string | the strategy, as spelled on the command line (only with `--strategy`) |
//! | `accepted` | u32 | pending invitations this person accepted under it (only with `--strategy`) |
//! | `degree` | u32 | connection degree k, 1..=max-degree |
//! | `nodes` | u64 | members at exactly degree k |
//! | `recruiters` | u64 | recruiters at exactly degree k |
//! | `hiring_managers` | u64 | hiring managers at exactly degree k |
//!
//! Cumulative reach up to k is the sum of rows 1..=k.

use polars::prelude::*;

use super::schema::{Measure, column};
use super::{id_column, table_err, write_table};
use crate::error::Result;
use crate::graph::{NodeId, NodeIds};
use crate::output::Overwrite;
use crate::reach::{Degree, ReachCounts};
use std::path::Path;

/// One row group of the reach table: a person, optionally under a strategy.
#[derive(Debug, Clone)]
pub struct ReachRow<'a> {
    /// The person.
    pub source: NodeId,
    /// The strategy's spelling and how many invitations it accepted, if any.
    pub strategy: Option<(&'a str, u32)>,
    /// The person's reach.
    pub counts: &'a ReachCounts,
}

/// Builds the tidy reach table: one row per person (× strategy) × degree.
pub fn reach_table(ids: &NodeIds, rows: &[ReachRow<'_>], max: Degree) -> Result<DataFrame> {
    let per = usize::from(max.0);
    let each = || {
        rows.iter()
            .flat_map(move |r| (1..=max.0).map(move |k| (r, k)))
    };
    let mut cols = vec![id_column(
        column::SOURCE,
        ids,
        rows.iter().flat_map(|r| std::iter::repeat_n(r.source, per)),
    )];
    if rows.iter().any(|r| r.strategy.is_some()) {
        let (strategy, accepted): (Vec<&str>, Vec<u32>) =
            each().filter_map(|(r, _)| r.strategy).unzip();
        cols.push(Column::new(column::STRATEGY.into(), strategy));
        cols.push(Column::new(column::ACCEPTED.into(), accepted));
    }
    cols.push(Column::new(
        column::DEGREE.into(),
        each().map(|(_, k)| u32::from(k)).collect::<Vec<u32>>(),
    ));
    for m in Measure::REACH {
        cols.push(Column::new(
            m.as_str().into(),
            each()
                .map(|(r, k)| m.of(&r.counts.at_degree(Degree(k))).unwrap_or_default())
                .collect::<Vec<u64>>(),
        ));
    }
    DataFrame::new_infer_height(cols).map_err(table_err("reach"))
}

/// Builds the reach table of `rows` and writes it to `path` (CSV or Parquet by
/// its extension), atomically; returns the rows written.
pub fn write_reach_table(
    ids: &NodeIds,
    rows: &[ReachRow<'_>],
    max: Degree,
    path: &Path,
    overwrite: Overwrite,
) -> Result<usize> {
    let mut df = reach_table(ids, rows, max)?;
    write_table(&mut df, path, overwrite)?;
    Ok(df.height())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reach::Counts;

    #[test]
    fn table_has_one_row_per_source_and_degree() {
        let ids = NodeIds::Int(vec![7, 9]);
        let c = ReachCounts::from_vec(vec![
            Counts {
                nodes: 1,
                recruiters: 0,
                hiring_managers: 1,
            },
            Counts::default(),
        ]);
        let rows = [ReachRow {
            source: NodeId(1),
            strategy: Some(("accept-all", 2)),
            counts: &c,
        }];
        let df = reach_table(&ids, &rows, Degree(2)).unwrap();
        assert_eq!(df.height(), 2);
        let names: Vec<&str> = df.get_column_names().iter().map(|s| s.as_str()).collect();
        assert_eq!(
            names,
            [
                "source",
                "strategy",
                "accepted",
                "degree",
                "nodes",
                "recruiters",
                "hiring_managers"
            ]
        );
    }
}
