//! "Add a row along the route": the poles of a row placed along one street. The app's
//! row panel edits a [`RowSpec`], previews [`plan_row`]'s poles on the map and applies
//! [`row_edit`]'s edit; the command line can make the same row.

use super::document::Step;
use super::error::EditError;
use super::op::Edit;
use super::poles::validate_pole;
use crate::frame::{Polyline, Side};
use crate::plan::{Plan, Pole, Section};

/// How the poles of a row are spread between its ends.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RowSpacing {
    /// A pole every `spacing_m` metres along the street, starting at `from_m`.
    Every(f64),
    /// `count` poles evenly spread from `from_m` to `to_m`, both ends included.
    Count(usize),
}

/// Everything that defines a row of poles.
#[derive(Debug, Clone, PartialEq)]
pub struct RowSpec {
    /// Id of the street the row follows.
    pub street: String,
    pub side: Side,
    /// Chainage of the first pole, metres along the street.
    pub from_m: f64,
    /// Chainage the row must not pass, metres along the street.
    pub to_m: f64,
    pub spacing: RowSpacing,
    pub height_m: f64,
    /// Distance of the poles from the street centreline, metres.
    pub offset_m: f64,
    pub overhang_m: f64,
    pub tilt_deg: f64,
    pub vendor: String,
    pub luminaire: String,
}

/// Most poles one row may add (a typo in the spacing must not add a million poles).
pub const MAX_ROW_POLES: usize = 2000;

/// The chainages of a row's poles between `from_m` and `to_m` (in either order), or why
/// there are none.
pub fn row_chainages(from_m: f64, to_m: f64, spacing: RowSpacing) -> Result<Vec<f64>, String> {
    if !(from_m.is_finite() && to_m.is_finite()) {
        return Err("from and to chainage must be numbers of metres".into());
    }
    let (a, b) = (from_m.min(to_m), from_m.max(to_m));
    match spacing {
        RowSpacing::Every(s) => {
            if !(s.is_finite() && s >= 0.5) {
                return Err(format!("spacing {s} m: must be at least 0.5 m"));
            }
            let n = ((b - a) / s + 1e-9).floor() as usize + 1;
            if n > MAX_ROW_POLES {
                return Err(format!(
                    "{n} poles: a row adds at most {MAX_ROW_POLES}; use a larger spacing"
                ));
            }
            Ok((0..n).map(|k| a + k as f64 * s).collect())
        }
        RowSpacing::Count(0) => Err("count 0: a row needs at least one pole".into()),
        RowSpacing::Count(n) if n > MAX_ROW_POLES => {
            Err(format!("{n} poles: a row adds at most {MAX_ROW_POLES}"))
        }
        RowSpacing::Count(1) => Ok(vec![a]),
        RowSpacing::Count(n) => {
            let step = (b - a) / (n - 1) as f64;
            Ok((0..n).map(|k| a + k as f64 * step).collect())
        }
    }
}

/// The poles of a row (not yet in the plan), with fresh ids, each facing the street
/// (azimuth = true bearing towards the centreline, square to the street). Chainages
/// outside the street are refused with a reason.
pub fn plan_row(plan: &Plan, spec: &RowSpec) -> Result<Vec<Pole>, String> {
    let street = plan
        .street(&spec.street)
        .ok_or_else(|| "choose a street for the row".to_string())?;
    if street.points.len() < 2 {
        return Err(format!(
            "street {} has fewer than two points: nothing to follow",
            street.name
        ));
    }
    let line = Polyline::from_lonlat(&street.points);
    let len = line.length();
    for (what, c) in [("from", spec.from_m), ("to", spec.to_m)] {
        if !(c.is_finite() && (-1e-6..=len + 1e-6).contains(&c)) {
            return Err(format!(
                "{what} chainage {c:.1} m: {} runs from 0 to {len:.1} m",
                street.name
            ));
        }
    }
    if !(spec.offset_m.is_finite() && (0.0..=50.0).contains(&spec.offset_m)) {
        return Err(format!(
            "offset {} m: must be between 0 and 50 m from the centreline",
            spec.offset_m
        ));
    }
    if plan.vendor(&spec.vendor).is_none() {
        return Err("choose a vendor for the row".into());
    }
    if plan.luminaire(&spec.luminaire).is_none() {
        return Err("choose a luminaire for the row".into());
    }
    let chainages = row_chainages(spec.from_m, spec.to_m, spec.spacing)?;
    let mut fresh = crate::plan::FreshIds::of(plan);
    let ids: Vec<String> = chainages.iter().map(|_| fresh.next_id("P")).collect();
    let mut poles = Vec::with_capacity(chainages.len());
    for (c, id) in chainages.into_iter().zip(ids) {
        let c = c.clamp(0.0, len);
        // Facing the centreline: the normal pointing from this side across the street.
        let Some((lon, lat, azimuth_deg)) =
            crate::design::place(&line, c, spec.offset_m, spec.side)
        else {
            return Err(format!("no point at chainage {c:.1} m of {}", street.name));
        };
        let pole = Pole {
            id: id.into(),
            lon,
            lat,
            height_m: spec.height_m,
            overhang_m: spec.overhang_m,
            tilt_deg: spec.tilt_deg,
            azimuth_deg,
            vendor: spec.vendor.as_str().into(),
            luminaire: spec.luminaire.as_str().into(),
        };
        validate_pole(&pole).map_err(|e| format!("pole at {c:.1} m: {e}"))?;
        poles.push(pole);
    }
    Ok(poles)
}

