//! `netreach generate`: a seeded synthetic network with roles, written to a folder.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Result;
use clap::Args;

use netreach::config::{GraphSpec, NodesKey, Spelling};
use netreach::generate::{GraphModel, ModelName};
use netreach::jobs::generate::{generate, outputs, write};
use netreach::output::check_outputs;
use netreach::results::network::NetworkFormat;
use netreach::roles::{Placement, RolePlan};

use super::{Bar, Global, count, peak_memory, role_counts, usage_error};

#[derive(Debug, Args)]
#[allow(clippy::struct_excessive_bools)]
#[command(group = clap::ArgGroup::new("kind").required(true).args(["model", "preset"]))]
pub(super) struct GenerateArgs {
    /// Model: ba, holme-kim, watts-strogatz, sbm or chung-lu.
    #[arg(long, value_name = "M", conflicts_with = "preset")]
    model: Option<ModelName>,
    /// A documented realistic setting instead of a model: linkedin (see README).
    #[arg(long, value_name = "NAME", value_parser = ["linkedin"])]
    preset: Option<String>,
    /// Number of people [default: 10000; linkedin: 50000].
    #[arg(long, value_name = "N")]
    nodes: Option<u32>,
    /// Mean number of connections per person [default: 20; linkedin: 200].
    #[arg(long, value_name = "D")]
    avg_degree: Option<f64>,
    /// holme-kim: probability that a link after the first closes a triangle;
    /// linkedin: fraction of links made by triadic closure [default: 0.5].
    #[arg(long, value_name = "P")]
    triad_prob: Option<f64>,
    /// watts-strogatz: probability of rewiring each ring link [default: 0.1].
    #[arg(long, value_name = "P")]
    rewire_prob: Option<f64>,
    /// sbm, linkedin: number of industries [default: 10; linkedin: 80].
    #[arg(long, value_name = "C")]
    communities: Option<u32>,
    /// sbm, linkedin: fraction of links between industries [default: 0.2].
    #[arg(long, value_name = "F")]
    mixing: Option<f64>,
    /// chung-lu, linkedin: expected-degree distribution, lognormal or powerlaw [default: lognormal].
    #[arg(long, value_name = "D", value_parser = ["lognormal", "powerlaw"])]
    degree_dist: Option<String>,
    /// lognormal: σ of the log-degree [default: 1.0; linkedin: 0.9].
    #[arg(long, value_name = "S")]
    sigma: Option<f64>,
    /// powerlaw: exponent γ of the density [default: 2.5].
    #[arg(long, value_name = "G")]
    exponent: Option<f64>,
    /// chung-lu, linkedin: largest expected degree [default: 30000, LinkedIn's limit].
    #[arg(long, value_name = "N")]
    cap: Option<u32>,
    /// linkedin: fraction of block-model links between colleagues [default: 0.2].
    #[arg(long, value_name = "F")]
    firm_ties: Option<f64>,
    /// linkedin: most people in one labour market (an industry in a region) [default: 20000].
    #[arg(long, value_name = "N")]
    market_size: Option<u32>,
    /// Fraction of people who are recruiters.
    #[arg(long, value_name = "F", default_value_t = 0.03)]
    recruiters: f64,
    /// Fraction of people who are hiring managers.
    #[arg(long, value_name = "F", default_value_t = 0.07)]
    hiring_managers: f64,
    /// Role placement: uniform, degree-biased or community.
    #[arg(long, value_name = "P", default_value = "degree-biased")]
    placement: Placement,
    /// α of the degree or community bias of recruiter placement.
    #[arg(long, value_name = "A", default_value_t = 1.0)]
    bias_exponent: f64,
    /// Random seed: the same seed gives byte-identical files whatever -j.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Output folder (created if missing).
    #[arg(short, long, value_name = "DIR")]
    out: PathBuf,
    /// File format: parquet, csv or txt (SNAP edge list plus nodes.csv).
    #[arg(long, value_name = "F", default_value = "parquet")]
    format: NetworkFormat,
}

