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

/// A square of premultiplied pixels centred on a pole.
struct Stamp {
    half: i32,
    px: Vec<Color32>,
}

/// Source-over of premultiplied colours.
fn over(dst: Color32, src: Color32) -> Color32 {
    let k = 255 - u32::from(src.a());
    let ch = |s: u8, d: u8| (u32::from(s) + (u32::from(d) * k + 127) / 255).min(255) as u8;
    Color32::from_rgba_premultiplied(
        ch(src.r(), dst.r()),
        ch(src.g(), dst.g()),
        ch(src.b(), dst.b()),
        ch(src.a(), dst.a()),
    )
}

/// A stamp of concentric layers, each `(inner, outer radius in pixels, colour)`, drawn in
/// order with anti-aliased edges.
fn stamp(layers: &[(f32, f32, Color32)]) -> Stamp {
    let outer = layers.iter().map(|l| l.1).fold(0.0, f32::max);
    let half = outer.ceil() as i32 + 1;
    let side = (2 * half + 1) as usize;
    let mut px = vec![Color32::TRANSPARENT; side * side];
    for (k, p) in px.iter_mut().enumerate() {
        let x = (k % side) as f32 - half as f32;
        let y = (k / side) as f32 - half as f32;
        let d = (x * x + y * y).sqrt();
        for &(inner, outer, color) in layers {
            let cover = ((outer + 0.5 - d).min(d - inner + 0.5)).clamp(0.0, 1.0);
            if cover > 0.0 {
                *p = over(*p, color.gamma_multiply(cover));
            }
        }
    }
    Stamp { half, px }
}

impl Stamp {
    fn put(&self, img: &mut ColorImage, cx: i32, cy: i32) {
        let [w, h] = img.size;
        let side = (2 * self.half + 1) as usize;
        for (row, line) in self.px.chunks_exact(side).enumerate() {
            let y = cy - self.half + row as i32;
            if y < 0 || y >= h as i32 {
                continue;
            }
            for (col, &c) in line.iter().enumerate() {
                let x = cx - self.half + col as i32;
                if c.a() == 0 || x < 0 || x >= w as i32 {
                    continue;
                }
                if let Some(d) = img.pixels.get_mut(y as usize * w + x as usize) {
                    *d = over(*d, c);
                }
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
        let cx = (d.at.x * ppp).round() as i32;
        let cy = (d.at.y * ppp).round() as i32;
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
    fn a_dot_is_its_vendor_colour_in_the_middle_and_clear_far_away() {
        let red = Color32::from_rgb(200, 0, 0);
        let dots = [Dot {
            at: Vec2::new(10.0, 10.0),
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
                at: Vec2::new(10.0, 10.0),
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
