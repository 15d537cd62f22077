//! `netreach run`, `simulate` and `chart`: experiments end to end, and redrawing
//! a results folder.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Args;

use netreach::charts::ChartFormat;
use netreach::cluster::Cluster;
use netreach::config::Experiment;
use netreach::jobs::experiment::cluster::{self, Network, whole_because};
use netreach::jobs::experiment::{self, Options};
use netreach::output::{Overwrite, check_outputs};
use netreach::results::summary::{Estimate, Summary};
use netreach::results::{Measure, Scope};
use netreach::simulation::{Setup, planned_observations};
use netreach::words::{percent, plural};

use super::cluster::{ClusterArgs, say_traffic};
use super::{Bar, Global, count, peak_memory, role_counts, usage_error};

#[derive(Debug, Args)]
pub(super) struct SimulateArgs {
    /// Experiment file (TOML); `run` without one uses the built-in quick experiment.
    #[arg(value_name = "EXPERIMENT.toml")]
    experiment: Option<PathBuf>,
    /// Output folder [default: out/<experiment name>].
    #[arg(short, long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Chart format for `run`: png or svg [default: png]. `simulate` draws no
    /// charts and refuses it.
    #[arg(long, value_name = "FORMAT")]
    format: Option<ChartFormat>,
    #[command(flatten)]
    cluster: ClusterArgs,
}

#[derive(Debug, Args)]
pub(super) struct ChartArgs {
    /// A folder written by `netreach run` or `netreach simulate`.
    #[arg(value_name = "RESULTS_DIR")]
    results: PathBuf,
    /// Where to put the charts [default: `RESULTS_DIR/charts`].
    #[arg(short, long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Image format: png or svg.
    #[arg(long, default_value = "png")]
    format: ChartFormat,
}

pub(super) fn run_experiment(a: &SimulateArgs, g: &Global, needs_file: bool) -> Result<()> {
    if needs_file && a.experiment.is_none() {
        usage_error(
            "simulate needs an experiment file; `netreach run` runs the built-in one".into(),
        );
    }
    if needs_file && a.format.is_some() {
        usage_error(
            "simulate writes tables only; --format picks the charts of `netreach run` and `netreach chart`".into(),
        );
    }
    let start = Instant::now();
    let cluster = a.cluster.cluster()?;
    let exp = Experiment::load(a.experiment.as_deref())?;
    let out = a
        .out
        .clone()
        .unwrap_or_else(|| Path::new("out").join(&exp.name));
    // Checked before any work: -o names a folder. Only process 0 writes it.
    if cluster.as_ref().is_none_or(|c| c.process == 0) {
        if out.exists() && !out.is_dir() {
            usage_error(format!(
                "{} is a file; -o names the folder the results go into",
                out.display()
            ));
        }
        check_outputs(experiment::outputs(&out), g.overwrite())?;
    }
    g.say(format!("experiment {}: {}", exp.name, exp.description));
    // `run` also draws the charts and writes the report; `simulate` writes tables only.
    let options = Options {
        charts: (!needs_file).then_some(a.format.unwrap_or(ChartFormat::Png)),
        overwrite: g.overwrite(),
    };
    if let Some(c) = &cluster {
        return run_on_cluster(&exp, c, &out, options, g, start);
    }
    let bar = Bar::phase("building the network and drawing invitations", g);
    let setup = Setup::new(&exp);
    bar.finish();
    let setup = setup.with_context(|| format!("setting up experiment {}", exp.name))?;
    let set_up = start.elapsed();
    let r = setup.graph.build_report();
    g.say(format!(
        "network: {} + {}, {} ({} merged); {}; studying {}",
        count(u64::from(setup.first_fake), "person", "people"),
        count(
            (setup.graph.node_count() - setup.first_fake as usize) as u64,
            "fake account",
            "fake accounts"
        ),
        count(setup.graph.edge_count(), "connection", "connections"),
        count(r.duplicates_merged, "repeated pair", "repeated pairs"),
        role_counts(&setup.roles),
        count(setup.people.len() as u64, "person", "people")
    ));
    if let Some(asked) = exp.people.sample
        && asked > setup.people.len()
    {
        g.say(format!(
            "warning: the experiment asks for {} but only {} meet [people]'s conditions, so {} are studied",
            count(asked as u64, "person", "people"),
            count(setup.people.len() as u64, "person", "people"),
            count((asked - setup.people.len()) as u64, "fewer", "fewer")
        ));
    }
    let bar = Bar::new(planned_observations(&exp, &setup), "reach", g);
    let done = experiment::run(&exp, &setup, &out, &options, &bar);
    bar.finish();
    let done = done?;
    say_done(&exp, &done, start, &out, g);
    if g.verbose {
        g.say(format!(
            "set-up {:.2} s, simulation {:.2} s, tables {:.2} s; peak memory {}",
            set_up.as_secs_f64(),
            done.simulated.as_secs_f64(),
            start
                .elapsed()
                .saturating_sub(set_up + done.simulated)
                .as_secs_f64(),
            peak_memory()
        ));
    }
    Ok(())
}

