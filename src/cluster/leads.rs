//! Expected job leads on the cluster: the searches of
//! [`LeadWorld::person`] (`reach/leads/person.rs`) run on the parts, and
//! worker 0 sums them into each person's answers exactly as one process does.
//!
//! # Algorithm
//! A (replicate, person)'s word of 64 worlds asks one search from all the
//! person's connections at once and one from each accepted inviter, each
//! from its first ties' worlds (the worlds where the tie to the person
//! passes). Every worker draws the same first ties, so each seeds the starts
//! it owns. A search's frontier travels as `(search, node, worlds)` records
//! to the node's owner, one depth per round, as exact reach's does; the worker
//! scanning a list draws each tie (a hash of the tie and the word, its mutual
//! connections counted when its ceiling draw passes: the scanned node's list,
//! held, against the other end's, held or read from the graph file) and each
//! intermediary's forwarding. The owner of a node reached tells worker 0 the
//! worlds in which it knows of its firm's openings, as `(search, firm, depth,
//! worlds)`; worker 0 ORs them per firm and depth into first arrivals, the
//! `Found` record a search here makes, and sums each word with
//! [`LeadWorld`]'s own summing, holders numbered by firm, so the answers are
//! byte for byte those of one process. Searches run in batches of whole
//! (replicate, person)s, so worker 0 holds one batch's records at a time.
//!
//! # Complexity
//! Per search: the arcs of the nodes that forward in some world within max
//! degree − 1 hops, as on one machine, plus one record per (search, node)
//! reached and one per (search, knower) to worker 0; max degree rounds per
//! batch.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use timely::worker::Worker;

use super::{Owners, Record, Rounds, Traffic};

/// A map with a fast hasher of fixed seed (keys are node and search numbers).
pub(super) type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;
use crate::firms::Firms;
use crate::graph::mutual::shared;
use crate::graph::{GraphPart, NodeId};
use crate::reach::Degree;
use crate::reach::leads::{
    Found, LeadModel, LeadWorld, PersonLeads, PersonQuestions, Seeker, Sums, WordSearch,
    by_question,
};
use crate::roles::RoleMap;
use crate::seed::{splitmix, unit_interval};

/// Searches per batch, at least (whole (replicate, person)s are kept together).
const SEARCHES_PER_BATCH: usize = 256;

/// One (replicate, person)'s lead questions ([`PersonQuestions`], owned), and
/// the person's connections with their mutual connections.
#[derive(Debug, Clone)]
pub struct LeadRun {
    /// The person.
    pub source: u32,
    /// Which replicate's worlds.
    pub replicate: u32,
    /// The person's connections, each with its mutual connections as
    /// [`LeadWorld`] counts them (at most 65,534).
    pub connections: Vec<(u32, u32)>,
    /// Every invitation some question accepts: (inviter, mutual at acceptance).
    pub ties: Vec<(u32, u32)>,
    /// Each question: indices into `ties`.
    pub sets: Vec<Vec<usize>>,
    /// Marginal values asked: (question, tie).
    pub marginals: Vec<(usize, usize)>,
}

impl LeadRun {
    pub(super) fn questions(&self) -> PersonQuestions<'_> {
        PersonQuestions {
            source: NodeId(self.source),
            replicate: self.replicate,
            ties: &self.ties,
            sets: &self.sets,
            marginals: &self.marginals,
        }
    }
}

/// What every worker needs to draw the worlds and search: the runs, each
/// node's role and firm (of the whole graph: 5 bytes per node), the model.
#[derive(Debug)]
pub struct LeadJob {
    /// The questions, in the order the answers come back.
    pub runs: Vec<LeadRun>,
    /// Every node's role.
    pub roles: Arc<RoleMap>,
    /// Who works where.
    pub firms: Arc<Firms>,
    /// Nodes from this id on are fake accounts.
    pub first_fake: u32,
    /// The model and its seed, as [`LeadWorld::draws`] takes them.
    pub model: LeadModel,
    /// The leads' seed.
    pub seed: u64,
    /// The largest degree.
    pub max: Degree,
    /// With `[market]`: who seeks work, and in how many words offers count.
    pub market: Option<MarketJob>,
}

