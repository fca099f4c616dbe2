//! Everything drawn on the map, as walkers plugins: the offline basemap and the route
//! (streets coloured by lighting class), poles coloured by vendor, the measurement, and
//! the attribution.

use super::pole_raster::{self, WorldPx};
use super::state::{AppState, Measurement};
use crate::frame::LonLat;
use crate::plan::{LightingClass, Plan};
use egui::{Color32, Pos2, Response, Stroke, Ui, pos2, vec2};
use std::collections::{HashMap, HashSet};
use std::hash::BuildHasherDefault;
use walkers::{MapMemory, Plugin, Projector, lon_lat};

/// Colour of a street by its EN 13201 class family.
pub fn class_color(class: Option<LightingClass>) -> Color32 {
    match class.map(|c| c.name().as_bytes()[0]) {
        Some(b'M') => Color32::from_rgb(90, 90, 110),
        Some(b'C') => Color32::from_rgb(120, 100, 160),
        Some(b'P') => Color32::from_rgb(70, 140, 110),
        _ => Color32::from_rgb(150, 150, 150),
    }
}

/// Paper-coloured background under the tiles: with no network this is the basemap, and
/// the streets drawn on it make the map usable offline.
pub const BASEMAP_FILL: Color32 = Color32::from_rgb(242, 239, 233);

/// Draws the plan's streets: a wide casing as on a street map, the centreline coloured by
/// lighting class, names at higher zoom.
pub struct StreetsPlugin<'a> {
    pub plan: &'a Plan,
}

impl Plugin for StreetsPlugin<'_> {
    fn run(self: Box<Self>, ui: &mut Ui, _r: &Response, projector: &Projector, _m: &MapMemory) {
        let painter = ui.painter();
        let zoom = projector.zoom();
        for s in &self.plan.streets {
            let pts = simplify_on_screen(
                s.points
                    .iter()
                    .map(|p| projector.project(lon_lat(p.lon, p.lat)).to_pos2()),
            );
            if pts.len() < 2 {
                continue;
            }
            let mid = s.points[s.points.len() / 2];
            let px_per_m = projector.scale_pixel_per_meter(lon_lat(mid.lon, mid.lat));
            let width_px = (s.width_m as f32 * px_per_m).clamp(3.0, 40.0);
            painter.add(egui::Shape::line(
                pts.clone(),
                Stroke::new(width_px + 2.0, Color32::from_rgb(200, 195, 185)),
            ));
            painter.add(egui::Shape::line(
                pts.clone(),
                Stroke::new(width_px, Color32::WHITE),
            ));
            painter.add(egui::Shape::line(
                pts.clone(),
                Stroke::new(2.0, class_color(s.class)),
            ));
            if zoom >= 16.0 {
                let k = pts.len() / 2;
                let at = if pts.len().is_multiple_of(2) {
                    pts[k - 1].lerp(pts[k], 0.5)
                } else {
                    pts[k]
                };
                let class = s.class.map(|c| format!(" ({c})")).unwrap_or_default();
                painter.text(
                    at + vec2(0.0, -width_px / 2.0 - 6.0),
                    egui::Align2::CENTER_BOTTOM,
                    format!("{}{class}", s.name),
                    egui::FontId::proportional(11.0),
                    Color32::from_rgb(60, 60, 70),
                );
            }
        }
    }
}

/// Drops the screen points that lie within a quarter point of the line joining their
/// neighbours (collinear runs, and bends too small to see at far zoom): the same line
/// with fewer vertices to tessellate, in one pass.
pub fn simplify_on_screen(pts: impl Iterator<Item = Pos2>) -> Vec<Pos2> {
    const TOLERANCE: f32 = 0.25;
    let mut out: Vec<Pos2> = Vec::new();
    for p in pts {
        if out.len() >= 2 {
            let (a, b) = (out[out.len() - 2], out[out.len() - 1]);
            // Distance of b from the line a–p: drop b when it adds nothing visible.
            let ap = p - a;
            let len = ap.length();
            let off = if len > f32::EPSILON {
                (ap.x * (b.y - a.y) - ap.y * (b.x - a.x)).abs() / len
            } else {
                (b - a).length()
            };
            let between = (b - a).dot(ap) >= 0.0 && (b - p).dot(-ap) >= 0.0;
            if off <= TOLERANCE && between {
                out.pop();
            }
        }
        out.push(p);
    }
    out
}

