//! `netreach advise`: advice on one person's pending invitations, from an
//! imported LinkedIn export (model estimates over synthetic populations) or on a
//! whole graph (exact greedy ranking), written as `advice.csv` and `advice.png`.

use std::path::{Path, PathBuf};

use crate::advise::{
    Advice, AdviceModel, CurvePoint, EgoFacts, LeadAdvice, Pick, advise, rank_by_leads,
    rank_invitations,
};
use crate::charts::{ChartFormat, draw_advice_chart};
use crate::error::Result;
use crate::firms::Firms;
use crate::graph::{ConnectionGraph, NodeId};
use crate::output::Overwrite;
use crate::reach::leads::LeadModel;
use crate::results::advice::{write_advice_table, write_greedy_table, write_leads_advice_table};
use crate::results::import::{ImportSummaryFile, read_connections};
use crate::roles::RoleMap;

/// The files advice writes into `dir`: check them before work.
pub fn outputs(dir: &Path) -> [PathBuf; 2] {
    [dir.join("advice.csv"), dir.join("advice.png")]
}

/// What an import folder (written by `netreach import linkedin`) tells the model.
pub fn ego_facts(import: &Path) -> Result<EgoFacts> {
    let summary = ImportSummaryFile::read(import)?;
    Ok(EgoFacts {
        connections: read_connections(import)?,
        pending_incoming: u32::try_from(summary.counts.pending_incoming).unwrap_or(u32::MAX),
    })
}

/// Runs the advice model for `ego` and writes `advice.csv` and `advice.png` into
/// `dir`.
pub fn from_import(
    ego: &EgoFacts,
    model: &AdviceModel,
    dir: &Path,
    overwrite: Overwrite,
) -> Result<Advice> {
    let [table, chart] = outputs(dir);
    let advice = advise(ego, model)?;
    write_advice_table(&advice.rows, &table, overwrite)?;
    draw_advice_chart(
        &advice.curve,
        &format!(
            "Reach as modelled invitations are accepted, best first (mean of {} populations; 10-90% bands)",
            model.replicates
        ),
        &chart,
        ChartFormat::Png,
        overwrite,
    )?;
    Ok(advice)
}

/// Ranks `person`'s pending `inviters` on the whole graph (at most `top` picks)
/// and writes `advice.csv` and `advice.png` into `dir` (no chart when there is
/// nothing to rank). Returns the reach now (recruiters and hiring managers
/// within 2, then 3) and the picks.
pub fn on_graph(
    graph: &ConnectionGraph,
    roles: &RoleMap,
    person: NodeId,
    inviters: &[NodeId],
    top: usize,
    dir: &Path,
    overwrite: Overwrite,
) -> Result<([u64; 4], Vec<Pick>)> {
    let [table, chart] = outputs(dir);
    let (base, picks) = rank_invitations(graph, roles, person, inviters, top);
    write_greedy_table(graph.ids(), &picks, &table, overwrite)?;
    if picks.is_empty() {
        return Ok((base, picks));
    }
    let mut points = vec![CurvePoint::exact(0, base)];
    points.extend(
        picks
            .iter()
            .enumerate()
            .map(|(i, p)| CurvePoint::exact(i + 1, p.cumulative)),
    );
    draw_advice_chart(
        &points,
        "Reach as the ranked invitations are accepted (greedy order, exact)",
        &chart,
        ChartFormat::Png,
        overwrite,
    )?;
    Ok((base, picks))
}

/// Ranks `person`'s pending `inviters` by the expected job leads each adds
/// ([`rank_by_leads`]) and writes `advice.csv` into `dir` (no chart).
#[allow(clippy::too_many_arguments)] // the graph, the person and the model
pub fn leads_on_graph(
    graph: &ConnectionGraph,
    roles: &RoleMap,
    firms: &Firms,
    person: NodeId,
    inviters: &[NodeId],
    model: LeadModel,
    seed: u64,
    dir: &Path,
    overwrite: Overwrite,
) -> Result<LeadAdvice> {
    let [table, _] = outputs(dir);
    let advice = rank_by_leads(graph, roles, firms, person, inviters, model, seed);
    write_leads_advice_table(graph.ids(), &advice.picks, &table, overwrite)?;
    Ok(advice)
}
