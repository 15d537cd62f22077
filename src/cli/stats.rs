//! `netreach stats`: summary statistics of a graph, and its degree chart.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;

use netreach::charts::{ChartFormat, draw_degree_chart};
use netreach::output::check_outputs;
use netreach::roles::Role;

use super::{Global, load_graph, load_roles, peak_memory, size, usage_error};

#[derive(Debug, Args)]
pub(super) struct StatsArgs {
    /// Edge list (SNAP/KONECT text, .csv or .parquet; .gz/.zst accepted), or a
    /// graph file (.nrg) from `netreach import graph`.
    #[arg(long, value_name = "FILE")]
    graph: PathBuf,
    /// Roles table with columns node,role; default: the roles a .nrg graph file
    /// carries, else none.
    #[arg(long, value_name = "FILE")]
    roles: Option<PathBuf>,
    /// Also draw the degree distribution (log-log) into this .png or .svg file.
    #[arg(long, value_name = "FILE")]
    chart: Option<PathBuf>,
}

pub(super) fn run(a: &StatsArgs, g: &Global) -> Result<()> {
    let (graph, stored) = load_graph(&a.graph, g)?;
    let roles = load_roles(a.roles.as_deref(), stored, &graph, g)?;
    let s = graph.stats();
    println!("nodes                  {}", s.nodes);
    println!("edges                  {}", s.edges);
    println!("edge records read      {}", s.build.edges_read);
    println!("self-loops dropped     {}", s.build.self_loops_dropped);
    println!("duplicates merged      {}", s.build.duplicates_merged);
    println!(
        "neighbours             min {}, median {}, mean {:.2}, max {}",
        s.min_neighbors, s.median_neighbors, s.mean_neighbors, s.max_neighbors
    );
    println!("components             {}", s.components);
    println!(
        "largest component      {} nodes ({:.1}%)",
        s.largest_component,
        100.0 * s.largest_component as f64 / s.nodes.max(1) as f64
    );
    println!("recruiters             {}", roles.count(Role::Recruiter));
    println!(
        "hiring managers        {}",
        roles.count(Role::HiringManager)
    );
    println!("graph memory           {}", size(s.memory_bytes as u64));
    if g.verbose {
        println!("peak memory            {}", peak_memory());
    }
    if let Some(path) = &a.chart {
        let format = match path.extension().and_then(|e| e.to_str()) {
            Some("png") => ChartFormat::Png,
            Some("svg") => ChartFormat::Svg,
            _ => usage_error(format!(
                "--chart {}: expected a file name ending in .png or .svg",
                path.display()
            )),
        };
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create the folder {}", parent.display()))?;
        }
        check_outputs([path], g.overwrite())?;
        draw_degree_chart(
            &graph.degree_histogram(graph.nodes()),
            path,
            format,
            g.overwrite(),
        )?;
        g.say(format!("wrote {}", path.display()));
    }
    Ok(())
}