/// Ties whose mutual connections a worker keeps, at most.
const MUTUAL_CACHE: usize = 1 << 20;

/// `[market]` for the cluster: who seeks work and in how many words.
#[derive(Debug, Clone)]
pub struct MarketJob {
    /// The share of real people seeking work.
    pub share: f64,
    /// The seed of who seeks.
    pub seed: u64,
    /// Offers are counted in the first `words` words.
    pub words: u32,
    /// The people studied (ascending): they always seek.
    pub studied: Vec<u32>,
}

impl MarketJob {
    /// Whether `v` seeks work (as [`crate::reach::leads::Market`] draws it).
    pub(super) fn is_seeker(&self, v: u32, first_fake: u32) -> bool {
        v < first_fake
            && (unit_interval(splitmix(self.seed ^ u64::from(v))) < self.share
                || self.studied.binary_search(&v).is_ok())
    }
}

/// A node's sorted neighbours, for a node this process does not hold.
pub type Lists = Arc<dyn Fn(u32) -> Vec<u32> + Send + Sync>;

impl Record for (u32, u32, u64) {
    fn bytes(&self) -> usize {
        16
    }
}

impl Record for (u32, u32, u8, u64) {
    fn bytes(&self) -> usize {
        17
    }
}

/// Per (search, node) of a worker: the worlds reached so far and this round.
type State = HashMap<(u32, u32), (u64, u64)>;

/// Per firm a search reached, the worlds its knowers know at each depth.
pub(super) type FirmsFound = BTreeMap<u32, Vec<u64>>;

/// One search of a batch.
pub(super) struct Search {
    /// Index into the job's runs.
    run: usize,
    word: u32,
    /// 0: the connections; t + 1: tie t.
    slot: usize,
    seed: u64,
    who: Seeker,
    source: u32,
    starts: Vec<(u32, u64)>,
}

/// The searches of runs `runs` (every word), with their first ties' worlds.
fn searches_of(world: &LeadWorld<'_>, job: &LeadJob, runs: std::ops::Range<usize>) -> Vec<Search> {
    let mut out = Vec::new();
    for r in runs {
        for number in 0..world.model().words() {
            out.extend(searches_at(world, job, r, number));
        }
    }
    out
}

/// Run `r`'s searches in word `word`: from its connections, then from each
/// tie whose first draw passes somewhere.
pub(super) fn searches_at(
    world: &LeadWorld<'_>,
    job: &LeadJob,
    r: usize,
    number: u32,
) -> Vec<Search> {
    let run = &job.runs[r];
    let who = world.seeker(run.source);
    let seed = world.word_seed(run.replicate, number);
    let draw = |&(f, m): &(u32, u32)| (f, world.tie_word(seed, run.source, f, m));
    let starts: Vec<(u32, u64)> = run
        .connections
        .iter()
        .map(draw)
        .filter(|s| s.1 != 0)
        .collect();
    let mut out = vec![Search {
        run: r,
        word: number,
        slot: 0,
        seed,
        who,
        source: run.source,
        starts,
    }];
    for (t, tie) in run.ties.iter().enumerate() {
        let start = draw(tie);
        if start.1 != 0 {
            out.push(Search {
                run: r,
                word: number,
                slot: t + 1,
                seed,
                who,
                source: run.source,
                starts: vec![start],
            });
        }
    }
    out
}

/// A worker's forward searches: its rounds, its state per (search, node), and
/// the mutual connections of the ties it drew.
pub(super) struct Searcher<'a> {
    world: &'a LeadWorld<'a>,
    part: &'a GraphPart,
    own: Owners,
    lists: &'a Lists,
    d: usize,
    pub(super) leader: bool,
    state: Rc<RefCell<State>>,
    touched: Rc<RefCell<Vec<(u32, u32)>>>,
    frontier_rounds: Rounds<(u32, u32, u64)>,
    found_rounds: Rounds<(u32, u32, u8, u64)>,
    firms_found: Rc<RefCell<Vec<FirmsFound>>>,
    mutual: MutualCache,
}

