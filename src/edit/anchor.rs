//! Moving a pole along its street: while dragged, a pole on the route keeps its offset
//! and side from the street centreline and slides along it (its azimuth turning with the
//! street at bends); holding Alt frees it.

use super::document::Document;
use crate::frame::{LonLat, Polyline, Side, bearing_of};

/// Where a dragged pole sits relative to its street when the drag starts.
#[derive(Debug, Clone)]
pub struct StreetAnchor {
    pub street: usize,
    line: Polyline,
    pub offset_m: f64,
    pub side: Side,
    /// Grid bearing of the street where the pole was, degrees.
    dir0_deg: f64,
    azimuth0_deg: f64,
}

impl StreetAnchor {
    /// The anchor of pole `i` on its street, if the pole is on the route (within the
    /// plan's `max_offset_m` of a centreline).
    pub fn of(doc: &Document, i: usize) -> Option<StreetAnchor> {
        let st = doc.checker().station(i)?;
        if st.offset_m > doc.plan().rules.max_offset_m {
            return None;
        }
        let street = doc.plan().streets.get(st.street())?;
        let line = Polyline::from_lonlat(&street.points);
        let (_, dir) = line.point_at(st.chainage_m)?;
        Some(StreetAnchor {
            street: st.street(),
            offset_m: st.offset_m,
            side: st.side,
            dir0_deg: bearing_of(dir.x, dir.y),
            azimuth0_deg: doc.plan().poles.get(i)?.azimuth_deg,
            line,
        })
    }

    /// The position on the street nearest to the pointer at `to`, at the anchored offset
    /// and side, and the azimuth turned by the street's change of direction since the
    /// start of the drag.
    pub fn target(&self, to: LonLat) -> Option<(LonLat, f64)> {
        let st = self.line.station(to.to_xy())?;
        let p = self
            .line
            .offset_point(st.chainage_m, self.offset_m, self.side)?;
        let (_, dir) = self.line.point_at(st.chainage_m)?;
        let turn = bearing_of(dir.x, dir.y) - self.dir0_deg;
        Some((
            LonLat::from_xy(p),
            (self.azimuth0_deg + turn).rem_euclid(360.0),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::Xy;
    use crate::plan::{Plan, Pole, Street};

    fn ll(x: f64, y: f64) -> LonLat {
        crate::frame::offset_lonlat(LonLat::new(12.388, 55.685), x, y)
    }

    /// An L-shaped street: 100 m east, then 100 m north; a pole 5 m south of the first
    /// leg at 30 m, facing north (towards the street).
    fn state() -> Document {
        let mut plan = Plan::default();
        plan.streets.push(Street {
            lanes: crate::plan::DEFAULT_LANES,
            surface: crate::plan::DEFAULT_SURFACE.into(),
            class_schedule: Vec::new(),
            id: "l".into(),
            name: "L".into(),
            class: None,
            width_m: 6.0,
            points: vec![ll(0.0, 0.0), ll(100.0, 0.0), ll(100.0, 100.0)],
        });
        let p = ll(30.0, -5.0);
        plan.poles.push(Pole {
            id: "P1".into(),
            lon: p.lon,
            lat: p.lat,
            height_m: 8.0,
            overhang_m: 0.0,
            tilt_deg: 0.0,
            azimuth_deg: 0.0,
            vendor: Default::default(),
            luminaire: Default::default(),
        });
        Document::new(plan, None)
    }

    fn xy(p: LonLat) -> Xy {
        p.to_xy()
    }

    #[test]
    fn a_dragged_pole_keeps_its_offset_and_turns_with_the_street() {
        let s = state();
        let a = StreetAnchor::of(&s, 0).expect("on the route");
        assert!((a.offset_m - 5.0).abs() < 1e-6);
        let o = xy(ll(0.0, 0.0));
        // Pointer 20 m north of the first leg at 60 m: the pole stays 5 m south.
        let (p, az) = a.target(ll(60.0, 20.0)).unwrap();
        let p = xy(p);
        assert!((p.x - o.x - 60.0).abs() < 1e-6 && (p.y - o.y + 5.0).abs() < 1e-6);
        assert!(az.abs() < 1e-6 || (az - 360.0).abs() < 1e-6, "{az}");
        // On the second leg (running north) the right-hand side is east, and the pole
        // that faced north now faces west, towards the street.
        let (p, az) = a.target(ll(90.0, 50.0)).unwrap();
        let p = xy(p);
        assert!((p.x - o.x - 105.0).abs() < 1e-6 && (p.y - o.y - 50.0).abs() < 1e-6);
        assert!((az - 270.0).abs() < 1e-6, "{az}");
    }

    #[test]
    fn a_pole_off_the_route_has_no_anchor() {
        let mut s = state();
        let far = ll(30.0, -50.0);
        s.move_pole(0, far.lon, far.lat, None);
        assert!(StreetAnchor::of(&s, 0).is_none());
    }
}
