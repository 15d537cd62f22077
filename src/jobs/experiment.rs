//! Experiments end to end (`netreach run` and `simulate`): simulate on a set-up
//! network, write the tables, then (for `run`) draw the charts and write the
//! report; and `netreach chart`, which redraws them from saved tables.
//!
//! # Example
//! ```no_run
//! use netreach::config::Experiment;
//! use netreach::jobs::experiment::{Options, run};
//! use netreach::progress::NoProgress;
//! use netreach::simulation::Setup;
//! let exp = Experiment::quick();
//! let setup = Setup::new(&exp)?;
//! let done = run(&exp, &setup, "out/quick".as_ref(), &Options::default(), &NoProgress)?;
//! println!("{} files", done.files.len());
//! # Ok::<(), netreach::Error>(())
//! ```

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::charts::{Chart, ChartFormat, draw_all};
use crate::config::{EXPERIMENT_FILE, Experiment, GraphSource};
use crate::error::Result;
use crate::graph::NodeIds;
use crate::output::Overwrite;
use crate::progress::Progress;
use crate::report::write_report;
use crate::results::Table;
use crate::results::network::{NetworkFacts, write_network_tables};
use crate::results::simulation::{simulation_tables, write_simulation};
use crate::results::summary::{ConnectionBins, SavedResults, Summary};
use crate::roles::Role;
use crate::simulation::{Outcome, Setup, simulate};

pub mod cluster;

/// How an experiment is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Options {
    /// Charts and report in this format (`run`), or tables only (`simulate`).
    pub charts: Option<ChartFormat>,
    /// Whether existing outputs may be replaced.
    pub overwrite: Overwrite,
}

/// What [`run`] did.
#[derive(Debug, Clone)]
pub struct Done {
    /// The summary, for the terminal.
    pub summary: Summary,
    /// The summary by connection count, for the terminal.
    pub by_connections: ConnectionBins,
    /// Observations made (replicates × people × strategies × weeks).
    pub observations: usize,
    /// Reach queries computed, after removing repeats.
    pub distinct_queries: usize,
    /// Every file written.
    pub files: Vec<PathBuf>,
    /// Time simulating.
    pub simulated: Duration,
}

/// Every file `run` or `simulate` may write into `out`: check them before any work.
pub fn outputs(out: &Path) -> Vec<PathBuf> {
    let mut outputs: Vec<PathBuf> = [EXPERIMENT_FILE, "report.md", "charts"]
        .iter()
        .map(|f| out.join(f))
        .collect();
    for table in Table::ALL {
        outputs.extend(["csv", "parquet"].map(|ext| out.join(format!("{}.{ext}", table.name()))));
    }
    outputs
}

/// The facts about `setup`'s network that the `network` table records.
pub fn network_facts(exp: &Experiment, setup: &Setup) -> NetworkFacts {
    NetworkFacts {
        source: match &exp.graph {
            GraphSource::Generated(model, _) => format!("generated: {}", model.describe()),
            GraphSource::Files { edges, .. } => format!("file {}", edges.display()),
        },
        people: u64::from(setup.first_fake),
        fake_accounts: (setup.graph.node_count() - setup.first_fake as usize) as u64,
        edges: setup.graph.edge_count(),
        recruiters: setup.roles.count(Role::Recruiter) as u64,
        hiring_managers: setup.roles.count(Role::HiringManager) as u64,
        studied: setup.people.len() as u64,
    }
}

/// Runs `exp` on `setup` and writes its results into `out`: tables, then charts
/// and `report.md` when `options.charts` asks. `progress` counts reach queries.
pub fn run(
    exp: &Experiment,
    setup: &Setup,
    out: &Path,
    options: &Options,
    progress: &dyn Progress,
) -> Result<Done> {
    let t = Instant::now();
    let outcome = simulate(exp, setup, progress);
    let simulated = t.elapsed();
    let real = setup
        .graph
        .degree_histogram(setup.graph.nodes().take(setup.first_fake as usize));
    write(
        exp,
        &Measured {
            outcome: &outcome,
            ids: setup.graph.ids(),
            facts: &network_facts(exp, setup),
            degrees: &real,
            simulated,
        },
        out,
        options,
    )
}

/// What an experiment measured, ready to write.
#[derive(Debug, Clone, Copy)]
pub struct Measured<'a> {
    /// The observations, ties and adoption rows.
    pub outcome: &'a Outcome,
    /// External ids of the people the outcome names.
    pub ids: &'a NodeIds,
    /// The `network` table.
    pub facts: &'a NetworkFacts,
    /// The `degrees` table: how many people have each number of connections.
    pub degrees: &'a [(u64, u64)],
    /// Time simulating.
    pub simulated: Duration,
}

/// Writes what `m` measured into `out`: tables, then charts and `report.md`
/// when `options.charts` asks.
///
/// # Errors
/// If a file cannot be written.
pub fn write(exp: &Experiment, m: &Measured<'_>, out: &Path, options: &Options) -> Result<Done> {
    let mut tables = simulation_tables(exp, m.ids, m.outcome)?;
    let mut files = write_simulation(out, exp, &mut tables, options.overwrite)?;
    files.extend(write_network_tables(
        out,
        exp,
        m.facts,
        m.degrees,
        options.overwrite,
    )?);
    if let Some(format) = options.charts {
        let (charts, report) = redraw(out, &out.join("charts"), format, options.overwrite)?;
        files.extend(charts.into_iter().map(|c| c.path));
        files.push(report);
    }
    Ok(Done {
        summary: tables.typed_summary,
        by_connections: tables.typed_by_connections,
        observations: m.outcome.observations.len(),
        distinct_queries: m.outcome.distinct_queries,
        files,
        simulated: m.simulated,
    })
}

/// Draws the charts of the results folder `results` into `charts_dir` and writes
/// `results/report.md`, from the saved tables only (`netreach chart`).
pub fn redraw(
    results: &Path,
    charts_dir: &Path,
    format: ChartFormat,
    overwrite: Overwrite,
) -> Result<(Vec<Chart>, PathBuf)> {
    let data = SavedResults::from_dir(results)?;
    let charts = draw_all(&data, charts_dir, format, overwrite)?;
    // In the results folder's own charts/, replaced outputs only.
    if overwrite == Overwrite::Replace && charts_dir == results.join("charts") {
        crate::charts::remove_stale(charts_dir, format, &charts)?;
    }
    let report = write_report(results, &data, &charts, overwrite)?;
    Ok((charts, report))
}