/// Maps the generate flags to a model; flags the model does not use are usage
/// errors (exit code 2).
fn model_of(a: &GenerateArgs) -> GraphModel {
    let spec = GraphSpec {
        model: a.model.map(|m| m.to_string()),
        preset: a.preset.clone(),
        nodes: a.nodes.map(NodesKey::Count),
        avg_degree: a.avg_degree,
        triad_prob: a.triad_prob,
        rewire_prob: a.rewire_prob,
        communities: a.communities,
        mixing: a.mixing,
        degree_dist: a.degree_dist.clone(),
        sigma: a.sigma,
        exponent: a.exponent,
        cap: a.cap,
        firm_ties: a.firm_ties,
        market_size: a.market_size,
    };
    spec.to_model(Spelling::Flag)
        .unwrap_or_else(|e| usage_error(e.to_string()))
}

pub(super) fn run(a: &GenerateArgs, g: &Global) -> Result<()> {
    let model = model_of(a);
    check_outputs(outputs(&a.out, a.format), g.overwrite())?;
    let t = Instant::now();
    let plan = RolePlan {
        recruiter_rate: a.recruiters,
        hiring_manager_rate: a.hiring_managers,
        placement: a.placement,
        bias_exponent: a.bias_exponent,
    };
    let bar = Bar::phase("generating the network", g);
    let net = generate(&model, &plan, a.seed);
    bar.finish();
    let net = net?;
    let made = t.elapsed();
    let header = [
        format!(
            "netreach {} {}",
            env!("CARGO_PKG_VERSION"),
            reproducing_args().join(" ")
        ),
        format!("model {model:?}"),
        format!("seed {}", a.seed),
    ];
    let t = Instant::now();
    let (edges, nodes) = write(&net, &a.out, a.format, &header, g.overwrite())?;
    let r = net.graph.build_report();
    g.say(format!(
        "generated {}: {}, {} ({} merged, {} dropped), {}",
        a.model
            .map_or_else(|| "--preset linkedin".to_string(), |m| m.to_string()),
        count(net.graph.node_count() as u64, "node", "nodes"),
        count(net.graph.edge_count(), "edge", "edges"),
        count(r.duplicates_merged, "repeated pair", "repeated pairs"),
        count(r.self_loops_dropped, "self-loop", "self-loops"),
        role_counts(&net.roles)
    ));
    // What was delivered against what was asked: merged pairs lower the mean.
    let asked = model.mean_degree_asked();
    let mean = 2.0 * net.graph.edge_count() as f64 / net.graph.node_count().max(1) as f64;
    if mean < 0.95 * asked {
        g.say(format!(
            "mean degree {mean:.1}, below the {asked} asked: {} pairs the generator drew more than once were merged (dense settings repeat pairs); ask for more to get more",
            r.duplicates_merged
        ));
    } else {
        g.say(format!("mean degree {mean:.1} ({asked} asked)"));
    }
    g.say(format!("wrote {} and {}", edges.display(), nodes.display()));
    if g.verbose {
        g.say(format!(
            "generate {:.2} s, write {:.2} s; peak memory {}",
            made.as_secs_f64(),
            t.elapsed().as_secs_f64(),
            peak_memory()
        ));
    }
    Ok(())
}

/// The command line without the flags that cannot change the content (`-j`, `-q`,
/// `-v`, `-o`), so a recorded command is the same whatever the thread count or
/// output folder.
fn reproducing_args() -> Vec<String> {
    let mut out = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "-j" | "--threads" | "-o" | "--out" => {
                args.next();
            }
            "-q" | "--quiet" | "-v" | "--verbose" => {}
            _ if ["--threads=", "--out=", "-j", "-o"]
                .iter()
                .any(|p| a.starts_with(p)) => {}
            _ => out.push(a),
        }
    }
    out
}
