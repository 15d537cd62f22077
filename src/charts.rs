//! Charts: PNG (default) or SVG figures drawn with plotters from a results folder's
//! tables, never from the simulation itself, so `netreach chart` redraws without
//! recomputing. The last stage of the pipeline with [`crate::report`].
//!
//! | file | shows | needs |
//! |---|---|---|
//! | `strategies` | recruiters and hiring managers within 2 and within 3 degrees per strategy, 95% CI error bars | `summary` |
//! | `sweep` | reach against the swept parameter, one line per degree and role, 95% CI bands | a `[sweep]` |
//! | `distribution` | ECDF of each person's recruiters within the max degree, per strategy | `reach` |
//! | `over_time` | mean recruiters within the max degree by week, per strategy | `weekly = true` |
//! | `cost_benefit` | recruiters gained against fake accounts accepted, one labelled point per strategy | `summary` |
//! | `degrees` | the network's degree distribution on log-log axes | `degrees` |
//!
//! Every chart is 1600×1000 px with a title, axis labels with units, thousands
//! separators and the Okabe–Ito colour-blind-safe palette. Text is drawn with the
//! `DejaVu Sans` font compiled into the binary (plotters' `ab_glyph` backend), so it
//! renders on machines without any system font.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Once;

use plotters::coord::Shift;
use plotters::coord::ranged1d::AsRangedCoord;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::FontStyle;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use polars::prelude::*;

use crate::error::{Error, Result};

/// Chart size in pixels (report size).
pub const SIZE: (u32, u32) = (1600, 1000);

/// Okabe and Ito's colour-blind-safe palette (black last).
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(0xE6, 0x9F, 0x00),
    RGBColor(0x56, 0xB4, 0xE9),
    RGBColor(0x00, 0x9E, 0x73),
    RGBColor(0x00, 0x72, 0xB2),
    RGBColor(0xD5, 0x5E, 0x00),
    RGBColor(0xCC, 0x79, 0xA7),
    RGBColor(0xF0, 0xE4, 0x42),
    RGBColor(0x00, 0x00, 0x00),
];

const FONT: &str = "sans-serif";
static FONT_BYTES: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");
static REGISTER: Once = Once::new();

/// Registers the bundled font once; plotters draws no text without it.
fn register_font() {
    REGISTER.call_once(|| {
        let ok = plotters::style::register_font(FONT, FontStyle::Normal, FONT_BYTES).is_ok();
        assert!(ok, "the bundled DejaVu Sans font is a valid TrueType font");
    });
}

/// Output image format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartFormat {
    /// Portable Network Graphics.
    Png,
    /// Scalable Vector Graphics.
    Svg,
}

impl ChartFormat {
    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            ChartFormat::Png => "png",
            ChartFormat::Svg => "svg",
        }
    }
}

impl std::str::FromStr for ChartFormat {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim() {
            "png" => Ok(ChartFormat::Png),
            "svg" => Ok(ChartFormat::Svg),
            other => Err(Error::Invalid(format!(
                "unknown chart format {other:?}; expected png or svg"
            ))),
        }
    }
}

/// A chart that was drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// Short name: `strategies`, `sweep`, ...
    pub name: &'static str,
    /// Title as drawn.
    pub title: String,
    /// The file.
    pub path: PathBuf,
    /// Number of data series drawn (bars of one colour, a line, a set of points).
    pub series: usize,
}

/// (strategy index, week, measure, scope, degree).
pub type SummaryKey = (usize, u32, String, String, Option<u32>);

/// The values the charts need, read from a results folder.
#[derive(Debug, Clone, Default)]
pub struct ChartData {
    /// Strategy spellings, in experiment order.
    pub strategies: Vec<String>,
    /// Sweep value of each strategy, if any.
    pub sweep: Vec<Option<f64>>,
    /// The sweep's parameter, if any.
    pub sweep_parameter: Option<String>,
    /// Summary rows: (strategy index, week, measure, scope, degree) → (mean, low, high).
    pub summary: BTreeMap<SummaryKey, (f64, f64, f64)>,
    /// Weeks present in the summary.
    pub weeks: Vec<u32>,
    /// Largest degree.
    pub max_degree: u32,
    /// Per strategy: each observation's recruiters within the max degree, last week.
    pub recruiters_within_max: Vec<Vec<f64>>,
    /// Degree distribution: (connections, people), ascending.
    pub degrees: Vec<(u64, u64)>,
}

impl ChartData {
    /// The strategies drawn in the comparison charts: those not made by a sweep
    /// (sweep values have their own chart), or all when every one is.
    pub fn main_strategies(&self) -> Vec<usize> {
        let main: Vec<usize> = (0..self.strategies.len())
            .filter(|&s| self.sweep[s].is_none())
            .collect();
        if main.is_empty() {
            (0..self.strategies.len()).collect()
        } else {
            main
        }
    }

