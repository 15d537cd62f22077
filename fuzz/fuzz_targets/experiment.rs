//! Fuzzes experiment files: any text gives a checked experiment or an error.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use netreach::config::Experiment;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Experiment::from_toml(text, Path::new("fuzz.toml"));
    }
});
