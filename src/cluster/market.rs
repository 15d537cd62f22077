//! Expected offers on the cluster (`[market]`): per replicate and word of 64
//! worlds, every studied person's searches (`cluster/leads.rs`), then, for
//! each firm they reached, the backward search of
//! [`LeadWorld::in_market`](crate::reach::leads::LeadWorld::in_market)
//! from the firm's knowers, counting the seekers its news reaches by class,
//! all on the parts; worker 0 weighs each world with the person's share of
//! the opening and sums, as one process does.
//!
//! # Algorithm
//! Worker 0 lists the (firm, worlds) the word's searches reached and some
//! question asks about, and sends the list to every worker. Each worker seeds
//! the knowers it owns among each firm's employees; the frontier travels as
//! `(firm, node, worlds told, worlds passed on)` records, one hop per round:
//! a node tells its contacts (forwarding as a seeker's own connection) and
//! passes news on (as a stranger's), the last hop only to seekers. Who seeks
//! work is a hash of the node, as in [`crate::reach::leads::Market`], so any
//! worker knows. Each worker then counts the seekers it owns that heard, per
//! firm, world and class (in the firm's industry or not), and worker 0 adds
//! the counts (saturating, as one process counts): integers, so the order
//! they arrive in does not matter.
//!
//! # Complexity
//! Per word with offers: the people's searches, plus per firm reached the
//! arcs of the nodes within max degree − 1 live hops of its knowers, and
//! max degree + 2 rounds (the list, the hops, the counts).

use std::cell::RefCell;
use std::rc::Rc;

use timely::worker::Worker;

use super::leads::{
    FirmsFound, HashMap, LeadJob, Lists, MarketJob, MutualCache, Searcher, hand_in, searches_at,
    word_search,
};
use super::{Owners, Record, Rounds, Traffic};
use crate::firms::NO_FIRM;
use crate::graph::GraphPart;
use crate::reach::leads::{
    Contest, Counts, LeadWorld, PersonLeads, Rivals, Sums, WordSearch, by_question, needed,
};

/// Firms whose backward searches run at once.
const FIRMS_PER_CHUNK: usize = 256;

impl Record for (u32, u32, u32, u64) {
    fn bytes(&self) -> usize {
        20
    }
}

impl Record for (u32, u32, u64, u64) {
    fn bytes(&self) -> usize {
        24
    }
}

impl Record for (u32, u32, u32) {
    fn bytes(&self) -> usize {
        12
    }
}

/// Per (firm searched, node) of a worker: worlds visited, new this round, heard.
type BackState = HashMap<(u32, u32), [u64; 3]>;

/// A worker's backward searches: its rounds and state.
struct Backward<'a> {
    world: &'a LeadWorld<'a>,
    part: &'a GraphPart,
    job: &'a LeadJob,
    market: &'a MarketJob,
    lists: &'a Lists,
    own: Owners,
    leader: bool,
    /// Each firm's employees: `members[offsets[f]..offsets[f + 1]]`.
    offsets: Vec<u32>,
    members: Vec<u32>,
    needed: Rc<RefCell<Vec<(u32, u32, u64)>>>,
    needed_rounds: Rounds<(u32, u32, u32, u64)>,
    state: Rc<RefCell<BackState>>,
    touched: Rc<RefCell<Vec<(u32, u32)>>>,
    hop_rounds: Rounds<(u32, u32, u64, u64)>,
    counts: Rc<RefCell<Vec<Counts>>>,
    count_rounds: Rounds<(u32, u32, u32)>,
    mutual: MutualCache,
}