    /// The last week.
    pub fn last_week(&self) -> u32 {
        self.weeks.last().copied().unwrap_or(0)
    }

    /// Mean and CI of a measure, last week.
    pub fn at_last(
        &self,
        s: usize,
        measure: &str,
        scope: &str,
        degree: Option<u32>,
    ) -> Option<(f64, f64, f64)> {
        self.get(s, self.last_week(), measure, scope, degree)
    }

    /// Mean and CI of a measure.
    pub fn get(
        &self,
        s: usize,
        week: u32,
        measure: &str,
        scope: &str,
        degree: Option<u32>,
    ) -> Option<(f64, f64, f64)> {
        self.summary
            .get(&(s, week, measure.to_string(), scope.to_string(), degree))
            .copied()
    }
}

fn table_error(path: &Path) -> impl FnOnce(PolarsError) -> Error + '_ {
    move |source| Error::Table {
        context: format!("{}: cannot read the results table", path.display()),
        source,
    }
}

/// Reads `name.parquet` (else `name.csv`) from `dir`.
pub fn read_results_table(dir: &Path, name: &str) -> Result<DataFrame> {
    let pq = dir.join(format!("{name}.parquet"));
    if pq.exists() {
        let f = std::fs::File::open(&pq).map_err(|e| Error::io("read", &pq, e))?;
        return ParquetReader::new(f).finish().map_err(table_error(&pq));
    }
    let csv = dir.join(format!("{name}.csv"));
    if !csv.exists() {
        return Err(Error::format(
            dir,
            format!(
                "expected a results folder with {name}.parquet or {name}.csv (written by netreach run or simulate)"
            ),
        ));
    }
    CsvReadOptions::default()
        .with_has_header(true)
        .try_into_reader_with_file_path(Some(csv.clone()))
        .and_then(SerReader::finish)
        .map_err(table_error(&csv))
}

fn strings(df: &DataFrame, col: &str, path: &Path) -> Result<Vec<String>> {
    let c = df
        .column(col)
        .map_err(table_error(path))?
        .cast(&DataType::String)
        .map_err(table_error(path))?;
    Ok(c.as_materialized_series()
        .str()
        .map_err(table_error(path))?
        .iter()
        .map(|v| v.unwrap_or_default().to_string())
        .collect())
}

fn floats(df: &DataFrame, col: &str, path: &Path) -> Result<Vec<Option<f64>>> {
    let c = df
        .column(col)
        .map_err(table_error(path))?
        .cast(&DataType::Float64)
        .map_err(table_error(path))?;
    Ok(c.as_materialized_series()
        .f64()
        .map_err(table_error(path))?
        .iter()
        .collect())
}

