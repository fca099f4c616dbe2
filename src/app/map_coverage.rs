//! The coverage layer of the map: the route coloured by maintained illuminance (the
//! lowest value across the street at each grid row; on M streets the road luminance, on
//! the same ramp at [`LX_PER_CD`] lx per cd/m²), dark stretches marked with thick red
//! dashes, and a legend of the colour ramp in the map's lower-left corner.

use super::coverage::CoverageResult;
use crate::frame::LonLat;
use crate::plan::Plan;
use egui::{Color32, Pos2, Rect, Response, Shape, Stroke, Ui, pos2, vec2};
use walkers::{MapMemory, Plugin, Projector, lon_lat};

/// Illuminance at the dark end of the ramp, lx (and below).
pub const RAMP_LOW_LX: f64 = 0.3;
/// Illuminance at the bright end of the ramp, lx (and above).
pub const RAMP_HIGH_LX: f64 = 50.0;

/// Where a luminance sits on the illuminance ramp: L × this is placed like an
/// illuminance (0.03 … 5 cd/m² spans the ramp; a dry asphalt returns about 1/15 of its
/// illuminance as luminance, so the two scales show a street's light alike).
pub const LX_PER_CD: f64 = 10.0;

/// Colour stops of the ramp: position 0..1 on a log scale from [`RAMP_LOW_LX`] to
/// [`RAMP_HIGH_LX`]; dark red → red → orange → yellow → white.
const STOPS: [(f32, [u8; 3]); 5] = [
    (0.0, [90, 0, 0]),
    (0.3, [210, 30, 20]),
    (0.55, [250, 150, 0]),
    (0.78, [255, 235, 50]),
    (1.0, [255, 255, 245]),
];

/// Colour of the marks on dark stretches.
pub const DARK_MARK: Color32 = Color32::from_rgb(200, 0, 30);

/// Position of `e_lx` on the ramp, 0..=1 (log scale).
pub fn ramp_position(e_lx: f64) -> f32 {
    if !e_lx.is_finite() || e_lx <= RAMP_LOW_LX {
        return 0.0;
    }
    let t = (e_lx / RAMP_LOW_LX).ln() / (RAMP_HIGH_LX / RAMP_LOW_LX).ln();
    t.clamp(0.0, 1.0) as f32
}

/// Colour at ramp position `t` (0..=1).
pub fn ramp_color_at(t: f32) -> Color32 {
    blend(&STOPS, t)
}

/// The colour at `x` on a scale of colour stops `(x, rgb)` in rising x: linear between
/// stops, the end colours beyond the ends.
pub fn blend(stops: &[(f32, [u8; 3])], x: f32) -> Color32 {
    let rgb = |c: [u8; 3]| Color32::from_rgb(c[0], c[1], c[2]);
    let Some(first) = stops.first() else {
        return Color32::GRAY;
    };
    if x.is_nan() || x <= first.0 {
        return rgb(first.1);
    }
    let mut prev = *first;
    for &stop in stops {
        if x <= stop.0 {
            let span = (stop.0 - prev.0).max(1e-6);
            let u = ((x - prev.0) / span).clamp(0.0, 1.0);
            let mix = |a: u8, b: u8| (a as f32 + (b as f32 - a as f32) * u).round() as u8;
            return Color32::from_rgb(
                mix(prev.1[0], stop.1[0]),
                mix(prev.1[1], stop.1[1]),
                mix(prev.1[2], stop.1[2]),
            );
        }
        prev = stop;
    }
    rgb(prev.1)
}

/// A map legend's box: white, translucent, with a grey edge.
pub fn legend_box(painter: &egui::Painter, frame: Rect) {
    painter.rect_filled(frame, 4.0, Color32::from_white_alpha(225));
    painter.rect_stroke(
        frame,
        4.0,
        Stroke::new(1.0, Color32::from_gray(160)),
        egui::StrokeKind::Inside,
    );
}

