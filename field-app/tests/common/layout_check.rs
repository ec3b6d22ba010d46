//! The layout detector behind `tests/layout.rs`: reads one drawn frame's accessibility tree
//! (which node shows which words, and who contains whom) together with egui's widget rects
//! (each widget's full rectangle and the part its clip rectangle lets through) and reports
//! text that overlaps other text or is cut off.
//!
//! **Text node**: a node of a role that shows words (label, button, link, check box, radio,
//! combo box, tab, text input, number field, collapsing header…) with non-blank words.
//!
//! **Overlap**: two text nodes on the same layer whose rectangles share more than [`SLACK`]
//! points both across and down, unless one is an ancestor of the other in the tree (a label
//! inside its button or frame is meant to sit there). Two texts in one scroll area are
//! compared whole (scrolling brings them into view together, so the page below the fold is
//! checked too); any others by what is shown of them after clipping. Nodes on different
//! layers are never compared: a popup, tooltip or toast is drawn over the page on purpose.
//!
//! **Cut**: a text node whose full rectangle reaches more than [`SLACK`] points past the
//! clip rectangle that was in force (the window's, its panel's, a frame's), on any side,
//! unless an ancestor holds a scroll area that scrolls that way: egui lays scroll content
//! out in full and clips it to the viewport, and the reader scrolls to the rest. A scroll
//! area is known by its scroll bar (egui registers one per scrolling direction whenever the
//! content is larger than the viewport), a sibling of the content in the tree. So text past
//! the right edge of a *vertical-only* scroll area is a cut: nobody can scroll to it.
//!
//! **Elided labels** (`Label::truncate`) are accepted: egui shortens them with "…" to fit,
//! so their rectangle stays inside the clip, the node keeps the full words for screen
//! readers, and hovering shows the full words (`show_tooltip_when_elided`, on by default).
//! That is the way to show a long name in a narrow column; a label that is neither wrapped
//! nor elided and runs out of its panel is the bug this finds.
//!
//! Not seen: words painted straight with `Painter::text` (they are not in the tree), and
//! columns out of line with their headings (nothing overlaps there).
//!
//! `LAYOUT_DEBUG=1` prints every text node and scroll bar read, with its rectangles.

use egui::accesskit::Role;
use egui::{LayerId, Rect};
use egui_kittest::Harness;
use egui_kittest::kittest::NodeT;
use std::collections::HashMap;

/// Points two rectangles may share, or text may reach past a clip edge, without it showing:
/// egui rounds to pixels and frames' strokes sit on the boundary.
pub const SLACK: f32 = 2.0;

/// Roles whose nodes show words to the reader.
fn shows_words(role: Role) -> bool {
    matches!(
        role,
        Role::Label
            | Role::Button
            | Role::DefaultButton
            | Role::Link
            | Role::CheckBox
            | Role::RadioButton
            | Role::ComboBox
            | Role::Tab
            | Role::TextInput
            | Role::MultilineTextInput
            | Role::SearchInput
            | Role::PasswordInput
            | Role::SpinButton
            | Role::Slider
            | Role::DisclosureTriangle
            | Role::ListBoxOption
            | Role::MenuItem
            | Role::Heading
    )
}

/// One text node as drawn.
struct TextNode {
    words: String,
    /// The whole widget, as laid out.
    rect: Rect,
    /// The part of it its clip rectangle lets through (empty when clipped away).
    visible: Rect,
    layer: LayerId,
    /// Tree ids of its ancestors, nearest first.
    ancestors: Vec<u64>,
    id: u64,
}

/// A scroll bar found in the tree: the id of the `Ui` holding it (and the scroll content)
/// and its rectangle; taller than wide scrolls vertically.
struct ScrollBar {
    holder: u64,
    rect: Rect,
}

/// What one frame shows: its text nodes and scroll bars.
struct Frame {
    texts: Vec<TextNode>,
    bars: Vec<ScrollBar>,
}

fn read_frame<S>(h: &Harness<'_, S>) -> Frame {
    let widgets: HashMap<u64, egui::WidgetRect> = h.ctx.viewport(|v| {
        v.this_pass
            .widgets
            .layers()
            .flat_map(|(_, ws)| ws.iter().map(|w| (w.id.value(), *w)))
            .collect()
    });
    let mut frame = Frame {
        texts: Vec::new(),
        bars: Vec::new(),
    };
    let mut stack = vec![(h.root(), Vec::<u64>::new())];
    while let Some((node, ancestors)) = stack.pop() {
        let ak = node.accesskit_node();
        let id = ak.locate().0.0;
        let role = ak.role();
        if let Some(w) = widgets.get(&id).filter(|_| !ak.is_hidden()) {
            if role == Role::ScrollBar {
                if let Some(&holder) = ancestors.first() {
                    frame.bars.push(ScrollBar {
                        holder,
                        rect: w.rect,
                    });
                }
            } else if shows_words(role) {
                // What is drawn: a field's contents (or its hint while empty), not the name
                // it takes from a label beside it, which is a node of its own.
                let words = if ak.is_text_input() {
                    ak.value()
                        .filter(|v| !v.is_empty())
                        .or_else(|| ak.placeholder().map(str::to_owned))
                } else {
                    ak.value().or_else(|| ak.label())
                };
                let words = words.unwrap_or_default();
                if !words.trim().is_empty() {
                    frame.texts.push(TextNode {
                        words,
                        rect: w.rect,
                        visible: w.rect.intersect(w.interact_rect),
                        layer: w.layer_id,
                        ancestors: ancestors.clone(),
                        id,
                    });
                }
            }
        }
        let mut below = Vec::with_capacity(ancestors.len() + 1);
        below.push(id);
        below.extend(&ancestors);
        for child in node.children() {
            stack.push((child, below.clone()));
        }
    }
    frame
}

