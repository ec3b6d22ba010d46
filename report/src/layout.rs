//! A small flowing layout for A4 reports: headings, paragraphs, key/value grids, tables with
//! repeated headers and images, laid out into a display list per page first (pure, testable)
//! and then drawn with krilla. Text widths are estimated from per-character classes, which is
//! enough for wrapping a report; CJK ideographs count a full em.

use super::fonts::Fonts;
use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::image::Image;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::TextDirection;

pub const PAGE_W: f32 = 595.0;
pub const PAGE_H: f32 = 842.0;
pub const MARGIN: f32 = 48.0;
const FOOTER_H: f32 = 30.0;
pub const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN;

pub type Rgb = (u8, u8, u8);
pub const BLACK: Rgb = (20, 20, 20);
pub const GREY: Rgb = (110, 110, 110);
pub const RED: Rgb = (180, 20, 20);
const RULE: Rgb = (190, 190, 190);
const HEAD_FILL: Rgb = (232, 236, 241);
const FLAG_FILL: Rgb = (253, 228, 228);

/// One drawing operation on a page (y grows downwards, text `y` is the baseline).
#[derive(Clone, Debug)]
pub enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        color: Rgb,
        text: String,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Rgb,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        color: Rgb,
    },
    Image {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        image: Image,
    },
    /// A connected line through `points` (chart series).
    Polyline {
        points: Vec<(f32, f32)>,
        color: Rgb,
        width: f32,
    },
}

/// Estimated advance of `c` in ems (Noto Sans CJK / DejaVu-like proportions, rounded up).
fn char_em(c: char) -> f32 {
    match c {
        ' ' => 0.26,
        'i' | 'l' | 'j' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' | '(' | ')' | '[' | ']' => 0.3,
        'm' | 'w' | 'M' | 'W' | '@' | '%' => 0.88,
        'A'..='Z' => 0.66,
        '0'..='9' => 0.56,
        c if c.is_ascii() => 0.54,
        c if (c as u32) >= 0x2E80 => 1.0,
        _ => 0.62,
    }
}

pub fn text_width(s: &str, size: f32) -> f32 {
    s.chars().map(char_em).sum::<f32>() * size
}