/// The terminal summary of a finished experiment, and what was written.
fn say_done(exp: &Experiment, done: &experiment::Done, start: Instant, out: &Path, g: &Global) {
    if !g.quiet {
        println!("{}", terminal_summary(exp, &done.summary));
        if let Some(line) = done.by_connections.sentence(&done.summary) {
            println!("{line}");
        }
    }
    g.say(format!(
        "{} observations ({} distinct reach queries) in {:.1} s; wrote {} files to {}",
        done.observations,
        done.distinct_queries,
        start.elapsed().as_secs_f64(),
        done.files.len(),
        out.display()
    ));
}

/// `run`/`simulate` as one process of cluster `c`: its part of the network
/// where the experiment allows it, else the whole network (said why).
fn run_on_cluster(
    exp: &Experiment,
    c: &Cluster,
    out: &Path,
    options: Options,
    g: &Global,
    start: Instant,
) -> Result<()> {
    let bar = Bar::phase("setting up the network", g);
    let network = Network::new(exp);
    bar.finish();
    let set_up = start.elapsed();
    let network = network.with_context(|| format!("setting up experiment {}", exp.name))?;
    match whole_because(exp) {
        Some(why) => g.say(format!(
            "process {} of {}: the whole network in every process: {why}",
            c.process,
            c.hosts.len()
        )),
        None => g.say(format!(
            "process {} of {}: reading its part of the graph file",
            c.process,
            c.hosts.len()
        )),
    }
    let planned = match &network {
        Network::Whole(setup) => planned_observations(exp, setup),
        // No adoption on parts: the observations, and as many again for leads.
        Network::Part(p) => {
            let weeks = if exp.weekly { exp.arrivals.weeks } else { 1 };
            let observations =
                u64::from(exp.replicates * weeks) * (p.people.len() * exp.strategies.len()) as u64;
            if exp.leads.is_some() {
                2 * observations
            } else {
                observations
            }
        }
    };
    let bar = Bar::new(planned, "reach", g);
    let done = cluster::run(exp, &network, c, out, &options, &bar);
    bar.finish();
    let done = done?;
    g.say(format!(
        "process {}: part {} of {}: {} of {} nodes ({} of {} arcs); {} distinct reach queries",
        c.process,
        c.process,
        c.hosts.len(),
        done.part.0,
        done.whole.0,
        done.part.1,
        done.whole.1,
        done.queries
    ));
    say_traffic(g, c, &done.traffic);
    if g.verbose {
        let rest = start
            .elapsed()
            .saturating_sub(set_up + done.planning + done.counting);
        g.say(format!(
            "process {}: set-up {:.2} s, invitations and part {:.2} s, counting {:.2} s, the rest{} {:.2} s",
            c.process,
            set_up.as_secs_f64(),
            done.planning.as_secs_f64(),
            done.counting.as_secs_f64(),
            if c.process == 0 { " (leads, tables, charts)" } else { "" },
            rest.as_secs_f64()
        ));
    }
    let Some(written) = done.done else {
        g.say(format!(
            "process {}: done in {:.1} s; process 0 writes {}",
            c.process,
            start.elapsed().as_secs_f64(),
            out.display()
        ));
        return Ok(());
    };
    say_done(exp, &written, start, out, g);
    Ok(())
}

pub(super) fn run_chart(a: &ChartArgs, g: &Global) -> Result<()> {
    let dir = a.out.clone().unwrap_or_else(|| a.results.join("charts"));
    // Redrawing is this command's job: it replaces the charts and report it draws.
    let (charts, report) = experiment::redraw(&a.results, &dir, a.format, Overwrite::Replace)?;
    for c in &charts {
        g.say(format!("wrote {} ({} series)", c.path.display(), c.series));
    }
    g.say(format!("wrote {}", report.display()));
    Ok(())
}