impl<'a> Backward<'a> {
    fn new(
        worker: &mut Worker,
        part: &'a GraphPart,
        world: &'a LeadWorld<'a>,
        job: &'a LeadJob,
        market: &'a MarketJob,
        lists: &'a Lists,
    ) -> Self {
        let own = Owners::new(part, worker.index(), worker.peers());
        let (offsets, members) = job.firms.member_lists();
        let needed: Rc<RefCell<Vec<(u32, u32, u64)>>> = Rc::new(RefCell::new(Vec::new()));
        let into = Rc::clone(&needed);
        let needed_rounds = Rounds::new(
            worker,
            own.workers,
            |x: &(u32, u32, u32, u64)| u64::from(x.0),
            move |(_, i, firm, lanes)| into.borrow_mut().push((i, firm, lanes)),
        );
        let state: Rc<RefCell<BackState>> = Rc::new(RefCell::new(HashMap::default()));
        let touched: Rc<RefCell<Vec<(u32, u32)>>> = Rc::new(RefCell::new(Vec::new()));
        let (owners, st, marks) = (own.clone(), Rc::clone(&state), Rc::clone(&touched));
        let hop_rounds = Rounds::new(
            worker,
            own.workers,
            move |x: &(u32, u32, u64, u64)| owners.worker_of(x.1) as u64,
            move |(i, u, told, passed)| {
                let mut st = st.borrow_mut();
                let e = st.entry((i, u)).or_insert([0; 3]);
                e[2] |= told;
                if passed != 0 {
                    if e[1] == 0 {
                        marks.borrow_mut().push((i, u));
                    }
                    e[1] |= passed;
                }
            },
        );
        let counts: Rc<RefCell<Vec<Counts>>> = Rc::new(RefCell::new(Vec::new()));
        let sink = Rc::clone(&counts);
        let count_rounds = Rounds::new(
            worker,
            own.workers,
            |_| 0,
            move |(i, slot, n): (u32, u32, u32)| {
                let mut all = sink.borrow_mut();
                let c = &mut all[i as usize][slot as usize / 2][slot as usize % 2];
                *c = c.saturating_add(u16::try_from(n).unwrap_or(u16::MAX));
            },
        );
        Backward {
            world,
            part,
            job,
            market,
            lists,
            own,
            leader: worker.index() == 0,
            offsets,
            members,
            needed,
            needed_rounds,
            state,
            touched,
            hop_rounds,
            counts,
            count_rounds,
            mutual: MutualCache::default(),
        }
    }

    /// The rival counts of word seed `ws` for `asked` (worker 0's list of
    /// (firm, worlds), sorted by firm; empty elsewhere): `Some` on worker 0.
    fn rivals(&mut self, worker: &mut Worker, ws: u64, asked: &[(u32, u64)]) -> Option<Rivals> {
        // The list, to every worker.
        let peers = u32::try_from(worker.peers()).expect("workers fit u32");
        let mut out: Vec<(u32, u32, u32, u64)> = Vec::new();
        for (i, &(firm, lanes)) in asked.iter().enumerate() {
            let i = u32::try_from(i).expect("firms fit u32");
            out.extend((0..peers).map(|p| (p, i, firm, lanes)));
        }
        self.needed_rounds.send(&mut out);
        self.needed_rounds.end_round(worker);
        let mut needed = std::mem::take(&mut *self.needed.borrow_mut());
        needed.sort_unstable();
        // Firms a chunk at a time, so the state held is a chunk's.
        let mut partial: HashMap<(u32, u32), u32> = HashMap::default();
        for chunk in needed.chunks(FIRMS_PER_CHUNK) {
            self.search_chunk(worker, ws, chunk);
            self.count_chunk(&needed, &mut partial);
        }
        self.state.borrow_mut().clear();
        if self.leader {
            *self.counts.borrow_mut() = vec![[[0; 2]; 64]; asked.len()];
        }
        let mut out: Vec<(u32, u32, u32)> =
            partial.into_iter().map(|((i, s), n)| (i, s, n)).collect();
        self.count_rounds.send(&mut out);
        self.count_rounds.end_round(worker);
        self.leader.then(|| {
            let counts = std::mem::take(&mut *self.counts.borrow_mut());
            Rivals::new(asked.iter().map(|&(f, _)| f).collect(), counts)
        })
    }

