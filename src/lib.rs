#![doc = include_str!("../README.md")]

pub mod error;
pub mod progress;
pub mod ingest;
pub mod graph;
pub mod generate;
pub mod roles;
pub mod invitations;
pub mod strategy;
pub mod reach;
pub mod cluster;
pub mod config;
pub mod simulation;
pub mod advise;
pub mod results;
pub mod charts;
pub mod report;

pub use error::{Error, Location, Result};
pub use graph::{ConnectionGraph, NodeId};
pub use reach::{Counts, Degree, ReachCounts};
pub use roles::{Role, RoleMap};
pub use strategy::Strategy;
