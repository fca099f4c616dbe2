//! The far-zoom pole layer: with thousands of poles in view (dots a few pixels wide that
//! overlap), the poles are stamped into one image on the CPU and shown as a single
//! texture. Drawn as anti-aliased circles, their layout and tessellation would grow with
//! every pole in view (docs/performance.md, the frame bench).
//!
//! The image is anchored in the map's world coordinates (walkers' projected points at one
//! zoom, which a pan slides the view over) and covers the view plus a margin: a pan only
//! moves the texture, by whole physical pixels; it is re-rasterised when the view leaves
//! the image, or the zoom, the pixel density, the plan or what is highlighted changes.
//!
//! Ahead of a pan: the dots are collected once per key for the view and a whole view
//! around it ([`CATCHMENT`]); when a pan brings the view within half the margin of the
//! image's edge, the image around the view as it is now is stamped on another thread
//! from those dots and swapped in when ready, so a steady pan never waits for a raster.
//! Only a jump past the image (or past the collected dots) re-rasterises on the UI
//! thread.

use egui::{Color32, ColorImage, Pos2, Rect, TextureHandle, TextureOptions, Vec2};
use std::sync::{Arc, Mutex};

/// The dots are collected for the view grown by this many times its size on each side.
pub const CATCHMENT: f32 = 1.0;

/// A point of the map's world: walkers' web-mercator pixels (points) at the layer's zoom,
/// x east and y south from the world's top-left corner. Not lon/lat degrees: the map's
/// `to_world` and `from_world` convert at that zoom.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct WorldPx {
    pub x: f64,
    pub y: f64,
}

impl WorldPx {
    pub const fn new(x: f64, y: f64) -> Self {
        WorldPx { x, y }
    }
}

/// One pole to draw: where (in points, relative to the layer's top-left corner) and how.
#[derive(Debug, Clone, Copy)]
pub struct Dot {
    pub at: Vec2,
    pub color: Color32,
    pub flagged: bool,
    pub selected: bool,
}

/// A pole's dot in world coordinates (walkers' projected points at the layer's zoom).
#[derive(Debug, Clone, Copy)]
pub struct WorldDot {
    pub at: WorldPx,
    pub color: Color32,
    pub flagged: bool,
    pub selected: bool,
}

/// The dots of every pole that reaches into a box of the world (`covers`, `[min, max]`):
/// what any image inside the box is stamped from.
#[derive(Debug, Clone, Default)]
pub struct Dots {
    pub covers: [WorldPx; 2],
    pub dots: Vec<WorldDot>,
}

impl Dots {
    /// Whether every dot that reaches into `area` is here.
    pub fn holds(&self, area: &Area, pixels_per_point: f32) -> bool {
        let [lo, hi] = area.world_box(pixels_per_point);
        let [c0, c1] = self.covers;
        lo.x >= c0.x && lo.y >= c0.y && hi.x <= c1.x && hi.y <= c1.y
    }

    /// Stamps the dots that reach into `area` (in their order) into an image of its size.
    pub fn rasterise(&self, area: &Area, pixels_per_point: f32, style: DotStyle) -> ColorImage {
        let pad = f64::from(reach(style.radius));
        let [lo, hi] = area.world_box(pixels_per_point);
        let dots: Vec<Dot> = self
            .dots
            .iter()
            .filter(|d| {
                (lo.x - pad..=hi.x + pad).contains(&d.at.x)
                    && (lo.y - pad..=hi.y + pad).contains(&d.at.y)
            })
            .map(|d| Dot {
                at: Vec2::new(
                    (d.at.x - area.origin.x) as f32,
                    (d.at.y - area.origin.y) as f32,
                ),
                color: d.color,
                flagged: d.flagged,
                selected: d.selected,
            })
            .collect();
        rasterise_px(area.size, pixels_per_point, style, &dots)
    }
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
    rasterise_px([w, h], ppp, style, dots)
}

