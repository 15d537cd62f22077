//! Seeding: the crate's one source of reproducible randomness, on the ground floor
//! so that generators, role placement, invitations, strategies and simulations all
//! derive their random numbers the same way.
//!
//! Every piece of work that needs randomness gets its own stream from
//! `(seed, task)` ([`task_rng`]), or hashes its inputs with [`splitmix`] when one
//! number per key is enough (a coin per invitation, a key per node). No stream is
//! ever shared between rayon tasks, so results are identical whatever the thread
//! count and whatever order tasks run in.
//!
//! # Example
//! ```
//! use rand::RngExt;
//! let a: u64 = netreach::seed::task_rng(7, 3).random();
//! let b: u64 = netreach::seed::task_rng(7, 3).random();
//! assert_eq!(a, b); // the same (seed, task), the same stream
//! assert_ne!(netreach::seed::splitmix(1), netreach::seed::splitmix(2));
//! ```

use rand::SeedableRng;
use rand::rngs::Xoshiro256PlusPlus;

/// The random generator of task `task` under `seed`: independent streams for
/// independent pieces of work.
pub fn task_rng(seed: u64, task: u64) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(splitmix(seed ^ splitmix(task.wrapping_add(0x5EED))))
}

/// The stream `netreach reach --sample K --seed S` draws its people from:
/// xoshiro256++ seeded with `seed` alone (kept so earlier samples stay the same).
pub fn sample_rng(seed: u64) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(seed)
}

/// The splitmix64 finalizer: a cheap, well-mixed hash of a `u64` ([Steele, Lea and
/// Flood 2014][splitmix]).
///
/// [splitmix]: https://doi.org/10.1145/2714064.2660195
pub fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A hash's top 53 bits as a uniform number in `[0, 1)`.
#[allow(clippy::cast_precision_loss)] // 53 bits fit an f64 exactly
pub fn unit_interval(hash: u64) -> f64 {
    (hash >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // exact values are intended
mod tests {
    use super::*;
    use rand::RngExt;

    #[test]
    fn task_streams_differ_and_repeat() {
        let a: u64 = task_rng(1, 0).random();
        assert_eq!(a, task_rng(1, 0).random::<u64>());
        assert_ne!(a, task_rng(1, 1).random::<u64>());
        assert_ne!(a, task_rng(2, 0).random::<u64>());
    }

    #[test]
    fn unit_interval_stays_below_one() {
        assert_eq!(unit_interval(0), 0.0);
        assert!(unit_interval(u64::MAX) < 1.0);
    }
}
