//! Generate: seeded synthetic professional networks, the alternative to ingest at
//! the head of the pipeline. Each model returns edges between internal ids
//! `0..nodes`; [`to_graph`] builds the [`ConnectionGraph`] with external ids equal
//! to the internal ones.

pub mod ba;

use std::path::Path;

use crate::error::Result;
use crate::graph::{ConnectionGraph, NodeIds};

/// Builds a graph on `nodes` nodes, numbered `0..nodes`, from generated edges.
pub fn to_graph(nodes: u32, edges: &[(u32, u32)]) -> Result<ConnectionGraph> {
    let ids = NodeIds::Int((0..u64::from(nodes)).collect());
    ConnectionGraph::from_internal_edges(ids, edges, edges.len() as u64, Path::new("<generated>"))
}