/// A legend's colour bar: `color_at(t)` for t from 0 at the left to 1 at the right, with
/// a dark edge.
pub fn legend_bar(painter: &egui::Painter, bar: Rect, color_at: impl Fn(f32) -> Color32) {
    let steps = 60;
    for k in 0..steps {
        let t0 = k as f32 / steps as f32;
        let r = Rect::from_min_max(
            pos2(bar.left() + bar.width() * t0, bar.top()),
            pos2(
                bar.left() + bar.width() * (k + 1) as f32 / steps as f32 + 0.5,
                bar.bottom(),
            ),
        );
        painter.rect_filled(r, 0.0, color_at(t0 + 0.5 / steps as f32));
    }
    painter.rect_stroke(
        bar,
        0.0,
        Stroke::new(1.0, Color32::from_gray(60)),
        egui::StrokeKind::Outside,
    );
}

/// Colour of illuminance `e_lx` on the ramp.
pub fn ramp_color(e_lx: f64) -> Color32 {
    ramp_color_at(ramp_position(e_lx))
}

/// Draws a coverage result over the streets (add it after the streets, before the poles).
pub struct CoveragePlugin<'a> {
    pub plan: &'a Plan,
    pub result: &'a CoverageResult,
    /// The result is for an earlier revision of the plan (a new one is being computed).
    pub stale: bool,
}

impl Plugin for CoveragePlugin<'_> {
    fn run(self: Box<Self>, ui: &mut Ui, _r: &Response, projector: &Projector, _m: &MapMemory) {
        let painter = ui.painter().clone();
        let clip = projector.clip_rect().expand(20.0);
        let at = |p: LonLat| -> Pos2 { projector.project(lon_lat(p.lon, p.lat)).to_pos2() };
        let zoom = projector.zoom();
        let width = if zoom >= 17.0 { 6.0 } else { 4.0 };
        for street in &self.result.layer {
            // Draw only on the street it was computed for.
            if !self.plan.streets.iter().any(|s| s.id == street.id) {
                continue;
            }
            let casing = Stroke::new(width + 2.5, Color32::from_gray(40));
            let mut segments = Vec::with_capacity(street.pieces.len());
            for piece in &street.pieces {
                let (a, b) = (at(piece.from), at(piece.to));
                if !clip.contains(a)
                    && !clip.contains(b)
                    && !clip.intersects(Rect::from_two_pos(a, b))
                {
                    continue;
                }
                let v = if street.luminance {
                    piece.value * LX_PER_CD
                } else {
                    piece.value
                };
                segments.push((a, b, ramp_color(v)));
            }
            for &(a, b, _) in &segments {
                painter.line_segment([a, b], casing);
            }
            for &(a, b, c) in &segments {
                painter.line_segment([a, b], Stroke::new(width, c));
            }
            for stretch in &street.dark {
                let pts: Vec<Pos2> = stretch.iter().map(|&p| at(p)).collect();
                if pts.len() < 2 {
                    if let Some(&p) = pts.first() {
                        painter.circle_filled(p, width, DARK_MARK);
                    }
                    continue;
                }
                // Thin dashes on the centreline, so the ramp colour stays readable.
                painter.extend(Shape::dashed_line(
                    &pts,
                    Stroke::new(3.0, DARK_MARK),
                    12.0,
                    6.0,
                ));
                // Ends of the stretch: small bars across the street.
                for (p, q) in [(pts[0], pts[1]), (pts[pts.len() - 1], pts[pts.len() - 2])] {
                    let d = (q - p).normalized();
                    let n = vec2(-d.y, d.x) * (width + 5.0);
                    painter.line_segment([p - n, p + n], Stroke::new(2.5, DARK_MARK));
                }
            }
        }
        let luminance = self.result.layer.iter().any(|s| s.luminance);
        legend(&painter, projector.clip_rect(), self.stale, luminance);
    }
}

/// Tick values of the legend, lx.
const TICKS_LX: [f64; 6] = [0.5, 1.0, 2.0, 5.0, 10.0, 20.0];