/// Draws poles as dots in their vendor's colour; selected poles get a ring, poles named
/// in findings a red halo. Only poles inside the view are drawn (R-tree box query).
pub struct PolesPlugin<'a> {
    pub state: &'a AppState,
    pub colors: &'a HashMap<String, Color32>,
    /// Colour by review status (approved, rejected, pending) instead of by vendor.
    pub by_status: bool,
}

impl Plugin for PolesPlugin<'_> {
    fn run(self: Box<Self>, ui: &mut Ui, _r: &Response, projector: &Projector, _m: &MapMemory) {
        let painter = ui.painter();
        let rect = projector.clip_rect();
        let corners = [
            rect.left_top(),
            rect.right_bottom(),
            rect.left_bottom(),
            rect.right_top(),
        ]
        .map(|c| lonlat_of(projector.unproject(c.to_vec2())).to_xy());
        let (min, max) = utm_box(&corners, 20.0);
        let flagged: HashSet<&str, BuildHasherDefault<Fnv>> =
            self.state.flagged_poles().into_iter().collect();
        let plan = &self.state.plan();
        let radius = if projector.zoom() >= 17.0 {
            5.5
        } else if projector.zoom() >= 15.0 {
            4.0
        } else {
            2.5
        };
        let index = self.state.checker().index();
        // Few enough poles in view to draw one by one? (Counts at most one past the limit.)
        let few = index.poles_in_box(min, max).take(LOD_POLES + 1).count() <= LOD_POLES;
        // Vendor colour, `None` when the vendor is hidden: one fast lookup per pole.
        let vendor_colors: HashMap<&str, Option<Color32>, BuildHasherDefault<Fnv>> = self
            .colors
            .iter()
            .map(|(v, c)| {
                (
                    v.as_str(),
                    (!self.state.hidden_vendors.contains(v)).then_some(*c),
                )
            })
            .collect();
        let by_vendor = |vendor: &str| -> Option<Color32> {
            match vendor_colors.get(vendor) {
                Some(c) => *c,
                None => (!self.state.hidden_vendors.contains(vendor)).then_some(Color32::GRAY),
            }
        };
        let reviews = &plan.pole_reviews;
        let style = |p: &crate::plan::Pole| -> Option<Color32> {
            let c = by_vendor(&p.vendor)?;
            Some(if self.by_status {
                super::review::status_colour(reviews.get(p.id.as_str()).map(|r| r.status))
            } else {
                c
            })
        };
        let halo = Color32::from_rgba_unmultiplied(220, 30, 30, 110);
        let outline = Color32::from_black_alpha(180);
        let ring = Stroke::new(2.0, Color32::from_rgb(20, 110, 255));
        if few {
            for i in index.poles_in_box(min, max) {
                let Some(p) = plan.poles.get(i) else { continue };
                let Some(c) = style(p) else { continue };
                let at = projector.project(lon_lat(p.lon, p.lat)).to_pos2();
                if flagged.contains(p.id.as_str()) {
                    painter.circle_filled(at, radius + 4.0, halo);
                }
                painter.circle(at, radius, c, Stroke::new(1.0, outline));
                if self.state.selection.contains(p.id.as_str()) {
                    painter.circle_stroke(at, radius + 3.0, ring);
                }
            }
            return;
        }
        // Thousands of poles on screen (far zoom, dots a few pixels wide that overlap):
        // one cached image instead of thousands of circles (see `pole_raster`). It is
        // anchored in world coordinates (walkers' projected points at this zoom), so a pan
        // only moves it.
        let zoom = projector.zoom();
        let ppp = ui.pixels_per_point();
        let projection = projector.projection();
        let world = |p: LonLat| to_world(projection, zoom, p);
        let view = pole_raster::Area {
            origin: world(lonlat_of(projector.unproject(rect.min.to_vec2()))),
            size: [rect.width(), rect.height()].map(|s| (s * ppp).round().max(1.0) as usize),
        };
        let (key, look) = {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            zoom.to_bits().hash(&mut h);
            [radius, ppp].map(f32::to_bits).hash(&mut h);
            // Where the dots go and how big they are; the rest is what they show.
            let look = h.finish();
            self.state.revision().hash(&mut h);
            (self.state.findings().len(), flagged.len()).hash(&mut h);
            self.state.selection.hash(&mut h);
            self.state.hidden_vendors.hash(&mut h);
            self.by_status.hash(&mut h);
            (h.finish(), look)
        };
        let id = ui.scope_id().with("pole_layer");
        let dot_style = pole_raster::DotStyle {
            radius,
            outline,
            halo,
            ring: ring.color,
        };
        pole_raster::show(
            painter,
            id,
            rect,
            view,
            ppp,
            (key, look),
            MARGIN,
            dot_style,
            |[lo, hi]| {
                // The poles whose dots reach into the box (20 m more, as for the view), in
                // plan order.
                let reach = f64::from(pole_raster::reach(radius));
                let (x0, y0) = (lo.x - reach, lo.y - reach);
                let (x1, y1) = (hi.x + reach, hi.y + reach);
                let corners = [(x0, y0), (x1, y1), (x0, y1), (x1, y0)]
                    .map(|(x, y)| from_world(projection, zoom, WorldPx::new(x, y)).to_xy());
                let (min, max) = utm_box(&corners, 20.0);
                let mut poles: Vec<usize> = index.poles_in_box(min, max).collect();
                poles.sort_unstable();
                poles
                    .into_iter()
                    .filter_map(|i| {
                        let p = plan.poles.get(i)?;
                        let color = style(p)?;
                        Some(pole_raster::WorldDot {
                            at: world(LonLat::new(p.lon, p.lat)),
                            color,
                            flagged: !flagged.is_empty() && flagged.contains(p.id.as_str()),
                            selected: !self.state.selection.is_empty()
                                && self.state.selection.contains(p.id.as_str()),
                        })
                    })
                    .collect()
            },
        );
    }
}