impl ChartData {
    /// Reads the `summary`, `reach` and `degrees` tables of a results folder.
    pub fn from_dir(dir: &Path) -> Result<Self> {
        let summary = read_results_table(dir, "summary")?;
        let sp = dir.join("summary");
        let strategy = strings(&summary, "strategy", &sp)?;
        let sweep_value = floats(&summary, "sweep_value", &sp)?;
        let week = floats(&summary, "week", &sp)?;
        let measure = strings(&summary, "measure", &sp)?;
        let scope = strings(&summary, "scope", &sp)?;
        let degree = floats(&summary, "degree", &sp)?;
        let mean = floats(&summary, "mean", &sp)?;
        let low = floats(&summary, "ci95_low", &sp)?;
        let high = floats(&summary, "ci95_high", &sp)?;
        let mut d = ChartData::default();
        // A strategy is its spelling plus its sweep value: `random:0.5` may be both a
        // listed strategy and a sweep point.
        let mut index: BTreeMap<(String, Option<u64>), usize> = BTreeMap::new();
        for i in 0..summary.height() {
            let key = (strategy[i].clone(), sweep_value[i].map(f64::to_bits));
            let s = *index.entry(key).or_insert_with(|| {
                d.strategies.push(strategy[i].clone());
                d.sweep.push(sweep_value[i]);
                d.strategies.len() - 1
            });
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let (w, k) = (week[i].unwrap_or(0.0) as u32, degree[i].map(|x| x as u32));
            if !d.weeks.contains(&w) {
                d.weeks.push(w);
            }
            if let Some(k) = k {
                d.max_degree = d.max_degree.max(k);
            }
            d.summary.insert(
                (s, w, measure[i].clone(), scope[i].clone(), k),
                (
                    mean[i].unwrap_or(f64::NAN),
                    low[i].unwrap_or(f64::NAN),
                    high[i].unwrap_or(f64::NAN),
                ),
            );
        }
        d.weeks.sort_unstable();
        if d.sweep.iter().any(Option::is_some) {
            let text = std::fs::read_to_string(dir.join("experiment.toml")).unwrap_or_default();
            d.sweep_parameter = toml::from_str::<toml::Table>(&text).ok().and_then(|t| {
                t.get("sweep")?
                    .get("parameter")?
                    .as_str()
                    .map(str::to_string)
            });
        }
        // Each observation's recruiters within the max degree, last week.
        let reach = read_results_table(dir, "reach")?;
        let rp = dir.join("reach");
        let rsv = floats(&reach, "sweep_value", &rp)?;
        let (rs, rw, rk, rv) = (
            strings(&reach, "strategy", &rp)?,
            floats(&reach, "week", &rp)?,
            floats(&reach, "degree", &rp)?,
            floats(&reach, "recruiters_up_to", &rp)?,
        );
        d.recruiters_within_max = vec![Vec::new(); d.strategies.len()];
        let (last, top) = (f64::from(d.last_week()), f64::from(d.max_degree));
        for i in 0..reach.height() {
            if rw[i] == Some(last)
                && rk[i] == Some(top)
                && let (Some(&s), Some(v)) =
                    (index.get(&(rs[i].clone(), rsv[i].map(f64::to_bits))), rv[i])
            {
                d.recruiters_within_max[s].push(v);
            }
        }
        if let Ok(deg) = read_results_table(dir, "degrees") {
            let dp = dir.join("degrees");
            let (k, n) = (
                floats(&deg, "neighbors", &dp)?,
                floats(&deg, "people", &dp)?,
            );
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            {
                d.degrees = k
                    .iter()
                    .zip(&n)
                    .filter_map(|(k, n)| Some((k.map(|x| x as u64)?, n.map(|x| x as u64)?)))
                    .collect();
            }
        }
        Ok(d)
    }
}

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

type DrawResult<T> = std::result::Result<T, String>;

fn err<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// Draws `$draw` (a function taking a drawing area) into `$path` in `$format`,
/// through a temporary file renamed into place.
macro_rules! render {
    ($path:expr, $format:expr, $draw:expr) => {{
        register_font();
        let path: &Path = $path;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = path.with_file_name(format!(".tmp-{}-{name}", std::process::id()));
        let _pending = crate::results::PendingFile::new(&tmp);
        let drawn: DrawResult<usize> = match $format {
            ChartFormat::Png => {
                let root = BitMapBackend::new(&tmp, SIZE).into_drawing_area();
                let r = $draw(&root);
                r.and_then(|n| root.present().map_err(err).map(|()| n))
            }
            ChartFormat::Svg => {
                let root = SVGBackend::new(&tmp, SIZE).into_drawing_area();
                let r = $draw(&root);
                r.and_then(|n| root.present().map_err(err).map(|()| n))
            }
        };
        match drawn {
            Ok(n) => std::fs::rename(&tmp, path)
                .map(|()| n)
                .map_err(|e| Error::io("write", path, e)),
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                Err(Error::Invalid(format!(
                    "cannot draw {}: {e}",
                    path.display()
                )))
            }
        }
    }};
}

/// Draws every chart the data supports into `dir`; returns them in report order.
pub fn draw_all(data: &ChartData, dir: &Path, format: ChartFormat) -> Result<Vec<Chart>> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io("create the folder", dir, e))?;
    let ext = format.extension();
    let mut charts = Vec::new();
    let mut add =
        |name: &'static str, title: String, series: Result<usize>, path: PathBuf| -> Result<()> {
            charts.push(Chart {
                name,
                title,
                path,
                series: series?,
            });
            Ok(())
        };
    let top = data.max_degree;
    let p = dir.join(format!("strategies.{ext}"));
    let t = format!(
        "Reach within 2 and {top} degrees by strategy (week {}, mean with 95% CI)",
        data.last_week()
    );
    add(
        "strategies",
        t.clone(),
        render!(&p, format, |r| draw_strategies(r, data, &t)),
        p,
    )?;
    if data.sweep.iter().any(Option::is_some) {
        let p = dir.join(format!("sweep.{ext}"));
        let t = format!(
            "Reach against {} (week {}, 95% CI bands)",
            sweep_label(data),
            data.last_week()
        );
        add(
            "sweep",
            t.clone(),
            render!(&p, format, |r| draw_sweep(r, data, &t)),
            p,
        )?;
    }
    let p = dir.join(format!("distribution.{ext}"));
    let t = format!(
        "Distribution over people of recruiters within {top} degrees (week {})",
        data.last_week()
    );
    add(
        "distribution",
        t.clone(),
        render!(&p, format, |r| draw_distribution(r, data, &t)),
        p,
    )?;
    if data.weeks.len() > 1 {
        let p = dir.join(format!("over_time.{ext}"));
        let t = format!("Recruiters within {top} degrees, week by week (mean with 95% CI)");
        add(
            "over_time",
            t.clone(),
            render!(&p, format, |r| draw_over_time(r, data, &t)),
            p,
        )?;
    }
    let p = dir.join(format!("cost_benefit.{ext}"));
    let t = format!(
        "Recruiters gained within {top} degrees against fake accounts accepted (week {})",
        data.last_week()
    );
    add(
        "cost_benefit",
        t.clone(),
        render!(&p, format, |r| draw_cost_benefit(r, data, &t)),
        p,
    )?;
    if !data.degrees.is_empty() {
        let p = dir.join(format!("degrees.{ext}"));
        let t = "Connections per person (log-log)".to_string();
        add(
            "degrees",
            t.clone(),
            render!(&p, format, |r| draw_degrees(r, &data.degrees, &t)),
            p,
        )?;
    }
    Ok(charts)
}

