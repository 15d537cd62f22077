//! `netreach advise`: what accepting pending invitations would do, from an import
//! (model estimates) or on a whole graph (exact ranking).

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Result;
use clap::Args;

use netreach::advise::{AdviceModel, AdviceRow};
use netreach::generate::linkedin::LinkedInParams;
use netreach::graph::NodeId;
use netreach::jobs::advice::{ego_facts, from_import, leads_on_graph, on_graph, outputs};
use netreach::output::check_outputs;
use netreach::roles::Role;
use netreach::words::percent;
use netreach::words::thousands;

use super::{Global, load_graph, load_invitations, load_roles};

#[derive(Debug, Args)]
pub(super) struct AdviseArgs {
    /// A folder written by `netreach import linkedin` (model estimates).
    #[arg(
        value_name = "IMPORT_DIR",
        required_unless_present = "graph",
        conflicts_with = "graph"
    )]
    import: Option<PathBuf>,
    /// A whole graph instead (exact): edge list, table or .nrg graph file.
    #[arg(long, value_name = "FILE", requires_all = ["invitations", "person"])]
    graph: Option<PathBuf>,
    /// With --graph: roles table (node,role).
    #[arg(
        long,
        value_name = "FILE",
        requires = "graph",
        conflicts_with = "nodes"
    )]
    roles: Option<PathBuf>,
    /// With --graph: a nodes table (node,role,firm,industry, as `generate`
    /// writes it) giving roles and, for --leads, who works where.
    #[arg(long, value_name = "FILE", requires = "graph")]
    nodes: Option<PathBuf>,
    /// With --graph: invitations table (to,from).
    #[arg(long, value_name = "FILE", requires = "graph")]
    invitations: Option<PathBuf>,
    /// With --graph: the person whose pending invitations are ranked.
    #[arg(long, value_name = "ID", requires = "graph")]
    person: Option<String>,
    /// With --graph: rank at most this many invitations.
    #[arg(long, value_name = "N", default_value_t = 20)]
    top: usize,
    /// With --graph: rank by expected job leads a week within 3 ties (the
    /// job-leads model's defaults, docs/job-leads.md) instead of recruiters and
    /// hiring managers reached.
    #[arg(long, requires = "graph")]
    leads: bool,
    /// With --leads: Monte Carlo worlds, a multiple of 64 (one person: many
    /// worlds are cheap, and weak ties' small values need them).
    #[arg(long, value_name = "N", default_value_t = 16_384, requires = "leads")]
    worlds: u32,
    /// People in each synthetic population.
    #[arg(long, value_name = "N", default_value_t = 100_000)]
    population: u32,
    /// Mean connections per person in the population (the preset's 200 makes a
    /// small population fall within 3 degrees of everyone).
    #[arg(long, value_name = "D", default_value_t = 50.0)]
    avg_degree: f64,
    /// Populations to average over.
    #[arg(long, value_name = "R", default_value_t = 10)]
    replicates: u32,
    /// Seed.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Output folder for advice.csv (and advice.png with --graph) [default:
    /// `IMPORT_DIR`, or `out/advice`].
    #[arg(short, long, value_name = "DIR")]
    out: Option<PathBuf>,
}

pub(super) fn run(a: &AdviseArgs, g: &Global) -> Result<()> {
    if a.leads && (a.worlds == 0 || !a.worlds.is_multiple_of(64) || a.worlds > 1 << 20) {
        super::usage_error(format!(
            "--worlds {}: expected a multiple of 64 from 64 to 1048576",
            a.worlds
        ));
    }
    if let Some(graph) = &a.graph {
        return run_on_graph(a, graph, g);
    }
    let import = a
        .import
        .as_deref()
        .expect("clap requires IMPORT_DIR or --graph");
    let ego = ego_facts(import)?;
    let count = |r: Role| ego.connections.iter().filter(|c| c.0 == Some(r)).count();
    let model = AdviceModel {
        population: LinkedInParams {
            nodes: a.population,
            avg_degree: a.avg_degree,
            ..LinkedInParams::default()
        },
        replicates: a.replicates,
        seed: a.seed,
    };
    let dir = a.out.clone().unwrap_or_else(|| import.to_path_buf());
    check_outputs(outputs(&dir), g.overwrite())?;
    let t = Instant::now();
    let rows = from_import(&ego, &model, &dir, g.overwrite())?.rows;
    if !g.quiet {
        println!(
            "Model estimates: your {} connections ({} recruiters, {} hiring managers) embedded in {} synthetic LinkedIn-like populations of {} people.",
            ego.connections.len(),
            count(Role::Recruiter),
            count(Role::HiringManager),
            a.replicates,
            a.population
        );
        println!(
            "{:<28} {:>26} {:>26}",
            "", "recruiters within 2", "hiring managers within 2"
        );
        let mut scenarios: Vec<&String> = Vec::new();
        for r in &rows {
            if !scenarios.contains(&&r.scenario) {
                scenarios.push(&r.scenario);
            }
        }
        for scenario in scenarios {
            let cell = |m: &str, signed: bool| {
                rows.iter()
                    .find(|r| &r.scenario == scenario && r.measure == m && r.within == 2)
                    .map_or("-".to_string(), |r| {
                        if signed {
                            format!("{:+.1} ({:+.1} to {:+.1})", r.mean, r.p10, r.p90)
                        } else {
                            format!("{:.1} ({:.1} to {:.1})", r.mean, r.p10, r.p90)
                        }
                    })
            };
            let signed = !scenario.starts_with("no change");
            println!(
                "{scenario:<28} {:>26} {:>26}",
                cell("recruiters", signed),
                cell("hiring_managers", signed)
            );
        }
        println!(
            "Bands are the 10th to 90th percentile over populations. The export has no title for inviters, so invitations are not ranked one by one: compare each inviter's profile with the rows above."
        );
        for line in population_share(&rows, a.population) {
            println!("{line}");
        }
    }
    g.say(format!(
        "wrote {} in {:.1} s",
        dir.join("advice.csv").display(),
        t.elapsed().as_secs_f64()
    ));
    Ok(())
}