/// A map position (walkers') as a plan position.
fn lonlat_of(p: walkers::Position) -> LonLat {
    LonLat::new(p.x(), p.y())
}

/// The world pixel of `p` at `zoom` (see [`WorldPx`]).
fn to_world(projection: &dyn walkers::Projection, zoom: f64, p: LonLat) -> WorldPx {
    let w = projection.project(lon_lat(p.lon, p.lat), zoom);
    WorldPx::new(w.x(), w.y())
}

/// The position at world pixel `w` at `zoom`.
fn from_world(projection: &dyn walkers::Projection, zoom: f64, w: WorldPx) -> LonLat {
    lonlat_of(projection.unproject(walkers::Pixels::new(w.x, w.y), zoom))
}

/// The box around UTM points `corners`, grown by `pad` metres on each side.
fn utm_box(corners: &[crate::frame::Xy], pad: f64) -> (crate::frame::Xy, crate::frame::Xy) {
    let min = crate::frame::Xy::new(
        corners.iter().map(|c| c.x).fold(f64::INFINITY, f64::min) - pad,
        corners.iter().map(|c| c.y).fold(f64::INFINITY, f64::min) - pad,
    );
    let max = crate::frame::Xy::new(
        corners
            .iter()
            .map(|c| c.x)
            .fold(f64::NEG_INFINITY, f64::max)
            + pad,
        corners
            .iter()
            .map(|c| c.y)
            .fold(f64::NEG_INFINITY, f64::max)
            + pad,
    );
    (min, max)
}

