//! Roles: which members are recruiters and which are hiring managers. Read from a
//! `node,role` table ([`crate::ingest::load_roles`], through [`RoleBuilder`]) or placed on a generated network
//! by [`place_roles`], and
//! consulted by [`crate::reach`] for role reach and by [`crate::strategy`] for
//! `roles:` strategies.
//!
//! Role names are case-insensitive and accept `-` or a space for `_`
//! (`Hiring Manager`, `hiring-manager`); other values (empty, `none`, `engineer`)
//! mean "no role". One byte per node.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use crate::error::{Error, Location, Result, RoleConflict};
use crate::graph::{ConnectionGraph, NodeId};

/// A role that reach is counted for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// A recruiter (talent acquisition, sourcer, headhunter).
    Recruiter,
    /// A hiring manager (someone who decides on hires).
    HiringManager,
}

impl Role {
    /// Both roles, in column order.
    pub const ALL: [Role; 2] = [Role::Recruiter, Role::HiringManager];

    /// The role of a code as [`RoleMap::codes`] stores it (0: none).
    pub(crate) fn from_code(code: u8) -> Option<Role> {
        match code {
            1 => Some(Role::Recruiter),
            2 => Some(Role::HiringManager),
            _ => None,
        }
    }

    fn code(self) -> u8 {
        match self {
            Role::Recruiter => 1,
            Role::HiringManager => 2,
        }
    }
}