/// The mutual connections of the ties a worker drew, each counted once (the
/// cache is emptied when it passes [`MUTUAL_CACHE`] ties).
#[derive(Default)]
pub(super) struct MutualCache(HashMap<(u32, u32), u32>);

impl MutualCache {
    /// The mutual connections of owned `v` and `u` (its list held in `part`
    /// or read with `lists`).
    pub(super) fn get(&mut self, part: &GraphPart, lists: &Lists, v: u32, u: u32) -> u32 {
        if self.0.len() >= MUTUAL_CACHE {
            self.0.clear();
        }
        *self
            .0
            .entry((v, u))
            .or_insert_with(|| mutual_count(part, lists, v, u))
    }
}

impl<'a> Searcher<'a> {
    pub(super) fn new(
        worker: &mut Worker,
        world: &'a LeadWorld<'a>,
        part: &'a GraphPart,
        lists: &'a Lists,
        d: usize,
    ) -> Self {
        let own = Owners::new(part, worker.index(), worker.peers());
        let state: Rc<RefCell<State>> = Rc::new(RefCell::new(HashMap::default()));
        let touched: Rc<RefCell<Vec<(u32, u32)>>> = Rc::new(RefCell::new(Vec::new()));
        let (owners, into, marks) = (own.clone(), Rc::clone(&state), Rc::clone(&touched));
        let frontier_rounds = Rounds::new(
            worker,
            own.workers,
            move |x: &(u32, u32, u64)| owners.worker_of(x.1) as u64,
            move |(i, u, live)| {
                let mut st = into.borrow_mut();
                let e = st.entry((i, u)).or_insert((0, 0));
                if e.1 == 0 {
                    marks.borrow_mut().push((i, u));
                }
                e.1 |= live;
            },
        );
        // Worker 0: per search, per firm, the worlds known at each depth.
        let firms_found: Rc<RefCell<Vec<FirmsFound>>> = Rc::new(RefCell::new(Vec::new()));
        let sink = Rc::clone(&firms_found);
        let found_rounds = Rounds::new(
            worker,
            own.workers,
            |_| 0,
            move |(i, firm, depth, known): (u32, u32, u8, u64)| {
                let mut all = sink.borrow_mut();
                let depths = all[i as usize].entry(firm).or_insert_with(|| vec![0; d]);
                depths[usize::from(depth)] |= known;
            },
        );
        Searcher {
            world,
            part,
            own,
            lists,
            d,
            leader: worker.index() == 0,
            state,
            touched,
            frontier_rounds,
            found_rounds,
            firms_found,
            mutual: MutualCache::default(),
        }
    }

    /// The mutual connections of the tie from owned `v` to `u`, counted once.
    fn mutual_of(&mut self, v: u32, u: u32) -> u32 {
        self.mutual.get(self.part, self.lists, v, u)
    }

