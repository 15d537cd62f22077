//! The `adoption` chart (experiments with `[adoption]`): expected leads and
//! expected offers a week per person studied, against the share of the
//! population following the headline strategy, for those who follow it too
//! and those who refuse every invitation. Drawn by [`super::draw_all`] from
//! the `adoption` table.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{DrawResult, PALETTE, PANEL, band_line, chart, err, legend, title_style};
use crate::results::summary::{AdoptionPoint, Estimate, SavedResults};

/// Left: expected leads; right: expected offers (when the experiment has a
/// market; else recruiters within the max degree).
pub(super) fn draw_adoption<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &SavedResults,
    title: &str,
) -> DrawResult<usize> {
    type Pick = fn(&AdoptionPoint) -> Option<Estimate>;
    let root = super::titled(root, title)?;
    let Some(strategy) = data.adoption.headline(&data.summary) else {
        return Ok(0);
    };
    let panels = root.split_evenly((1, 2));
    let (yes, no) = (
        data.adoption.series(strategy, true),
        data.adoption.series(strategy, false),
    );
    let has_offers = yes.iter().chain(&no).any(|p| p.offers.is_some());
    let top = data.summary.max_degree;
    let measures: [(&str, String, Pick); 2] = [
        (
            "Expected leads a week",
            format!("leads within {top} ties (mean per person)"),
            |p| p.leads,
        ),
        if has_offers {
            (
                "Expected offers a week",
                "offers against the other seekers (mean per person)".to_string(),
                |p| p.offers,
            )
        } else {
            (
                "Recruiters reached",
                format!("recruiters within {top} degrees (mean per person)"),
                |p| Some(p.recruiters),
            )
        },
    ];
    let mut series = 0;
    for (panel, (caption, y_desc, pick)) in panels.iter().zip(measures) {
        let vals = |pts: &[AdoptionPoint]| -> Vec<(f64, Estimate)> {
            pts.iter()
                .filter_map(|p| pick(p).map(|e| (p.share, e)))
                .collect()
        };
        let (a, b) = (vals(&yes), vals(&no));
        if a.is_empty() && b.is_empty() {
            continue;
        }
        let max = a
            .iter()
            .chain(&b)
            .map(|(_, e)| e.top())
            .fold(1e-12f64, f64::max);
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let decimals = (-(max * 1.15 / 5.0).log10().floor()).max(0.0) as usize;
        let mut c = chart(panel, PANEL, caption, 120, -0.02..1.02, 0.0..max * 1.15)?;
        c.configure_mesh()
            .max_light_lines(1)
            .x_desc("share of everyone following the strategy")
            .y_desc(y_desc)
            .x_label_formatter(&|x| format!("{:.0}%", x * 100.0))
            .y_label_formatter(&|y| format!("{y:.decimals$}"))
            .label_style(title_style(20))
            .axis_desc_style(title_style(22))
            .draw()
            .map_err(err)?;
        for (j, (pts, label)) in [
            (&a, "people who follow it too"),
            (&b, "people who refuse every invitation"),
        ]
        .into_iter()
        .enumerate()
        {
            if pts.is_empty() {
                continue;
            }
            let color = PALETTE[j % PALETTE.len()];
            band_line(&mut c, pts, color, 0.2, label.to_string())?;
            c.draw_series(
                pts.iter()
                    .map(|(x, v)| Circle::new((*x, v.mean), 6, color.filled())),
            )
            .map_err(err)?;
            series += 1;
        }
        legend(&mut c, SeriesLabelPosition::UpperLeft, 20)?;
    }
    Ok(series)
}
