//! The far-zoom pole layer: with thousands of poles in view (dots a few pixels wide that
//! overlap), the poles are stamped into one image on the CPU and shown as a single
//! texture, kept while the view and the plan stay the same. Drawing 50,000 anti-aliased
//! circles instead costs tens of milliseconds per frame in layout and tessellation.

use egui::{Color32, ColorImage, Pos2, TextureHandle, TextureOptions, Vec2};

/// One pole to draw: where (in points, relative to the layer's top-left corner) and how.
#[derive(Debug, Clone, Copy)]
pub struct Dot {
    pub at: Vec2,
    pub color: Color32,
    pub flagged: bool,
    pub selected: bool,
}

/// The look of the dots, as in the per-pole drawing at normal zoom.
#[derive(Debug, Clone, Copy)]
pub struct DotStyle {
    /// Radius of the vendor-coloured disc, points.
    pub radius: f32,
    pub outline: Color32,
    pub halo: Color32,
    pub ring: Color32,
}

/// The non-transparent pixels of a dot, as offsets from its centre.
struct Stamp {
    half: i32,
    px: Vec<(i32, i32, Color32)>,
}

/// Source-over of premultiplied colours: `src + dst * (255 - src.a) / 255` per channel,
/// the four channels at once in 16-bit lanes of a u64.
fn over(dst: Color32, src: Color32) -> Color32 {
    if src.a() == 255 {
        return src;
    }
    const LANES: u64 = 0x00FF_00FF_00FF_00FF;
    let spread = |c: Color32| {
        let v = u64::from(u32::from_le_bytes(c.to_array()));
        (v & 0x00FF_00FF) | ((v & 0xFF00_FF00) << 24)
    };
    let k = 255 - u64::from(src.a());
    // d * k / 255, rounded: t = d * k + 128; (t + (t >> 8)) >> 8.
    let t = spread(dst) * k + 0x0080_0080_0080_0080;
    let scaled = ((t + ((t >> 8) & LANES)) >> 8) & LANES;
    let sum = scaled + spread(src);
    // Lanes: r at bit 0, b at 16, g at 32, a at 48. A valid premultiplied pair never
    // exceeds 255 per channel; clamp all the same.
    let ch = |shift: u32| ((sum >> shift) & 0x1FF).min(255) as u8;
    Color32::from_rgba_premultiplied(ch(0), ch(32), ch(16), ch(48))
}

/// A stamp of concentric layers, each `(inner, outer radius in pixels, colour)`, drawn in
/// order with anti-aliased edges.
fn stamp(layers: &[(f32, f32, Color32)]) -> Stamp {
    let outer = layers.iter().map(|l| l.1).fold(0.0, f32::max);
    let half = (outer + 0.5).ceil() as i32;
    let mut px = Vec::new();
    for dy in -half..=half {
        for dx in -half..=half {
            let d = ((dx * dx + dy * dy) as f32).sqrt();
            let mut p = Color32::TRANSPARENT;
            for &(inner, outer, color) in layers {
                let inner_edge = if inner > 0.0 { d - inner + 0.5 } else { 1.0 };
                let cover = (outer + 0.5 - d).min(inner_edge).clamp(0.0, 1.0);
                if cover > 0.0 {
                    p = over(p, color.gamma_multiply(cover));
                }
            }
            if p.a() > 0 {
                px.push((dx, dy, p));
            }
        }
    }
    Stamp { half, px }
}

impl Stamp {
    fn put(&self, img: &mut ColorImage, cx: i32, cy: i32) {
        let [w, h] = img.size;
        let (w, h) = (w as i32, h as i32);
        if cx + self.half < 0 || cy + self.half < 0 || cx - self.half >= w || cy - self.half >= h {
            return;
        }
        let inside =
            cx - self.half >= 0 && cy - self.half >= 0 && cx + self.half < w && cy + self.half < h;
        for &(dx, dy, c) in &self.px {
            let (x, y) = (cx + dx, cy + dy);
            if !inside && (x < 0 || y < 0 || x >= w || y >= h) {
                continue;
            }
            if let Some(d) = img.pixels.get_mut((y * w + x) as usize) {
                *d = over(*d, c);
            }
        }
    }
}

