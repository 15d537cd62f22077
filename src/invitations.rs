//! Invitations: pairs `(to, from)` meaning `from` asked to connect with `to`. Read
//! from a `to,from` table by [`PendingInvitations::from_records`], or made week by
//! week by the seeded [`ArrivalModel`] ([`arrivals`]), then filtered per person by
//! a [`crate::strategy::Strategy`].
//!
//! # Arrival models
//! Every week a person receives Poisson(`per_week`) invitations; each comes from
//! one of five sources, chosen with the configured weights:
//!
//! | source | inviter | why |
//! |---|---|---|
//! | friends of friends | the end of a random 2-step walk from the person, so a candidate is chosen in proportion to the mutual connections they share ("people you may know", docs/sources.md §6) | triadic closure |
//! | strangers | a random arc's end: chosen in proportion to their connection count | well-connected people invite more |
//! | recruiter outreach | a uniformly random recruiter | recruiters source candidates |
//! | fake accounts | a random account of the fake pool: extra nodes, each with a few random connections, added to the network once per experiment | accounts that "game the system" |
//! | colleagues | a uniformly random person at the person's own firm ([`crate::firms`]) not yet connected to them | shared employer is among the features People You May Know scores ("organizational overlap"; docs/sources.md §6) |
//!
//! Candidates already connected to the person, or who invited them before, are
//! redrawn (a few tries, then the invitation is dropped). All randomness comes from
//! the stream the caller passes, one per (replicate, person), so every strategy
//! faces the same invitations.
//!
//! Only *pending* invitations are kept: rows whose two people are already
//! connected, that invite oneself, repeat an earlier row, or name a node missing
//! from the graph are counted in [`InvitationReport`] and dropped.

use rand::RngExt;
use rand_distr::{Distribution, Poisson};

use crate::graph::{ConnectionGraph, NodeId};
use crate::roles::{Role, RoleMap};

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
        Self::new_by(|a, b| graph.has_edge(a, b), invitations)
    }

    /// [`PendingInvitations::new`] where `connected(to, from)` says whether two
    /// people are already connected.
    pub fn new_by(
        connected: impl Fn(NodeId, NodeId) -> bool,
        invitations: impl IntoIterator<Item = Invitation>,
    ) -> (Self, InvitationReport) {
        let mut report = InvitationReport::default();
        let mut pairs = Vec::new();
        for inv in invitations {
            report.records += 1;
            if inv.to == inv.from {
                report.self_invitations += 1;
            } else if connected(inv.to, inv.from) {
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
        records: &[(String, String, u64)],
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

/// Where invitations come from and how many arrive; see the module doc.
#[derive(Debug, Clone, PartialEq)]
pub struct ArrivalModel {
    /// Weeks simulated.
    pub weeks: u32,
    /// Mean invitations per person per week.
    pub per_week: f64,
    /// Weight of friends-of-friends invitations.
    pub friends_of_friends: f64,
    /// Weight of invitations from strangers.
    pub strangers: f64,
    /// Weight of recruiter outreach.
    pub recruiter_outreach: f64,
    /// Weight of fake accounts.
    pub fake_accounts: f64,
    /// Weight of colleagues (people at the person's firm).
    pub colleagues: f64,
    /// Fake accounts to add (default: 1% of nodes, at least 10).
    pub fake_pool: Option<u32>,
    /// Connections of each fake account.
    pub fake_connections: u32,
}

impl ArrivalModel {
    /// Checks the settings; on error, the key and what is wrong.
    pub fn validate(&self) -> Result<(), (&'static str, String)> {
        if self.weeks == 0 || self.weeks > 520 {
            return Err(("weeks", format!("{}; expected 1 to 520", self.weeks)));
        }
        if !(self.per_week >= 0.0 && self.per_week <= 1000.0) {
            return Err(("per_week", format!("{}; expected 0 to 1000", self.per_week)));
        }
        let w = [
            ("friends_of_friends", self.friends_of_friends),
            ("strangers", self.strangers),
            ("recruiter_outreach", self.recruiter_outreach),
            ("fake_accounts", self.fake_accounts),
            ("colleagues", self.colleagues),
        ];
        for (k, v) in w {
            if !(v >= 0.0 && v.is_finite()) {
                return Err((k, format!("{v}; expected a non-negative weight")));
            }
        }
        if w.iter().map(|x| x.1).sum::<f64>() <= 0.0 {
            return Err((
                "friends_of_friends",
                "all source weights are 0; give at least one positive weight".into(),
            ));
        }
        if self.fake_connections == 0 {
            return Err(("fake_connections", "0; expected at least 1".into()));
        }
        Ok(())
    }

    /// Fake accounts to add to a network of `nodes` people (0 if they never invite).
    pub fn fake_count(&self, nodes: usize) -> u32 {
        if self.fake_accounts <= 0.0 {
            return 0;
        }
        self.fake_pool
            .unwrap_or_else(|| u32::try_from((nodes / 100).max(10)).unwrap_or(u32::MAX))
    }
}

/// Kind of inviter, for the metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A friend of a friend.
    FriendOfFriend,
    /// A stranger.
    Stranger,
    /// A recruiter.
    Recruiter,
    /// A fake account.
    Fake,
    /// Someone at the person's firm.
    Colleague,
}

/// One arrived invitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arrival {
    /// Week of arrival, 1-based.
    pub week: u32,
    /// The inviter.
    pub from: NodeId,
    /// Where it came from.
    pub source: Source,
}

/// What drawing invitations reads of a network (fake accounts included): a
/// whole [`ConnectionGraph`], or a cluster process's view of a graph file that
/// reads the few lists it needs where they sit (`simulation/part.rs`).
pub trait Lists: Sync {
    /// Nodes, fake accounts included.
    fn node_count(&self) -> u32;
    /// Arcs (twice the connections).
    fn arc_count(&self) -> u64;
    /// The sorted neighbours of `v`.
    fn neighbors_of(&self, v: NodeId) -> std::borrow::Cow<'_, [u32]>;
    /// The target of arc `arc` in CSR order (the lists of nodes 0, 1, … end to end).
    fn arc_target_at(&self, arc: u64) -> u32;
}

impl Lists for ConnectionGraph {
    fn node_count(&self) -> u32 {
        u32::try_from(ConnectionGraph::node_count(self)).expect("node ids fit u32")
    }
    fn arc_count(&self) -> u64 {
        self.edge_count() * 2
    }
    fn neighbors_of(&self, v: NodeId) -> std::borrow::Cow<'_, [u32]> {
        std::borrow::Cow::Borrowed(self.neighbors(v))
    }
    fn arc_target_at(&self, arc: u64) -> u32 {
        self.arc_target(usize::try_from(arc).expect("arcs in memory"))
    }
}

