//! The pole schedule: one CSV row per pole, for procurement and spreadsheets. Above both
//! [`crate::plan`] and [`crate::index`]: each row gives the pole's station, as the checks
//! find it.
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

use crate::error::{FileError, Location};
use crate::frame::{Side, to_utm32};
use crate::index::{SiteIndex, on_route, pole_stations};
use crate::plan::Plan;
use rayon::prelude::*;
use std::fmt::Write as _;
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
    let luminaires: std::collections::HashMap<&str, &crate::plan::LuminaireType> =
        plan.luminaires.iter().map(|l| (l.id.as_str(), l)).collect();
    let writer = |out: Vec<u8>| {
        csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(out)
    };
    let mut head = Vec::with_capacity(256);
    if bom {
        head.extend_from_slice(BOM);
    }
    let mut w = writer(head);
    // Writing into a Vec cannot fail, and every record has the header's length.
    let _ = w.write_record(COLUMNS);
    let mut out = w.into_inner().unwrap_or_default();
    // Rows in chunks side by side, each chunk's text in order; one reused buffer per
    // field, no allocation per value.
    let chunks: Vec<Vec<u8>> = plan
        .poles
        .par_chunks(4096)
        .enumerate()
        .map(|(c, poles)| {
            let mut w = writer(Vec::with_capacity(160 * poles.len()));
            let mut f = String::with_capacity(32);
            for (k, p) in poles.iter().enumerate() {
                let i = c * 4096 + k;
                let lum = luminaires.get(p.luminaire.as_str());
                let xy = to_utm32(p.lon, p.lat);
                let st = stations
                    .get(i)
                    .copied()
                    .flatten()
                    .filter(|s| on_route(Some(s), plan.rules.max_offset_m));
                let mut field = |text: std::fmt::Arguments| {
                    f.clear();
                    let _ = f.write_fmt(text);
                    let _ = w.write_field(&f);
                };
                field(format_args!("{}", p.id));
                field(format_args!("{}", p.vendor));
                field(format_args!("{}", p.luminaire));
                match lum {
                    Some(l) => {
                        field(format_args!("{}", l.flux_lm));
                        field(format_args!("{}", l.power_w));
                    }
                    None => {
                        field(format_args!(""));
                        field(format_args!(""));
                    }
                }
                field(format_args!("{}", p.height_m));
                field(format_args!("{}", p.tilt_deg));
                field(format_args!("{}", p.azimuth_deg));
                field(format_args!("{}", p.overhang_m));
                field(format_args!("{:.8}", p.lon));
                field(format_args!("{:.8}", p.lat));
                field(format_args!("{:.3}", xy.x));
                field(format_args!("{:.3}", xy.y));
                match st {
                    Some(s) => {
                        field(format_args!("{}", plan.streets[s.street()].id));
                        field(format_args!("{:.3}", s.chainage_m));
                        field(format_args!(
                            "{}",
                            match s.side {
                                Side::Left => "left",
                                Side::Right => "right",
                            }
                        ));
                    }
                    None => {
                        for _ in 0..3 {
                            field(format_args!(""));
                        }
                    }
                }
                let review = plan
                    .pole_reviews
                    .get(p.id.as_str())
                    .map(|r| r.status.name());
                field(format_args!("{}", review.unwrap_or("")));
                let _ = w.write_record(None::<&[u8]>);
            }
            w.into_inner().unwrap_or_default()
        })
        .collect();
    out.reserve(chunks.iter().map(Vec::len).sum());
    for c in chunks {
        out.extend_from_slice(&c);
    }
    out
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
    crate::plan::write_atomic(path, &bytes)
}
