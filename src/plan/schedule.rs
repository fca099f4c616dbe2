//! The pole schedule: one CSV row per pole, for procurement and spreadsheets.
//!
//! One header row ([`COLUMNS`]), then one row per pole in plan order; no other lines (no
//! `sep=`, comments or attribution). Fields are separated by commas, decimals use a
//! point, records end in CRLF (RFC 4180), text is UTF-8, optionally after a byte-order
//! mark (`bom`) so that spreadsheet programs read æ, ø and å right.
//!
//! - `vendor` and `luminaire` are the plan's ids (the GeoPackage's `vendors` and
//!   `luminaire_types` tables, and File → Catalogue, give their names);
//! - `flux_lm` and `power_w` are the pole's luminaire type's rated flux and input power
//!   (empty when the type is unknown);
//! - `lon`, `lat` are WGS84 degrees to 8 decimals (about 1 mm), `e_25832_m`,
//!   `n_25832_m` the easting and northing in EPSG:25832 (ETRS89 / UTM zone 32N) to the
//!   millimetre ([`crate::frame::to_utm32`]);
//! - `street`, `chainage_m`, `side` are the pole's station on the street it belongs to,
//!   as the checks find it ([`crate::index::pole_stations`]: the nearest centreline; the
//!   chainage in metres from the street's first vertex, `left`/`right` looking along
//!   it); all three are empty for a pole farther than `rules.max_offset_m` from every
//!   street (the one `placement.off_route` reports);
//! - `review_status` is always there: `pending`, `approved` or `rejected`, empty for a
//!   pole never reviewed.

use super::Plan;
use crate::error::{FileError, Location};
use crate::frame::{Side, to_utm32};
use crate::index::{SiteIndex, on_route, pole_stations};
use std::path::Path;

/// The header row, in order.
pub const COLUMNS: [&str; 17] = [
    "id",
    "vendor",
    "luminaire",
    "flux_lm",
    "power_w",
    "height_m",
    "tilt_deg",
    "azimuth_deg",
    "overhang_m",
    "lon",
    "lat",
    "e_25832_m",
    "n_25832_m",
    "street",
    "chainage_m",
    "side",
    "review_status",
];

/// The UTF-8 byte-order mark written first with `bom`.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The pole schedule of `plan` as CSV bytes; with `bom`, after a UTF-8 byte-order mark.
pub fn schedule_csv(plan: &Plan, bom: bool) -> Vec<u8> {
    let index = SiteIndex::build(plan);
    let stations = pole_stations(&index);
    let luminaires: std::collections::HashMap<&str, &super::LuminaireType> =
        plan.luminaires.iter().map(|l| (l.id.as_str(), l)).collect();
    let mut out = Vec::with_capacity(160 * (plan.poles.len() + 1) + 3);
    if bom {
        out.extend_from_slice(BOM);
    }
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out);
    // Writing into a Vec cannot fail, and every record has the header's length.
    let _ = w.write_record(COLUMNS);
    let num = |v: f64| format!("{v}");
    for (i, p) in plan.poles.iter().enumerate() {
        let lum = luminaires.get(p.luminaire.as_str());
        let xy = to_utm32(p.lon, p.lat);
        let st = stations
            .get(i)
            .copied()
            .flatten()
            .filter(|s| on_route(Some(s), plan.rules.max_offset_m));
        let review = plan.pole_reviews.get(&p.id).map(|r| r.status.name());
        let record: [String; 17] = [
            p.id.clone(),
            p.vendor.clone(),
            p.luminaire.clone(),
            lum.map_or_else(String::new, |l| num(l.flux_lm)),
            lum.map_or_else(String::new, |l| num(l.power_w)),
            num(p.height_m),
            num(p.tilt_deg),
            num(p.azimuth_deg),
            num(p.overhang_m),
            format!("{:.8}", p.lon),
            format!("{:.8}", p.lat),
            format!("{:.3}", xy.x),
            format!("{:.3}", xy.y),
            st.map_or_else(String::new, |s| plan.streets[s.street].id.clone()),
            st.map_or_else(String::new, |s| format!("{:.3}", s.chainage_m)),
            st.map_or_else(String::new, |s| {
                match s.side {
                    Side::Left => "left",
                    Side::Right => "right",
                }
                .to_string()
            }),
            review.unwrap_or("").to_string(),
        ];
        let _ = w.write_record(&record);
    }
    w.into_inner().unwrap_or_default()
}

/// Writes the pole schedule of `plan` to `path` atomically (temporary file, sync, rename).
pub fn save_schedule_atomic(plan: &Plan, path: &Path, bom: bool) -> Result<(), FileError> {
    let bytes = schedule_csv(plan, bom);
    if bytes.is_empty() {
        return Err(FileError::new(
            path,
            Location::File,
            "could not build the schedule; nothing was written",
        ));
    }
    super::write_atomic(path, &bytes)
}
