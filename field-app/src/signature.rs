//! The customer's signature pad: strokes drawn with the mouse or a pen, kept as points (stored
//! in the work order) and rendered to a PNG for the service report (stored as a blob).

use egui::{Color32, Pos2, Sense, Stroke, Vec2};

/// Pad size in points; stroke coordinates are in this space.
pub const PAD_W: f32 = fieldsync_report::signature::PAD.0;
pub const PAD_H: f32 = fieldsync_report::signature::PAD.1;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SignaturePad {
    pub strokes: Vec<Vec<[f32; 2]>>,
    drawing: bool,
}

impl SignaturePad {
    pub fn from_strokes(strokes: Vec<Vec<[f32; 2]>>) -> Self {
        SignaturePad {
            strokes,
            drawing: false,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.strokes.iter().all(|s| s.len() < 2)
    }

    pub fn clear(&mut self) {
        self.strokes.clear();
        self.drawing = false;
    }

    /// Strokes as the document stores them: flat x,y lists.
    pub fn to_flat(&self) -> Vec<Vec<f64>> {
        self.strokes
            .iter()
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.iter()
                    .flat_map(|p| [f64::from(p[0]), f64::from(p[1])])
                    .collect()
            })
            .collect()
    }

    /// Add a point to the stroke being drawn (tests drive this directly too).
    pub fn add_point(&mut self, x: f32, y: f32) {
        let p = [x.clamp(0.0, PAD_W), y.clamp(0.0, PAD_H)];
        if !self.drawing {
            self.strokes.push(Vec::new());
            self.drawing = true;
        }
        if let Some(s) = self.strokes.last_mut() {
            s.push(p);
        }
    }

    pub fn end_stroke(&mut self) {
        self.drawing = false;
    }
}

/// Points of stored flat strokes.
pub fn from_flat(flat: &[Vec<f64>]) -> Vec<Vec<[f32; 2]>> {
    flat.iter()
        .map(|s| {
            s.chunks_exact(2)
                .map(|c| [c[0] as f32, c[1] as f32])
                .collect()
        })
        .collect()
}

/// Draw the pad with `strokes` at `scale` (pad points → screen points).
fn paint(
    ui: &mut egui::Ui,
    strokes: &[Vec<[f32; 2]>],
    sense: Sense,
    scale: f32,
) -> (egui::Response, egui::Rect) {
    let (response, painter) = ui.allocate_painter(Vec2::new(PAD_W, PAD_H) * scale, sense);
    let rect = response.rect;
    painter.rect_filled(rect, 4.0, Color32::WHITE);
    painter.rect_stroke(
        rect,
        4.0,
        Stroke::new(1.0, Color32::GRAY),
        egui::StrokeKind::Inside,
    );
    let base = rect.bottom() - 36.0 * scale;
    painter.line_segment(
        [
            Pos2::new(rect.left() + 20.0 * scale, base),
            Pos2::new(rect.right() - 20.0 * scale, base),
        ],
        Stroke::new(1.0, Color32::LIGHT_GRAY),
    );
    for s in strokes {
        let pts: Vec<Pos2> = s
            .iter()
            .map(|p| rect.min + Vec2::new(p[0], p[1]) * scale)
            .collect();
        if pts.len() == 1 {
            painter.circle_filled(pts[0], 1.5, Color32::BLACK);
        } else {
            painter.add(egui::Shape::line(
                pts,
                Stroke::new(2.5 * scale.max(0.5), Color32::BLACK),
            ));
        }
    }
    (response, rect)
}

/// The drawing pad widget.
pub fn pad_ui(ui: &mut egui::Ui, pad: &mut SignaturePad) -> egui::Response {
    let strokes = pad.strokes.clone();
    let (response, rect) = paint(ui, &strokes, Sense::drag(), 1.0);
    if response.dragged()
        && let Some(pos) = response.interact_pointer_pos()
    {
        let local = pos - rect.min;
        pad.add_point(local.x, local.y);
    }
    if response.drag_stopped() {
        pad.end_stroke();
    }
    response
}

/// Show stored strokes, read-only, shrunk to the width available (a narrow window).
pub fn show_strokes(ui: &mut egui::Ui, flat: &[Vec<f64>]) {
    let scale = (ui.available_width() / PAD_W).clamp(0.3, 1.0);
    paint(ui, &from_flat(flat), Sense::hover(), scale);
}

/// Render strokes to a PNG (white background, black ink) at 2× the pad's size.
pub fn render_png(strokes: &[Vec<[f32; 2]>]) -> Result<Vec<u8>, String> {
    fieldsync_report::signature::render_png(strokes, PAD_W, PAD_H)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strokes_round_trip_and_render() {
        let mut pad = SignaturePad::default();
        assert!(pad.is_empty());
        pad.add_point(10.0, 10.0);
        pad.add_point(100.0, 50.0);
        pad.end_stroke();
        pad.add_point(1e9, -5.0); // clamped, no panic
        pad.add_point(200.0, 60.0);
        assert!(!pad.is_empty());
        let flat = pad.to_flat();
        assert_eq!(from_flat(&flat), pad.strokes);
        let png = render_png(&pad.strokes).unwrap();
        assert_eq!(&png[1..4], b"PNG");
        let img = image::load_from_memory(&png).unwrap().to_rgba8();
        assert_eq!(img.get_pixel(20, 20).0, [0, 0, 0, 255]);
        assert_eq!(img.get_pixel(1000, 300).0, [255, 255, 255, 255]);
    }
}
