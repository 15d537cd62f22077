//! Progress reporting without printing: long library calls take a [`Progress`]
//! handle; the binary passes a progress bar, tests pass [`NoProgress`].

/// Something that can be told how much work was completed.
pub trait Progress: Sync {
    /// `n` more units of work are done.
    fn inc(&self, n: u64);
}

/// Progress that is not shown.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn inc(&self, _n: u64) {}
}
