//! The SVG writer under every chart: a plotters [`DrawingBackend`] that emits plain SVG elements.
//!
//! Promises: output scales to any size (a `viewBox`, `width="100%"`, no fixed height), is readable on light and
//! dark backgrounds (pure black from plotters becomes `currentColor`, keeping its alpha as opacity; nothing paints
//! a background), and every mark drawn inside [`Markup::titled`] is wrapped in `<g><title>…</title>…</g>` so its
//! value shows on hover. All text is XML-escaped; text uses [`FONT_FAMILY`], a list ending in `sans-serif`.

use std::cell::RefCell;
use std::convert::Infallible;
use std::fmt::Write;
use std::rc::Rc;

use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind, FontStyle,
    FontTransform,
};

/// Font families for chart text: system UI fonts for the app, DejaVu Sans (embedded by PNG export and the PDF
/// report), then the generic family so any renderer finds something.
pub const FONT_FAMILY: &str =
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'DejaVu Sans', sans-serif";

/// Average advance of a glyph in ems, used to lay out labels without font files (generous, so labels fit).
const AVERAGE_GLYPH_EM: f64 = 0.58;

/// Estimated width in pixels of `text` at `size` pixels.
pub(crate) fn text_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * size * AVERAGE_GLYPH_EM
}

/// Escapes text for use in XML character data and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters other than tab/newline are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && c != '\t' && c != '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The SVG body being written, shared between the backend (owned by plotters) and the chart code.
#[derive(Default)]
pub(crate) struct Markup {
    body: String,
}

/// Shared handle to the markup: plotters owns the backend, the chart code keeps this to add hover titles.
pub(crate) type SharedMarkup = Rc<RefCell<Markup>>;

impl Markup {
    /// Everything written so far, leaving the markup empty.
    pub(crate) fn take_body(&mut self) -> String {
        std::mem::take(&mut self.body)
    }

    /// Runs `draw` with everything it draws grouped under a `<title>` (the hover text of those marks).
    pub(crate) fn titled<T, E>(
        markup: &SharedMarkup,
        title: &str,
        draw: impl FnOnce() -> Result<T, E>,
    ) -> Result<T, E> {
        let _ = write!(markup.borrow_mut().body, "<g><title>{}</title>", escape(title));
        let result = draw();
        markup.borrow_mut().body.push_str("</g>");
        result
    }
}

/// Wraps a finished body into a complete, self-contained SVG document.
pub(crate) fn document(title: &str, size: (u32, u32), body: &str) -> String {
    let (width, height) = size;
    let title = escape(title);
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"100%\" \
         role=\"img\" aria-label=\"{title}\" font-family=\"{FONT_FAMILY}\" fill=\"currentColor\">\
         <title>{title}</title>{body}</svg>"
    )
}

/// A complete SVG that shows `title` and a centred `message` (used for "no data" and drawing failures).
pub(crate) fn message_svg(title: &str, message: &str) -> String {
    let size = (760, 200);
    let body = format!(
        "<text x=\"16\" y=\"26\" font-size=\"15\" font-weight=\"bold\">{}</text>\
         <rect x=\"16\" y=\"44\" width=\"728\" height=\"140\" rx=\"6\" fill=\"none\" stroke=\"currentColor\" \
         stroke-opacity=\"0.25\" stroke-dasharray=\"4 4\"/>\
         <text x=\"380\" y=\"119\" font-size=\"14\" text-anchor=\"middle\" fill-opacity=\"0.7\">{}</text>",
        escape(title),
        escape(message)
    );
    document(title, size, &body)
}

/// The plotters backend writing into a [`SharedMarkup`].
pub(crate) struct SvgCanvas {
    size: (u32, u32),
    markup: SharedMarkup,
}

impl SvgCanvas {
    pub(crate) fn new(size: (u32, u32), markup: SharedMarkup) -> Self {
        SvgCanvas { size, markup }
    }

    fn push(&self, element: std::fmt::Arguments) {
        let _ = self.markup.borrow_mut().body.write_fmt(element);
    }
}

/// `name="colour"` plus an opacity attribute when the colour is translucent. Pure black means "the text colour".
fn paint(name: &str, color: BackendColor) -> String {
    let (r, g, b) = color.rgb;
    let value = if (r, g, b) == (0, 0, 0) { "currentColor".to_string() } else { format!("#{r:02x}{g:02x}{b:02x}") };
    if color.alpha < 1.0 {
        format!("{name}=\"{value}\" {name}-opacity=\"{:.3}\"", color.alpha.max(0.0))
    } else {
        format!("{name}=\"{value}\"")
    }
}

