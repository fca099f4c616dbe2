//! Vendor sections on the map: each section's stretch of street as a translucent band
//! in its vendor's colour, under the poles (docs/architecture.md "The map").

use super::state::AppState;
use crate::frame::{LonLat, Polyline};
use egui::{Color32, Response, Stroke, Ui};
use std::collections::HashMap;
use walkers::{MapMemory, Plugin, Projector, lon_lat};

/// One band: the vendor's colour and the stretch of centreline.
type Band = (Color32, Vec<LonLat>);

/// The bands of a plan, with the section's vendor colour (grey for an unknown vendor);
/// sections on missing streets are skipped (the checks report them).
pub fn section_bands(state: &AppState, colors: &HashMap<String, Color32>) -> Vec<Band> {
    let lines: HashMap<&str, Polyline> = state
        .plan()
        .streets
        .iter()
        .map(|s| (s.id.as_str(), Polyline::from_lonlat(&s.points)))
        .collect();
    state
        .plan()
        .sections
        .iter()
        .filter(|s| !state.hidden_vendors.contains(&s.vendor))
        .filter_map(|s| {
            let line = lines.get(s.street.as_str())?;
            let pts: Vec<LonLat> = line
                .sub_line(s.from_m, s.to_m)
                .into_iter()
                .map(LonLat::from_xy)
                .collect();
            let c = colors.get(&s.vendor).copied().unwrap_or(Color32::GRAY);
            (pts.len() >= 2).then_some((c, pts))
        })
        .collect()
}

/// The bands of one plan revision and set of hidden vendors, made once and kept by the
/// app (recomputing them projects every section's stretch of street).
#[derive(Default)]
pub struct BandCache {
    key: Option<(u64, u64)>,
    bands: Vec<Band>,
}

impl BandCache {
    /// The bands for the plan as of its last finished edit, or as it is now with `live`
    /// (a street vertex being dragged: the bands follow it). A dragged pole changes no
    /// band, so it does not recompute them.
    pub fn get(
        &mut self,
        state: &AppState,
        colors: &HashMap<String, Color32>,
        live: bool,
    ) -> &[Band] {
        let hidden = {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            state.hidden_vendors.hash(&mut h);
            // Every finished edit (streets, sections, vendor colours).
            state.settled_revision().hash(&mut h);
            h.finish()
        };
        let key = (if live { state.revision() } else { 0 }, hidden);
        if self.key != Some(key) {
            self.bands = section_bands(state, colors);
            self.key = Some(key);
        }
        &self.bands
    }
}

pub struct SectionsPlugin<'a> {
    pub bands: &'a [Band],
}

impl Plugin for SectionsPlugin<'_> {
    fn run(self: Box<Self>, ui: &mut Ui, _r: &Response, projector: &Projector, _m: &MapMemory) {
        let bands = self.bands;
        // The view in lon/lat (with a margin), to skip bands out of sight unprojected.
        let clip = projector.clip_rect().expand(50.0);
        let corners = [clip.left_top(), clip.right_bottom()].map(|c| {
            let p = projector.unproject(c.to_vec2());
            LonLat::new(p.x(), p.y())
        });
        let [c0, c1] = corners;
        let lo = LonLat::new(c0.lon.min(c1.lon), c0.lat.min(c1.lat));
        let hi = LonLat::new(c0.lon.max(c1.lon), c0.lat.max(c1.lat));
        let in_view: Vec<&Band> = bands
            .iter()
            .filter(|(_, pts)| {
                let mut a = LonLat::new(f64::INFINITY, f64::INFINITY);
                let mut b = LonLat::new(f64::NEG_INFINITY, f64::NEG_INFINITY);
                for p in pts {
                    a = LonLat::new(a.lon.min(p.lon), a.lat.min(p.lat));
                    b = LonLat::new(b.lon.max(p.lon), b.lat.max(p.lat));
                }
                a.lon <= hi.lon && b.lon >= lo.lon && a.lat <= hi.lat && b.lat >= lo.lat
            })
            .collect();
        // Thousands of sections in view (a whole city's network at far zoom): the bands
        // would be a few pixels each and cost more than everything else on the map; the
        // poles' colours show the vendors there.
        if in_view.len() > MAX_BANDS {
            return;
        }
        let painter = ui.painter();
        for (color, pts) in in_view {
            let screen = super::map::simplify_on_screen(
                pts.iter()
                    .map(|p| projector.project(lon_lat(p.lon, p.lat)).to_pos2()),
            );
            let band = Color32::from_rgba_unmultiplied(color.r(), color.g(), color.b(), 90);
            painter.add(egui::Shape::line(screen, Stroke::new(9.0, band)));
        }
    }
}

/// Above this many sections in view, the bands are not drawn (see [`SectionsPlugin`]).
pub const MAX_BANDS: usize = 1_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_section_becomes_a_band_of_its_length() {
        let state = AppState::new(crate::bundled::doll_plan(), None);
        let colors = crate::app::vendor_colors(state.plan());
        let bands = section_bands(&state, &colors);
        assert_eq!(bands.len(), state.plan().sections.len());
        for ((c, pts), s) in bands.iter().zip(&state.plan().sections) {
            assert_eq!(Some(c), colors.get(&s.vendor));
            let len = Polyline::from_lonlat(pts).length();
            let street = state.plan().street(&s.street).unwrap();
            let street_len = Polyline::from_lonlat(&street.points).length();
            let want = s.to_m.min(street_len) - s.from_m.max(0.0);
            assert!((len - want).abs() < 0.01, "{}: {len} vs {want}", s.id);
        }
        let mut hidden = state;
        let v = hidden.plan().sections[0].vendor.clone();
        hidden.hidden_vendors.insert(v);
        assert!(section_bands(&hidden, &colors).len() < bands.len());
    }
}
