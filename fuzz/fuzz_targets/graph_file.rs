//! Fuzzes the graph file reader: any bytes give a graph or an error, never a
//! panic. Each input is also tried with its checksum made right, so the fuzzer
//! reaches the structure checks behind it.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use netreach::ingest::binary::read_from;

fuzz_target!(|data: &[u8]| {
    let path = Path::new("fuzz.nrg");
    let _ = read_from(data, data.len() as u64, path);
    if data.len() >= 4 {
        let mut fixed = data.to_vec();
        let body = fixed.len() - 4;
        let crc = crc32fast::hash(&fixed[..body]);
        fixed[body..].copy_from_slice(&crc.to_le_bytes());
        if let Ok((graph, roles)) = read_from(&fixed[..], fixed.len() as u64, path) {
            // A graph that passed the checks must be safe to use.
            let _ = graph.stats();
            if let Some(r) = roles {
                let _ = r.count(netreach::roles::Role::Recruiter);
            }
        }
    }
});
