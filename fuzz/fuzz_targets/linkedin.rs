//! Fuzzes the LinkedIn export parsers (Connections.csv and Invitations.csv text,
//! after the UTF-8 / Windows-1252 decoding step).
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use netreach::ingest::linkedin::{TitleRules, decode, parse_connections, parse_invitations};

fuzz_target!(|data: &[u8]| {
    let (text, _) = decode(data);
    if let Ok(c) = parse_connections(&text, Path::new("Connections.csv")) {
        let rules = TitleRules::default();
        for p in &c.people {
            let _ = rules.classify(&p.position);
        }
    }
    let _ = parse_invitations(&text, Path::new("Invitations.csv"));
});
