//! Integration tests: the real `netreach` binary on real files in `data/`.
//! One test binary with modules, so polars is linked once.
#![allow(clippy::unwrap_used, unreachable_pub)]

#[path = "cli/common.rs"]
mod common;
#[path = "cli/reach.rs"]
mod reach;
#[path = "cli/bad_input.rs"]
mod bad_input;
#[path = "cli/stats.rs"]
mod stats;
#[path = "cli/generate.rs"]
mod generate;
#[path = "cli/simulate.rs"]
mod simulate;
#[path = "cli/charts.rs"]
mod charts;
#[path = "cli/leads.rs"]
mod leads;
#[path = "cli/market.rs"]
mod market;
#[path = "cli/adoption.rs"]
mod adoption;
#[path = "cli/linkedin.rs"]
mod linkedin;
#[path = "cli/corpus.rs"]
mod corpus;
#[path = "cli/cluster.rs"]
mod cluster;
#[path = "cli/cluster_run.rs"]
mod cluster_run;
#[path = "cli/architecture.rs"]
mod architecture;
#[path = "cli/help.rs"]
mod help;
