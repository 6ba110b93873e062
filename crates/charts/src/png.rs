//! "Save chart as PNG": rasterises a chart SVG with resvg on a white background, so `currentColor` text (black
//! when no page sets a colour) stays readable in any image viewer. Text uses the system fonts plus the embedded
//! DejaVu Sans, which is also the fallback for `sans-serif`, so output does not depend on what is installed.

use std::fmt;
use std::sync::{Arc, OnceLock};

use resvg::tiny_skia::{Color, Pixmap, Transform};
use resvg::usvg::{fontdb, Options, Tree};

use crate::fonts;

/// Widest PNG this will make, in pixels (about 4× a 4K screen's width, ~1 GB of pixels at most for tall charts).
pub const MAX_PNG_WIDTH: u32 = 16_384;

/// Why a PNG could not be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PngError {
    /// The requested width is 0 or above [`MAX_PNG_WIDTH`].
    Width(u32),
    /// The SVG could not be parsed.
    Svg(String),
    /// The image would be empty or too large to allocate.
    Size,
    /// PNG encoding failed.
    Encode(String),
}

impl fmt::Display for PngError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PngError::Width(w) => write!(f, "a PNG width must be between 1 and {MAX_PNG_WIDTH} pixels, not {w}"),
            PngError::Svg(e) => write!(f, "the chart SVG could not be read: {e}"),
            PngError::Size => write!(f, "the chart has no area to draw or is too large"),
            PngError::Encode(e) => write!(f, "the PNG could not be encoded: {e}"),
        }
    }
}

impl std::error::Error for PngError {}

/// System fonts plus the embedded DejaVu Sans, loaded once per process (scanning font folders takes a while).
fn font_database() -> Arc<fontdb::Database> {
    static DATABASE: OnceLock<Arc<fontdb::Database>> = OnceLock::new();
    DATABASE
        .get_or_init(|| {
            let mut db = fontdb::Database::new();
            db.load_system_fonts();
            db.load_fonts_dir("/usr/share/fonts/truetype/dejavu");
            for font in fonts::DEJAVU_SANS_FAMILY {
                db.load_font_data(font.to_vec());
            }
            db.set_sans_serif_family("DejaVu Sans");
            Arc::new(db)
        })
        .clone()
}

/// Renders `svg` as a PNG `width` pixels wide, keeping the SVG's aspect ratio.
pub fn svg_to_png(svg: &str, width: u32) -> Result<Vec<u8>, PngError> {
    if width == 0 || width > MAX_PNG_WIDTH {
        return Err(PngError::Width(width));
    }
    let options = Options { font_family: "DejaVu Sans".to_string(), fontdb: font_database(), ..Options::default() };
    let tree = Tree::from_str(svg, &options).map_err(|e| PngError::Svg(e.to_string()))?;
    let size = tree.size();
    let scale = width as f32 / size.width();
    let height = (size.height() * scale).round();
    if !(height >= 1.0 && height <= MAX_PNG_WIDTH as f32 * 4.0) {
        return Err(PngError::Size);
    }
    let mut pixmap = Pixmap::new(width, height as u32).ok_or(PngError::Size)?;
    pixmap.fill(Color::WHITE);
    resvg::render(&tree, Transform::from_scale(scale, scale), &mut pixmap.as_mut());
    pixmap.encode_png().map_err(|e| PngError::Encode(e.to_string()))
}
