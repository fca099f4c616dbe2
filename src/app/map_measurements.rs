//! The Measurements layer of the map (issue 28): every surveyed point as a dot coloured by
//! its ratio measured / calculated on a diverging scale (red where the street is darker
//! than calculated, green where it is as calculated, blue where brighter), a legend, and
//! on hover the point's measured and calculated illuminance, ratio, date and the poles
//! that give most of the calculated light there.

use super::map_coverage::{blend, legend_bar, legend_box};
use crate::measure::PointResult;
use egui::{Color32, Pos2, Rect, Response, Stroke, Ui, pos2, vec2};
use walkers::{MapMemory, Plugin, Projector, lon_lat};

/// Colour stops of the ratio scale: (ratio, colour). The lowest stop is the dark-pole
/// threshold's default (0.40), the middle one "as calculated".
const STOPS: [(f32, [u8; 3]); 5] = [
    (0.4, [150, 0, 20]),
    (0.7, [240, 120, 20]),
    (1.0, [40, 160, 70]),
    (1.3, [40, 120, 220]),
    (1.6, [60, 40, 170]),
];

/// Colour of a point with nothing calculated there (no ratio).
pub const NO_RATIO: Color32 = Color32::from_rgb(140, 140, 140);

/// The colour of `ratio` on the scale (`None`: [`NO_RATIO`]).
pub fn ratio_color(ratio: Option<f64>) -> Color32 {
    match ratio.filter(|r| r.is_finite()) {
        Some(r) => blend(&STOPS, r as f32),
        None => NO_RATIO,
    }
}

/// The legend's title, also how tests find the layer.
pub const LEGEND_TITLE: &str = "Measured / calculated (initial, MF = 1)";

/// Pointer distance within which a point counts as hovered, points.
const HOVER_PX: f32 = 8.0;

/// Draws the surveyed points (add it above the poles).
pub struct MeasurementsPlugin<'a> {
    pub points: &'a [PointResult],
    /// Room to leave below the legend (the coverage legend's place when it is shown).
    pub legend_lift_px: f32,
}

impl Plugin for MeasurementsPlugin<'_> {
    fn run(
        self: Box<Self>,
        ui: &mut Ui,
        response: &Response,
        projector: &Projector,
        _: &MapMemory,
    ) {
        let painter = ui.painter().clone();
        let clip = projector.clip_rect().expand(10.0);
        // Far out the points crowd into a line: small and without an outline, so the
        // colours stay readable.
        let (radius, outline) = if projector.zoom() >= 17.0 {
            (4.5, Stroke::new(1.0, Color32::from_gray(30)))
        } else if projector.zoom() >= 16.0 {
            (3.0, Stroke::new(0.5, Color32::from_gray(60)))
        } else {
            (2.0, Stroke::NONE)
        };
        let pointer = response.hover_pos();
        let mut hovered: Option<(f32, usize, Pos2)> = None;
        for (k, p) in self.points.iter().enumerate() {
            let at = projector.project(lon_lat(p.lon, p.lat)).to_pos2();
            if !clip.contains(at) {
                continue;
            }
            painter.circle(at, radius, ratio_color(p.ratio), outline);
            if let Some(d) = pointer.map(|q| q.distance(at))
                && d <= HOVER_PX
                && hovered.is_none_or(|h| d < h.0)
            {
                hovered = Some((d, k, at));
            }
        }
        legend(&painter, projector.clip_rect(), self.legend_lift_px);
        if let Some((_, k, at)) = hovered {
            painter.circle_stroke(at, radius + 3.0, Stroke::new(2.0, Color32::BLACK));
            let p = &self.points[k];
            egui::Tooltip::always_open(
                ui.ctx().clone(),
                ui.layer_id(),
                response.id.with("measurement_point"),
                egui::PopupAnchor::Pointer,
            )
            .show(|ui| point_card(ui, p));
        }
    }
}

