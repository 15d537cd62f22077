//! Invitations: pairs `(to, from)` meaning `from` asked to connect with `to`. Read
//! from a `to,from` table by [`PendingInvitations::from_records`] (later also made
//! by seeded arrival models), then filtered per person by a
//! [`crate::strategy::Strategy`].
//!
//! Only *pending* invitations are kept: rows whose two people are already
//! connected, that invite oneself, repeat an earlier row, or name a node missing
//! from the graph are counted in [`InvitationReport`] and dropped.

use crate::graph::{ConnectionGraph, NodeId};
use crate::ingest::table::PairRecord;

/// One invitation: `from` asked to connect with `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Invitation {
    /// The invited person (who decides).
    pub to: NodeId,
    /// The inviter.
    pub from: NodeId,
}

/// Pending invitations, sorted by `(to, from)`, so each person's list is a slice.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PendingInvitations {
    pairs: Vec<Invitation>,
}

/// What reading an invitations table found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InvitationReport {
    /// Records read.
    pub records: u64,
    /// Pending invitations kept.
    pub pending: u64,
    /// Records whose two people are already connected.
    pub already_connected: u64,
    /// Records naming a node not in the graph.
    pub unknown_nodes: u64,
    /// Records inviting oneself.
    pub self_invitations: u64,
    /// Records repeating an earlier pending invitation.
    pub duplicates: u64,
}

impl PendingInvitations {
    /// Keeps the pending ones of `invitations` (see the module doc).
    pub fn new(
        graph: &ConnectionGraph,
        invitations: impl IntoIterator<Item = Invitation>,
    ) -> (Self, InvitationReport) {
        let mut report = InvitationReport::default();
        let mut pairs = Vec::new();
        for inv in invitations {
            report.records += 1;
            if inv.to == inv.from {
                report.self_invitations += 1;
            } else if graph.has_edge(inv.to, inv.from) {
                report.already_connected += 1;
            } else {
                pairs.push(inv);
            }
        }
        pairs.sort_unstable();
        let before = pairs.len();
        pairs.dedup();
        report.duplicates = (before - pairs.len()) as u64;
        report.pending = pairs.len() as u64;
        (Self { pairs }, report)
    }

    /// Resolves `to,from` records (external ids) against `graph`.
    pub fn from_records(
        graph: &ConnectionGraph,
        records: &[PairRecord],
    ) -> (Self, InvitationReport) {
        let mut unknown = 0;
        let resolved: Vec<Invitation> = records
            .iter()
            .filter_map(|(to, from, _)| {
                if let (Some(to), Some(from)) = (graph.ids().lookup(to), graph.ids().lookup(from)) {
                    Some(Invitation { to, from })
                } else {
                    unknown += 1;
                    None
                }
            })
            .collect();
        let (inv, mut report) = Self::new(graph, resolved);
        report.records += unknown;
        report.unknown_nodes = unknown;
        (inv, report)
    }

    /// The inviters of `to`, sorted by internal id.
    pub fn inviters_of(&self, to: NodeId) -> impl ExactSizeIterator<Item = NodeId> + '_ {
        let lo = self.pairs.partition_point(|i| i.to < to);
        let hi = self.pairs.partition_point(|i| i.to <= to);
        self.pairs[lo..hi].iter().map(|i| i.from)
    }

    /// All pending invitations.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &Invitation> {
        self.pairs.iter()
    }

    /// Number of pending invitations.
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    /// True when nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_pending_invitations_are_kept_and_the_rest_counted() {
        let g = ConnectionGraph::from_edges([(1, 2), (2, 3), (4, 5)]).unwrap();
        let rec = |t: &str, f: &str| (t.to_string(), f.to_string(), 0);
        let records = vec![
            rec("1", "3"),
            rec("1", "3"),
            rec("1", "2"),
            rec("1", "1"),
            rec("1", "99"),
            rec("1", "4"),
        ];
        let (p, r) = PendingInvitations::from_records(&g, &records);
        assert_eq!(
            r,
            InvitationReport {
                records: 6,
                pending: 2,
                already_connected: 1,
                unknown_nodes: 1,
                self_invitations: 1,
                duplicates: 1
            }
        );
        let one = g.ids().lookup("1").unwrap();
        let got: Vec<String> = p
            .inviters_of(one)
            .map(|v| g.ids().display(v).to_string())
            .collect();
        assert_eq!(got, ["3", "4"]);
        assert_eq!(p.inviters_of(g.ids().lookup("5").unwrap()).len(), 0);
    }
}
