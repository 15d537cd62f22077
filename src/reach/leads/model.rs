//! The job-leads model's parameters, `[leads]` of an experiment file: their
//! defaults (each with its basis in docs/job-leads.md), their ranges, and the
//! pass probability of a tie against its mutual connections.

use super::LANES;

/// The job-leads model's parameters (`[leads]` in an experiment file).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LeadModel {
    /// Monte Carlo worlds, a multiple of 64.
    pub worlds: u32,
    /// Openings a firm opens per employee per week.
    pub openings_per_employee: f64,
    /// Probability that an employee other than a recruiter or hiring manager
    /// knows of one of the firm's openings.
    pub insider_knows: f64,
    /// Relevance of an opening in the seeker's own industry.
    pub relevance_same: f64,
    /// Relevance of an opening in another industry.
    pub relevance_other: f64,
    /// Pass probability of a tie with no mutual connection.
    pub pass_weak: f64,
    /// Pass probability approached by a tie with many mutual connections.
    pub pass_strong: f64,
    /// Mutual connections at which a tie is halfway from weak to strong.
    pub half_mutual: f64,
    /// Probability that the seeker's own connection forwards a lead at all.
    pub forward_near: f64,
    /// Probability that an intermediary further away forwards a lead at all.
    pub forward_far: f64,
    /// Pass probability of a tie to a fake account.
    pub fake_pass: f64,
}

impl Default for LeadModel {
    /// The frozen defaults, each with its basis in docs/job-leads.md.
    fn default() -> Self {
        Self {
            worlds: 256,
            openings_per_employee: 0.01,
            insider_knows: 0.1,
            relevance_same: 0.5,
            relevance_other: 0.05,
            pass_weak: 0.012,
            pass_strong: 0.12,
            half_mutual: 5.0,
            forward_near: 1.0,
            forward_far: 0.3,
            fake_pass: 0.0,
        }
    }
}

impl LeadModel {
    /// Checks every value's range: `Err((key, message))` names the first bad key.
    pub fn validate(&self) -> std::result::Result<(), (&'static str, String)> {
        if self.worlds == 0 || !self.worlds.is_multiple_of(LANES) || self.worlds > 1 << 20 {
            return Err((
                "worlds",
                format!(
                    "{}; expected a multiple of 64 from 64 to 1048576",
                    self.worlds
                ),
            ));
        }
        let v = self.openings_per_employee;
        if !(v.is_finite() && (0.0..=10.0).contains(&v)) {
            return Err((
                "openings_per_employee",
                format!("{v}; expected openings per employee per week from 0 to 10"),
            ));
        }
        let shares = [
            ("insider_knows", self.insider_knows),
            ("relevance_same", self.relevance_same),
            ("relevance_other", self.relevance_other),
            ("pass_weak", self.pass_weak),
            ("pass_strong", self.pass_strong),
            ("forward_near", self.forward_near),
            ("forward_far", self.forward_far),
            ("fake_pass", self.fake_pass),
        ];
        for (key, v) in shares {
            if !(0.0..=1.0).contains(&v) {
                return Err((key, format!("{v}; expected a probability from 0 to 1")));
            }
        }
        if self.pass_strong < self.pass_weak {
            return Err((
                "pass_strong",
                format!(
                    "{} is below pass_weak {}; a tie with more mutual connections passes at least as often",
                    self.pass_strong, self.pass_weak
                ),
            ));
        }
        if !(self.half_mutual.is_finite() && self.half_mutual > 0.0) {
            return Err((
                "half_mutual",
                format!(
                    "{}; expected a positive number of mutual connections",
                    self.half_mutual
                ),
            ));
        }
        Ok(())
    }

    /// The probability that a tie with `mutual` mutual connections passes a lead.
    pub fn pass(&self, mutual: u32) -> f64 {
        let m = f64::from(mutual);
        self.pass_weak + (self.pass_strong - self.pass_weak) * m / (m + self.half_mutual)
    }

    /// Words of 64 worlds.
    pub fn words(&self) -> u32 {
        self.worlds.div_ceil(LANES)
    }
}