/// [`rasterise`] into an image of `size` physical pixels.
pub fn rasterise_px(
    size: [usize; 2],
    pixels_per_point: f32,
    style: DotStyle,
    dots: &[Dot],
) -> ColorImage {
    let ppp = pixels_per_point.max(0.1);
    let [w, h] = size.map(|n| n.max(1));
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

/// How far a dot's pixels reach from its centre, in points, for a disc of `radius`
/// points (the halo and the selection ring are 4 points wider, plus the anti-aliased edge).
pub fn reach(radius: f32) -> f32 {
    radius + 5.0
}

/// A rectangle of the map in world coordinates: its top-left corner, its size in
/// physical pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Area {
    pub origin: WorldPx,
    pub size: [usize; 2],
}

impl Area {
    /// The area's corners `[min, max]` in the world.
    pub fn world_box(&self, pixels_per_point: f32) -> [WorldPx; 2] {
        let ppp = f64::from(pixels_per_point.max(0.1));
        let [w, h] = self.size.map(|n| n as f64 / ppp);
        [
            self.origin,
            WorldPx::new(self.origin.x + w, self.origin.y + h),
        ]
    }

    /// The area grown by `margin` times its size on each side, in whole pixels (so the
    /// pixels of `self` stay on the grid of the result), at most `max_side` pixels wide
    /// and high (the margin shrinks first).
    pub fn grown(&self, margin: f32, pixels_per_point: f32, max_side: usize) -> Area {
        let ppp = f64::from(pixels_per_point.max(0.1));
        // The margin on each axis, whole pixels.
        let [mx, my] = self.size.map(|n| {
            let want = (n as f32 * margin.max(0.0)).round() as usize;
            want.min(max_side.saturating_sub(n) / 2)
        });
        Area {
            origin: WorldPx::new(
                self.origin.x - mx as f64 / ppp,
                self.origin.y - my as f64 / ppp,
            ),
            size: [self.size[0] + 2 * mx, self.size[1] + 2 * my],
        }
    }
}

/// Where an image rasterised for `image` goes when the view is `view`: the offset of its
/// top-left corner from the view's, in whole physical pixels; `None` when it must be
/// re-rasterised because it does not cover the whole view. A pan by a fraction of a
/// pixel rounds to the nearest pixel (the dots move in whole pixels); once the view has
/// `settled` (not moved since the last frame) an image off the view's pixel grid is not
/// reused, so a view at rest shows the dots exactly where a fresh raster puts them.
pub fn placement(
    image: &Area,
    view: &Area,
    pixels_per_point: f32,
    settled: bool,
) -> Option<[i64; 2]> {
    let ppp = f64::from(pixels_per_point.max(0.1));
    let mut offset = [0i64; 2];
    let shift = [
        image.origin.x - view.origin.x,
        image.origin.y - view.origin.y,
    ];
    for (k, offset) in offset.iter_mut().enumerate() {
        let exact = shift[k] * ppp;
        let whole = exact.round();
        if !whole.is_finite() || (settled && (exact - whole).abs() > 1e-3) {
            return None;
        }
        let o = whole as i64;
        if o > 0 || o + (image.size[k] as i64) < (view.size[k] as i64) {
            return None;
        }
        *offset = o;
    }
    Some(offset)
}

/// The screen rectangle of an image of `size` physical pixels whose top-left corner is
/// `offset` pixels from the view's top-left corner `view_min`.
pub fn screen_rect(
    view_min: Pos2,
    offset: [i64; 2],
    size: [usize; 2],
    pixels_per_point: f32,
) -> Rect {
    let ppp = pixels_per_point.max(0.1);
    Rect::from_min_size(
        view_min + Vec2::new(offset[0] as f32, offset[1] as f32) / ppp,
        Vec2::new(size[0] as f32, size[1] as f32) / ppp,
    )
}

