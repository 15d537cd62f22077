//! The flags that make a command one process of a cluster (`reach`, `run`,
//! `simulate`), and what a process says about its traffic.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use netreach::cluster::{Cluster, Traffic};

use super::{Global, peak_memory, usage_error};

/// `--cluster HOSTFILE --process I --workers W --cluster-timeout SECS`.
#[derive(Debug, Args)]
pub(super) struct ClusterArgs {
    /// Run as one process of a timely-dataflow cluster: HOSTFILE lists the
    /// host:port of every process, one per line. Start every process with the same
    /// arguments and inputs, each with its own --process; process 0 writes the output.
    /// From a .nrg graph file carrying its roles, each process reads only its part
    /// (docs/cluster.md).
    #[arg(long, value_name = "HOSTFILE")]
    cluster: Option<PathBuf>,
    /// With --cluster: this process's line in the hostfile, counting from 0.
    #[arg(long, value_name = "I", default_value_t = 0, requires = "cluster")]
    process: usize,
    /// With --cluster: worker threads per process (the same in every process).
    #[arg(long, value_name = "W", default_value_t = 1, requires = "cluster", value_parser = clap::value_parser!(u32).range(1..=256))]
    workers: u32,
    /// With --cluster: seconds to wait for the other processes to connect.
    #[arg(long, value_name = "SECS", default_value_t = 60, requires = "cluster")]
    cluster_timeout: u64,
}

impl ClusterArgs {
    /// The cluster this process belongs to, from --cluster and friends.
    pub(super) fn cluster(&self) -> Result<Option<Cluster>> {
        let Some(hostfile) = &self.cluster else {
            return Ok(None);
        };
        let hosts = Cluster::read_hostfile(hostfile)?;
        if self.process >= hosts.len() {
            usage_error(format!(
                "--process {} is out of range: {} lists {} process(es), numbered from 0",
                self.process,
                hostfile.display(),
                hosts.len()
            ));
        }
        Ok(Some(Cluster {
            hosts,
            process: self.process,
            workers: self.workers as usize,
            timeout: std::time::Duration::from_secs(self.cluster_timeout),
        }))
    }
}

/// What this process sent to the others (with -v).
pub(super) fn say_traffic(g: &Global, c: &Cluster, t: &Traffic) {
    if g.verbose {
        let mib = |b: u64| b as f64 / f64::from(1 << 20);
        g.say(format!(
            "process {}: sent {:.1} MiB to other processes in {} rounds ({} records; largest round {:.1} MiB); peak memory {}",
            c.process,
            mib(t.bytes),
            t.rounds,
            t.records,
            mib(t.largest_round),
            peak_memory()
        ));
    }
}