/// A compact table of the final week for the terminal: per strategy, invitations
/// accepted, fakes accepted, recruiters within 2 and the max degree and hiring
/// managers within the max degree (means with 95% CI), and the median share of the
/// network within the max degree; then what the columns mean, and a warning when
/// the result is saturated.
fn terminal_summary(exp: &Experiment, summary: &Summary) -> String {
    let last = exp.arrivals.weeks;
    let find =
        |s: usize, m: Measure, scope: Scope, d: Option<u32>| summary.get(s, last, m, scope, d);
    let ci = |r: Option<Estimate>| {
        r.map_or("-".to_string(), |r| {
            format!("{:.1} [{:.1}, {:.1}]", r.mean, r.low, r.high)
        })
    };
    let top = u32::from(exp.max_degree.0);
    let top_degrees = plural(u64::from(top), "degree", "degrees");
    // The closer degree beside the largest: 2, or the direct connections when
    // the largest is 2.
    let near = if top > 2 { 2 } else { 1 };
    let mut out = format!(
        "{:<32} {:>8} {:>6} {:>22} {:>22} {:>22} {:>9}\n",
        format!("strategy (week {last})"),
        "accepted",
        "fakes",
        format!("recruiters <={near}"),
        format!("recruiters <={top}"),
        format!("hiring managers <={top}"),
        format!("share <={top}")
    );
    let leads = exp.leads.is_some();
    if leads {
        out.pop();
        let _ = writeln!(
            out,
            " {:>22} {:>10}",
            format!("leads/week <={top}"),
            format!("P(lead) <={top}")
        );
    }
    for (s, run) in exp.strategies.iter().enumerate() {
        let mean = |m: Measure| {
            find(s, m, Scope::PerPerson, None).map_or("-".into(), |r| format!("{:.1}", r.mean))
        };
        let share = find(s, Measure::NetworkShare, Scope::UpToDegree, Some(top))
            .map_or("-".into(), |r| percent(r.median));
        let _ = writeln!(
            out,
            "{:<32} {:>8} {:>6} {:>22} {:>22} {:>22} {:>9}",
            match run.sweep_value {
                Some(_) => format!("{} (sweep)", run.strategy),
                None => run.strategy.to_string(),
            },
            mean(Measure::Accepted),
            mean(Measure::FakeAccepted),
            ci(find(s, Measure::Recruiters, Scope::UpToDegree, Some(near))),
            ci(find(s, Measure::Recruiters, Scope::UpToDegree, Some(top))),
            ci(find(
                s,
                Measure::HiringManagers,
                Scope::UpToDegree,
                Some(top)
            )),
            share,
        );
        if leads {
            out.pop();
            let lead = find(s, Measure::ExpectedLeads, Scope::UpToDegree, Some(top))
                .map_or("-".into(), |r| {
                    format!("{:.2} [{:.2}, {:.2}]", r.mean, r.low, r.high)
                });
            let any = find(s, Measure::PAnyLead, Scope::UpToDegree, Some(top))
                .map_or("-".into(), |r| percent(r.mean));
            let _ = writeln!(out, " {lead:>22} {any:>10}");
        }
    }
    let _ = write!(
        out,
        "accepted: invitations accepted per person; fakes: fake accounts among them; <=k: people within k degrees, mean per person [95% CI]; share <={top}: the median person's share of the network within {top_degrees}."
    );
    if leads {
        let _ = write!(
            out,
            " leads/week: expected job openings a week that reach the person through ties that pass them on, within {} [95% CI]; P(lead): the mean chance of at least one a week.",
            plural(u64::from(top), "tie", "ties")
        );
    }
    if let Some(sentence) = saturation_sentence(exp, summary) {
        let _ = write!(out, "\n{sentence}");
    }
    out
}

/// The warning when the median person reaches more than 20% of the network within
/// the max degree under some strategy.
fn saturation_sentence(exp: &Experiment, summary: &Summary) -> Option<String> {
    let top_degrees = plural(u64::from(summary.max_degree), "degree", "degrees");
    let (s, median) = summary.saturation()?;
    Some(format!(
        "warning: saturated: under {} the median person reaches {} of the network within {top_degrees}, so the network's size, not the strategy, caps reach there; use a larger network, or read the lower degrees.",
        exp.strategies[s].strategy,
        percent(median)
    ))
}
