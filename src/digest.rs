//! FNV-1a, 64 bits, over bytes or over whole numbers: a digest stable across
//! machines and builds. On the ground floor: cluster processes compare digests
//! of their inputs and queries ([`crate::cluster`]), and a graph file's
//! fingerprint is one ([`crate::ingest::binary::GraphFile::fingerprint`]).
//! Not cryptographic: it catches mistakes, not attacks.

/// A running FNV-1a digest.
#[derive(Debug, Clone, Copy)]
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    /// Adds bytes, one step each.
    pub fn bytes(&mut self, b: &[u8]) {
        for &x in b {
            self.word(u64::from(x));
        }
    }

    /// Adds a whole number in one step (rather than per byte: digests of a whole
    /// graph read every arc).
    pub fn word(&mut self, w: u64) {
        self.0 = (self.0 ^ w).wrapping_mul(0x0100_0000_01b3);
    }

    /// The digest so far.
    pub fn finish(self) -> u64 {
        self.0
    }
}