/// What share of each modelled population the person reaches now within 2 and 3
/// degrees, and a warning when a share passes 20% (the population's size, not
/// the network, then caps the estimate).
fn population_share(rows: &[AdviceRow], population: u32) -> Vec<String> {
    let share = |within: u8| {
        rows.iter()
            .find(|r| {
                r.scenario.starts_with("no change") && r.measure == "people" && r.within == within
            })
            .map(|r| (r.mean, r.mean / f64::from(population.max(1))))
    };
    let mut lines = Vec::new();
    if let (Some((p2, s2)), Some((p3, s3))) = (share(2), share(3)) {
        lines.push(format!(
            "Within 2 degrees you reach about {} people now ({} of each population), within 3 about {} ({}).",
            thousands(p2),
            percent(s2),
            thousands(p3),
            percent(s3)
        ));
        if let Some((k, s)) = [(2, s2), (3, s3)].into_iter().rev().find(|&(_, s)| s > 0.2) {
            let lower = if k == 3 {
                " or read the within-2 rows"
            } else {
                ""
            };
            lines.push(format!(
                "warning: saturated: within {k} degrees you reach {} of each modelled population, so its size ({} people), not your choices, caps the estimate there; use a larger --population{lower}.",
                percent(s),
                thousands(f64::from(population))
            ));
        }
    }
    lines
}

/// `advise --graph`: exact greedy ranking of one person's pending invitations.
fn run_on_graph(a: &AdviseArgs, graph_path: &Path, g: &Global) -> Result<()> {
    let (graph, stored) = load_graph(graph_path, g)?;
    let (roles, firms) = match &a.nodes {
        Some(nodes) => {
            let (roles, _, firms) = netreach::ingest::load_nodes(&graph, nodes)?;
            g.say(format!(
                "nodes {}: {}, {}",
                nodes.display(),
                super::role_counts(&roles),
                super::count(u64::from(firms.firm_count()), "firm", "firms")
            ));
            (roles, Some(firms))
        }
        None => (
            load_roles(a.roles.as_deref(), stored.roles, &graph, g)?,
            stored.firms,
        ),
    };
    let inv_path = a
        .invitations
        .as_deref()
        .expect("clap requires --invitations");
    let pending = load_invitations(Some(inv_path), &graph, g)?;
    let id = a.person.as_deref().expect("clap requires --person");
    let person = graph.ids().lookup(id).ok_or_else(|| {
        anyhow::anyhow!("--person {id:?} is not a node of {}", graph_path.display())
    })?;
    let inviters: Vec<NodeId> = pending.inviters_of(person).collect();
    let dir = a
        .out
        .clone()
        .unwrap_or_else(|| Path::new("out").join("advice"));
    check_outputs(outputs(&dir), g.overwrite())?;
    if a.leads {
        return leads_on_graph_terminal(a, g, (&graph, &roles, firms), person, &inviters, &dir, id);
    }
    let (base, picks) = on_graph(
        &graph,
        &roles,
        person,
        &inviters,
        a.top,
        &dir,
        g.overwrite(),
    )?;
    if !g.quiet {
        println!(
            "{id}: {} pending invitations; now {} recruiters and {} hiring managers within 2 degrees, {} and {} within 3 (exact).",
            inviters.len(),
            base[0],
            base[1],
            base[2],
            base[3]
        );
        if picks.is_empty() {
            println!(
                "{id} has no pending invitations in {}: nothing to rank.",
                inv_path.display()
            );
        } else {
            println!(
                "{:>4} {:>16} {:>7} {:>15} {:>22} {:>22}",
                "rank",
                "inviter",
                "mutual",
                "role",
                "rec/hm newly within 2",
                "rec/hm newly within 3"
            );
        }
        for (i, p) in picks.iter().enumerate() {
            println!(
                "{:>4} {:>16} {:>7} {:>15} {:>22} {:>22}",
                i + 1,
                graph.ids().display(p.inviter).to_string(),
                p.mutual,
                p.role.map_or("-".to_string(), |r| r.to_string()),
                format!("+{} / +{}", p.added[0], p.added[1]),
                format!("+{} / +{}", p.added[2], p.added[3])
            );
        }
        if !picks.is_empty() {
            println!(
                "Ranked greedily: each row adds to the ones above. Newly within k: recruiters / hiring managers within k degrees after accepting who were not before; within 3 includes within 2, so someone moving from the 3rd to the 2nd degree counts within 2 only."
            );
        }
    }
    let [table, chart] = outputs(&dir);
    if picks.is_empty() {
        g.say(format!(
            "wrote {} (no chart: nothing to rank)",
            table.display()
        ));
    } else {
        g.say(format!("wrote {} and {}", table.display(), chart.display()));
    }
    Ok(())
}

