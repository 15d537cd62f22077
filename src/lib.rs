#![doc = include_str!("../README.md")]

// Modules in dependency order: each uses only those above it (see ARCHITECTURE.md).
// Ground floor.
pub mod error;
pub mod progress;
pub mod seed;
pub mod stats;
pub mod words;
pub mod output;
pub mod memory;
pub mod digest;
// Domain.
pub mod graph;
pub mod roles;
pub mod firms;
pub mod strategy;
pub mod invitations;
pub mod reach;
pub mod generate;
pub mod ingest;
pub mod config;
pub mod cluster;
pub mod simulation;
pub mod advise;
// Results and what is drawn from them.
pub mod results;
pub mod charts;
pub mod report;
// Each subcommand as library calls.
pub mod jobs;

pub use error::{Error, Location, Result};
pub use graph::{ConnectionGraph, NodeId};
pub use reach::{Counts, Degree, ReachCounts};
pub use roles::{Role, RoleMap};
pub use strategy::Strategy;