    /// The backward searches of `chunk`'s (number, firm, worlds): d rounds.
    fn search_chunk(&mut self, worker: &mut Worker, ws: u64, chunk: &[(u32, u32, u64)]) {
        let (world, d, first_fake) = (self.world, usize::from(self.job.max.0), self.job.first_fake);
        // Seeds: the knowers this worker owns.
        let mut frontier: Vec<(u32, u32, u64)> = Vec::new();
        {
            let mut st = self.state.borrow_mut();
            for &(i, firm, lanes) in chunk {
                let (lo, hi) = (self.offsets[firm as usize], self.offsets[firm as usize + 1]);
                for &u in &self.members[lo as usize..hi as usize] {
                    if self.own.owns(u) {
                        let k = lanes & world.knows_word(ws, u);
                        if k != 0 {
                            st.entry((i, u)).or_insert([0; 3])[0] = k;
                            frontier.push((i, u, k));
                        }
                    }
                }
            }
        }
        let mut sent: HashMap<(u32, u32), (u64, u64)> = HashMap::default();
        let mut records: Vec<(u32, u32, u64, u64)> = Vec::new();
        for t in 0..d {
            let spread = t + 1 < d;
            for &(i, v, m) in &frontier {
                // To a seeker, v is their own connection (forwarding near);
                // to someone who passes it on, a stranger's (far). Knowers
                // need not forward.
                let (tell, pass) = if t == 0 {
                    (m, if spread { m } else { 0 })
                } else {
                    (
                        m & world.forward_word(ws, v, true),
                        if spread {
                            m & world.forward_word(ws, v, false)
                        } else {
                            0
                        },
                    )
                };
                if tell | pass == 0 {
                    continue;
                }
                for &u in self.part.neighbors(v) {
                    let told = if self.market.is_seeker(u, first_fake) {
                        tell
                    } else {
                        0
                    };
                    // A node this worker owns: only worlds it has not heard
                    // or been reached in yet are worth a draw.
                    let (told, pass) = if self.own.owns(u) {
                        let st = self.state.borrow();
                        let e = st.get(&(i, u)).copied().unwrap_or([0; 3]);
                        (told & !e[2], pass & !e[0])
                    } else {
                        (told, pass)
                    };
                    if told | pass == 0 {
                        continue;
                    }
                    // The tie's draw in these worlds: its mutual connections
                    // are counted only when its ceiling draw passes there.
                    let live = world.tie_live(ws, v, u, told | pass, || self.mutual_of(v, u));
                    let (told, passed) = (told & live, pass & live);
                    if told | passed != 0 {
                        let e = sent.entry((i, u)).or_insert((0, 0));
                        e.0 |= told;
                        e.1 |= passed;
                    }
                }
            }
            frontier.clear();
            records.extend(sent.drain().map(|((i, u), (a, b))| (i, u, a, b)));
            self.hop_rounds.send(&mut records);
            self.hop_rounds.end_round(worker);
            let mut st = self.state.borrow_mut();
            for (i, u) in self.touched.borrow_mut().drain(..) {
                let e = st.get_mut(&(i, u)).expect("touched");
                let new = e[1] & !e[0];
                e[1] = 0;
                if new != 0 {
                    e[0] |= new;
                    frontier.push((i, u, new));
                }
            }
        }
    }

    /// Adds the chunk's seekers that heard (owned here) to `partial`, per
    /// (firm number, world and class), and forgets the chunk.
    fn count_chunk(&mut self, needed: &[(u32, u32, u64)], partial: &mut HashMap<(u32, u32), u32>) {
        let job = self.job;
        let (same_q, other_q) = (job.model.relevance_same, job.model.relevance_other);
        for (&(i, u), e) in self.state.borrow().iter() {
            let (firm, heard) = (needed[i as usize].1, e[2]);
            if heard == 0 {
                continue;
            }
            let f = job.firms.firm_of(u).unwrap_or(NO_FIRM);
            if f == firm {
                continue;
            }
            let same = f != NO_FIRM && job.firms.industry(f) == job.firms.industry(firm);
            if (if same { same_q } else { other_q }) <= 0.0 {
                continue;
            }
            let class = u32::from(!same);
            let mut bits = heard;
            while bits != 0 {
                let lane = bits.trailing_zeros();
                bits &= bits - 1;
                *partial.entry((i, lane * 2 + class)).or_insert(0) += 1;
            }
        }
        self.state.borrow_mut().clear();
    }

    /// The mutual connections of the tie from owned `v` to `u`, counted once.
    fn mutual_of(&mut self, v: u32, u: u32) -> u32 {
        self.mutual.get(self.part, self.lists, v, u)
    }