/// The cached layer: the texture, the key of what it shows and where it is anchored, the
/// dots it is stamped from and the image being stamped ahead, if any.
#[derive(Clone)]
pub struct Layer {
    pub key: u64,
    /// The part of the key that places and sizes the dots (zoom, pixel density, dot size).
    pub look: u64,
    /// The key of what the texture shows now: behind `key` while a new look of the same
    /// dots is stamped on another thread.
    pub shown_key: u64,
    pub area: Area,
    /// The view's origin in the last frame that showed the layer.
    pub last_view: WorldPx,
    pub texture: TextureHandle,
    dots: Arc<Dots>,
    ahead: Option<Ahead>,
}

/// An image being stamped on another thread for `area` with the dots of `key`; `image`
/// is filled when done.
#[derive(Clone)]
struct Ahead {
    area: Area,
    key: u64,
    image: Arc<Mutex<Option<ColorImage>>>,
}

/// What [`show`] did this frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shown {
    /// Stamped the image on the UI thread (first frame, a new key, or a jump past the image).
    pub rasterised: bool,
    /// Swapped in an image stamped ahead on another thread.
    pub swapped: bool,
    /// Started stamping an image ahead.
    pub started_ahead: bool,
    /// What the image shows changed but not where (findings, selection, colours): the
    /// old image stays up while the new one is stamped on another thread.
    pub restyled: bool,
}

/// Whether `view`, placed at `offset` in an image of `area`, has come within half the
/// image's margin of one of its edges.
fn near_edge(area: &Area, view: &Area, offset: [i64; 2]) -> bool {
    (0..2).any(|k| {
        let spare = area.size[k].saturating_sub(view.size[k]) as i64;
        let before = -offset[k];
        let after = spare - before;
        spare > 0 && 4 * before.min(after) < spare
    })
}

/// The dots of the view and a [`CATCHMENT`] around it, from `collect` (called once).
fn collect_around<F: FnOnce([WorldPx; 2]) -> Vec<WorldDot>>(
    view: &Area,
    pixels_per_point: f32,
    collect: &mut Option<F>,
) -> Arc<Dots> {
    let covers = view
        .grown(CATCHMENT, pixels_per_point, usize::MAX)
        .world_box(pixels_per_point);
    let dots = collect.take().map_or_else(Vec::new, |f| f(covers));
    Arc::new(Dots { covers, dots })
}

