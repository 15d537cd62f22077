//! A cluster process's share of an experiment whose network is a `.nrg` graph
//! file (`netreach run --cluster`): the set-up, the invitations and the job-lead
//! questions of [`super::Setup`] and [`super::simulate`] without loading the
//! graph. Sits where `Setup` sits: before the reach queries and lead searches,
//! which the cluster runs on the parts ([`crate::cluster::experiment_many`]).
//!
//! # What a process reads
//! - Its part of the graph ([`GraphFile::read_part`]), with the fake pool's
//!   connections merged in ([`GraphPart::with_added_nodes`]; the fake accounts
//!   belong to the last process).
//! - Two passes over the offsets and roles sections ([`GraphFile::scan`]):
//!   each person's connection count and role, for the recruiters invitations
//!   come from, the `network` and `degrees` tables and how many pass
//!   `[people]`'s filters; then, with the sample's positions among them drawn,
//!   who they are. Nothing per person is kept but the recruiters and the
//!   people studied, and with `[leads]` every node's role and firm
//!   ([`GraphFile::firms`], or everyone their own firm).
//! - Where they sit, the lists invitations and decisions read
//!   ([`crate::invitations::Lists`]): the person's, a friend's for a friend of a
//!   friend, one arc for a stranger (a binary search over the offsets), and each
//!   inviter's and connection's for its mutual connections.
//!
//! The fake pool's connections come from the experiment's seed, so every
//! process draws them alike, and a list here is the file's list followed by
//! its fake accounts (whose ids follow every person's), as in the whole graph
//! `Setup` builds. The invitations drawn, the queries and the lead questions
//! are therefore those of a single process, and so are the tables (tested here
//! and in `tests/cli/cluster_run.rs`).
//!
//! # Complexity
//! Each scan reads 9 bytes per node; a stranger costs O(log n) reads of 8
//! bytes; memory is the part, the fake pool's connections, the recruiters and
//! people studied, and with `[leads]` 5 bytes per node.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::cluster::{LeadJob, LeadRun, MarketJob};
use crate::config::Experiment;
use crate::error::{Error, Result};
use crate::firms::Firms;
use crate::graph::mutual::shared;
use crate::graph::{GraphPart, NodeId, NodeIds, node_weight};
use crate::ingest::binary::GraphFile;
use crate::invitations::{ArrivalContext, Lists};
use crate::reach::leads::{LeadWorld, PersonLeads};
use crate::roles::Role;
use crate::roles::RoleMap;

use super::leads::{Asked, TieValue, ask, attach, leads_seed, market_seed, read_answer};
use super::{Outcome, Planned, fake_edges, people_named, sample_positions};

/// A person's connections, and each with its mutual connections.
type Connections = (Vec<u32>, Vec<(u32, u32)>);

/// A part's lead questions: the job every process hands the cluster, and
/// what process 0 reads the answers with.
#[derive(Debug)]
pub struct LeadQuestions {
    /// The cluster's job.
    pub job: Arc<LeadJob>,
    asked: Vec<Asked>,
}

/// One process's view of an experiment's network in a graph file.
#[derive(Debug)]
pub struct PartSetup {
    file: GraphFile,
    path: PathBuf,
    /// Nodes from this id on are fake accounts.
    pub first_fake: u32,
    fakes: u32,
    /// The people studied, ascending.
    pub people: Vec<NodeId>,
    /// The fake pool's distinct connections as (person, fake account), sorted.
    pairs: Vec<(u32, u32)>,
    /// Each fake account's people: `fake_targets[fake_starts[f]..fake_starts[f + 1]]`.
    fake_starts: Vec<u32>,
    fake_targets: Vec<u32>,
    recruiters: Vec<NodeId>,
    hiring_managers: u64,
    /// How many people have each number of connections (fake accounts' included).
    degrees: Vec<(u64, u64)>,
    /// With `[leads]`: every node's role and firm, fake accounts included.
    leads: Option<(Arc<RoleMap>, Arc<Firms>)>,
    /// The first error reading a list while drawing invitations.
    failed: Mutex<Option<Error>>,
}

