//! SVG charts whose text needs no font on the reader's machine: every string is
//! drawn as filled outlines of the bundled DejaVu Sans glyphs, placed exactly as
//! plotters places them in the PNGs, so both formats look the same. Used by
//! the `render!` macro of [`super`] for [`super::ChartFormat::Svg`].
//!
//! plotters' own SVG backend writes `<text font-family="sans-serif">`, which
//! each viewer renders with whatever font it has. [`OutlinedSvg`] wraps that
//! backend, passes every shape through, and turns each text into one `<path>`
//! (quadratic and cubic curves from the font, nonzero fill, 0.1 px precision).
//! The paths are added at the end of the document, above the shapes, as text
//! is in the PNGs. Cost: about 1–2 KB per label.

use std::cell::RefCell;
use std::fmt::Write as _;
use std::rc::Rc;

use ab_glyph::{Font, FontRef, OutlineCurve, Point, ScaleFont};
use plotters::prelude::SVGBackend;
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
    FontTransform,
};

/// The `<path>` elements of the texts drawn so far.
pub(super) type Texts = Rc<RefCell<Vec<String>>>;

/// plotters' SVG backend with text drawn as glyph outlines.
pub(super) struct OutlinedSvg<'a> {
    inner: SVGBackend<'a>,
    font: FontRef<'static>,
    texts: Texts,
}

impl<'a> OutlinedSvg<'a> {
    /// Draws into `buf` (a whole SVG document once presented); the texts go to
    /// `texts`, for [`finish`].
    pub(super) fn new(buf: &'a mut String, size: (u32, u32), texts: Texts) -> Self {
        Self {
            inner: SVGBackend::with_string(buf, size),
            font: FontRef::try_from_slice(super::FONT_BYTES)
                .expect("the bundled DejaVu Sans font is a valid TrueType font"),
            texts,
        }
    }
}

/// The document `svg` with the text paths added above everything else.
pub(super) fn finish(svg: &str, texts: &[String]) -> String {
    let end = svg.rfind("</svg>").unwrap_or(svg.len());
    let mut out = String::with_capacity(svg.len() + texts.iter().map(String::len).sum::<usize>());
    out.push_str(&svg[..end]);
    for t in texts {
        out.push_str(t);
        out.push('\n');
    }
    out.push_str(&svg[end..]);
    out
}

/// A point of a glyph outline, in pixels relative to the text's anchor, after
/// the text's rotation.
fn place(trans: &FontTransform, x: f64, y: f64) -> (f64, f64) {
    match trans {
        FontTransform::Rotate90 => (-y, x),
        FontTransform::Rotate180 => (-x, -y),
        FontTransform::Rotate270 => (y, -x),
        FontTransform::None => (x, y),
    }
}