/// Wrap `text` into lines no wider than `width`: breaks at spaces, between CJK ideographs,
/// and inside words too long for a line. Explicit newlines are kept; spaces are kept only
/// where the text had them.
pub fn wrap(text: &str, width: f32, size: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.lines() {
        let mut line = String::new();
        for (token, spaced) in tokens(para) {
            let sep = if spaced && !line.is_empty() { " " } else { "" };
            let joined = format!("{line}{sep}{token}");
            if text_width(&joined, size) <= width {
                line = joined;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // A token wider than the line is cut where it fills the line.
            for c in token.chars() {
                line.push(c);
                if text_width(&line, size) > width && line.chars().count() > 1 {
                    line.pop();
                    lines.push(std::mem::take(&mut line));
                    line.push(c);
                }
            }
        }
        lines.push(line);
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}

/// Words and single ideographs, each with whether a space preceded it.
fn tokens(para: &str) -> Vec<(String, bool)> {
    let mut out: Vec<(String, bool)> = Vec::new();
    let mut word = String::new();
    let mut word_spaced = false;
    let mut space = false;
    for c in para.chars() {
        if c.is_whitespace() {
            if !word.is_empty() {
                out.push((std::mem::take(&mut word), word_spaced));
            }
            space = true;
        } else if (c as u32) >= 0x2E80 {
            if !word.is_empty() {
                out.push((std::mem::take(&mut word), word_spaced));
            }
            out.push((c.to_string(), space));
            space = false;
        } else {
            if word.is_empty() {
                word_spaced = space;
                space = false;
            }
            word.push(c);
        }
    }
    if !word.is_empty() {
        out.push((word, word_spaced));
    }
    out
}

/// A table column: header text and share of the content width.
pub struct Col<'a> {
    pub title: &'a str,
    pub width: f32,
}

/// A table row; `flagged` rows are tinted and drawn in red (failed checks, missing consent).
pub struct Row {
    pub cells: Vec<String>,
    pub flagged: bool,
}

/// The layout cursor over pages of operations.
pub struct Layout {
    pages: Vec<Vec<Op>>,
    y: f32,
    /// Shown at the top of every page after the first, e.g. the work order number.
    running_head: String,
    /// The document's language (page numbers).
    lang: fieldsync_i18n::Lang,
}

impl Layout {
    pub fn new(running_head: String, lang: fieldsync_i18n::Lang) -> Self {
        Layout {
            pages: vec![Vec::new()],
            y: MARGIN,
            running_head,
            lang,
        }
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        // `pages` is never empty: it starts with one page and only grows.
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = MARGIN;
        let head = self.running_head.clone();
        self.text_at(MARGIN, self.y + 8.0, 8.0, false, GREY, head);
        self.y += 18.0;
    }

    /// Start a new page unless `h` points still fit on this one.
    pub fn ensure(&mut self, h: f32) {
        if self.y + h > PAGE_H - MARGIN - FOOTER_H {
            self.new_page();
        }
    }

    pub fn gap(&mut self, h: f32) {
        self.y += h;
    }

    /// Reserve a block of height `h` (on a new page if it does not fit) and return its top.
    /// The caller draws into it with [`Layout::push`].
    pub fn reserve(&mut self, h: f32) -> f32 {
        self.ensure(h);
        let top = self.y;
        self.y += h;
        top
    }

    /// Add a drawing operation to the current page.
    pub fn push(&mut self, op: Op) {
        self.ops().push(op);
    }

    pub fn text_at(&mut self, x: f32, y: f32, size: f32, bold: bool, color: Rgb, text: String) {
        if !text.is_empty() {
            self.ops().push(Op::Text {
                x,
                y,
                size,
                bold,
                color,
                text,
            });
        }
    }

    pub fn title(&mut self, text: &str, sub: &str) {
        self.text_at(MARGIN, self.y + 18.0, 18.0, true, BLACK, text.into());
        let w = text_width(sub, 9.0);
        self.text_at(
            PAGE_W - MARGIN - w,
            self.y + 18.0,
            9.0,
            false,
            GREY,
            sub.into(),
        );
        self.y += 28.0;
        self.rule();
    }

    pub fn rule(&mut self) {
        let y = self.y;
        self.ops().push(Op::Line {
            x1: MARGIN,
            y1: y,
            x2: PAGE_W - MARGIN,
            y2: y,
            color: RULE,
        });
        self.y += 8.0;
    }

    pub fn heading(&mut self, text: &str) {
        self.ensure(48.0);
        self.y += 8.0;
        self.text_at(MARGIN, self.y + 11.0, 11.5, true, BLACK, text.into());
        self.y += 17.0;
    }

    pub fn paragraph(&mut self, text: &str, size: f32, color: Rgb) {
        let lh = size * 1.45;
        for line in wrap(text, CONTENT_W, size) {
            self.ensure(lh);
            self.text_at(MARGIN, self.y + size, size, false, color, line);
            self.y += lh;
        }
    }

    /// Label/value pairs in two columns of label + value.
    pub fn fields(&mut self, pairs: &[(&str, String)]) {
        let size = 9.0;
        let col_w = CONTENT_W / 2.0;
        let label_w = 92.0;
        for pair in pairs.chunks(2) {
            let wrapped: Vec<Vec<String>> = pair
                .iter()
                .map(|(_, v)| wrap(v, col_w - label_w - 8.0, size))
                .collect();
            let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1);
            let h = lines as f32 * size * 1.45 + 3.0;
            self.ensure(h);
            for (i, ((label, _), vlines)) in pair.iter().zip(&wrapped).enumerate() {
                let x = MARGIN + i as f32 * col_w;
                self.text_at(x, self.y + size, size, false, GREY, (*label).into());
                for (j, l) in vlines.iter().enumerate() {
                    let y = self.y + size + j as f32 * size * 1.45;
                    self.text_at(x + label_w, y, size, false, BLACK, l.clone());
                }
            }
            self.y += h;
        }
    }

    /// A table with a tinted header row, repeated at the top of each new page.
    pub fn table(&mut self, cols: &[Col<'_>], rows: &[Row]) {
        let size = 8.5;
        let lh = size * 1.4;
        let pad = 4.0;
        let total: f32 = cols.iter().map(|c| c.width).sum::<f32>().max(f32::EPSILON);
        let widths: Vec<f32> = cols.iter().map(|c| c.width / total * CONTENT_W).collect();
        let header = Row {
            cells: cols.iter().map(|c| c.title.to_owned()).collect(),
            flagged: false,
        };
        self.ensure(3.0 * (lh + 2.0 * pad));
        self.table_row(&widths, &header, size, lh, pad, true);
        for row in rows {
            let h = self.row_height(&widths, row, size, lh, pad);
            if self.y + h > PAGE_H - MARGIN - FOOTER_H {
                self.new_page();
                self.table_row(&widths, &header, size, lh, pad, true);
            }
            self.table_row(&widths, row, size, lh, pad, false);
        }
        self.y += 6.0;
    }

    fn row_height(&self, widths: &[f32], row: &Row, size: f32, lh: f32, pad: f32) -> f32 {
        let lines = row
            .cells
            .iter()
            .zip(widths)
            .map(|(c, w)| wrap(c, w - 2.0 * pad, size).len())
            .max()
            .unwrap_or(1);
        lines as f32 * lh + 2.0 * pad
    }

    fn table_row(&mut self, widths: &[f32], row: &Row, size: f32, lh: f32, pad: f32, head: bool) {
        let h = self.row_height(widths, row, size, lh, pad);
        let y = self.y;
        let fill = if head {
            Some(HEAD_FILL)
        } else if row.flagged {
            Some(FLAG_FILL)
        } else {
            None
        };
        if let Some(fill) = fill {
            self.ops().push(Op::Rect {
                x: MARGIN,
                y,
                w: CONTENT_W,
                h,
                fill,
            });
        }
        let color = if row.flagged { RED } else { BLACK };
        let mut x = MARGIN;
        for (cell, w) in row.cells.iter().zip(widths) {
            for (i, line) in wrap(cell, w - 2.0 * pad, size).into_iter().enumerate() {
                let by = y + pad + size + i as f32 * lh - 1.0;
                self.text_at(x + pad, by, size, head, color, line);
            }
            x += w;
        }
        self.ops().push(Op::Line {
            x1: MARGIN,
            y1: y + h,
            x2: PAGE_W - MARGIN,
            y2: y + h,
            color: RULE,
        });
        self.y += h;
    }

    /// An image scaled to fit `max_w` × `max_h`, keeping its aspect ratio.
    pub fn image(&mut self, image: Image, max_w: f32, max_h: f32) {
        let (iw, ih) = image.size();
        if iw == 0 || ih == 0 {
            return;
        }
        let scale = (max_w / iw as f32).min(max_h / ih as f32);
        let (w, h) = (iw as f32 * scale, ih as f32 * scale);
        self.ensure(h + 4.0);
        let y = self.y;
        self.ops().push(Op::Image {
            x: MARGIN,
            y,
            w,
            h,
            image,
        });
        self.y += h + 4.0;
    }

    /// Add "page i of n" footers and draw everything into a PDF.
    pub fn finish(mut self, fonts: &Fonts, title: &str, footer: &str) -> Result<Vec<u8>, String> {
        let n = self.pages.len();
        for (i, page) in self.pages.iter_mut().enumerate() {
            let right = fieldsync_i18n::tl!(self.lang, "layout-page", page = i + 1, pages = n);
            let y = PAGE_H - MARGIN + 8.0;
            page.push(Op::Line {
                x1: MARGIN,
                y1: y - 12.0,
                x2: PAGE_W - MARGIN,
                y2: y - 12.0,
                color: RULE,
            });
            for (x, text) in [
                (MARGIN, footer.to_owned()),
                (PAGE_W - MARGIN - text_width(&right, 8.0), right),
            ] {
                page.push(Op::Text {
                    x,
                    y,
                    size: 8.0,
                    bold: false,
                    color: GREY,
                    text,
                });
            }
        }
        let mut doc = Document::new();
        doc.set_metadata(
            krilla::metadata::Metadata::new()
                .title(title.to_owned())
                .creator("fieldsync".into()),
        );
        for ops in &self.pages {
            let settings = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or("bad page size")?;
            let mut page = doc.start_page_with(settings);
            let mut surface = page.surface();
            for op in ops {
                draw(&mut surface, fonts, op);
            }
            surface.finish();
            page.finish();
        }
        doc.finish().map_err(|e| format!("writing the PDF: {e:?}"))
    }
}

fn fill(color: Rgb) -> Fill {
    Fill {
        paint: rgb::Color::new(color.0, color.1, color.2).into(),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    }
}

fn draw(surface: &mut Surface<'_>, fonts: &Fonts, op: &Op) {
    match op {
        Op::Text {
            x,
            y,
            size,
            bold,
            color,
            text,
        } => {
            surface.set_fill(Some(fill(*color)));
            surface.set_stroke(None);
            let font = if *bold { &fonts.bold } else { &fonts.regular };
            surface.draw_text(
                Point::from_xy(*x, *y),
                font.clone(),
                *size,
                text,
                false,
                TextDirection::Auto,
            );
        }
        Op::Rect {
            x,
            y,
            w,
            h,
            fill: f,
        } => {
            let mut pb = PathBuilder::new();
            if let Some(r) = Rect::from_xywh(*x, *y, *w, *h) {
                pb.push_rect(r);
            }
            if let Some(path) = pb.finish() {
                surface.set_stroke(None);
                surface.set_fill(Some(fill(*f)));
                surface.draw_path(&path);
            }
        }
        Op::Line {
            x1,
            y1,
            x2,
            y2,
            color,
        } => {
            let mut pb = PathBuilder::new();
            pb.move_to(*x1, *y1);
            pb.line_to(*x2, *y2);
            if let Some(path) = pb.finish() {
                surface.set_fill(None);
                surface.set_stroke(Some(Stroke {
                    paint: rgb::Color::new(color.0, color.1, color.2).into(),
                    width: 0.6,
                    ..Default::default()
                }));
                surface.draw_path(&path);
                surface.set_stroke(None);
            }
        }
        Op::Polyline {
            points,
            color,
            width,
        } => {
            let mut pb = PathBuilder::new();
            for (i, (x, y)) in points.iter().enumerate() {
                if i == 0 {
                    pb.move_to(*x, *y);
                } else {
                    pb.line_to(*x, *y);
                }
            }
            if let Some(path) = pb.finish() {
                surface.set_fill(None);
                surface.set_stroke(Some(Stroke {
                    paint: rgb::Color::new(color.0, color.1, color.2).into(),
                    width: *width,
                    ..Default::default()
                }));
                surface.draw_path(&path);
                surface.set_stroke(None);
            }
        }
        Op::Image { x, y, w, h, image } => {
            if let Some(size) = Size::from_wh(*w, *h) {
                surface.push_transform(&Transform::from_translate(*x, *y));
                surface.draw_image(image.clone(), size);
                surface.pop();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_breaks_words_and_ideographs() {
        let lines = wrap(
            "alpha beta gamma delta",
            text_width("gamma delta", 10.0),
            10.0,
        );
        assert_eq!(lines, vec!["alpha beta", "gamma delta"]);
        let cjk = wrap("机房巡检温度正常", 40.0, 10.0);
        assert_eq!(cjk, vec!["机房巡检", "温度正常"]);
        let long = wrap("aaaaaaaaaaaaaaaaaaaa", 30.0, 10.0);
        assert!(long.len() > 1 && long.iter().all(|l| text_width(l, 10.0) <= 30.0));
        assert_eq!(wrap("", 100.0, 10.0), vec![String::new()]);
        assert_eq!(
            wrap("Zhang Wei 张伟 机房UPS", 500.0, 10.0),
            vec!["Zhang Wei 张伟 机房UPS"]
        );
    }
}