/// The sections the vendor holds on the street (for "fill this vendor's section").
pub fn vendor_sections<'a>(plan: &'a Plan, vendor: &str, street: &str) -> Vec<&'a Section> {
    plan.sections
        .iter()
        .filter(|s| s.vendor == vendor && s.street == street)
        .collect()
}

/// The row's poles as one edit (appended to the plan), with their ids.
pub fn row_edit(plan: &Plan, spec: &RowSpec) -> Result<(Step, Vec<String>), EditError> {
    let poles = plan_row(plan, spec)?;
    let street = plan
        .street(&spec.street)
        .map(|s| s.name.clone())
        .unwrap_or_default();
    let ids = poles.iter().map(|p| p.id.to_string()).collect();
    let at = plan.poles.len();
    let step = Step {
        label: format!("Add a row of {} poles along {street}", poles.len()),
        edit: Edit::InsertPoles(
            poles
                .into_iter()
                .enumerate()
                .map(|(k, p)| (at + k, p))
                .collect(),
        ),
    };
    Ok((step, ids))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::frame::{LonLat, Xy, to_utm32};
    use crate::plan::{LuminaireType, PhotometrySource, Street, Vendor};

    /// A plan with one straight 200 m street running east at the site, and one bent one.
    pub(crate) fn plan() -> Plan {
        let o = to_utm32(12.388, 55.685);
        let ll = |dx: f64, dy: f64| LonLat::from_xy(Xy::new(o.x + dx, o.y + dy));
        Plan {
            name: "t".into(),
            vendors: vec![Vendor {
                id: "V1".into(),
                name: "Vendor one".into(),
                color: [1, 2, 3],
                control_profile: None,
            }],
            luminaires: vec![LuminaireType {
                id: "L1".into(),
                name: "Lum".into(),
                photometry: PhotometrySource::Bundled("x.ldt".into()),
                rotation_deg: 0.0,
                flux_lm: 5000.0,
                power_w: 40.0,
                standby_w: 0.0,
                output_level: 1.0,
            }],
            streets: vec![
                Street {
                    lanes: crate::plan::DEFAULT_LANES,
                    surface: crate::plan::DEFAULT_SURFACE.into(),
                    class_schedule: Vec::new(),
                    id: "S1".into(),
                    name: "East road".into(),
                    class: None,
                    width_m: 7.0,
                    points: vec![ll(0.0, 0.0), ll(200.0, 0.0)],
                },
                Street {
                    lanes: crate::plan::DEFAULT_LANES,
                    surface: crate::plan::DEFAULT_SURFACE.into(),
                    class_schedule: Vec::new(),
                    id: "S2".into(),
                    name: "Bent road".into(),
                    class: None,
                    width_m: 7.0,
                    points: vec![ll(0.0, 100.0), ll(100.0, 100.0), ll(100.0, 200.0)],
                },
            ],
            ..Plan::default()
        }
    }

    pub(crate) fn spec(spacing: RowSpacing) -> RowSpec {
        RowSpec {
            street: "S1".into(),
            side: Side::Left,
            from_m: 10.0,
            to_m: 190.0,
            spacing,
            height_m: 8.0,
            offset_m: 6.0,
            overhang_m: 0.5,
            tilt_deg: 0.0,
            vendor: "V1".into(),
            luminaire: "L1".into(),
        }
    }

    #[test]
    fn chainages_by_spacing_and_by_count() {
        assert_eq!(
            row_chainages(10.0, 50.0, RowSpacing::Every(20.0)).unwrap(),
            vec![10.0, 30.0, 50.0]
        );
        // Reversed ends give the same row; a remainder shorter than the spacing is left.
        assert_eq!(
            row_chainages(55.0, 10.0, RowSpacing::Every(20.0)).unwrap(),
            vec![10.0, 30.0, 50.0]
        );
        assert_eq!(
            row_chainages(0.0, 90.0, RowSpacing::Count(4)).unwrap(),
            vec![0.0, 30.0, 60.0, 90.0]
        );
        assert_eq!(
            row_chainages(5.0, 90.0, RowSpacing::Count(1)).unwrap(),
            vec![5.0]
        );
        assert!(row_chainages(0.0, 90.0, RowSpacing::Count(0)).is_err());
        assert!(row_chainages(0.0, 90.0, RowSpacing::Every(0.0)).is_err());
        assert!(row_chainages(0.0, 90.0, RowSpacing::Every(f64::NAN)).is_err());
        assert!(row_chainages(0.0, 1e9, RowSpacing::Every(1.0)).is_err());
    }

    #[test]
    fn row_on_the_left_faces_the_street_at_the_requested_offset() {
        let p = plan();
        let poles = plan_row(&p, &spec(RowSpacing::Every(30.0))).unwrap();
        assert_eq!(poles.len(), 7); // 10, 40, ..., 190
        let line = Polyline::from_lonlat(&p.streets[0].points);
        for (k, pole) in poles.iter().enumerate() {
            let xy = to_utm32(pole.lon, pole.lat);
            let st = line.station(xy).unwrap();
            assert!((st.chainage_m - (10.0 + 30.0 * k as f64)).abs() < 1e-3);
            assert!((st.offset_m - 6.0).abs() < 1e-3);
            assert_eq!(st.side, Side::Left);
            // Left of an eastward street is north; facing the street is grid south,
            // i.e. true bearing 180° minus the meridian convergence.
            let grid = crate::frame::true_to_grid_bearing(pole.azimuth_deg, pole.lon, pole.lat);
            assert!((grid - 180.0).abs() < 1e-6, "grid bearing {grid}");
            assert!(
                (pole.azimuth_deg - 180.0).abs() > 1.0,
                "true differs from grid"
            );
        }
        let right = plan_row(
            &p,
            &RowSpec {
                side: Side::Right,
                ..spec(RowSpacing::Count(2))
            },
        )
        .unwrap();
        let grid =
            crate::frame::true_to_grid_bearing(right[0].azimuth_deg, right[0].lon, right[0].lat);
        assert!(grid.abs() < 1e-6 || (grid - 360.0).abs() < 1e-6, "{grid}");
    }

    #[test]
    fn ids_are_fresh_and_distinct() {
        let mut p = plan();
        p.poles = plan_row(&p, &spec(RowSpacing::Count(3))).unwrap();
        let more = plan_row(&p, &spec(RowSpacing::Count(3))).unwrap();
        let mut ids: Vec<&str> = p.poles.iter().chain(&more).map(|q| q.id.as_str()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 6);
    }

    #[test]
    fn refuses_bad_input_with_a_reason() {
        let p = plan();
        let e = plan_row(
            &p,
            &RowSpec {
                to_m: 250.0,
                ..spec(RowSpacing::Every(10.0))
            },
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("0 to 200.0 m"), "{e}");
        let e = plan_row(
            &p,
            &RowSpec {
                height_m: 0.0,
                ..spec(RowSpacing::Every(10.0))
            },
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("height"), "{e}");
        let e = plan_row(
            &p,
            &RowSpec {
                street: "nope".into(),
                ..spec(RowSpacing::Every(10.0))
            },
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("street"), "{e}");
    }

    #[test]
    fn follows_a_bend() {
        let p = plan();
        let poles = plan_row(
            &p,
            &RowSpec {
                street: "S2".into(),
                from_m: 0.0,
                to_m: 200.0,
                offset_m: 0.0,
                ..spec(RowSpacing::Every(50.0))
            },
        )
        .unwrap();
        assert_eq!(poles.len(), 5);
        let line = Polyline::from_lonlat(&p.streets[1].points);
        let last = to_utm32(poles[4].lon, poles[4].lat);
        assert!(last.dist(line.pts[2]) < 1e-3);
    }

    #[test]
    fn a_row_is_one_undoable_edit() {
        let mut d = super::super::Document::new(plan(), None);
        let (step, ids) = row_edit(d.plan(), &spec(RowSpacing::Every(20.0))).unwrap();
        assert_eq!(ids.len(), 10);
        d.apply(step.label, step.edit).unwrap();
        assert_eq!(d.plan().poles.len(), 10);
        assert!(ids.iter().all(|id| d.pole(id).is_some()));
        d.undo();
        assert!(d.plan().poles.is_empty());
        assert!(!d.can_undo());
    }
}
