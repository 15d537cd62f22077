//! The report's answer to "if everyone followed the advice, would it still
//! pay, and whom would it cost?", from the `adoption` table.

use std::fmt::Write as _;

use super::leads::rate;
use crate::results::summary::{AdoptionPoint, Estimate, SavedResults};
use crate::words::percent;

/// "×1.84" when `b` is positive.
fn times(a: f64, b: f64) -> String {
    if b > 0.0 {
        format!("×{:.2}", a / b)
    } else {
        "from nothing".to_string()
    }
}

/// The adoption paragraph; empty without an adoption table.
pub(super) fn adoption_findings(d: &SavedResults) -> String {
    let a = &d.adoption;
    let Some(h) = a.headline(&d.summary) else {
        return String::new();
    };
    let name = format!("`{}`", d.summary.strategies[h]);
    let (yes, no) = (a.series(h, true), a.series(h, false));
    let (Some(y0), Some(y1), Some(n0), Some(n1)) = (yes.first(), yes.last(), no.first(), no.last())
    else {
        return String::new();
    };
    let offers = y1.offers.is_some();
    let (unit, pick): (&str, fn(&AdoptionPoint) -> Option<Estimate>) = if offers {
        ("expected offers", |p| p.offers)
    } else {
        ("expected leads", |p| p.leads)
    };
    let (Some(y0v), Some(y1v), Some(n0v), Some(n1v)) = (pick(y0), pick(y1), pick(n0), pick(n1))
    else {
        return String::new();
    };
    let lead = |p: &AdoptionPoint| p.leads.map_or(f64::NAN, |e| e.mean);
    let share = |p: &AdoptionPoint| percent(p.share);
    let alone = if y0.share == 0.0 {
        "Alone (nobody else following it)".to_string()
    } else {
        format!("When {} of everyone follows {name}", share(y0))
    };
    let mut out = format!(
        "{alone}, following {name} raises a person's {unit} a week from {} to {} ({}).",
        rate(n0v.mean),
        rate(y0v.mean),
        times(y0v.mean, n0v.mean),
    );
    let pays = y1v.low > n1v.high || (y1v.low.is_nan() && y1v.mean > n1v.mean);
    let _ = write!(
        out,
        " When {} follow it, those who do get {} against {} for those who refuse every invitation ({}): {}.",
        share(y1),
        rate(y1v.mean),
        rate(n1v.mean),
        times(y1v.mean, n1v.mean),
        if pays {
            "it still pays to follow it"
        } else if y1v.mean > n1v.mean {
            "followers still get more, though the two 95% intervals overlap"
        } else {
            "it no longer pays to follow it"
        }
    );
    if offers {
        let _ = write!(
            out,
            " Against everyone refusing, everyone following it changes offers {} while leads change {}: an opening is filled once, so most of what more leads bring one seeker is taken from another.",
            times(y1v.mean, n0v.mean),
            times(lead(y1), lead(n0)),
        );
    }
    let change = |from: f64, to: f64| {
        if from > 0.0 {
            let c = to / from - 1.0;
            format!("{}{}", if c >= 0.0 { "+" } else { "−" }, percent(c.abs()))
        } else {
            "n/a".to_string()
        }
    };
    let _ = write!(
        out,
        " Who pays: those who refuse go from {} to {} ({}) as others follow, and followers from {} to {} ({}) against what following alone promised.",
        rate(n0v.mean),
        rate(n1v.mean),
        change(n0v.mean, n1v.mean),
        rate(y0v.mean),
        rate(y1v.mean),
        change(y0v.mean, y1v.mean),
    );
    // The network's size caps reach: say how much of it the people hold.
    if let Some(net) = &d.network
        && net.people > 0
    {
        #[allow(clippy::cast_precision_loss)]
        let people = net.people as f64;
        let held = y1.nodes.mean / people;
        let _ = write!(
            out,
            " At {} following it, a follower's {} degrees hold {} of the network{}.",
            share(y1),
            d.summary.max_degree,
            percent(held),
            if held > 0.2 {
                ": saturated, so the network's size, not the strategy, caps the leads there (use a larger network, or read the lower degrees)"
            } else {
                ""
            }
        );
    }
    if !offers {
        out.push_str(
            " Offers need a `[market]` section: leads alone count every seeker an opening reaches.",
        );
    }
    out
}