/// Draws only the degree distribution (for `netreach stats --chart`).
pub fn draw_degree_chart(
    degrees: &[(u64, u64)],
    path: &Path,
    format: ChartFormat,
) -> Result<Chart> {
    let t = "Connections per person (log-log)".to_string();
    let series = render!(path, format, |r| draw_degrees(r, degrees, &t))?;
    Ok(Chart {
        name: "degrees",
        title: t,
        path: path.to_path_buf(),
        series,
    })
}

fn sweep_label(data: &ChartData) -> String {
    match data.sweep_parameter.as_deref() {
        Some("random") => "acceptance probability P (random:P)".into(),
        Some("min-mutual") => "minimum mutual connections K (min-mutual:K)".into(),
        Some("mutual-max") => "most mutual connections B (mutual:0-B)".into(),
        Some(other) => other.into(),
        None => "the swept value".into(),
    }
}

/// The highest point a (mean, low, high) bar or band reaches, for axis ranges.
fn top_of_band((mean, _, high): (f64, f64, f64)) -> f64 {
    if high.is_finite() {
        high.max(mean)
    } else {
        mean
    }
}

/// Draws a line of means with a shaded 95% CI band under it and a legend entry;
/// `vals` are `(x, (mean, low, high))`.
fn band_line<'a, DB>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    vals: &[(f64, (f64, f64, f64))],
    color: RGBColor,
    shade: f64,
    label: String,
) -> DrawResult<()>
where
    DB: DrawingBackend + 'a,
{
    let band: Vec<(f64, f64)> = vals
        .iter()
        .map(|(x, v)| (*x, v.1))
        .chain(vals.iter().rev().map(|(x, v)| (*x, v.2)))
        .filter(|p| p.1.is_finite())
        .collect();
    chart
        .draw_series(std::iter::once(Polygon::new(
            band,
            color.mix(shade).filled(),
        )))
        .map_err(err)?;
    chart
        .draw_series(LineSeries::new(
            vals.iter().map(|(x, v)| (*x, v.0)),
            color.stroke_width(4),
        ))
        .map_err(err)?
        .label(label)
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], color.stroke_width(4)));
    Ok(())
}

/// Draws the legend of `chart` at `position` with labels of `size` px.
fn legend<'a, DB, CT>(
    chart: &mut ChartContext<'a, DB, CT>,
    position: SeriesLabelPosition,
    size: u32,
) -> DrawResult<()>
where
    DB: DrawingBackend + 'a,
    CT: CoordTranslate,
{
    chart
        .configure_series_labels()
        .position(position)
        .label_font(title_style(size))
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .draw()
        .map_err(err)
}

/// Caption size, margin and x-label area of a chart.
#[derive(Clone, Copy)]
struct Frame {
    caption: u32,
    margin: u32,
    x_labels: u32,
}

/// A chart filling the whole figure: the house margins.
const WHOLE: Frame = Frame {
    caption: 34,
    margin: 30,
    x_labels: 80,
};

/// A chart in one panel of a figure: smaller caption and margins.
const PANEL: Frame = Frame {
    caption: 28,
    margin: 20,
    x_labels: 70,
};

/// The chart [`chart`] builds.
type Figure<'a, DB, X, Y> = ChartContext<
    'a,
    DB,
    Cartesian2d<<X as AsRangedCoord>::CoordDescType, <Y as AsRangedCoord>::CoordDescType>,
>;

