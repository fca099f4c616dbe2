//! Box select: with the Select tool, Shift+drag on empty map draws a rectangle and selects
//! the visible poles inside it (R-tree box query, then an exact test on screen).

use super::state::AppState;
use egui::{Color32, Pos2, Rect, Response, Stroke, Ui};
use walkers::{MapMemory, Plugin, Projector, lon_lat};

/// A box being dragged, in screen points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoxSelect {
    pub origin: Pos2,
    pub current: Pos2,
}

impl BoxSelect {
    pub fn rect(&self) -> Rect {
        Rect::from_two_pos(self.origin, self.current)
    }
}

/// Ids of the shown poles whose screen position lies inside `rect`.
pub fn poles_in_screen_rect(state: &AppState, projector: &Projector, rect: Rect) -> Vec<String> {
    let corners = [
        rect.left_top(),
        rect.right_top(),
        rect.left_bottom(),
        rect.right_bottom(),
    ]
    .map(|c| {
        let p = projector.unproject(c.to_vec2());
        crate::frame::to_utm32(p.x(), p.y())
    });
    let fold = |f: fn(f64, f64) -> f64, init: f64, g: fn(&crate::frame::Xy) -> f64| {
        corners.iter().map(g).fold(init, f)
    };
    // The screen box is not square to the UTM grid (convergence, Mercator): query the
    // enclosing grid box with a margin, then test each candidate on screen.
    let min = crate::frame::Xy::new(
        fold(f64::min, f64::INFINITY, |c| c.x) - 1.0,
        fold(f64::min, f64::INFINITY, |c| c.y) - 1.0,
    );
    let max = crate::frame::Xy::new(
        fold(f64::max, f64::NEG_INFINITY, |c| c.x) + 1.0,
        fold(f64::max, f64::NEG_INFINITY, |c| c.y) + 1.0,
    );
    let mut ids: Vec<String> = state
        .checker()
        .index()
        .poles_in_box(min, max)
        .filter_map(|i| state.plan().poles.get(i))
        .filter(|p| !state.hidden_vendors.contains(p.vendor.as_str()))
        .filter(|p| rect.contains(projector.project(lon_lat(p.lon, p.lat)).to_pos2()))
        .map(|p| p.id.to_string())
        .collect();
    ids.sort();
    ids
}

/// Draws the selection rectangle.
pub struct BoxPlugin {
    pub rect: Rect,
}

impl Plugin for BoxPlugin {
    fn run(self: Box<Self>, ui: &mut Ui, _r: &Response, _p: &Projector, _m: &MapMemory) {
        let blue = Color32::from_rgb(20, 110, 255);
        ui.painter().rect(
            self.rect,
            0.0,
            Color32::from_rgba_unmultiplied(20, 110, 255, 30),
            Stroke::new(1.0, blue),
            egui::StrokeKind::Inside,
        );
    }
}
