//! `netreach advise`: what accepting pending invitations would do, from an import
//! (model estimates) or on a whole graph (exact ranking).

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Result;
use clap::Args;

use netreach::advise::{AdviceModel, AdviceRow};
use netreach::charts::thousands;
use netreach::generate::linkedin::LinkedInParams;
use netreach::graph::NodeId;
use netreach::jobs::advice::{ego_facts, from_import, on_graph, outputs};
use netreach::output::check_outputs;
use netreach::report::percent;
use netreach::roles::Role;

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
    #[arg(long, value_name = "FILE", requires = "graph")]
    roles: Option<PathBuf>,
    /// With --graph: invitations table (to,from).
    #[arg(long, value_name = "FILE", requires = "graph")]
    invitations: Option<PathBuf>,
    /// With --graph: the person whose pending invitations are ranked.
    #[arg(long, value_name = "ID", requires = "graph")]
    person: Option<String>,
    /// With --graph: rank at most this many invitations.
    #[arg(long, value_name = "N", default_value_t = 20)]
    top: usize,
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
    let roles = load_roles(a.roles.as_deref(), stored, &graph, g)?;
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