/// A chart on `area` in `frame`, `title` as its caption and `y_label_area` pixels
/// for the y labels.
fn chart<'a, DB: DrawingBackend, X: AsRangedCoord, Y: AsRangedCoord>(
    area: &'a DrawingArea<DB, Shift>,
    frame: Frame,
    title: &str,
    y_label_area: u32,
    x: X,
    y: Y,
) -> DrawResult<Figure<'a, DB, X, Y>> {
    ChartBuilder::on(area)
        .caption(title, title_style(frame.caption))
        .margin(frame.margin)
        .x_label_area_size(frame.x_labels)
        .y_label_area_size(y_label_area)
        .build_cartesian_2d(x, y)
        .map_err(err)
}

fn title_style(size: u32) -> TextStyle<'static> {
    let size = if size >= 34 { 30 } else { size };
    (FONT, size).into_font().into()
}

/// The four reach measures drawn per strategy: (role measure, degree, label).
fn role_degrees(top: u32) -> Vec<(&'static str, u32, String)> {
    let mut v = Vec::new();
    for (m, label) in [
        ("recruiters", "Recruiters"),
        ("hiring_managers", "Hiring managers"),
    ] {
        for k in [2.min(top), top] {
            v.push((m, k, format!("{label} within {k}")));
        }
    }
    v.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
    v
}

#[allow(clippy::too_many_lines)] // two panels of grouped bars with error bars and legends
fn draw_strategies<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    d: &ChartData,
    title: &str,
) -> DrawResult<usize> {
    root.fill(&WHITE).map_err(err)?;
    let root = root.titled(title, title_style(34)).map_err(err)?;
    let panels = root.split_evenly((1, 2));
    let main = d.main_strategies();
    let n = main.len();
    let mut series = 0;
    for (p, (panel, (measure, label))) in panels
        .iter()
        .zip([
            ("recruiters", "Recruiters"),
            ("hiring_managers", "Hiring managers"),
        ])
        .enumerate()
    {
        let degrees: Vec<u32> = if d.max_degree >= 2 {
            vec![2, d.max_degree]
        } else {
            vec![d.max_degree]
        };
        let mut degrees = degrees;
        degrees.dedup();
        let max = main
            .iter()
            .flat_map(|&s| {
                degrees
                    .iter()
                    .filter_map(move |&k| d.at_last(s, measure, "up_to_degree", Some(k)))
            })
            .map(top_of_band)
            .fold(1.0f64, f64::max);
        let mut chart = chart(
            panel,
            PANEL,
            label,
            if p == 0 { 300 } else { 20 },
            0.0..max * 1.12,
            -0.5..(n as f64 - 0.5),
        )?;
        let names: Vec<String> = main.iter().map(|&s| d.strategies[s].clone()).collect();
        let show_names = p == 0;
        let y_fmt = move |y: &f64| {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let i = y.round() as usize;
            // Strategy s is drawn at y = n - 1 - s, the first at the top.
            if show_names && (y - y.round()).abs() < 1e-6 && i < names.len() {
                names[names.len() - 1 - i].clone()
            } else {
                String::new()
            }
        };
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(n.max(1) * 2 + 1)
            .y_label_formatter(&y_fmt)
            .x_label_formatter(&|x| thousands(*x))
            .x_desc(format!("{label} within k degrees (people)"))
            .label_style(title_style(20))
            .axis_desc_style(title_style(22))
            .draw()
            .map_err(err)?;
        let h = 0.8 / degrees.len() as f64;
        for (j, &k) in degrees.iter().enumerate() {
            let color = PALETTE[j % PALETTE.len()];
            // Position i (0 at the top) for the i-th main strategy.
            let rows: Vec<(usize, (f64, f64, f64))> = main
                .iter()
                .enumerate()
                .filter_map(|(i, &s)| {
                    d.at_last(s, measure, "up_to_degree", Some(k))
                        .map(|v| (i, v))
                })
                .collect();
            let off = -0.4 + h * j as f64;
            chart
                .draw_series(rows.iter().map(|&(s, (m, _, _))| {
                    let y = n as f64 - 1.0 - s as f64;
                    Rectangle::new([(0.0, y + off), (m, y + off + h * 0.9)], color.filled())
                }))
                .map_err(err)?
                .label(format!("within {k} degrees"))
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 8), (x + 20, y + 8)], color.filled())
                });
            chart
                .draw_series(
                    rows.iter()
                        .filter(|r| r.1.1.is_finite())
                        .map(|&(s, (_, lo, hi))| {
                            let y = n as f64 - 1.0 - s as f64 + off + h * 0.45;
                            PathElement::new(vec![(lo.max(0.0), y), (hi, y)], BLACK.stroke_width(3))
                        }),
                )
                .map_err(err)?;
            series += 1;
        }
        legend(&mut chart, SeriesLabelPosition::LowerRight, 20)?;
    }
    // Strategy names follow the reversed order: first strategy at the top.
    Ok(series)
}

