//! Fuzzes CSV tables: edge tables (integer or string ids) and `node,role` tables.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use netreach::graph::ConnectionGraph;
use netreach::ingest::table::{TableEdges, csv_edges, csv_pairs};
use netreach::roles::RoleMap;

fuzz_target!(|data: &[u8]| {
    let path = Path::new("fuzz.csv");
    let graph = match csv_edges(data, path) {
        Ok(TableEdges::Int(e)) => ConnectionGraph::from_u64_edges(&e, path).ok(),
        Ok(TableEdges::Str(e)) => ConnectionGraph::from_string_edges(&e, path).ok(),
        Err(_) => None,
    };
    if let (Some(g), Ok(records)) = (graph, csv_pairs(data, path, ["node", "role"], false, true)) {
        let _ = RoleMap::from_records(&g, &records, path);
    }
});
