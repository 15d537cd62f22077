//! The tables of `netreach stats --distances` and `--ego`: a graph's distance
//! distribution and its friends of friends against degree.
//!
//! # Columns
//! | table | column | meaning |
//! |---|---|---|
//! | distances | `distance` | hops t, from 1 |
//! | distances | `pairs` | ordered pairs (u, v), u ≠ v, at exactly t hops (estimated; they sum to the exact reachable pairs) |
//! | distances | `share` | their share of all reachable pairs |
//! | distances | `cumulative_share` | the share within t hops |
//! | ego | `neighbors_min`, `neighbors_max` | the bin of connection counts |
//! | ego | `people` | sampled people in the bin |
//! | ego | `fof_unique_mean`, `fof_unique_median` | distinct people at exactly 2 degrees |
//! | ego | `fof_with_repetition_mean` | 2-step walks out of the 1st degree |
//! | ego | `unique_share` | unique over with repetition (all the bin's people) |

use std::path::Path;

use polars::prelude::*;

use super::{table_err, u64_column, write_table};
use crate::error::Result;
use crate::output::Overwrite;
use crate::reach::distances::DistanceDistribution;
use crate::reach::ego::EgoBin;

/// Writes the distance distribution to `path` (CSV or Parquet by its extension).
pub fn write_distances(d: &DistanceDistribution, path: &Path, overwrite: Overwrite) -> Result<()> {
    let ts = 1..=d.pairs.len();
    let mut df = DataFrame::new_infer_height(vec![
        u64_column("distance", ts.clone().map(|t| t as u64)),
        Column::new(
            "pairs".into(),
            d.pairs.iter().map(|p| p.round()).collect::<Vec<f64>>(),
        ),
        Column::new(
            "share".into(),
            ts.clone().map(|t| d.share(t)).collect::<Vec<f64>>(),
        ),
        Column::new(
            "cumulative_share".into(),
            ts.map(|t| d.cumulative_share(t)).collect::<Vec<f64>>(),
        ),
    ])
    .map_err(table_err("distances"))?;
    write_table(&mut df, path, overwrite)
}

/// Writes friends of friends by degree bin to `path`.
pub fn write_egos(bins: &[EgoBin], path: &Path, overwrite: Overwrite) -> Result<()> {
    let f64s = |name: &str, f: fn(&EgoBin) -> f64| {
        Column::new(name.into(), bins.iter().map(f).collect::<Vec<f64>>())
    };
    let mut df = DataFrame::new_infer_height(vec![
        u64_column("neighbors_min", bins.iter().map(|b| b.neighbors_min)),
        u64_column("neighbors_max", bins.iter().map(|b| b.neighbors_max)),
        u64_column("people", bins.iter().map(|b| b.people as u64)),
        f64s("fof_unique_mean", |b| b.unique_mean),
        f64s("fof_unique_median", |b| b.unique_median),
        f64s("fof_with_repetition_mean", |b| b.with_repetition_mean),
        f64s("unique_share", |b| b.unique_share),
    ])
    .map_err(table_err("ego"))?;
    write_table(&mut df, path, overwrite)
}