    /// Runs `searches` (d rounds); worker 0 gets each one's firms.
    pub(super) fn run(&mut self, worker: &mut Worker, searches: &[Search]) -> Vec<FirmsFound> {
        let (world, d) = (self.world, self.d);
        if self.leader {
            *self.firms_found.borrow_mut() = vec![BTreeMap::new(); searches.len()];
        }
        let mut found: Vec<(u32, u32, u8, u64)> = Vec::new();
        let mut frontier: Vec<(u32, u32, u64)> = Vec::new();
        // Depth 0: the first contacts, seeded by their owners.
        let mut arrived = Vec::new();
        for (i, s) in searches.iter().enumerate() {
            let i = u32::try_from(i).expect("searches fit u32");
            for &(f, lanes) in &s.starts {
                if self.own.owns(f) {
                    self.state.borrow_mut().insert((i, f), (0, lanes));
                    arrived.push((i, f));
                }
            }
        }
        self.settle(searches, 0, &arrived, &mut frontier, &mut found);
        let mut out: HashMap<(u32, u32), u64> = HashMap::default();
        let mut records: Vec<(u32, u32, u64)> = Vec::new();
        for depth in 1..d {
            let last_hop = depth + 1 == d;
            for &(i, v, reached) in &frontier {
                let s = &searches[i as usize];
                let carry = reached & world.forward_word(s.seed, v, depth == 1);
                if carry == 0 {
                    continue;
                }
                for &u in self.part.neighbors(v) {
                    if u == s.source {
                        continue;
                    }
                    // At the last hop only a knower of a firm matters (the
                    // firms already reached are left to worker 0); before
                    // it, a node this worker owns only in worlds it has not
                    // been reached in.
                    if last_hop {
                        let knows = carry & world.knows_word(s.seed, u);
                        if knows == 0 || world.holds_firm(s.who, u).is_none() {
                            continue;
                        }
                    } else if self.own.owns(u)
                        && self
                            .state
                            .borrow()
                            .get(&(i, u))
                            .is_some_and(|e| carry & !e.0 == 0)
                    {
                        continue;
                    }
                    let live = world.tie_live(s.seed, v, u, carry, || self.mutual_of(v, u));
                    if live != 0 {
                        *out.entry((i, u)).or_insert(0) |= live;
                    }
                }
            }
            frontier.clear();
            records.extend(out.drain().map(|((i, u), m)| (i, u, m)));
            self.frontier_rounds.send(&mut records);
            self.frontier_rounds.end_round(worker);
            let arrived: Vec<(u32, u32)> = self.touched.borrow_mut().drain(..).collect();
            self.settle(searches, depth, &arrived, &mut frontier, &mut found);
        }
        self.state.borrow_mut().clear();
        self.found_rounds.send(&mut found);
        self.found_rounds.end_round(worker);
        std::mem::take(&mut *self.firms_found.borrow_mut())
    }

    /// Arrivals at `depth` of the (search, node)s `arrived` (owned here): the
    /// worlds new to each join the frontier, and those in which it knows of
    /// its firm's openings go to worker 0.
    fn settle(
        &self,
        searches: &[Search],
        depth: usize,
        arrived: &[(u32, u32)],
        frontier: &mut Vec<(u32, u32, u64)>,
        found: &mut Vec<(u32, u32, u8, u64)>,
    ) {
        let mut st = self.state.borrow_mut();
        for &(i, u) in arrived {
            let e = st.entry((i, u)).or_insert((0, 0));
            let new = e.1 & !e.0;
            e.1 = 0;
            if new == 0 {
                continue;
            }
            e.0 |= new;
            if depth + 1 < self.d {
                frontier.push((i, u, new));
            }
            let s = &searches[i as usize];
            if let Some(firm) = self.world.holds_firm(s.who, u) {
                let known = new & self.world.knows_word(s.seed, u);
                if known != 0 {
                    found.push((i, firm, u8::try_from(depth).expect("depth fits u8"), known));
                }
            }
        }
    }

    /// What this worker sent, both channels together.
    pub(super) fn traffic(&self) -> Traffic {
        let mut t = self.frontier_rounds.traffic;
        t.follow(&self.found_rounds.traffic);
        t
    }
}

/// The mutual connections of owned `v` and `u` (its list held here or read
/// with `lists`), at most 65,534 as [`LeadWorld`] counts them.
fn mutual_count(part: &GraphPart, lists: &Lists, v: u32, u: u32) -> u32 {
    let theirs;
    let other: &[u32] = if part.range().contains(&u) {
        part.neighbors(u)
    } else {
        theirs = lists(u);
        &theirs
    };
    let k = shared(part.neighbors(v), other).min(usize::from(u16::MAX - 1));
    u32::try_from(k).expect("saturated above")
}