fn draw_sweep<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    d: &ChartData,
    title: &str,
) -> DrawResult<usize> {
    root.fill(&WHITE).map_err(err)?;
    let root = root.titled(title, title_style(34)).map_err(err)?;
    let panels = root.split_evenly((1, 2));
    let mut points: Vec<(f64, usize)> = d
        .sweep
        .iter()
        .enumerate()
        .filter_map(|(s, v)| v.map(|v| (v, s)))
        .collect();
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (x0, x1) = (
        points.first().map_or(0.0, |p| p.0),
        points.last().map_or(1.0, |p| p.0),
    );
    let xr = if x1 > x0 { x0..x1 } else { x0 - 0.5..x0 + 0.5 };
    let mut series = 0;
    let label_all = role_degrees(d.max_degree);
    for (panel, role) in panels.iter().zip(["recruiters", "hiring_managers"]) {
        let lines: Vec<&(&str, u32, String)> = label_all.iter().filter(|x| x.0 == role).collect();
        let max = points
            .iter()
            .flat_map(|&(_, s)| {
                lines
                    .iter()
                    .filter_map(move |l| d.at_last(s, l.0, "up_to_degree", Some(l.1)))
            })
            .map(top_of_band)
            .fold(1.0f64, f64::max);
        let name = if role == "recruiters" {
            "Recruiters"
        } else {
            "Hiring managers"
        };
        let mut chart = chart(panel, PANEL, name, 100, xr.clone(), 0.0..max * 1.1)?;
        chart
            .configure_mesh()
            .x_desc(sweep_label(d))
            .y_desc(format!("{name} reached (people)"))
            .y_label_formatter(&|y| thousands(*y))
            .label_style(title_style(20))
            .axis_desc_style(title_style(22))
            .draw()
            .map_err(err)?;
        for (j, l) in lines.iter().enumerate() {
            let color = PALETTE[(j + if role == "recruiters" { 0 } else { 2 }) % PALETTE.len()];
            let vals: Vec<(f64, (f64, f64, f64))> = points
                .iter()
                .filter_map(|&(x, s)| d.at_last(s, l.0, "up_to_degree", Some(l.1)).map(|v| (x, v)))
                .collect();
            band_line(&mut chart, &vals, color, 0.2, l.2.clone())?;
            chart
                .draw_series(
                    vals.iter()
                        .map(|(x, v)| Circle::new((*x, v.0), 6, color.filled())),
                )
                .map_err(err)?;
            series += 1;
        }
        legend(&mut chart, SeriesLabelPosition::UpperLeft, 20)?;
    }
    Ok(series)
}

fn draw_distribution<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    d: &ChartData,
    title: &str,
) -> DrawResult<usize> {
    root.fill(&WHITE).map_err(err)?;
    let max = d
        .recruiters_within_max
        .iter()
        .flatten()
        .copied()
        .fold(1.0f64, f64::max);
    let mut chart = chart(root, WHOLE, title, 110, 0.0..max * 1.05, 0.0..1.0)?;
    chart
        .configure_mesh()
        .x_desc(format!(
            "Recruiters within {} degrees (people)",
            d.max_degree
        ))
        .y_desc("Share of people at or below (ECDF)")
        .x_label_formatter(&|x| thousands(*x))
        .y_label_formatter(&|y| format!("{:.0}%", y * 100.0))
        .label_style(title_style(22))
        .axis_desc_style(title_style(24))
        .draw()
        .map_err(err)?;
    let mut series = 0;
    for s in d.main_strategies() {
        let values = &d.recruiters_within_max[s];
        if values.is_empty() {
            continue;
        }
        let mut v = values.clone();
        v.sort_by(f64::total_cmp);
        let n = v.len() as f64;
        let mut steps = vec![(0.0, 0.0)];
        for (i, x) in v.iter().enumerate() {
            steps.push((*x, i as f64 / n));
            steps.push((*x, (i + 1) as f64 / n));
        }
        steps.push((max * 1.05, 1.0));
        let color = PALETTE[s % PALETTE.len()];
        chart
            .draw_series(LineSeries::new(steps, color.stroke_width(4)))
            .map_err(err)?
            .label(d.strategies[s].clone())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 24, y)], color.stroke_width(4))
            });
        series += 1;
    }
    legend(&mut chart, SeriesLabelPosition::UpperLeft, 22)?;
    Ok(series)
}

