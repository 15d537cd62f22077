//! Statistics: the few summaries netreach reports (mean, standard deviation,
//! quantiles, t-intervals for a mean), on the ground floor so simulations, advice
//! and results share one definition of each.
//!
//! Quantiles interpolate between order statistics (type 7, the default of R and
//! numpy). Confidence intervals are Student-t intervals for a mean, with the 97.5%
//! quantile of t from a table up to 30 degrees of freedom and the Cornish–Fisher
//! expansion beyond ([Abramowitz and Stegun 26.7.5][as]).
//!
//! # Example
//! ```
//! use netreach::stats::{mean, quantile, t_interval};
//! let mut xs = vec![4.0, 1.0, 3.0, 2.0];
//! assert_eq!(mean(&xs), 2.5);
//! assert_eq!(quantile(&mut xs, 0.5), 2.5);
//! let (low, high) = t_interval(&xs);
//! assert!(low < 2.5 && 2.5 < high);
//! ```
//!
//! [as]: https://personal.math.ubc.ca/~cbm/aands/page_949.htm

/// The mean of `xs`; NaN when empty.
pub fn mean(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        f64::NAN
    } else {
        xs.iter().sum::<f64>() / xs.len() as f64
    }
}

/// The sample standard deviation of `xs` around `mean` (n − 1 in the
/// denominator); NaN below two values.
pub fn sd(xs: &[f64], mean: f64) -> f64 {
    let n = xs.len();
    if n < 2 {
        f64::NAN
    } else {
        (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt()
    }
}

/// The q-quantile of `xs` by linear interpolation between order statistics
/// (type 7, as R and numpy default). Sorts `xs`; NaN when empty.
pub fn quantile(xs: &mut [f64], q: f64) -> f64 {
    if xs.is_empty() {
        return f64::NAN;
    }
    xs.sort_by(f64::total_cmp);
    let h = (xs.len() - 1) as f64 * q;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(xs.len() - 1);
    xs[lo] + (h - lo as f64) * (xs[hi] - xs[lo])
}

/// The 95% Student-t confidence interval of the mean of `xs`, treating them as
/// independent; (NaN, NaN) below two values.
pub fn t_interval(xs: &[f64]) -> (f64, f64) {
    let k = xs.len();
    if k < 2 {
        return (f64::NAN, f64::NAN);
    }
    let m = xs.iter().sum::<f64>() / k as f64;
    let s = (xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (k - 1) as f64).sqrt();
    let half = t975(k - 1) * s / (k as f64).sqrt();
    (m - half, m + half)
}

/// The 97.5% quantile of Student's t with `df` degrees of freedom (table to 30,
/// then the Cornish–Fisher expansion around the normal 1.959964).
pub fn t975(df: usize) -> f64 {
    const T: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    if df == 0 {
        return f64::NAN;
    }
    if df <= 30 {
        return T[df - 1];
    }
    let z: f64 = 1.959_964;
    let v = df as f64;
    z + (z.powi(3) + z) / (4.0 * v)
        + (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / (96.0 * v * v)
}

/// Pearson's χ² of `observed` counts against a model's `shares` of them (the
/// expected count of cell k is the total times `shares[k]`).
pub fn chi_square(observed: &[f64], shares: &[f64]) -> f64 {
    let n: f64 = observed.iter().sum();
    observed
        .iter()
        .zip(shares)
        .map(|(&o, &p)| {
            let e = (n * p).max(f64::MIN_POSITIVE);
            (o - e) * (o - e) / e
        })
        .sum()
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // exact values are intended
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_like_numpy() {
        let mut xs = vec![10.0, 0.0, 5.0];
        assert_eq!(quantile(&mut xs, 0.0), 0.0);
        assert_eq!(quantile(&mut xs, 0.25), 2.5);
        assert_eq!(quantile(&mut xs, 1.0), 10.0);
        assert!(quantile(&mut [], 0.5).is_nan());
    }

    #[test]
    fn t_quantiles_meet_the_normal_limit() {
        assert_eq!(t975(1), 12.706);
        assert!((t975(31) - 2.040).abs() < 2e-3, "{}", t975(31));
        assert!((t975(1000) - 1.962).abs() < 1e-3);
        assert!(t975(0).is_nan());
    }

    #[test]
    fn a_t_interval_covers_the_mean_and_needs_two_values() {
        let (lo, hi) = t_interval(&[1.0, 2.0, 3.0]);
        // mean 2, sd 1, t(2) = 4.303: half-width 4.303/sqrt(3)
        assert!((hi - lo - 2.0 * 4.303 / 3f64.sqrt()).abs() < 1e-12);
        assert!(t_interval(&[1.0]).0.is_nan());
    }
}