fn stroke<S: BackendStyle>(style: &S) -> String {
    format!("fill=\"none\" {} stroke-width=\"{}\"", paint("stroke", style.color()), style.stroke_width())
}

fn points(path: impl IntoIterator<Item = BackendCoord>) -> String {
    let mut out = String::new();
    for (x, y) in path {
        let _ = write!(out, "{x},{y} ");
    }
    out.trim_end().to_string()
}

impl DrawingBackend for SvgCanvas {
    type ErrorType = Infallible;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Infallible>> {
        Ok(())
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Infallible>> {
        Ok(())
    }

    fn draw_pixel(&mut self, (x, y): BackendCoord, color: BackendColor) -> Result<(), DrawingErrorKind<Infallible>> {
        self.push(format_args!("<rect x=\"{x}\" y=\"{y}\" width=\"1\" height=\"1\" {}/>", paint("fill", color)));
        Ok(())
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        (x1, y1): BackendCoord,
        (x2, y2): BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        self.push(format_args!("<line x1=\"{x1}\" y1=\"{y1}\" x2=\"{x2}\" y2=\"{y2}\" {}/>", stroke(style)));
        Ok(())
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        (x1, y1): BackendCoord,
        (x2, y2): BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        let (x, y, w, h) = (x1.min(x2), y1.min(y2), (x2 - x1).abs(), (y2 - y1).abs());
        let look = if fill { paint("fill", style.color()) } else { stroke(style) };
        self.push(format_args!("<rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" {look}/>"));
        Ok(())
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        self.push(format_args!(
            "<polyline points=\"{}\" {} stroke-linejoin=\"round\" stroke-linecap=\"round\"/>",
            points(path),
            stroke(style)
        ));
        Ok(())
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        (x, y): BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        let look = if fill { paint("fill", style.color()) } else { stroke(style) };
        self.push(format_args!("<circle cx=\"{x}\" cy=\"{y}\" r=\"{radius}\" {look}/>"));
        Ok(())
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        self.push(format_args!("<polygon points=\"{}\" {}/>", points(vert), paint("fill", style.color())));
        Ok(())
    }

    fn draw_text<T: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &T,
        (x, y): BackendCoord,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        let size = style.size();
        let anchor = match style.anchor().h_pos {
            HPos::Left => "start",
            HPos::Center => "middle",
            HPos::Right => "end",
        };
        // Baseline offset from the anchor point, using typical ascent/descent proportions.
        let dy = match style.anchor().v_pos {
            VPos::Top => size * 0.8,
            VPos::Center => size * 0.35,
            VPos::Bottom => -size * 0.2,
        };
        let rotate = match style.transform() {
            FontTransform::None => 0,
            FontTransform::Rotate90 => 90,
            FontTransform::Rotate180 => 180,
            FontTransform::Rotate270 => 270,
        };
        let weight = match style.style() {
            FontStyle::Bold => " font-weight=\"bold\"",
            FontStyle::Italic | FontStyle::Oblique => " font-style=\"italic\"",
            FontStyle::Normal => "",
        };
        let transform = if rotate == 0 { String::new() } else { format!(" transform=\"rotate({rotate} {x} {y})\"") };
        self.push(format_args!(
            "<text x=\"{x}\" y=\"{:.1}\" font-size=\"{size}\" text-anchor=\"{anchor}\" {}{weight}{transform}>{}</text>",
            y as f64 + dy,
            paint("fill", style.color()),
            escape(text)
        ));
        Ok(())
    }

    fn estimate_text_size<T: BackendTextStyle>(
        &self,
        text: &str,
        style: &T,
    ) -> Result<(u32, u32), DrawingErrorKind<Infallible>> {
        let size = style.size();
        Ok((text_width(text, size).ceil() as u32, size.ceil() as u32))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(escape("<a href='x'>&\"\u{1}"), "&lt;a href=&apos;x&apos;&gt;&amp;&quot; ");
    }

    #[test]
    fn black_becomes_current_color_with_opacity() {
        assert_eq!(
            paint("fill", BackendColor { alpha: 0.5, rgb: (0, 0, 0) }),
            "fill=\"currentColor\" fill-opacity=\"0.500\""
        );
        assert_eq!(paint("stroke", BackendColor { alpha: 1.0, rgb: (1, 2, 255) }), "stroke=\"#0102ff\"");
    }
}
