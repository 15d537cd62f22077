//! Approximate reach on the cluster: HyperBall ([`crate::reach::approx`]) with
//! each worker holding the counters of the nodes it owns and nothing else.
//!
//! # Algorithm
//! Sweep k computes, for every node, the register-wise maximum of its own
//! counters and its neighbours' counters of sweep k − 1. A worker pushes: for
//! each owned node whose counters changed in the last sweep (every node in the
//! first), it sends the counters once to every worker owning one of the node's
//! neighbours, with the list of those neighbours; the receiver folds them into
//! the new counters of the listed nodes. A node whose counters did not change
//! need not be sent: its neighbours already hold them. To bound what is in
//! flight, a sweep is cut into sub-rounds over slices of the owned nodes
//! ([`sub_rounds`]). Maxima do not depend on the order records arrive in, so
//! the counters, and the table, are the single-process ones byte for byte.
//!
//! # Complexity
//! Per sweep: O(owned arcs) work per worker, and at most one record of
//! 3 × 2^b bytes per (changed node, neighbouring worker) pair. Space per
//! worker: two sets of counters for its owned nodes (6 × 2^b bytes each) and
//! one sub-round's records.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use timely::worker::Worker;

use super::{Cluster, CountRecord, Owners, Rounds, Traffic, execute, gather};
use crate::error::Result;
use crate::graph::GraphPart;
use crate::reach::approx::{counter_estimate, level_counts, own_registers, self_estimates};
use crate::reach::{Counts, Degree, ReachCounts};

/// Approximate reach of every node on the cluster, in node order (`Some` in
/// process 0), and what this process sent to the others.
///
/// # Errors
/// If the cluster cannot be formed (see the module docs of [`super`]).
pub fn approx_reach_all(
    c: &Cluster,
    digest: u64,
    part: Arc<GraphPart>,
    max: Degree,
    precision: u8,
) -> Result<(Option<Vec<ReachCounts>>, Traffic)> {
    let traffic = Arc::new(Mutex::new(Traffic::default()));
    let total = Arc::clone(&traffic);
    let counts = execute(c, digest, move |worker| {
        approx_worker(worker, &part, max, precision, &total)
    })?;
    let t = *traffic.lock().expect("the workers are done");
    Ok((counts, t))
}

/// Counters of one node sent to a worker that owns some of its neighbours:
/// (worker, registers, the neighbours on that worker).
type CounterRecord = (u32, Vec<u8>, Vec<u32>);

/// Sub-rounds per sweep: enough that one sub-round's records (at most every
/// node's counters once per neighbouring worker) stay near 64 MiB per worker.
fn sub_rounds(nodes: u32, width: usize, peers: usize) -> usize {
    let bytes = u64::from(nodes) * width as u64 * peers.min(8) as u64;
    let per_worker = bytes / peers.max(1) as u64;
    usize::try_from(per_worker.div_ceil(64 << 20))
        .unwrap_or(usize::MAX)
        .clamp(1, 64)
}

/// Records sent at a time.
const SEND_PIECE: usize = 4096;

/// Folds counters `regs` into owned node `l`'s new counters.
fn fold(next: &mut [u8], l: usize, width: usize, regs: &[u8]) {
    for (a, b) in next[l * width..(l + 1) * width].iter_mut().zip(regs) {
        *a = (*a).max(*b);
    }
}

/// One worker's share of HyperBall.
fn approx_worker(
    worker: &mut Worker,
    part: &GraphPart,
    max: Degree,
    precision: u8,
    total: &Mutex<Traffic>,
) -> Option<Vec<ReachCounts>> {
    let own = Owners::new(part, worker.index(), worker.peers());
    let registers = 1usize << precision;
    let width = 3 * registers;
    let owned = own.owned_count();
    let mut cur = vec![0u8; owned * width];
    for l in 0..owned {
        let v = own.node(l);
        for (class, i, r) in own_registers(part.role_code(v), v, precision) {
            cur[l * width + class * registers + i] = r;
        }
    }
    // Folded into as records arrive: no sub-round's records are kept.
    let next = Rc::new(RefCell::new(cur.clone()));
    let (into, at) = (Rc::clone(&next), own.clone());
    let mut rounds: Rounds<CounterRecord> = Rounds::new(
        worker,
        own.workers,
        |x: &CounterRecord| u64::from(x.0),
        move |(_, regs, list): CounterRecord| {
            let mut next = into.borrow_mut();
            for t in list {
                fold(&mut next, at.local(t), width, &regs);
            }
        },
    );
    let mut changed = vec![true; owned];
    let mut previous: Vec<[f64; 3]> = (0..owned)
        .map(|l| self_estimates(part.role_code(own.node(l))))
        .collect();
    let mut partial: Vec<CountRecord> = Vec::new();
    let subs = sub_rounds(part.node_count(), width, worker.peers());
    let mut by_worker: Vec<Vec<u32>> = vec![Vec::new(); worker.peers()];
    let mut records: Vec<CounterRecord> = Vec::new();
    let me = worker.index();
    for level in 1..=usize::from(max.0) {
        for s in 0..subs {
            for l in owned * s / subs..owned * (s + 1) / subs {
                if !changed[l] {
                    continue;
                }
                let regs = &cur[l * width..(l + 1) * width];
                for &w in part.neighbors(own.node(l)) {
                    by_worker[own.worker_of(w)].push(w);
                }
                for (to, list) in by_worker.iter_mut().enumerate() {
                    if list.is_empty() {
                        continue;
                    }
                    if to == me {
                        let mut next = next.borrow_mut();
                        for &t in list.iter() {
                            fold(&mut next, own.local(t), width, regs);
                        }
                        list.clear();
                    } else {
                        let to = u32::try_from(to).expect("workers fit u32");
                        records.push((to, regs.to_vec(), std::mem::take(list)));
                    }
                }
                if records.len() >= SEND_PIECE {
                    rounds.send(&mut records);
                }
            }
            rounds.send(&mut records);
            rounds.end_round(worker);
        }
        let next = next.borrow();
        let k = u8::try_from(level).expect("degree fits u8");
        for l in 0..owned {
            let now = &next[l * width..(l + 1) * width];
            changed[l] = now != &cur[l * width..(l + 1) * width];
            let estimates: [f64; 3] = std::array::from_fn(|class| {
                counter_estimate(&now[class * registers..(class + 1) * registers])
            });
            let counts = level_counts(estimates, &mut previous[l]);
            if counts != Counts::default() {
                partial.push((
                    own.node(l),
                    k,
                    counts.nodes,
                    counts.recruiters,
                    counts.hiring_managers,
                ));
            }
        }
        cur.copy_from_slice(&next);
    }
    // The counters go before worker 0 builds the whole table.
    let traffic = rounds.traffic;
    drop((cur, next, rounds));
    gather(
        worker,
        own.workers,
        partial,
        part.node_count() as usize,
        max,
        &traffic,
        total,
    )
}
