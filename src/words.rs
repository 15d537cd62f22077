//! Words and numbers as people read them: `12,345`, `3 people`, `4.2%`. The
//! terminal, the charts and the report all write numbers through these, so one
//! figure reads the same everywhere. Ground floor: uses nothing of the crate.
//!
//! # Example
//! ```
//! use netreach::words::{percent, plural, thousands};
//! assert_eq!(thousands(1_234_567.0), "1,234,567");
//! assert_eq!(plural(1, "week", "weeks"), "1 week");
//! assert_eq!(plural(12_000, "person", "people"), "12,000 people");
//! assert_eq!(percent(0.042), "4.2%");
//! assert_eq!(percent(0.42), "42%");
//! ```

/// `12345.6` → `12,346`; small values keep one decimal.
pub fn thousands(v: f64) -> String {
    if !v.is_finite() {
        return String::new();
    }
    if v.abs() < 10.0 && v.fract().abs() > 1e-9 {
        return format!("{v:.1}");
    }
    #[allow(clippy::cast_possible_truncation)]
    let n = v.round() as i64;
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// `1 week`, `12 weeks`: a count with its noun, singular or plural.
pub fn plural(n: u64, one: &str, many: &str) -> String {
    format!(
        "{} {}",
        thousands(n as f64),
        if n == 1 { one } else { many }
    )
}

/// A share as a percentage, one decimal below 10%.
pub fn percent(share: f64) -> String {
    if share < 0.1 {
        format!("{:.1}%", 100.0 * share)
    } else {
        format!("{:.0}%", 100.0 * share)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(1_234_567.0), "1,234,567");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(thousands(-1200.0), "-1,200");
        assert_eq!(thousands(2.5), "2.5");
        assert_eq!(thousands(f64::NAN), "");
    }

    #[test]
    fn counts_take_their_plural() {
        assert_eq!(plural(0, "week", "weeks"), "0 weeks");
        assert_eq!(plural(1, "week", "weeks"), "1 week");
        assert_eq!(plural(1234, "person", "people"), "1,234 people");
    }

    #[test]
    fn percents_keep_a_decimal_below_ten() {
        assert_eq!(percent(0.0), "0.0%");
        assert_eq!(percent(0.0999), "10.0%");
        assert_eq!(percent(0.1), "10%");
        assert_eq!(percent(1.0), "100%");
    }
}
