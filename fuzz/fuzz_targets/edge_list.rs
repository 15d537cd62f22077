//! Fuzzes the edge-list parser and the CSR builder: any bytes give edges or an
//! error, never a panic.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use netreach::graph::ConnectionGraph;
use netreach::ingest::edge_list::{Fields, parse_edges};

fuzz_target!(|data: &[u8]| {
    let path = Path::new("fuzz.txt");
    for fields in [Fields::Whitespace, Fields::Comma(0, 1)] {
        if let Ok(edges) = parse_edges(data, path, fields, 1) {
            let _ = ConnectionGraph::from_u64_edges(&edges, path);
        }
    }
});