/// Tick values of the legend's luminance scale, cd/m² (M streets).
const TICKS_CD: [f64; 5] = [0.05, 0.1, 0.2, 0.5, 1.0];

/// The legend: colour ramp with lx ticks (and cd/m² ticks above it when an M street is
/// drawn), the dark-stretch mark, in the lower-left corner.
fn legend(painter: &egui::Painter, map: Rect, stale: bool, luminance: bool) {
    let font = egui::FontId::proportional(11.0);
    let text = Color32::from_gray(30);
    let extra = if luminance { 14.0 } else { 0.0 };
    let (w, h) = (250.0, extra + if stale { 86.0 } else { 72.0 });
    let frame = Rect::from_min_size(pos2(map.left() + 8.0, map.bottom() - h - 8.0), vec2(w, h));
    legend_box(painter, frame);
    let x0 = frame.left() + 10.0;
    let bar_w = w - 20.0;
    painter.text(
        pos2(x0, frame.top() + 5.0),
        egui::Align2::LEFT_TOP,
        if luminance {
            "Lowest across the street: lx; M streets cd/m²"
        } else {
            "Illuminance, lowest across the street (lx)"
        },
        font.clone(),
        text,
    );
    let bar = Rect::from_min_size(pos2(x0, frame.top() + 21.0 + extra), vec2(bar_w, 10.0));
    if luminance {
        for cd in TICKS_CD {
            let x = bar.left() + bar_w * ramp_position(cd * LX_PER_CD);
            painter.line_segment(
                [pos2(x, bar.top() - 3.0), pos2(x, bar.top())],
                Stroke::new(1.0, text),
            );
            painter.text(
                pos2(x, bar.top() - 3.0),
                egui::Align2::CENTER_BOTTOM,
                format!("{cd}"),
                font.clone(),
                text,
            );
        }
    }
    legend_bar(painter, bar, ramp_color_at);
    for lx in TICKS_LX {
        let x = bar.left() + bar_w * ramp_position(lx);
        painter.line_segment(
            [pos2(x, bar.bottom()), pos2(x, bar.bottom() + 3.0)],
            Stroke::new(1.0, text),
        );
        painter.text(
            pos2(x, bar.bottom() + 3.0),
            egui::Align2::CENTER_TOP,
            format!("{lx}"),
            font.clone(),
            text,
        );
    }
    let y = frame.top() + 60.0 + extra;
    painter.extend(Shape::dashed_line(
        &[pos2(x0, y), pos2(x0 + 30.0, y)],
        Stroke::new(3.0, DARK_MARK),
        12.0,
        6.0,
    ));
    painter.text(
        pos2(x0 + 38.0, y),
        egui::Align2::LEFT_CENTER,
        "dark: below the class' limit",
        font.clone(),
        text,
    );
    if stale {
        painter.text(
            pos2(x0, y + 14.0),
            egui::Align2::LEFT_CENTER,
            "updating after the last edit…",
            font,
            Color32::from_rgb(150, 90, 0),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ramp_runs_from_dark_red_to_white_monotonically_brighter() {
        assert_eq!(ramp_color(0.0), Color32::from_rgb(90, 0, 0));
        assert_eq!(ramp_color(f64::NAN), Color32::from_rgb(90, 0, 0));
        assert_eq!(ramp_color(1000.0), Color32::from_rgb(255, 255, 245));
        let lum = |c: Color32| c.r() as u32 + c.g() as u32 + c.b() as u32;
        let mut last = 0;
        for k in 0..=100 {
            let e = RAMP_LOW_LX * (RAMP_HIGH_LX / RAMP_LOW_LX).powf(k as f64 / 100.0);
            let l = lum(ramp_color(e));
            assert!(l >= last, "brightness falls at {e} lx");
            last = l;
        }
        assert!(ramp_position(1.0) < ramp_position(2.0));
    }
}