    /// What this worker sent, every channel together.
    fn traffic(&self) -> Traffic {
        let mut t = self.needed_rounds.traffic;
        t.follow(&self.hop_rounds.traffic);
        t.follow(&self.count_rounds.traffic);
        t
    }
}

/// Each run's answers with offers on worker 0 of the cluster (`None`
/// elsewhere). Traffic is added to `total`.
pub(super) fn market_worker(
    worker: &mut Worker,
    part: &GraphPart,
    job: &LeadJob,
    lists: &Lists,
    total: &std::sync::Mutex<Traffic>,
) -> Option<Vec<PersonLeads>> {
    let market = job.market.as_ref().expect("a market");
    let world = LeadWorld::draws(&job.roles, &job.firms, job.first_fake, job.model, job.seed);
    let mut forward = Searcher::new(worker, &world, part, lists, usize::from(job.max.0));
    let mut backward = Backward::new(worker, part, &world, job, market, lists);
    let mut answers: Vec<Option<PersonLeads>> = vec![None; job.runs.len()];
    in_market(
        worker,
        &world,
        &mut forward,
        &mut backward,
        job,
        &mut answers,
    );
    let mut mine = forward.traffic();
    mine.follow(&backward.traffic());
    hand_in(total, &mine, forward.leader, answers)
}

/// Every run's answers with offers, replicate by replicate and word by word
/// (as [`LeadWorld::in_market`] goes): into `answers` on worker 0.
fn in_market(
    worker: &mut Worker,
    world: &LeadWorld<'_>,
    forward: &mut Searcher<'_>,
    backward: &mut Backward<'_>,
    job: &LeadJob,
    answers: &mut [Option<PersonLeads>],
) {
    let market = job.market.as_ref().expect("a market");
    let d = usize::from(job.max.0);
    let leader = forward.leader;
    let pqs: Vec<_> = job
        .runs
        .iter()
        .map(super::leads::LeadRun::questions)
        .collect();
    let asked: Vec<Vec<Vec<usize>>> = pqs.iter().map(by_question).collect();
    let mut totals: Vec<Sums> = pqs.iter().map(|pq| Sums::zero(pq, d, true)).collect();
    let mut replicates: Vec<u32> = job.runs.iter().map(|r| r.replicate).collect();
    replicates.sort_unstable();
    replicates.dedup();
    let words = world.model().words();
    let offer_words = market.words.min(words);
    let mut contest = Contest::new(&job.model);
    for r in replicates {
        let people: Vec<usize> = (0..job.runs.len())
            .filter(|&i| job.runs[i].replicate == r)
            .collect();
        for w in 0..words {
            let searches: Vec<_> = people
                .iter()
                .flat_map(|&i| searches_at(world, job, i, w))
                .collect();
            let found: Vec<FirmsFound> = forward.run(worker, &searches);
            // Worker 0: each person's word as one machine records it.
            let mut recorded: Vec<WordSearch> = Vec::new();
            if leader {
                let mut at = 0;
                for &i in &people {
                    let (s, next) = word_search(world, &job.runs[i], &searches, &found, at, d);
                    recorded.push(s);
                    at = next;
                }
            }
            let rivals = if w < offer_words {
                let list = if leader {
                    needed(&recorded, people.iter().map(|&i| &pqs[i]), d)
                } else {
                    Vec::new()
                };
                backward.rivals(worker, world.word_seed(r, w), &list)
            } else {
                None
            };
            if leader {
                for (&i, search) in people.iter().zip(&recorded) {
                    let sums = match &rivals {
                        Some(rivals) => {
                            let weights = world.offer_weights(
                                job.runs[i].source,
                                search,
                                rivals,
                                &mut contest,
                                d,
                            );
                            world.sum_word(&pqs[i], d, &asked[i], search, Some(&weights))
                        }
                        None => world.sum_word(&pqs[i], d, &asked[i], search, None),
                    };
                    totals[i].add(&sums);
                }
            }
        }
    }
    if leader {
        for (a, t) in answers.iter_mut().zip(totals) {
            *a = Some(world.finish(t, offer_words));
        }
    }
}