impl Role {
    /// The spelling in tables and flags: `recruiter` or `hiring_manager`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Recruiter => "recruiter",
            Role::HiringManager => "hiring_manager",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Normalizes a role text: trimmed, lower case, `-` and spaces as `_`.
fn normalize(s: &str) -> String {
    s.trim()
        .chars()
        .map(|c| {
            if c == '-' || c == ' ' {
                '_'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

impl FromStr for Role {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        // The spellings netreach writes, without allocating.
        match s {
            "recruiter" => return Ok(Role::Recruiter),
            "hiring_manager" => return Ok(Role::HiringManager),
            _ => {}
        }
        match normalize(s).as_str() {
            "recruiter" => Ok(Role::Recruiter),
            "hiring_manager" => Ok(Role::HiringManager),
            _ => Err(Error::Invalid(format!(
                "unknown role {s:?}; expected recruiter or hiring_manager"
            ))),
        }
    }
}

/// The role of every node (one byte each); nodes beyond its length have none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoleMap {
    codes: Vec<u8>,
}

/// What reading a roles table found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RoleReport {
    /// Records read.
    pub records: u64,
    /// Nodes given the recruiter role.
    pub recruiters: u64,
    /// Nodes given the hiring-manager role.
    pub hiring_managers: u64,
    /// Records with another (or empty) role.
    pub other: u64,
    /// Records naming a node that is not in the graph (ignored).
    pub unknown_nodes: u64,
}

impl RoleMap {
    /// No node has a role.
    pub fn none(node_count: usize) -> Self {
        Self {
            codes: vec![0; node_count],
        }
    }

    /// The role code of every node (0 none, 1 recruiter, 2 hiring manager).
    pub(crate) fn codes(&self) -> &[u8] {
        &self.codes
    }

    /// A map from role codes as [`Self::codes`] gives them; `None` if one is unknown.
    pub(crate) fn from_codes(codes: Vec<u8>) -> Option<Self> {
        codes.iter().all(|&c| c <= 2).then_some(Self { codes })
    }

    /// Builds a map from `(node, role)` pairs for `node_count` nodes.
    pub fn from_roles(node_count: usize, roles: impl IntoIterator<Item = (NodeId, Role)>) -> Self {
        let mut m = Self::none(node_count);
        for (v, r) in roles {
            m.set(v, Some(r));
        }
        m
    }

    /// The same roles for a renumbered graph: node `v` becomes `new_id[v]`.
    #[must_use]
    pub fn renumbered(&self, new_id: &[u32]) -> RoleMap {
        let mut codes = vec![0; self.codes.len()];
        for (v, &c) in self.codes.iter().enumerate() {
            codes[new_id[v] as usize] = c;
        }
        RoleMap { codes }
    }

    /// Sets (or clears) the role of `v`.
    pub fn set(&mut self, v: NodeId, role: Option<Role>) {
        if v.index() >= self.codes.len() {
            self.codes.resize(v.index() + 1, 0);
        }
        self.codes[v.index()] = role.map_or(0, Role::code);
    }

    /// Resolves `node,role` records `(node, role, line)` against `graph`. The same
    /// node given two different roles (recruiter, hiring manager, or any other value)
    /// is an error naming both lines; records for nodes not in the graph are
    /// counted, not fatal. [`crate::ingest::load_roles`] reads a file this way.
    pub fn from_records(
        graph: &ConnectionGraph,
        records: &[(String, String, u64)],
        path: &Path,
    ) -> Result<(Self, RoleReport)> {
        let mut b = RoleBuilder::new(graph, path);
        for (node, role, line) in records {
            b.add(node, role, *line)?;
        }
        Ok(b.finish())
    }

    /// The role of `v`, if any.
    #[inline]
    pub fn role_of(&self, v: NodeId) -> Option<Role> {
        match self.codes.get(v.index()) {
            Some(1) => Some(Role::Recruiter),
            Some(2) => Some(Role::HiringManager),
            _ => None,
        }
    }

    /// The raw code of `v`: 0 none, 1 recruiter, 2 hiring manager (hot path).
    #[inline]
    pub(crate) fn code_of(&self, v: u32) -> u8 {
        self.codes.get(v as usize).copied().unwrap_or(0)
    }

    /// How many nodes have `role`.
    pub fn count(&self, role: Role) -> usize {
        memchr::memchr_iter(role.code(), &self.codes).count()
    }
}

/// How [`place_roles`] chooses people for roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// Every node equally likely.
    Uniform,
    /// Recruiters with probability ∝ neighbour count^α (recruiters are hubs,
    /// docs/sources.md §4); hiring managers uniform.
    DegreeBiased,
    /// Hiring managers spread over every community in proportion to its size;
    /// recruiters ∝ (number of communities among their neighbours)^α, so they span
    /// several industries.
    Community,
}

impl FromStr for Placement {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim() {
            "uniform" => Ok(Placement::Uniform),
            "degree-biased" => Ok(Placement::DegreeBiased),
            "community" => Ok(Placement::Community),
            other => Err(Error::Invalid(format!(
                "unknown placement {other:?}; expected uniform, degree-biased or community"
            ))),
        }
    }
}

impl fmt::Display for Placement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Placement::Uniform => "uniform",
            Placement::DegreeBiased => "degree-biased",
            Placement::Community => "community",
        })
    }
}

/// Role shares and placement for a generated network.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RolePlan {
    /// Fraction of nodes that are recruiters (default 0.03: docs/sources.md §4 gives up to 5%,
    /// 5% including HR generalists).
    pub recruiter_rate: f64,
    /// Fraction of nodes that are hiring managers (default 0.07: docs/sources.md §4
    /// suggests 5–10%, unconfirmed).
    pub hiring_manager_rate: f64,
    /// How people are chosen.
    pub placement: Placement,
    /// α of the degree or community bias (default 1).
    pub bias_exponent: f64,
}

impl Default for RolePlan {
    fn default() -> Self {
        Self {
            recruiter_rate: 0.03,
            hiring_manager_rate: 0.07,
            placement: Placement::DegreeBiased,
            bias_exponent: 1.0,
        }
    }
}