/// Text in text nodes may be long (a description); findings quote the start.
fn quote(words: &str) -> String {
    let one_line = words.replace('\n', " ⏎ ");
    let mut short: String = one_line.chars().take(60).collect();
    if short.len() < one_line.len() {
        short.push('…');
    }
    format!("«{short}»")
}

fn show(r: Rect) -> String {
    format!(
        "[{:.0},{:.0} – {:.0},{:.0}]",
        r.min.x, r.min.y, r.max.x, r.max.y
    )
}

/// Whether `n` sits in a scroll area that scrolls along `vertical` (true) or across.
fn scrolls(n: &TextNode, bars: &[ScrollBar], vertical: bool) -> bool {
    bars.iter().any(|b| {
        let is_vertical = b.rect.height() > b.rect.width();
        is_vertical == vertical && n.ancestors.contains(&b.holder)
    })
}

/// One problem: a text cut at an edge, or two texts overlapping.
#[derive(Clone, Debug)]
pub struct Finding {
    /// Screen, language and window size.
    pub place: String,
    /// `None` for an overlap.
    edge: Option<&'static str>,
    /// The words and rectangles, as a bug report reads them.
    pub what: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.edge {
            Some(edge) => write!(f, "{}: CUT past the {edge} edge: {}", self.place, self.what),
            None => write!(f, "{}: OVERLAP {}", self.place, self.what),
        }
    }
}

/// The findings as lines to read, cuts at one edge of one screen in one line: a page without
/// a scroll area cuts every line below the fold, and one line (with the first few words)
/// reads better than fifty.
pub fn report(found: &[Finding]) -> Vec<String> {
    const EXAMPLES: usize = 3;
    let mut cuts: Vec<(&str, &str, Vec<&str>)> = Vec::new();
    let mut out = Vec::new();
    for f in found {
        let Some(edge) = f.edge else {
            out.push(f.to_string());
            continue;
        };
        match cuts
            .iter_mut()
            .find(|(p, e, _)| *p == f.place && *e == edge)
        {
            Some((.., list)) => list.push(&f.what),
            None => cuts.push((&f.place, edge, vec![&f.what])),
        }
    }
    for (place, edge, list) in cuts {
        let more = list.len().saturating_sub(EXAMPLES);
        out.push(format!(
            "{place}: CUT {} text(s) past the {edge} edge, outside any scroll area that \
             scrolls that way: {}{}",
            list.len(),
            list[..list.len().min(EXAMPLES)].join("; "),
            if more > 0 {
                format!("; and {more} more")
            } else {
                String::new()
            }
        ));
    }
    out
}

/// Every overlap and cut in the harness's last frame, each naming `place`.
pub fn findings<S>(h: &Harness<'_, S>, place: &str) -> Vec<Finding> {
    let frame = read_frame(h);
    if std::env::var_os("LAYOUT_DEBUG").is_some() {
        for n in &frame.texts {
            eprintln!(
                "{place}: {:?} {} vis {} layer {:?} anc {:?}",
                n.words,
                show(n.rect),
                show(n.visible),
                n.layer,
                n.ancestors
            );
        }
        for b in &frame.bars {
            eprintln!("{place}: bar {} holder {}", show(b.rect), b.holder);
        }
    }
    let mut out = Vec::new();
    for n in &frame.texts {
        let (r, v) = (n.rect, n.visible);
        let past = [
            ("left", v.min.x - r.min.x, false),
            ("top", v.min.y - r.min.y, true),
            ("right", r.max.x - v.max.x, false),
            ("bottom", r.max.y - v.max.y, true),
        ];
        let Some((edge, by, _)) = past
            .into_iter()
            .find(|&(_, by, vertical)| by > SLACK && !scrolls(n, &frame.bars, vertical))
        else {
            continue;
        };
        let shown = if v.is_positive() {
            format!("shown {}", show(v))
        } else {
            "not shown at all".to_owned()
        };
        out.push(Finding {
            place: place.to_owned(),
            edge: Some(edge),
            what: format!(
                "{} at {} ({by:.0} pt past; {shown})",
                quote(&n.words),
                show(r)
            ),
        });
    }
    // Texts in one scroll area are compared whole: scrolling brings any part of them into
    // view together. Otherwise only what is shown can overlap.
    let scroller = |n: &TextNode| {
        n.ancestors
            .iter()
            .find(|a| frame.bars.iter().any(|b| b.holder == **a))
            .copied()
    };
    for (i, a) in frame.texts.iter().enumerate() {
        for b in &frame.texts[i + 1..] {
            if a.layer != b.layer || a.ancestors.contains(&b.id) || b.ancestors.contains(&a.id) {
                continue;
            }
            // A scroll area's bar is not always in the tree (egui shows it when needed), so
            // a text below an inner scroll area can seem to share the outer one with the
            // texts inside: those are clipped where it is not, and only what shows counts.
            let clipped = |n: &TextNode| n.visible != n.rect;
            let same_scroll =
                scroller(a).is_some() && scroller(a) == scroller(b) && clipped(a) == clipped(b);
            let (ra, rb) = if same_scroll {
                (a.rect, b.rect)
            } else {
                (a.visible, b.visible)
            };
            let both = ra.intersect(rb);
            if both.width() > SLACK && both.height() > SLACK {
                out.push(Finding {
                    place: place.to_owned(),
                    edge: None,
                    what: format!(
                        "{} at {} and {} at {} share {:.0}×{:.0} pt",
                        quote(&a.words),
                        show(ra),
                        quote(&b.words),
                        show(rb),
                        both.width(),
                        both.height()
                    ),
                });
            }
        }
    }
    out
}