/// Each run's answers on worker 0 of the cluster (`None` elsewhere). Traffic
/// is added to `total`.
pub(super) fn lead_worker(
    worker: &mut Worker,
    part: &GraphPart,
    job: &LeadJob,
    lists: &Lists,
    total: &Mutex<Traffic>,
) -> Option<Vec<PersonLeads>> {
    let world = LeadWorld::draws(&job.roles, &job.firms, job.first_fake, job.model, job.seed);
    let d = usize::from(job.max.0);
    let mut forward = Searcher::new(worker, &world, part, lists, d);
    let mut answers: Vec<Option<PersonLeads>> = vec![None; job.runs.len()];
    let mut first = 0;
    while first < job.runs.len() {
        // A batch of whole runs.
        let mut last = first;
        let mut searches = Vec::new();
        while last < job.runs.len() && searches.len() < SEARCHES_PER_BATCH {
            searches.extend(searches_of(&world, job, last..last + 1));
            last += 1;
        }
        let found = forward.run(worker, &searches);
        if forward.leader {
            sum_batch(&world, job, &searches, &found, first..last, d, &mut answers);
        }
        first = last;
    }
    hand_in(total, &forward.traffic(), forward.leader, answers)
}

/// Adds this worker's `traffic` to its process's `total`; worker 0's answers.
pub(super) fn hand_in(
    total: &Mutex<Traffic>,
    traffic: &Traffic,
    leader: bool,
    answers: Vec<Option<PersonLeads>>,
) -> Option<Vec<PersonLeads>> {
    total
        .lock()
        .expect("no worker panics holding it")
        .add(traffic);
    leader.then(|| {
        answers
            .into_iter()
            .map(|a| a.expect("every run answered"))
            .collect()
    })
}

/// Worker 0: each run of `runs` summed word by word from its searches'
/// firms, as [`LeadWorld::person`] sums them.
fn sum_batch(
    world: &LeadWorld<'_>,
    job: &LeadJob,
    searches: &[Search],
    firms_found: &[FirmsFound],
    runs: std::ops::Range<usize>,
    d: usize,
    answers: &mut [Option<PersonLeads>],
) {
    let mut at = 0;
    for r in runs {
        let run = &job.runs[r];
        let pq = run.questions();
        let asked = by_question(&pq);
        let mut total = Sums::zero(&pq, d, false);
        for _ in 0..world.model().words() {
            let (search, next) = word_search(world, run, searches, firms_found, at, d);
            at = next;
            total.add(&world.sum_word(&pq, d, &asked, &search, None));
        }
        answers[r] = Some(world.finish(total, 0));
    }
}

/// The word's searches of `run` starting at `searches[at]` (the connections'
/// then its ties', as [`searches_at`] lists them) as one machine records them,
/// holders numbered by firm; and where the next run's or word's start.
pub(super) fn word_search(
    world: &LeadWorld<'_>,
    run: &LeadRun,
    searches: &[Search],
    firms_found: &[FirmsFound],
    mut at: usize,
    d: usize,
) -> (WordSearch, usize) {
    let (r, number) = (searches[at].run, searches[at].word);
    let mut connected = None;
    let mut found: Vec<Option<&FirmsFound>> = vec![None; run.ties.len()];
    while at < searches.len() && searches[at].run == r && searches[at].word == number {
        match searches[at].slot {
            0 => connected = Some(&firms_found[at]),
            t => found[t - 1] = Some(&firms_found[at]),
        }
        at += 1;
    }
    let connected = connected.expect("a connections search per word");
    let mut firms: Vec<u32> = connected
        .keys()
        .chain(found.iter().flatten().flat_map(|m| m.keys()))
        .copied()
        .collect();
    firms.sort_unstable();
    firms.dedup();
    let record = |m: &FirmsFound| -> Found {
        let mut holders = Vec::with_capacity(m.len());
        let mut masks = Vec::with_capacity(m.len() * d);
        for (&firm, known) in m {
            let h = firms.binary_search(&firm).expect("listed");
            holders.push(u32::try_from(h).expect("firms fit u32"));
            // First arrivals: the worlds not known at an earlier depth.
            let mut seen = 0u64;
            for &k in known {
                masks.push(k & !seen);
                seen |= k;
            }
        }
        Found { holders, masks }
    };
    let search = WordSearch::new(
        world,
        world.seeker(run.source),
        &firms,
        record(connected),
        found.iter().map(|m| m.map(record)).collect(),
        d,
    );
    (search, at)
}