/// Gives exactly round(rate × n) nodes each role, by weighted sampling without
/// replacement (Efraimidis and Spirakis, "Weighted random sampling with a
/// reservoir", IPL 97, 2006: the k largest keys ln(u)/w win). Every node's u is a
/// hash of `(seed, node)`, so the placement ignores the thread count.
///
/// # Complexity
/// Time O(m + n log n); space O(n).
pub fn place_roles(
    graph: &ConnectionGraph,
    communities: Option<&[u32]>,
    plan: &RolePlan,
    seed: u64,
) -> Result<RoleMap> {
    let n = graph.node_count();
    for (name, r) in [
        ("--recruiters", plan.recruiter_rate),
        ("--hiring-managers", plan.hiring_manager_rate),
    ] {
        if !(0.0..=1.0).contains(&r) {
            return Err(Error::Invalid(format!(
                "{name} must be a fraction between 0 and 1, got {r}"
            )));
        }
    }
    if plan.recruiter_rate + plan.hiring_manager_rate > 1.0 {
        return Err(Error::Invalid(
            "--recruiters and --hiring-managers add up to more than 1".into(),
        ));
    }
    if plan.placement == Placement::Community && communities.is_none() {
        return Err(Error::Invalid(
            "placement community needs a model with communities (sbm, or --preset linkedin)".into(),
        ));
    }
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let count = |rate: f64, of: usize| (rate * of as f64).round() as usize;
    let alpha = plan.bias_exponent;
    let weight = |v: NodeId| -> f64 {
        match plan.placement {
            Placement::Uniform => 1.0,
            Placement::DegreeBiased => (graph.neighbor_count(v) as f64).powf(alpha),
            Placement::Community => {
                let c = communities.expect("checked above");
                let mut kinds: Vec<u32> =
                    graph.neighbors(v).iter().map(|&w| c[w as usize]).collect();
                kinds.sort_unstable();
                kinds.dedup();
                (kinds.len() as f64).powf(alpha)
            }
        }
    };
    let mut map = RoleMap::none(n);
    let recruiters = top_by_key(
        graph.nodes().collect(),
        |v| key(seed, 1, v, weight(v)),
        count(plan.recruiter_rate, n),
    );
    for &v in &recruiters {
        map.set(v, Some(Role::Recruiter));
    }
    let rest: Vec<NodeId> = graph
        .nodes()
        .filter(|&v| map.role_of(v).is_none())
        .collect();
    let hm_key = |v: NodeId| key(seed, 2, v, 1.0);
    let hiring = if let (Placement::Community, Some(c)) = (plan.placement, communities) {
        let mut by: std::collections::BTreeMap<u32, Vec<NodeId>> =
            std::collections::BTreeMap::new();
        for v in graph.nodes() {
            by.entry(c[v.index()]).or_default().push(v);
        }
        by.into_values()
            .flat_map(|members| {
                let size = members.len();
                let free: Vec<NodeId> = members
                    .into_iter()
                    .filter(|&v| map.role_of(v).is_none())
                    .collect();
                top_by_key(free, hm_key, count(plan.hiring_manager_rate, size))
            })
            .collect()
    } else {
        top_by_key(rest, hm_key, count(plan.hiring_manager_rate, n))
    };
    for v in hiring {
        map.set(v, Some(Role::HiringManager));
    }
    Ok(map)
}

/// Efraimidis–Spirakis key of `v`: ln(u)/w with u a hash of `(seed, stream, v)`.
fn key(seed: u64, stream: u64, v: NodeId, w: f64) -> f64 {
    let h = crate::seed::splitmix(seed ^ crate::seed::splitmix(stream << 32 | u64::from(v.0)));
    let u = ((h >> 11) as f64 + 1.0) / (1u64 << 53) as f64; // in (0, 1]
    if w > 0.0 {
        u.ln() / w
    } else {
        f64::NEG_INFINITY
    }
}

/// The `k` nodes with the largest keys (ties broken by node id).
fn top_by_key(mut nodes: Vec<NodeId>, key: impl Fn(NodeId) -> f64 + Sync, k: usize) -> Vec<NodeId> {
    use rayon::prelude::*;
    let mut keyed: Vec<(f64, NodeId)> = nodes.par_drain(..).map(|v| (key(v), v)).collect();
    keyed.par_sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    keyed.into_iter().take(k).map(|(_, v)| v).collect()
}