impl PartSetup {
    /// Opens `path`, draws the fake pool and chooses the people, as
    /// [`super::Setup::new`] does for the whole graph.
    ///
    /// # Errors
    /// If the file cannot be read or is damaged, or `[people]` names someone
    /// not in it or filters everyone out.
    pub fn open(exp: &Experiment, path: &Path) -> Result<Self> {
        let file = GraphFile::open(path)?;
        let real = file.node_count();
        let fakes = exp.arrivals.fake_count(real as usize);
        let mut pairs: Vec<(u32, u32)> = if fakes > 0 {
            fake_edges(exp, real, fakes)
                .into_iter()
                .map(|(f, v)| (v, f))
                .collect()
        } else {
            Vec::new()
        };
        pairs.sort_unstable();
        pairs.dedup();
        let mut by_fake: Vec<(u32, u32)> = pairs.iter().map(|&(v, f)| (f - real, v)).collect();
        by_fake.sort_unstable();
        let mut fake_starts = vec![0u32; fakes as usize + 1];
        for &(f, _) in &by_fake {
            fake_starts[f as usize + 1] += 1;
        }
        for f in 0..fakes as usize {
            fake_starts[f + 1] += fake_starts[f];
        }
        let fake_targets = by_fake.into_iter().map(|(_, v)| v).collect();
        // One pass: how many pass the filters, the recruiters and the
        // degrees table; a second one finds the people sampled.
        let p = &exp.people;
        let passes = |connections: u64, role: Option<Role>| {
            usize::try_from(connections).is_ok_and(|c| c >= p.connections.0 && c <= p.connections.1)
                && p.role.is_none_or(|r| role == r)
        };
        let with_fakes = |at: &mut usize, v: u32, connections: u64| {
            let mut c = connections;
            while *at < pairs.len() && pairs[*at].0 == v {
                c += 1;
                *at += 1;
            }
            c
        };
        let mut candidates = 0usize;
        let mut codes: Vec<u8> = Vec::new();
        let mut recruiters = Vec::new();
        let mut hiring_managers = 0;
        let mut degrees: BTreeMap<u64, u64> = BTreeMap::new();
        let mut at = 0;
        file.scan(|v, connections, code| {
            let c = with_fakes(&mut at, v, connections);
            *degrees.entry(c).or_default() += 1;
            if exp.leads.is_some() {
                codes.push(code);
            }
            let role = Role::from_code(code);
            match role {
                Some(Role::Recruiter) => recruiters.push(NodeId(v)),
                Some(Role::HiringManager) => hiring_managers += 1,
                None => {}
            }
            candidates += usize::from(passes(c, role));
        })?;
        let people = if let Some(ids) = &p.ids {
            people_named(ids, real, |id| file.lookup(id))?
        } else {
            let wanted = sample_positions(exp, candidates)?;
            let mut out = Vec::with_capacity(wanted.len());
            let (mut at, mut rank) = (0, 0);
            file.scan(|v, connections, code| {
                let c = with_fakes(&mut at, v, connections);
                if passes(c, Role::from_code(code)) {
                    if wanted.get(out.len()) == Some(&rank) {
                        out.push(NodeId(v));
                    }
                    rank += 1;
                }
            })?;
            out
        };
        let leads = if exp.leads.is_some() {
            codes.resize((real + fakes) as usize, 0);
            let roles = RoleMap::from_codes(codes).expect("codes checked by the scan");
            let firms = file
                .firms()?
                .unwrap_or_else(|| Firms::singletons(real))
                .with_added_nodes(fakes);
            Some((Arc::new(roles), Arc::new(firms)))
        } else {
            None
        };
        Ok(Self {
            file,
            leads,
            path: path.to_path_buf(),
            first_fake: real,
            fakes,
            people,
            pairs,
            fake_starts,
            fake_targets,
            recruiters,
            hiring_managers,
            degrees: degrees.into_iter().collect(),
            failed: Mutex::new(None),
        })
    }

    /// Process `process`'s part among `processes`, the fake pool merged in.
    ///
    /// # Errors
    /// If the file is damaged.
    pub fn part(&self, processes: usize, process: usize) -> Result<GraphPart> {
        let part = self.file.read_part(processes, process, node_weight(None))?;
        let edges: Vec<(u32, u32)> = self.pairs.iter().map(|&(v, f)| (f, v)).collect();
        Ok(part.with_added_nodes(self.fakes, &edges))
    }

    /// A digest of the input every process must share: the file and the fake pool.
    pub fn fingerprint(&self) -> u64 {
        let mut h = crate::digest::Fnv::default();
        h.word(self.file.fingerprint());
        h.word(u64::from(self.fakes));
        h.word(self.pairs.len() as u64);
        for &(v, f) in &self.pairs {
            h.word((u64::from(v) << 32) | u64::from(f));
        }
        h.finish()
    }

    /// Steps 1 and 2 of [`super::simulate`]: invitations, decisions and the
    /// distinct reach queries.
    ///
    /// # Errors
    /// If the file is damaged where a list sits.
    pub fn plan(&self, exp: &Experiment) -> Result<Planned> {
        debug_assert!(
            exp.arrivals.colleagues <= 0.0,
            "colleagues need the whole graph"
        );
        let ctx = ArrivalContext::with_recruiters(self, self.recruiters.clone(), self.first_fake);
        let role_of = |v: NodeId| {
            if v.0 >= self.first_fake {
                return None;
            }
            self.file
                .role(v.0)
                .map_err(|e| self.fail(e))
                .ok()
                .and_then(Role::from_code)
        };
        let planned = Planned::new(exp, &self.people, &ctx, &role_of);
        self.check()?;
        Ok(planned)
    }