/// What [`arrivals`] draws from: the network, its recruiters, its fake pool
/// and who works with whom.
pub struct ArrivalContext<'a> {
    /// The network, fake accounts included.
    pub graph: &'a dyn Lists,
    /// Every recruiter.
    pub recruiters: Vec<NodeId>,
    /// The fake accounts: `first_fake..node_count`.
    pub first_fake: u32,
    /// Each node's firm ([`crate::firms::NO_FIRM`] for none) and each firm's
    /// members, `members[starts[f]..starts[f + 1]]`; empty without firms.
    firm_of: &'a [u32],
    starts: Vec<u32>,
    members: Vec<u32>,
}

impl<'a> ArrivalContext<'a> {
    /// The context for `graph` whose nodes from `first_fake` on are fake accounts.
    pub fn new(graph: &'a ConnectionGraph, roles: &RoleMap, first_fake: u32) -> Self {
        let recruiters = graph
            .nodes()
            .filter(|&v| roles.role_of(v) == Some(Role::Recruiter))
            .collect();
        Self::with_recruiters(graph, recruiters, first_fake)
    }

    /// The context for `graph` with its `recruiters` listed by the caller.
    pub fn with_recruiters(graph: &'a dyn Lists, recruiters: Vec<NodeId>, first_fake: u32) -> Self {
        Self {
            graph,
            recruiters,
            first_fake,
            firm_of: &[],
            starts: Vec::new(),
            members: Vec::new(),
        }
    }

    /// This context with colleagues drawn from `firms` (every node's firm):
    /// the members of each firm listed once, O(nodes).
    #[must_use]
    pub fn with_firms(mut self, firms: &'a crate::firms::Firms) -> Self {
        let firm_of = firms.firms_of_nodes();
        let (starts, members) = firms.member_lists();
        self.firm_of = firm_of;
        self.starts = starts;
        self.members = members;
        self
    }

    /// The members of `person`'s firm (empty without one).
    fn colleagues_of(&self, person: NodeId) -> &[u32] {
        match self.firm_of.get(person.index()) {
            Some(&f) if f != crate::firms::NO_FIRM => {
                &self.members
                    [self.starts[f as usize] as usize..self.starts[f as usize + 1] as usize]
            }
            _ => &[],
        }
    }

    /// Whether `v` is a fake account.
    pub fn is_fake(&self, v: NodeId) -> bool {
        v.0 >= self.first_fake
    }
}

