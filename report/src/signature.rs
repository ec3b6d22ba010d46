//! The customer's signature as an image: the app renders the pad's strokes with this when
//! the customer signs, and the demo data its sample signature.

/// Size of the app's signature pad (points): stroke coordinates are in this space.
pub const PAD: (f32, f32) = (520.0, 180.0);

/// Render signature-pad strokes (points in a `pad_w` × `pad_h` pad) to a PNG, white
/// background and black ink at 2× the pad's size: what the service report shows of a signature.
pub fn render_png(strokes: &[Vec<[f32; 2]>], pad_w: f32, pad_h: f32) -> Result<Vec<u8>, String> {
    const SCALE: f32 = 2.0;
    let (w, h) = ((pad_w * SCALE) as u32, (pad_h * SCALE) as u32);
    let mut img = image::RgbaImage::from_pixel(w, h, image::Rgba([255, 255, 255, 255]));
    let mut dot = |x: f32, y: f32| {
        let r = 2.5_f32;
        let (cx, cy) = (x * SCALE, y * SCALE);
        let (x0, x1) = ((cx - r).floor() as i64, (cx + r).ceil() as i64);
        let (y0, y1) = ((cy - r).floor() as i64, (cy + r).ceil() as i64);
        for py in y0..=y1 {
            for px in x0..=x1 {
                let (dx, dy) = (px as f32 - cx, py as f32 - cy);
                if dx * dx + dy * dy <= r * r
                    && px >= 0
                    && py >= 0
                    && (px as u32) < w
                    && (py as u32) < h
                {
                    img.put_pixel(px as u32, py as u32, image::Rgba([0, 0, 0, 255]));
                }
            }
        }
    };
    for s in strokes {
        for (i, p) in s.iter().enumerate() {
            let prev = if i == 0 { *p } else { s[i - 1] };
            let steps = ((p[0] - prev[0]).hypot(p[1] - prev[1]) * SCALE)
                .ceil()
                .max(1.0) as usize;
            for k in 0..=steps {
                let t = k as f32 / steps as f32;
                dot(
                    prev[0] + (p[0] - prev[0]) * t,
                    prev[1] + (p[1] - prev[1]) * t,
                );
            }
        }
    }
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .map_err(|e| format!("could not render the signature: {e}"))?;
    Ok(out.into_inner())
}