/// Margin of the far-zoom pole image around the view, as a fraction of the view's size
/// on each side: a pan re-rasterises once per quarter view moved.
const MARGIN: f32 = 0.25;

/// Above this many poles in view, poles are drawn as one mesh (see [`PolesPlugin`]).
pub const LOD_POLES: usize = 2_000;

/// FNV-1a: a fast hash for the short pole ids looked up once per pole in view.
#[derive(Default)]
pub struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// Draws the measurement line and its figures.
pub struct MeasurePlugin<'a> {
    pub state: &'a AppState,
    pub measurement: Measurement,
    pub hover: Option<LonLat>,
}

impl Plugin for MeasurePlugin<'_> {
    fn run(self: Box<Self>, ui: &mut Ui, _r: &Response, projector: &Projector, _m: &MapMemory) {
        let a = self.measurement.a;
        let Some(b) = self.measurement.b.or(self.hover) else {
            return;
        };
        let pa = projector.project(lon_lat(a.lon, a.lat)).to_pos2();
        let pb = projector.project(lon_lat(b.lon, b.lat)).to_pos2();
        let painter = ui.painter();
        painter.line_segment([pa, pb], Stroke::new(2.0, Color32::from_rgb(255, 140, 0)));
        painter.circle_filled(pa, 3.0, Color32::from_rgb(255, 140, 0));
        painter.circle_filled(pb, 3.0, Color32::from_rgb(255, 140, 0));
        let (straight, along) = self.state.measure(a, b);
        let text = match along {
            Some(s) => format!("{straight:.1} m straight, {s:.1} m along the street"),
            None => format!("{straight:.1} m straight"),
        };
        painter.text(
            pb + vec2(8.0, -8.0),
            egui::Align2::LEFT_BOTTOM,
            text,
            egui::FontId::proportional(13.0),
            Color32::BLACK,
        );
    }
}

/// The attribution required by the tile source, always visible in the map's corner.
pub struct AttributionPlugin<'a> {
    pub text: &'a str,
}

impl Plugin for AttributionPlugin<'_> {
    fn run(self: Box<Self>, ui: &mut Ui, _r: &Response, projector: &Projector, _m: &MapMemory) {
        let rect = projector.clip_rect();
        let font = egui::FontId::proportional(11.0);
        let painter = ui.painter();
        let galley = painter.layout_no_wrap(self.text.to_string(), font, Color32::from_gray(40));
        let at = pos2(
            rect.right() - galley.size().x - 6.0,
            rect.bottom() - galley.size().y - 4.0,
        );
        painter.rect_filled(
            egui::Rect::from_min_size(at - vec2(4.0, 2.0), galley.size() + vec2(8.0, 4.0)),
            2.0,
            Color32::from_white_alpha(210),
        );
        painter.galley(at, galley, Color32::from_gray(40));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collinear_and_invisible_vertices_are_dropped_and_corners_kept() {
        let line = [
            pos2(0.0, 0.0),
            pos2(10.0, 0.0),
            pos2(20.0, 0.1),
            pos2(30.0, 0.0),
            pos2(30.0, 10.0),
            pos2(30.0, 20.0),
        ];
        let s = simplify_on_screen(line.into_iter());
        assert_eq!(s, vec![pos2(0.0, 0.0), pos2(30.0, 0.0), pos2(30.0, 20.0)]);
        // A line that turns back on itself keeps its turning point.
        let back = [pos2(0.0, 0.0), pos2(10.0, 0.0), pos2(5.0, 0.0)];
        assert_eq!(simplify_on_screen(back.into_iter()).len(), 3);
        assert_eq!(simplify_on_screen([pos2(1.0, 1.0)].into_iter()).len(), 1);
    }
}