/// One inviter of kind `source` for `person`: not `person`, not connected to them,
/// not in `taken`; a few tries, then `None`.
pub fn draw_inviter(
    ctx: &ArrivalContext<'_>,
    source: Source,
    person: NodeId,
    taken: &[NodeId],
    rng: &mut impl rand::Rng,
) -> Option<NodeId> {
    let g = ctx.graph;
    let fakes = g.node_count() - ctx.first_fake;
    let first = g.neighbors_of(person);
    let mut pick = |len: usize| rng.random_range(0..len);
    for _ in 0..4 {
        let candidate = match source {
            Source::FriendOfFriend => {
                if first.is_empty() {
                    return None;
                }
                let second = g.neighbors_of(NodeId(first[pick(first.len())]));
                if second.is_empty() {
                    // Only when a list could not be read (`Lists` reports it).
                    return None;
                }
                NodeId(second[pick(second.len())])
            }
            Source::Stranger => {
                let arcs = usize::try_from(g.arc_count()).expect("fits usize");
                NodeId(g.arc_target_at(pick(arcs) as u64))
            }
            Source::Recruiter if !ctx.recruiters.is_empty() => {
                ctx.recruiters[pick(ctx.recruiters.len())]
            }
            Source::Fake if fakes > 0 => {
                NodeId(ctx.first_fake + u32::try_from(pick(fakes as usize)).expect("fits u32"))
            }
            Source::Colleague => {
                let mates = ctx.colleagues_of(person);
                if mates.len() < 2 {
                    return None;
                }
                NodeId(mates[pick(mates.len())])
            }
            Source::Recruiter | Source::Fake => return None,
        };
        if candidate != person
            && first.binary_search(&candidate.0).is_err()
            && !taken.contains(&candidate)
        {
            return Some(candidate);
        }
    }
    None
}

/// The invitations `person` receives over the horizon, in arrival order, each
/// inviter at most once; see the module doc.
pub fn arrivals(
    ctx: &ArrivalContext<'_>,
    model: &ArrivalModel,
    person: NodeId,
    rng: &mut impl rand::Rng,
) -> Vec<Arrival> {
    let weights = [
        model.friends_of_friends,
        model.strangers,
        model.recruiter_outreach,
        model.fake_accounts,
        model.colleagues,
    ];
    let total: f64 = weights.iter().sum();
    let mut out: Vec<Arrival> = Vec::new();
    let poisson = Poisson::new(model.per_week.max(1e-12)).expect("validated rate");
    for week in 1..=model.weeks {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let k = if model.per_week > 0.0 {
            poisson.sample(rng) as u32
        } else {
            0
        };
        for _ in 0..k {
            let mut x = rng.random::<f64>() * total;
            // Past every weight (rounding): the last source with weight.
            let mut which = weights.iter().rposition(|&w| w > 0.0).unwrap_or(3);
            for (i, w) in weights.iter().enumerate() {
                if x < *w {
                    which = i;
                    break;
                }
                x -= w;
            }
            let source = [
                Source::FriendOfFriend,
                Source::Stranger,
                Source::Recruiter,
                Source::Fake,
                Source::Colleague,
            ][which];
            let taken: Vec<NodeId> = out.iter().map(|a| a.from).collect();
            if let Some(from) = draw_inviter(ctx, source, person, &taken, rng) {
                out.push(Arrival { week, from, source });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrivals_are_pending_unique_and_reproducible() {
        use crate::generate::GraphModel;
        use crate::seed::task_rng;
        let net = GraphModel::HolmeKim {
            nodes: 2000,
            m: 4,
            triad_prob: 0.5,
        }
        .generate(1)
        .unwrap();
        let g = net.to_graph().unwrap();
        let roles = RoleMap::from_roles(
            g.node_count(),
            (0..50).map(|v| (NodeId(v * 7), Role::Recruiter)),
        );
        // Firms of ten people in id order; the fake pool (from 1990) works nowhere.
        let firm_of: Vec<u32> = (0..u32::try_from(g.node_count()).unwrap())
            .map(|v| {
                if v < 1990 {
                    v / 10
                } else {
                    crate::firms::NO_FIRM
                }
            })
            .collect();
        let firms = crate::firms::Firms::from_parts(firm_of, vec![0; 199]).unwrap();
        let ctx = ArrivalContext::new(&g, &roles, 1990).with_firms(&firms);
        let model = ArrivalModel {
            weeks: 10,
            per_week: 5.0,
            friends_of_friends: 1.0,
            strangers: 1.0,
            recruiter_outreach: 1.0,
            fake_accounts: 1.0,
            colleagues: 1.0,
            fake_pool: None,
            fake_connections: 3,
        };
        let p = NodeId(17);
        let a = arrivals(&ctx, &model, p, &mut task_rng(3, 1));
        assert_eq!(a, arrivals(&ctx, &model, p, &mut task_rng(3, 1)));
        assert!(a.len() > 25 && a.len() < 75, "Poisson(50): {}", a.len());
        for (i, x) in a.iter().enumerate() {
            assert!(x.from != p && !g.has_edge(p, x.from));
            assert!(a[..i].iter().all(|y| y.from != x.from));
            match x.source {
                Source::Recruiter => assert_eq!(roles.role_of(x.from), Some(Role::Recruiter)),
                Source::Fake => assert!(ctx.is_fake(x.from)),
                Source::FriendOfFriend => assert!(g.mutual_count(p, x.from) >= 1),
                Source::Stranger => {}
                Source::Colleague => assert!(firms.colleagues(p.0, x.from.0)),
            }
        }
        assert!(a.iter().any(|x| x.source == Source::Colleague));
        assert!(a.windows(2).all(|w| w[0].week <= w[1].week));
    }

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