/// The hover card of one point.
fn point_card(ui: &mut Ui, p: &PointResult) {
    ui.strong(format!("Measured point · {}", p.survey));
    egui::Grid::new("measurement_point_card")
        .num_columns(2)
        .show(ui, |ui| {
            ui.label("measured");
            ui.label(format!("{:.2} lx", p.measured_lx));
            ui.end_row();
            ui.label("calculated");
            ui.label(format!("{:.2} lx", p.calculated_lx));
            ui.end_row();
            ui.label("ratio");
            ui.label(
                p.ratio
                    .map_or("— (no calculated light)".into(), |r| format!("{r:.3}")),
            );
            ui.end_row();
            ui.label("measured at");
            ui.label(&p.measured_at);
            ui.end_row();
            ui.label("section");
            ui.label(match (&p.section, &p.vendor) {
                (Some(s), Some(v)) => format!("{s} ({v})"),
                _ => "on no vendor section".into(),
            });
            ui.end_row();
            ui.label("poles");
            ui.label(if p.poles.is_empty() {
                "none lights it".into()
            } else {
                p.poles.join(", ")
            });
            ui.end_row();
        });
}

/// Ticks of the legend's scale.
const TICKS: [f64; 5] = [0.4, 0.7, 1.0, 1.3, 1.6];

/// The legend: the ratio scale with its ticks, in the lower-left corner, `lift_px` above
/// the map's bottom edge.
fn legend(painter: &egui::Painter, map: Rect, lift_px: f32) {
    let font = egui::FontId::proportional(11.0);
    let text = Color32::from_gray(30);
    let (w, h) = (250.0, 72.0);
    let frame = Rect::from_min_size(
        pos2(map.left() + 8.0, map.bottom() - h - 8.0 - lift_px),
        vec2(w, h),
    );
    legend_box(painter, frame);
    let x0 = frame.left() + 10.0;
    painter.text(
        pos2(x0, frame.top() + 5.0),
        egui::Align2::LEFT_TOP,
        LEGEND_TITLE,
        font.clone(),
        text,
    );
    let bar = Rect::from_min_size(pos2(x0, frame.top() + 22.0), vec2(w - 20.0, 10.0));
    let (lo, hi) = (TICKS[0], TICKS[TICKS.len() - 1]);
    let x_of = |r: f64| bar.left() + bar.width() * ((r - lo) / (hi - lo)) as f32;
    legend_bar(painter, bar, |t| {
        ratio_color(Some(lo + (hi - lo) * f64::from(t)))
    });
    for r in TICKS {
        let x = x_of(r);
        painter.line_segment(
            [pos2(x, bar.bottom()), pos2(x, bar.bottom() + 3.0)],
            Stroke::new(1.0, text),
        );
        painter.text(
            pos2(x, bar.bottom() + 3.0),
            egui::Align2::CENTER_TOP,
            if r == lo {
                "≤ 0.4".to_string()
            } else {
                format!("{r}")
            },
            font.clone(),
            text,
        );
    }
    let y = frame.top() + 60.0;
    painter.circle(
        pos2(x0 + 5.0, y),
        4.0,
        NO_RATIO,
        Stroke::new(1.0, Color32::from_gray(30)),
    );
    painter.text(
        pos2(x0 + 16.0, y),
        egui::Align2::LEFT_CENTER,
        "nothing calculated there",
        font,
        text,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scale_is_red_when_dark_green_as_calculated_blue_when_bright() {
        assert_eq!(ratio_color(Some(0.1)), Color32::from_rgb(150, 0, 20));
        assert_eq!(ratio_color(Some(0.4)), Color32::from_rgb(150, 0, 20));
        assert_eq!(ratio_color(Some(1.0)), Color32::from_rgb(40, 160, 70));
        assert_eq!(ratio_color(Some(5.0)), Color32::from_rgb(60, 40, 170));
        assert_eq!(ratio_color(None), NO_RATIO);
        assert_eq!(ratio_color(Some(f64::NAN)), NO_RATIO);
        // Between stops: a blend, not a jump.
        let c = ratio_color(Some(0.85));
        assert!(
            c.r() > 40 && c.r() < 240 && c.g() > 120 && c.g() < 160,
            "{c:?}"
        );
    }
}