impl<'a> DrawingBackend for OutlinedSvg<'a> {
    type ErrorType = <SVGBackend<'a> as DrawingBackend>::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.present()
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.fill_polygon(vert, style)
    }

    /// The text as one filled path, laid out as plotters lays it out for
    /// bitmaps: the box is the advance width by `size / 1.24`, anchored by
    /// `style`, the baseline `size / 2` below the box's top, each glyph shifted
    /// left by its bounds' left edge in whole pixels.
    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let color = style.color();
        if color.alpha == 0.0 || text.is_empty() {
            return Ok(());
        }
        #[allow(clippy::cast_possible_truncation)]
        let size = style.size() as f32;
        let font = self.font.as_scaled(size);
        let (mut advance, mut prev) = (0f32, None);
        for c in text.chars() {
            let id = font.glyph_id(c);
            advance += font.h_advance(id);
            if let Some(p) = prev {
                advance += font.kern(p, id);
            }
            prev = Some(id);
        }
        // The layout box as plotters' ab_glyph font measures it, in whole pixels.
        #[allow(clippy::cast_possible_truncation)]
        let (width, height) = (f64::from(advance as i32), f64::from((size / 1.24) as i32));
        let dx = match style.anchor().h_pos {
            HPos::Left => 0.0,
            HPos::Right => -width,
            HPos::Center => -(width / 2.0).trunc(),
        };
        let dy = match style.anchor().v_pos {
            VPos::Top => 0.0,
            VPos::Center => -(height / 2.0).trunc(),
            VPos::Bottom => -height,
        };
        let trans = style.transform();
        let (hs, vs) = (font.h_scale_factor(), font.v_scale_factor());
        let mut path = String::new();
        let (mut shift, mut prev) = (0f32, None);
        for c in text.chars() {
            if let Some(p) = prev {
                shift += font.kern(font.glyph_id(p), font.glyph_id(c));
            }
            prev = Some(c);
            let glyph = font.scaled_glyph(c);
            let id = glyph.id;
            if let (Some(drawn), Some(outline)) = (font.outline_glyph(glyph), self.font.outline(id))
            {
                // plotters drops the glyph's left bearing to whole pixels.
                let left = f64::from(drawn.px_bounds().min.x.trunc());
                let x0 = f64::from(shift.trunc()) - left;
                let at = |p: Point| {
                    let x = x0 + f64::from(p.x * hs) + dx;
                    let y = f64::from(size) / 2.0 - f64::from(p.y * vs) + dy;
                    let (x, y) = place(&trans, x, y);
                    (f64::from(pos.0) + x, f64::from(pos.1) + y)
                };
                let mut pen: Option<Point> = None;
                for curve in &outline.curves {
                    let (start, end) = match *curve {
                        OutlineCurve::Line(a, b)
                        | OutlineCurve::Quad(a, _, b)
                        | OutlineCurve::Cubic(a, _, _, b) => (a, b),
                    };
                    if pen != Some(start) {
                        let (x, y) = at(start);
                        let _ = write!(
                            path,
                            "{}M{x:.1} {y:.1}",
                            if pen.is_some() { "Z" } else { "" }
                        );
                    }
                    match *curve {
                        OutlineCurve::Line(_, b) => {
                            let (x, y) = at(b);
                            let _ = write!(path, "L{x:.1} {y:.1}");
                        }
                        OutlineCurve::Quad(_, c, b) => {
                            let ((cx, cy), (x, y)) = (at(c), at(b));
                            let _ = write!(path, "Q{cx:.1} {cy:.1} {x:.1} {y:.1}");
                        }
                        OutlineCurve::Cubic(_, c1, c2, b) => {
                            let ((ax, ay), (bx, by), (x, y)) = (at(c1), at(c2), at(b));
                            let _ = write!(path, "C{ax:.1} {ay:.1} {bx:.1} {by:.1} {x:.1} {y:.1}");
                        }
                    }
                    pen = Some(end);
                }
                if pen.is_some() {
                    path.push('Z');
                }
            }
            shift += font.h_advance(font.glyph_id(c));
        }
        if !path.is_empty() {
            let (r, g, b) = color.rgb;
            let mut el = format!("<path d=\"{path}\" fill=\"#{r:02X}{g:02X}{b:02X}\"");
            if color.alpha < 1.0 {
                let _ = write!(el, " fill-opacity=\"{:.3}\"", color.alpha);
            }
            el.push_str("/>");
            self.texts.borrow_mut().push(el);
        }
        Ok(())
    }

    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<Self::ErrorType>> {
        self.inner.estimate_text_size(text, style)
    }

    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        (iw, ih): (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.blit_bitmap(pos, (iw, ih), src)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plotters::prelude::*;

    #[test]
    fn text_becomes_outlines_and_no_font_is_named() {
        super::super::register_font();
        let texts: Texts = Rc::default();
        let mut buf = String::new();
        {
            let root = OutlinedSvg::new(&mut buf, (200, 100), texts.clone()).into_drawing_area();
            root.fill(&WHITE).unwrap();
            root.draw(&Text::new(
                "Recruiters 1,000",
                (10, 40),
                (super::super::FONT, 20).into_font().color(&BLACK),
            ))
            .unwrap();
            root.present().unwrap();
        }
        let svg = finish(&buf, &texts.borrow());
        assert!(!svg.contains("<text"), "{svg}");
        assert!(!svg.contains("font-family"));
        assert_eq!(texts.borrow().len(), 1);
        // 15 glyphs with ink (the space has none), each its own subpaths.
        assert!(svg.matches('M').count() >= 15, "{svg}");
        assert!(svg.trim_end().ends_with("</svg>"));
        // The outlines cover the same pixels as plotters' bitmap of the text.
        let path = texts.borrow()[0].clone();
        let d = path.split('"').nth(1).unwrap();
        let nums: Vec<f64> = d
            .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
            .filter_map(|t| t.parse().ok())
            .collect();
        let (xs, ys): (Vec<f64>, Vec<f64>) = nums.chunks(2).map(|p| (p[0], p[1])).unzip();
        let span = |v: &[f64]| {
            (
                v.iter().copied().fold(f64::MAX, f64::min),
                v.iter().copied().fold(f64::MIN, f64::max),
            )
        };
        let mut rgb = vec![0u8; 200 * 100 * 3];
        {
            let root = BitMapBackend::with_buffer(&mut rgb, (200, 100)).into_drawing_area();
            root.fill(&WHITE).unwrap();
            root.draw(&Text::new(
                "Recruiters 1,000",
                (10, 40),
                (super::super::FONT, 20).into_font().color(&BLACK),
            ))
            .unwrap();
            root.present().unwrap();
        }
        let ink: Vec<(f64, f64)> = (0..200 * 100)
            .filter(|i| rgb[i * 3] < 128)
            .map(|i| ((i % 200) as f64, (i / 200) as f64))
            .collect();
        let (bx, by): (Vec<f64>, Vec<f64>) = ink.into_iter().unzip();
        for (svg, png) in [(span(&xs), span(&bx)), (span(&ys), span(&by))] {
            assert!(
                (svg.0 - png.0).abs() <= 1.5 && (svg.1 - (png.1 + 1.0)).abs() <= 1.5,
                "outline {svg:?} against ink {png:?}"
            );
        }
    }
}