/// Shows the layer in `clip` (the map's rectangle on screen, whose top-left corner is the
/// world point `view.origin`). Reuses the cached image when `key` (everything the image
/// depends on besides its position: zoom, pixel density, dot size, plan and highlights)
/// is unchanged and the image covers the view; otherwise stamps the view grown by
/// `margin` (see [`Area::grown`]). The dots come from `collect`, called with a world box
/// `[min, max]` once per key (and when the view leaves the box): it returns every pole
/// whose dot reaches into the box, in drawing order. Near the image's edge the next image
/// is stamped ahead on another thread (module docs). `look` is the part of `key` that
/// places and sizes the dots: when only the rest changes (findings, selection), the old
/// image stays up for the frame or two the new one takes on another thread.
#[allow(clippy::too_many_arguments)]
pub fn show(
    painter: &egui::Painter,
    id: egui::Id,
    clip: Rect,
    view: Area,
    pixels_per_point: f32,
    (key, look): (u64, u64),
    margin: f32,
    style: DotStyle,
    collect: impl FnOnce([WorldPx; 2]) -> Vec<WorldDot>,
) -> Shown {
    let ctx = painter.ctx();
    let ppp = pixels_per_point;
    let mut shown = Shown {
        rasterised: false,
        swapped: false,
        started_ahead: false,
        restyled: false,
    };
    let mut collect = Some(collect);
    let mut cached: Option<Layer> = match ctx.data(|d| d.get_temp::<Layer>(id)) {
        Some(l) if l.key == key => Some(l),
        // Same places, new colours or highlights, and the old image still covers the
        // view: new dots now, their image on another thread, the old one until then.
        Some(mut l) if l.look == look && placement(&l.area, &view, ppp, false).is_some() => {
            l.dots = collect_around(&view, ppp, &mut collect);
            l.key = key;
            shown.restyled = true;
            Some(l)
        }
        _ => None,
    };
    // An image stamped ahead that is ready replaces the layer's if it covers the view.
    if let Some(l) = cached.as_mut()
        && let Some(ahead) = l.ahead.clone()
    {
        let ready = ahead.image.lock().ok().and_then(|mut i| i.take());
        if let Some(image) = ready {
            l.ahead = None;
            if placement(&ahead.area, &view, ppp, false).is_some() {
                l.texture.set(image, TextureOptions::NEAREST);
                l.area = ahead.area;
                l.shown_key = ahead.key;
                shown.swapped = true;
            }
        }
    }
    let reuse = cached.as_ref().and_then(|l| {
        let settled = l.last_view == view.origin;
        placement(&l.area, &view, ppp, settled)
    });
    let max_side = ctx.input(|i| i.max_texture_side);
    let (mut layer, offset) = match (cached, reuse) {
        (Some(l), Some(offset)) => (l, offset),
        (cached, _) => {
            let area = view.grown(margin, ppp, max_side);
            let dots = match cached.as_ref().map(|l| l.dots.clone()) {
                // (Dots collected this frame are around this view.)
                Some(d) if d.holds(&area, ppp) || collect.is_none() => d,
                _ => collect_around(&view, ppp, &mut collect),
            };
            let image = dots.rasterise(&area, ppp, style);
            // The texture handle is kept across keys (an old one of another key too).
            let old: Option<TextureHandle> =
                ctx.data(|d| d.get_temp::<Layer>(id)).map(|l| l.texture);
            let texture = match old {
                Some(mut t) => {
                    t.set(image, TextureOptions::NEAREST);
                    t
                }
                None => ctx.load_texture("pole_layer", image, TextureOptions::NEAREST),
            };
            shown.rasterised = true;
            // A fresh image is on the view's pixel grid by construction.
            let offset = placement(&area, &view, ppp, false).unwrap_or_default();
            (
                Layer {
                    key,
                    look,
                    shown_key: key,
                    area,
                    last_view: view.origin,
                    texture,
                    dots,
                    ahead: None,
                },
                offset,
            )
        }
    };
    // Close to the edge, or new colours: stamp the image around the view as it is now, on
    // another thread.
    // (A job for older dots runs to its end first: swapped in, it is still newer than
    // the texture, and the next one starts then.)
    let stale = layer.shown_key != layer.key;
    if layer.ahead.is_none() && (stale || near_edge(&layer.area, &view, offset)) {
        let area = view.grown(margin, ppp, max_side);
        if layer.dots.holds(&area, ppp) {
            let image = Arc::new(Mutex::new(None));
            let (dots, out, ctx) = (layer.dots.clone(), image.clone(), ctx.clone());
            let spawned = std::thread::Builder::new()
                .name("pole-raster".into())
                .spawn(move || {
                    let img = dots.rasterise(&area, ppp, style);
                    if let Ok(mut slot) = out.lock() {
                        *slot = Some(img);
                    }
                    ctx.request_repaint();
                });
            if spawned.is_ok() {
                layer.ahead = Some(Ahead {
                    area,
                    key: layer.key,
                    image,
                });
                shown.started_ahead = true;
            }
        }
    }
    let rect = screen_rect(clip.min, offset, layer.area.size, ppp);
    painter
        .with_clip_rect(clip.intersect(painter.clip_rect()))
        .image(
            layer.texture.id(),
            rect,
            Rect::from_min_max(Pos2::ZERO, Pos2::new(1.0, 1.0)),
            Color32::WHITE,
        );
    layer.last_view = view.origin;
    ctx.data_mut(|d| d.insert_temp(id, layer));
    shown
}

#[cfg(test)]
mod tests;
