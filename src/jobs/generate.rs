//! `netreach generate`: a seeded synthetic network with roles placed, written as
//! an edge table and a node table.
//!
//! # Example
//! ```
//! use netreach::generate::GraphModel;
//! use netreach::jobs::generate::generate;
//! use netreach::roles::RolePlan;
//! let model = GraphModel::HolmeKim { nodes: 500, m: 3, triad_prob: 0.5 };
//! let net = generate(&model, &RolePlan::default(), 7)?;
//! assert_eq!(net.graph.node_count(), 500);
//! # Ok::<(), netreach::Error>(())
//! ```

use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::firms::Firms;
use crate::generate::GraphModel;
use crate::graph::ConnectionGraph;
use crate::output::Overwrite;
use crate::results::network::{NetworkFormat, write_network};
use crate::roles::{RoleMap, RolePlan, place_roles};

/// A generated network with its roles.
#[derive(Debug, Clone)]
pub struct Network {
    /// The graph.
    pub graph: ConnectionGraph,
    /// Roles placed by the plan.
    pub roles: RoleMap,
    /// The community (industry) of each node, for models with them.
    pub communities: Option<Vec<u32>>,
    /// Who works where.
    pub firms: Firms,
}

/// Generates `model` with `seed` and places roles by `plan` (same seed).
pub fn generate(model: &GraphModel, plan: &RolePlan, seed: u64) -> Result<Network> {
    let mut net = model.generate(seed)?;
    let graph = net.to_graph()?;
    let roles = place_roles(&graph, net.communities.as_deref(), plan, seed)?;
    let firms = net.take_firms(&graph, seed);
    Ok(Network {
        graph,
        roles,
        communities: net.communities,
        firms,
    })
}

/// The files [`write()`] may create in `dir` for `format`: check them before work.
pub fn outputs(dir: &Path, format: NetworkFormat) -> [PathBuf; 3] {
    let ext = match format {
        NetworkFormat::Parquet => "parquet",
        NetworkFormat::Csv | NetworkFormat::Txt => "csv",
    };
    [
        dir.join(format!("edges.{ext}")),
        dir.join("edges.txt"),
        dir.join(format!("nodes.{ext}")),
    ]
}

/// Writes `net` into `dir` in `format`; `header` lines go atop a text edge list.
/// Returns the edge and node files.
pub fn write(
    net: &Network,
    dir: &Path,
    format: NetworkFormat,
    header: &[String],
    overwrite: Overwrite,
) -> Result<(PathBuf, PathBuf)> {
    write_network(
        dir, format, &net.graph, &net.roles, &net.firms, header, overwrite,
    )
}
