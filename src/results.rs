//! Results: netreach's tables, built as tidy polars tables and written as CSV or
//! Parquet (chosen by the output's extension), always atomically through
//! [`crate::output`]. The stage after [`crate::simulation`] and
//! [`crate::reach`]; [`crate::charts`] and [`crate::report`] read what it wrote
//! back through [`read`], as typed data, never as polars tables.
//!
//! This package owns the schema: table and column names and the `summary` table's
//! [`Measure`] and [`Scope`] live in [`schema`], and each table family has its own
//! file:
//!
//! | file | tables |
//! |---|---|
//! | [`reach`] | the table of `netreach reach` |
//! | [`simulation`] | an experiment's `reach`, `people` and `summary` |
//! | [`network`] | generated networks (`edges`, `nodes`) and an experiment's `network` and `degrees` |
//! | [`import`] | a LinkedIn import (`edges.csv`, `nodes.csv`, `invitations.csv`, `import-summary.json`) |
//! | [`advice`] | `advice.csv` of `netreach advise` |
//! | [`structure`] | `netreach stats --distances` and `--ego` |
//! | [`summary`] | the typed summary and what is derived from it (saturation, gains, tie values) |
//! | [`read`] | reads an experiment's saved tables back |
//!
//! polars stays inside this package and [`crate::ingest`].

pub mod schema;
pub mod reach;
pub mod simulation;
pub mod leads;
pub mod adoption;
pub mod network;
pub mod import;
pub mod advice;
pub mod structure;
pub mod summary;
pub mod read;

use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::error::{Error, Result};
use crate::graph::{NodeId, NodeIds};
use crate::output::{Overwrite, write_atomically};
use crate::simulation::Observation;
use schema::column;

pub use schema::{Measure, Scope, Table};

/// An output table format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    /// Comma-separated values with a header.
    Csv,
    /// Apache Parquet (zstd-compressed).
    Parquet,
}

impl TableFormat {
    /// The format an output path asks for by its extension.
    pub fn from_path(path: &Path) -> Result<Self> {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("csv") => Ok(TableFormat::Csv),
            Some("parquet" | "pq") => Ok(TableFormat::Parquet),
            _ => Err(Error::Invalid(format!(
                "cannot tell the table format of {}; expected a name ending in .csv or .parquet",
                path.display()
            ))),
        }
    }

    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            TableFormat::Csv => "csv",
            TableFormat::Parquet => "parquet",
        }
    }
}

/// Writes each of `tables` into `dir` as `NAME.parquet` and/or `NAME.csv`, as
/// the experiment's `[output] formats` ask; returns the files written.
fn write_experiment_tables<const N: usize>(
    dir: &Path,
    exp: &crate::config::Experiment,
    tables: [(Table, &mut DataFrame); N],
    overwrite: Overwrite,
) -> Result<Vec<PathBuf>> {
    let formats = [
        (exp.parquet, TableFormat::Parquet),
        (exp.csv, TableFormat::Csv),
    ];
    let mut written = Vec::new();
    for (table, df) in tables {
        for (_, format) in formats.iter().filter(|f| f.0) {
            let path = dir.join(format!("{}.{}", table.name(), format.extension()));
            write_table(df, &path, overwrite)?;
            written.push(path);
        }
    }
    Ok(written)
}

/// Writes `df` to `path` in the format its extension names, atomically.
pub fn write_table(df: &mut DataFrame, path: &Path, overwrite: Overwrite) -> Result<()> {
    let format = TableFormat::from_path(path)?;
    write_atomically(path, overwrite, |file| {
        match format {
            TableFormat::Csv => CsvWriter::new(file).finish(df),
            TableFormat::Parquet => ParquetWriter::new(file)
                .with_compression(ParquetCompression::Zstd(None))
                .finish(df)
                .map(|_| ()),
        }
        .map_err(|source| Error::Table {
            context: format!("cannot write {}", path.display()),
            source,
        })
    })
}

/// Maps a polars error met while building the `what` table.
fn table_err(what: &str) -> impl FnOnce(PolarsError) -> Error + '_ {
    move |source| Error::Table {
        context: format!("building the {what} table"),
        source,
    }
}

/// The `strategy` column: the spelling of each row's strategy (an index into `spell`).
fn strategy_column(spell: &[String], strategies: impl Iterator<Item = usize>) -> Column {
    Column::new(
        schema::column::STRATEGY.into(),
        strategies.map(|s| spell[s].as_str()).collect::<Vec<&str>>(),
    )
}

/// The `sweep_value` column: each row's strategy's sweep value, if any.
fn sweep_column(sweep: &[Option<f64>], strategies: impl Iterator<Item = usize>) -> Column {
    Column::new(
        schema::column::SWEEP_VALUE.into(),
        strategies.map(|s| sweep[s]).collect::<Vec<Option<f64>>>(),
    )
}

/// A column of external ids for `nodes` (integers or strings, as the graph has them).
fn id_column(name: &str, ids: &NodeIds, nodes: impl Iterator<Item = NodeId>) -> Column {
    match ids {
        NodeIds::Int(v) => Column::new(
            name.into(),
            nodes.map(|n| v[n.index()]).collect::<Vec<u64>>(),
        ),
        NodeIds::Str(v) => Column::new(
            name.into(),
            nodes.map(|n| v[n.index()].as_str()).collect::<Vec<&str>>(),
        ),
    }
}

/// A column of `u64` values named `name`.
fn u64_column(name: &str, values: impl Iterator<Item = u64>) -> Column {
    Column::new(name.into(), values.collect::<Vec<u64>>())
}

/// The columns that name an observation (`replicate, person, strategy,
/// sweep_value, week`), each observation's values repeated `k` times (one row
/// per degree or hop count of the long tables).
fn observation_columns(
    ids: &NodeIds,
    obs: &[Observation],
    k: usize,
    spell: &[String],
    sweep: &[Option<f64>],
) -> Vec<Column> {
    let rep = || obs.iter().flat_map(move |o| std::iter::repeat_n(o, k));
    vec![
        Column::new(
            column::REPLICATE.into(),
            rep().map(|o| o.replicate).collect::<Vec<u32>>(),
        ),
        id_column(column::PERSON, ids, rep().map(|o| o.person)),
        strategy_column(spell, rep().map(|o| o.strategy)),
        sweep_column(sweep, rep().map(|o| o.strategy)),
        Column::new(
            column::WEEK.into(),
            rep().map(|o| o.week).collect::<Vec<u32>>(),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_extension_is_refused() {
        assert!(TableFormat::from_path(Path::new("a.xlsx")).is_err());
        assert_eq!(
            TableFormat::from_path(Path::new("a.PQ")).unwrap(),
            TableFormat::Parquet
        );
    }
}