    /// With `[leads]`: every (replicate, person)'s lead questions for the
    /// cluster ([`crate::cluster::LeadJob`]), and what reading their answers
    /// needs. Every process builds the same.
    ///
    /// # Errors
    /// If the file is damaged where a list sits.
    pub fn lead_job(&self, exp: &Experiment, planned: &Planned) -> Result<Option<LeadQuestions>> {
        let (Some(model), Some((roles, firms))) = (exp.leads, &self.leads) else {
            return Ok(None);
        };
        let world = LeadWorld::draws(roles, firms, self.first_fake, model, leads_seed(exp));
        let last = *planned.weeks.last().expect("at least one week");
        // Each person's connections with their mutual connections (as the
        // kernel counts them), read once for all the person's replicates.
        let mut read: HashMap<NodeId, Connections> = HashMap::new();
        let mut runs = Vec::with_capacity(planned.runs.len());
        let mut asked = Vec::with_capacity(planned.runs.len());
        for run in &planned.runs {
            let (own, connections) = read.entry(run.person).or_insert_with(|| {
                let own = self.neighbors_of(run.person).into_owned();
                let connections = own
                    .iter()
                    .map(|&u| {
                        let m = shared(&own, &self.neighbors_of(NodeId(u)));
                        (
                            u,
                            u32::try_from(m.min(usize::from(u16::MAX - 1))).expect("saturated"),
                        )
                    })
                    .collect();
                (own, connections)
            });
            let a = ask(&world, own, run, &planned.weeks, last);
            let connections = connections.clone();
            runs.push(LeadRun {
                source: run.person.0,
                replicate: run.replicate,
                connections,
                ties: a.ties.clone(),
                sets: a.sets.clone(),
                marginals: a.marginals.clone(),
            });
            asked.push(a);
        }
        self.check()?;
        let job = LeadJob {
            runs,
            roles: Arc::clone(roles),
            firms: Arc::clone(firms),
            first_fake: self.first_fake,
            model,
            seed: leads_seed(exp),
            max: exp.max_degree,
            market: exp.market.map(|m| MarketJob {
                share: m.seekers,
                seed: market_seed(exp),
                words: m.worlds.div_ceil(crate::reach::leads::LANES).max(1),
                studied: self.people.iter().map(|v| v.0).collect(),
            }),
        };
        Ok(Some(LeadQuestions {
            job: Arc::new(job),
            asked,
        }))
    }

    /// Step 3: the outcome from the reach `counts` of `planned`'s queries (and,
    /// with `[leads]`, the cluster's `answers` to `questions`), with the people
    /// and inviters renumbered to their position among those the tables name,
    /// and their external ids in that order.
    ///
    /// # Errors
    /// If the file is damaged where the ids or lists sit.
    pub fn outcome(
        &self,
        planned: &Planned,
        counts: &[crate::reach::ReachCounts],
        leads: Option<(LeadQuestions, Vec<PersonLeads>)>,
    ) -> Result<(Outcome, NodeIds)> {
        let mut observations = planned.observations(counts, |v| self.neighbors_of(v).len());
        let mut ties = Vec::new();
        if let Some((questions, answers)) = leads {
            let connections = |v: NodeId| self.neighbors_of(v).len();
            let mut all = Vec::new();
            for ((run, a), answer) in planned.runs.iter().zip(questions.asked).zip(answers) {
                let (l, t) = read_answer(&connections, run, a, &answer);
                all.extend(l);
                ties.extend(t);
            }
            attach(&mut observations, all);
        }
        self.check()?;
        // The tables name the people studied and the inviters of the ties.
        let mut named: Vec<NodeId> = self.people.clone();
        named.extend(ties.iter().map(|t: &TieValue| t.inviter));
        named.sort_unstable();
        named.dedup();
        let at = |v: NodeId| {
            NodeId(u32::try_from(named.binary_search(&v).expect("named")).expect("fits u32"))
        };
        for o in &mut observations {
            o.person = at(o.person);
        }
        for t in &mut ties {
            t.person = at(t.person);
            t.inviter = at(t.inviter);
        }
        let ids = self.ids_of(&named)?;
        Ok((
            Outcome {
                observations,
                distinct_queries: planned.queries.len(),
                network_people: u64::from(self.first_fake),
                ties,
                adoption: Vec::new(),
            },
            ids,
        ))
    }