/// `advise --graph --leads`: pending invitations ranked by expected job leads.
#[allow(clippy::too_many_arguments)] // the loaded graph and the question
fn leads_on_graph_terminal(
    a: &AdviseArgs,
    g: &Global,
    (graph, roles, firms): (
        &netreach::graph::ConnectionGraph,
        &netreach::roles::RoleMap,
        Option<netreach::firms::Firms>,
    ),
    person: NodeId,
    inviters: &[NodeId],
    dir: &Path,
    id: &str,
) -> Result<()> {
    let t = Instant::now();
    let model = netreach::reach::leads::LeadModel {
        worlds: a.worlds,
        ..netreach::reach::leads::LeadModel::default()
    };
    // Without a nodes table every person is their own firm.
    let firms = firms.unwrap_or_else(|| {
        netreach::firms::Firms::singletons(u32::try_from(graph.node_count()).unwrap_or(u32::MAX))
    });
    let advice = leads_on_graph(
        graph,
        roles,
        &firms,
        person,
        inviters,
        model,
        a.seed,
        dir,
        g.overwrite(),
    )?;
    // Three significant digits: weak ties add little, but not nothing.
    let fmt = |v: f64| {
        if v == 0.0 {
            "0".to_string()
        } else {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let digits = (2 - v.abs().log10().floor() as i32).max(0) as usize;
            format!("{v:.digits$}")
        }
    };
    if !g.quiet {
        println!(
            "{id}: {}; now {} expected job leads a week within 3 ties ({} chance of at least one), {} with all accepted ({}).",
            super::count(
                inviters.len() as u64,
                "pending invitation",
                "pending invitations"
            ),
            fmt(advice.now.total()),
            percent(advice.now.p_any_up_to[2]),
            fmt(advice.all.total()),
            percent(advice.all.p_any_up_to[2])
        );
        if advice.picks.is_empty() {
            println!("{id} has no pending invitations: nothing to rank.");
        }
        for (i, p) in advice.picks.iter().take(a.top).enumerate() {
            if i == 0 {
                println!(
                    "{:>4} {:>16} {:>7} {:>15} {:>12} {:>14}",
                    "rank", "inviter", "mutual", "role", "connections", "leads/week +"
                );
            }
            println!(
                "{:>4} {:>16} {:>7} {:>15} {:>12} {:>14}",
                i + 1,
                graph.ids().display(p.inviter).to_string(),
                p.mutual,
                p.role.map_or("-".to_string(), |r| r.to_string()),
                p.connections,
                format!("+{}", fmt(p.marginal_leads))
            );
        }
        if !advice.picks.is_empty() {
            println!(
                "leads/week +: expected job openings a week reaching you within 3 ties that accepting this invitation alone adds; a model estimate over {} Monte Carlo worlds (docs/job-leads.md), in the same worlds for every invitation.",
                model.worlds
            );
        }
    }
    let [table, _] = outputs(dir);
    g.say(format!(
        "wrote {} in {:.1} s (no chart in leads mode)",
        table.display(),
        t.elapsed().as_secs_f64()
    ));
    Ok(())
}