fn draw_over_time<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    d: &ChartData,
    title: &str,
) -> DrawResult<usize> {
    root.fill(&WHITE).map_err(err)?;
    let top = Some(d.max_degree);
    let main = d.main_strategies();
    let max = main
        .iter()
        .copied()
        .flat_map(|s| {
            d.weeks
                .iter()
                .filter_map(move |&w| d.get(s, w, "recruiters", "up_to_degree", top))
        })
        .map(top_of_band)
        .fold(1.0f64, f64::max);
    let lowest = main
        .iter()
        .copied()
        .flat_map(|s| {
            d.weeks
                .iter()
                .filter_map(move |&w| d.get(s, w, "recruiters", "up_to_degree", top))
        })
        .map(|(m, l, _)| if l.is_finite() { l.min(m) } else { m })
        .fold(max, f64::min);
    let (w0, w1) = (f64::from(d.weeks[0]), f64::from(d.last_week()));
    let mut chart = chart(
        root,
        WHOLE,
        title,
        110,
        w0..w1,
        (lowest * 0.95)..(max * 1.05),
    )?;
    chart
        .configure_mesh()
        .x_desc("Week")
        .y_desc(format!(
            "Recruiters within {} degrees (people)",
            d.max_degree
        ))
        .x_labels(d.weeks.len().min(26))
        .x_label_formatter(&|x| format!("{x:.0}"))
        .y_label_formatter(&|y| thousands(*y))
        .label_style(title_style(22))
        .axis_desc_style(title_style(24))
        .draw()
        .map_err(err)?;
    let mut series = 0;
    for &s in &main {
        let vals: Vec<(f64, (f64, f64, f64))> = d
            .weeks
            .iter()
            .filter_map(|&w| {
                d.get(s, w, "recruiters", "up_to_degree", top)
                    .map(|v| (f64::from(w), v))
            })
            .collect();
        let color = PALETTE[s % PALETTE.len()];
        band_line(&mut chart, &vals, color, 0.15, d.strategies[s].clone())?;
        series += 1;
    }
    legend(&mut chart, SeriesLabelPosition::UpperLeft, 22)?;
    Ok(series)
}

/// Recruiters gained within the max degree against the baseline: `refuse-all` if
/// present, else the strategy with the least reach.
pub fn gains(d: &ChartData) -> Vec<(usize, f64, f64)> {
    let top = Some(d.max_degree);
    let reach: Vec<Option<f64>> = (0..d.strategies.len())
        .map(|s| d.at_last(s, "recruiters", "up_to_degree", top).map(|v| v.0))
        .collect();
    let base = d
        .strategies
        .iter()
        .position(|s| s == "refuse-all")
        .and_then(|s| reach[s])
        .unwrap_or_else(|| {
            reach
                .iter()
                .flatten()
                .copied()
                .fold(f64::INFINITY, f64::min)
        });
    d.main_strategies()
        .into_iter()
        .filter_map(|s| {
            let fakes = d.at_last(s, "fake_accepted", "per_person", None)?.0;
            Some((s, fakes, reach[s]? - base))
        })
        .collect()
}

fn draw_cost_benefit<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    d: &ChartData,
    title: &str,
) -> DrawResult<usize> {
    root.fill(&WHITE).map_err(err)?;
    let pts = gains(d);
    let xmax = pts.iter().map(|p| p.1).fold(0.5f64, f64::max);
    let ymax = pts.iter().map(|p| p.2).fold(1.0f64, f64::max);
    let ymin = pts.iter().map(|p| p.2).fold(0.0f64, f64::min);
    let mut chart = chart(
        root,
        WHOLE,
        title,
        110,
        -xmax * 0.05..xmax * 1.3,
        (ymin - 0.05 * ymax)..ymax * 1.15,
    )?;
    chart
        .configure_mesh()
        .x_desc("Fake accounts accepted per person (mean)")
        .y_desc(format!(
            "Recruiters gained within {} degrees vs refuse-all (people)",
            d.max_degree
        ))
        .x_label_formatter(&|x| format!("{x:.1}"))
        .y_label_formatter(&|y| thousands(*y))
        .label_style(title_style(22))
        .axis_desc_style(title_style(24))
        .draw()
        .map_err(err)?;
    for &(s, x, y) in &pts {
        let color = PALETTE[s % PALETTE.len()];
        chart
            .draw_series(std::iter::once(Circle::new((x, y), 12, color.filled())))
            .map_err(err)?
            .label(d.strategies[s].clone())
            .legend(move |(px, py)| Circle::new((px + 10, py), 8, color.filled()));
        chart
            .draw_series(std::iter::once(Text::new(
                d.strategies[s].clone(),
                (x, y),
                title_style(20).pos(Pos::new(HPos::Left, VPos::Bottom)),
            )))
            .map_err(err)?;
    }
    legend(&mut chart, SeriesLabelPosition::LowerRight, 20)?;
    Ok(pts.len())
}