/// Builds a [`RoleMap`] record by record, remembering where each node got its role,
/// so a reader can stream a table into it without collecting the records first.
#[derive(Debug)]
pub struct RoleBuilder<'a> {
    graph: &'a ConnectionGraph,
    path: &'a Path,
    map: RoleMap,
    /// Line that gave each node its role; 0 = none yet.
    first: Vec<u64>,
    report: RoleReport,
}

impl<'a> RoleBuilder<'a> {
    /// An empty map for `graph`; `path` names the table in errors.
    pub fn new(graph: &'a ConnectionGraph, path: &'a Path) -> Self {
        let n = graph.node_count();
        Self {
            graph,
            path,
            map: RoleMap::none(n),
            first: vec![0; n],
            report: RoleReport::default(),
        }
    }

    /// Adds the record at `line`: `node` (an external id) has the role `role_text`
    /// (anything that is not a role name means "no role").
    pub fn add(&mut self, node: &str, role_text: &str, line: u64) -> Result<()> {
        self.report.records += 1;
        let Some(v) = self.graph.ids().lookup(node) else {
            self.report.unknown_nodes += 1;
            return Ok(());
        };
        let role = role_text.parse::<Role>().ok();
        let name = |r: Option<Role>| r.map_or_else(|| "other".to_string(), |r| r.to_string());
        let seen = self.first[v.index()];
        if seen != 0 {
            let before = self.map.role_of(v);
            if before != role {
                return Err(Error::ConflictingRole(Box::new(RoleConflict {
                    node: node.to_string(),
                    first: Location::new(self.path, seen),
                    first_role: name(before),
                    second: Location::new(self.path, line),
                    second_role: name(role),
                })));
            }
            return Ok(());
        }
        match role {
            Some(Role::Recruiter) => self.report.recruiters += 1,
            Some(Role::HiringManager) => self.report.hiring_managers += 1,
            None => self.report.other += 1,
        }
        self.map.set(v, role);
        self.first[v.index()] = line.max(1);
        Ok(())
    }

    /// The map and what was counted.
    pub fn finish(self) -> (RoleMap, RoleReport) {
        (self.map, self.report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(n: &str, r: &str, l: u64) -> (String, String, u64) {
        (n.to_string(), r.to_string(), l)
    }

    #[test]
    fn role_spellings_are_forgiving() {
        for s in [
            "hiring_manager",
            "Hiring Manager",
            "HIRING-MANAGER",
            " hiring manager ",
        ] {
            assert_eq!(s.parse::<Role>().unwrap(), Role::HiringManager);
        }
        assert!("manager".parse::<Role>().is_err());
        assert_eq!(Role::HiringManager.to_string(), "hiring_manager");
    }

    #[test]
    fn records_resolve_count_and_detect_conflicts() {
        let g = ConnectionGraph::from_edges([(1, 2), (2, 3)]).unwrap();
        let recs = [
            rec("1", "Recruiter", 2),
            rec("2", "engineer", 3),
            rec("9", "recruiter", 4),
            rec("1", "recruiter", 5),
        ];
        let (m, r) = RoleMap::from_records(&g, &recs, Path::new("r.csv")).unwrap();
        assert_eq!(m.role_of(NodeId(0)), Some(Role::Recruiter));
        assert_eq!(m.role_of(NodeId(1)), None);
        assert_eq!((r.recruiters, r.other, r.unknown_nodes), (1, 1, 1));
        let bad = [rec("3", "recruiter", 2), rec("3", "hiring_manager", 7)];
        let e = RoleMap::from_records(&g, &bad, Path::new("r.csv"))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("r.csv:7:") && e.contains("r.csv:2"), "{e}");
    }
}