    /// The external ids of `nodes` (ascending): a fake account's as the whole
    /// network numbers it, after the largest person's id.
    fn ids_of(&self, nodes: &[NodeId]) -> Result<NodeIds> {
        let real: Vec<NodeId> = nodes
            .iter()
            .copied()
            .filter(|v| v.0 < self.first_fake)
            .collect();
        let fake = nodes.len() - real.len();
        let mut ids = self.file.ids_of(&real)?;
        if fake > 0 {
            let last = self.file.ids_of(&[NodeId(self.first_fake - 1)])?;
            let fakes = nodes[real.len()..].iter().map(|v| v.0 - self.first_fake);
            match (&mut ids, last) {
                (NodeIds::Int(v), NodeIds::Int(l)) => {
                    v.extend(fakes.map(|i| l[0] + 1 + u64::from(i)));
                }
                (NodeIds::Str(v), NodeIds::Str(l)) => {
                    v.extend(fakes.map(|i| format!("{}~added-{i:010}", l[0])));
                }
                _ => unreachable!("one file, one kind of id"),
            }
        }
        Ok(ids)
    }

    /// The graph file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Fake accounts added.
    pub fn fake_accounts(&self) -> u32 {
        self.fakes
    }

    /// Connections, the fake accounts' included.
    pub fn edges(&self) -> u64 {
        self.file.arc_count() / 2 + self.pairs.len() as u64
    }

    /// Recruiters and hiring managers.
    pub fn role_counts(&self) -> (u64, u64) {
        (self.recruiters.len() as u64, self.hiring_managers)
    }

    /// How many people have each number of connections, fake accounts' included.
    pub fn degrees(&self) -> &[(u64, u64)] {
        &self.degrees
    }

    /// Keeps the first error; lists read as empty after it.
    fn fail(&self, e: Error) {
        self.failed.lock().expect("not poisoned").get_or_insert(e);
    }

    /// The first error met reading a list where it sits (lists read as empty
    /// after it), if any; cleared.
    ///
    /// # Errors
    /// That error.
    pub fn check(&self) -> Result<()> {
        match self.failed.lock().expect("not poisoned").take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// The fake accounts of person `v`.
    fn fakes_of(&self, v: u32) -> &[(u32, u32)] {
        let lo = self.pairs.partition_point(|p| p.0 < v);
        let hi = self.pairs.partition_point(|p| p.0 <= v);
        &self.pairs[lo..hi]
    }

    /// Where person `v`'s list starts among the arcs of the graph with the fakes.
    fn start(&self, v: u32) -> Result<u64> {
        Ok(self.file.list_start(v)? + self.pairs.partition_point(|p| p.0 < v) as u64)
    }

    fn arc(&self, arc: u64) -> Result<u32> {
        let people_arcs = self.file.arc_count() + self.pairs.len() as u64;
        if arc >= people_arcs {
            #[allow(clippy::cast_possible_truncation)] // the fake pool's arcs are in memory
            return Ok(self.fake_targets[(arc - people_arcs) as usize]);
        }
        // The last person whose list starts at or before `arc`.
        let (mut lo, mut hi) = (0u32, self.first_fake);
        while lo + 1 < hi {
            let mid = lo + (hi - lo) / 2;
            if self.start(mid)? <= arc {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        let at = arc - self.start(lo)?;
        let from_file = self.file.list_start(lo + 1)? - self.file.list_start(lo)?;
        if at < from_file {
            self.file.target(self.file.list_start(lo)? + at)
        } else {
            #[allow(clippy::cast_possible_truncation)] // within one list
            Ok(self.fakes_of(lo)[(at - from_file) as usize].1)
        }
    }
}

impl Lists for PartSetup {
    fn node_count(&self) -> u32 {
        self.first_fake + self.fakes
    }

    fn arc_count(&self) -> u64 {
        self.file.arc_count() + 2 * self.pairs.len() as u64
    }

    fn neighbors_of(&self, v: NodeId) -> Cow<'_, [u32]> {
        if v.0 >= self.first_fake {
            let f = (v.0 - self.first_fake) as usize;
            let (lo, hi) = (
                self.fake_starts[f] as usize,
                self.fake_starts[f + 1] as usize,
            );
            return Cow::Borrowed(&self.fake_targets[lo..hi]);
        }
        match self.file.neighbors(v.0) {
            Ok(mut list) => {
                list.extend(self.fakes_of(v.0).iter().map(|p| p.1));
                Cow::Owned(list)
            }
            Err(e) => {
                self.fail(e);
                Cow::Owned(Vec::new())
            }
        }
    }

    fn arc_target_at(&self, arc: u64) -> u32 {
        self.arc(arc).unwrap_or_else(|e| {
            self.fail(e);
            0
        })
    }
}

#[cfg(test)]
mod tests;