fn draw_degrees<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    degrees: &[(u64, u64)],
    title: &str,
) -> DrawResult<usize> {
    root.fill(&WHITE).map_err(err)?;
    let pts: Vec<(f64, f64)> = degrees
        .iter()
        .filter(|p| p.0 > 0 && p.1 > 0)
        .map(|&(k, n)| (k as f64, n as f64))
        .collect();
    let xmax = pts.iter().map(|p| p.0).fold(2.0f64, f64::max);
    let ymax = pts.iter().map(|p| p.1).fold(2.0f64, f64::max);
    let mut chart = chart(
        root,
        WHOLE,
        title,
        120,
        (1.0..xmax * 1.5).log_scale(),
        (0.8..ymax * 1.5).log_scale(),
    )?;
    chart
        .configure_mesh()
        .x_desc("Connections (log scale)")
        .y_desc("People with that many connections (log scale)")
        .x_label_formatter(&|x| thousands(*x))
        .y_label_formatter(&|y| thousands(*y))
        .label_style(title_style(22))
        .axis_desc_style(title_style(24))
        .draw()
        .map_err(err)?;
    let color = PALETTE[3];
    chart
        .draw_series(pts.iter().map(|&p| Circle::new(p, 5, color.filled())))
        .map_err(err)?
        .label("people per connection count")
        .legend(move |(x, y)| Circle::new((x + 10, y), 6, color.filled()));
    legend(&mut chart, SeriesLabelPosition::UpperRight, 22)?;
    Ok(1)
}

/// The degree distribution of `nodes` of a graph: (connections, people) ascending.
pub fn degree_histogram(
    graph: &crate::graph::ConnectionGraph,
    nodes: impl Iterator<Item = crate::graph::NodeId>,
) -> Vec<(u64, u64)> {
    let mut h: BTreeMap<u64, u64> = BTreeMap::new();
    for v in nodes {
        *h.entry(graph.neighbor_count(v) as u64).or_default() += 1;
    }
    h.into_iter().collect()
}

/// Draws `advise`'s chart: recruiters and hiring managers within 2 and 3 degrees as
/// the ranked invitations are accepted one by one (0 = now). `what` ends the title
/// ("exact", "model estimate").
pub fn draw_advice_chart(
    points: &[(usize, [f64; 4])],
    what: &str,
    path: &Path,
    format: ChartFormat,
) -> Result<Chart> {
    let title = format!("Reach as the ranked invitations are accepted (greedy order, {what})");
    let series = render!(
        path,
        format,
        |root: &DrawingArea<_, Shift>| -> DrawResult<usize> {
            root.fill(&WHITE).map_err(err)?;
            let xmax = points.last().map_or(1, |p| p.0).max(1) as f64;
            let ymax = points.iter().flat_map(|p| p.1).fold(1.0f64, f64::max);
            let mut chart = chart(root, WHOLE, &title, 110, 0.0..xmax, 0.0..ymax * 1.1)?;
            chart
                .configure_mesh()
                .x_desc("Invitations accepted, in ranked order")
                .y_desc("People reached")
                .x_labels(points.len().clamp(2, 21))
                .x_label_formatter(&|x| {
                    if x.fract().abs() < 1e-9 {
                        format!("{x:.0}")
                    } else {
                        String::new()
                    }
                })
                .y_label_formatter(&|y| thousands(*y))
                .label_style(title_style(22))
                .axis_desc_style(title_style(24))
                .draw()
                .map_err(err)?;
            let labels = [
                "recruiters within 2",
                "hiring managers within 2",
                "recruiters within 3",
                "hiring managers within 3",
            ];
            for (k, label) in labels.iter().enumerate() {
                let color = PALETTE[k % PALETTE.len()];
                chart
                    .draw_series(LineSeries::new(
                        points.iter().map(|p| (p.0 as f64, p.1[k])),
                        color.stroke_width(4),
                    ))
                    .map_err(err)?
                    .label(*label)
                    .legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 24, y)], color.stroke_width(4))
                    });
                chart
                    .draw_series(
                        points
                            .iter()
                            .map(|p| Circle::new((p.0 as f64, p.1[k]), 5, color.filled())),
                    )
                    .map_err(err)?;
            }
            legend(&mut chart, SeriesLabelPosition::UpperLeft, 22)?;
            Ok(labels.len())
        }
    )?;
    Ok(Chart {
        name: "advice",
        title,
        path: path.to_path_buf(),
        series,
    })
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
}