/// Stamps `dots` into an image of `size` points at `pixels_per_point`: for each pole in
/// order its red halo when flagged, the dark-rimmed disc, its selection ring.
pub fn rasterise(size: Vec2, pixels_per_point: f32, style: DotStyle, dots: &[Dot]) -> ColorImage {
    let ppp = pixels_per_point.max(0.1);
    let w = (size.x * ppp).round().max(1.0) as usize;
    let h = (size.y * ppp).round().max(1.0) as usize;
    let mut img = ColorImage::filled([w, h], Color32::TRANSPARENT);
    let r = style.radius * ppp;
    let halo = stamp(&[(0.0, r + 4.0 * ppp, style.halo)]);
    let ring = stamp(&[(r + 2.0 * ppp, r + 4.0 * ppp, style.ring)]);
    // One stamp per vendor colour (a handful).
    let mut bodies: Vec<(Color32, Stamp)> = Vec::new();
    for d in dots {
        // The pixel whose centre is nearest (pixel i spans i..i+1).
        let cx = (d.at.x * ppp - 0.5).round() as i32;
        let cy = (d.at.y * ppp - 0.5).round() as i32;
        if d.flagged {
            halo.put(&mut img, cx, cy);
        }
        let k = match bodies.iter().position(|(c, _)| *c == d.color) {
            Some(k) => k,
            None => {
                let rim = 0.5 * ppp;
                bodies.push((
                    d.color,
                    stamp(&[(0.0, r + rim, style.outline), (0.0, r - rim, d.color)]),
                ));
                bodies.len() - 1
            }
        };
        if let Some((_, s)) = bodies.get(k) {
            s.put(&mut img, cx, cy);
        }
        if d.selected {
            ring.put(&mut img, cx, cy);
        }
    }
    img
}

/// The cached layer: the texture and the key of what it shows.
#[derive(Clone)]
pub struct Layer {
    pub key: u64,
    pub texture: TextureHandle,
}

/// Shows the layer for `key`, re-rasterising through `make` only when the key changed.
pub fn show(
    painter: &egui::Painter,
    id: egui::Id,
    rect: egui::Rect,
    key: u64,
    make: impl FnOnce() -> ColorImage,
) {
    let ctx = painter.ctx();
    let cached: Option<Layer> = ctx.data(|d| d.get_temp(id));
    let texture = match cached {
        Some(l) if l.key == key => l.texture,
        Some(mut l) => {
            l.texture.set(make(), TextureOptions::NEAREST);
            l.key = key;
            ctx.data_mut(|d| d.insert_temp(id, l.clone()));
            l.texture
        }
        None => {
            let texture = ctx.load_texture("pole_layer", make(), TextureOptions::NEAREST);
            ctx.data_mut(|d| {
                d.insert_temp(
                    id,
                    Layer {
                        key,
                        texture: texture.clone(),
                    },
                )
            });
            texture
        }
    };
    painter.image(
        texture.id(),
        rect,
        egui::Rect::from_min_max(Pos2::ZERO, Pos2::new(1.0, 1.0)),
        Color32::WHITE,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn style() -> DotStyle {
        DotStyle {
            radius: 2.5,
            outline: Color32::from_black_alpha(180),
            halo: Color32::from_rgba_unmultiplied(220, 30, 30, 110),
            ring: Color32::from_rgb(20, 110, 255),
        }
    }

    #[test]
    fn blending_matches_the_formula() {
        let dst = Color32::from_rgba_premultiplied(200, 100, 50, 255);
        let src = Color32::from_rgba_premultiplied(10, 20, 30, 100);
        let k = 155.0 / 255.0;
        let want = |s: u8, d: u8| (f32::from(s) + f32::from(d) * k).round() as u8;
        assert_eq!(
            over(dst, src),
            Color32::from_rgba_premultiplied(
                want(10, 200),
                want(20, 100),
                want(30, 50),
                want(100, 255)
            )
        );
        assert_eq!(over(dst, Color32::RED), Color32::RED);
    }

    #[test]
    fn a_dot_is_its_vendor_colour_in_the_middle_and_clear_far_away() {
        let red = Color32::from_rgb(200, 0, 0);
        let dots = [Dot {
            at: Vec2::new(10.5, 10.5),
            color: red,
            flagged: false,
            selected: false,
        }];
        let img = rasterise(Vec2::new(20.0, 20.0), 1.0, style(), &dots);
        assert_eq!(img.size, [20, 20]);
        assert_eq!(img.pixels[10 * 20 + 10], red);
        assert_eq!(img.pixels[0], Color32::TRANSPARENT);
        // The rim is darker than the fill.
        let rim = img.pixels[10 * 20 + 13];
        assert!(rim.a() > 0 && rim.r() < red.r(), "{rim:?}");
    }

    #[test]
    fn flagged_poles_get_a_halo_and_dots_at_the_edge_do_not_panic() {
        let dots = [
            Dot {
                at: Vec2::new(10.5, 10.5),
                color: Color32::from_rgb(0, 0, 200),
                flagged: true,
                selected: true,
            },
            Dot {
                at: Vec2::new(-1.0, 19.5),
                color: Color32::GREEN,
                flagged: true,
                selected: false,
            },
        ];
        let img = rasterise(Vec2::new(20.0, 20.0), 1.0, style(), &dots);
        // 5.5 px from the centre: outside the disc, inside the halo.
        let p = img.pixels[10 * 20 + 16];
        assert!(p.a() > 0, "{p:?}");
        let plain = rasterise(
            Vec2::new(20.0, 20.0),
            1.0,
            style(),
            &[Dot {
                flagged: false,
                selected: false,
                ..dots[0]
            }],
        );
        assert_eq!(plain.pixels[10 * 20 + 16], Color32::TRANSPARENT);
    }
}
