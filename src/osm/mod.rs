//! Importing the real streets (and street lamps) of a site from OpenStreetMap through an
//! Overpass API endpoint: the bounding box and its query ([`BBox`], [`query`]), the
//! response read into typed elements ([`parse_response`]), streets and lamps made from
//! them ([`to_import`], in [`streets`]), added to a plan as one change ([`add_to_plan`])
//! and the HTTP request itself ([`fetch`]).
//!
//! Map data from OpenStreetMap is © OpenStreetMap contributors, under the Open Database
//! Licence (ODbL): [`ATTRIBUTION`] goes into the description of every plan that receives
//! imported data, so it travels with the data.

mod fetch;
pub mod streets;

pub use fetch::{FetchError, FetchOptions, USER_AGENT, fetch};
pub use streets::{ImportedStreet, Lamp, OsmImport, suggested_class, to_import};

use crate::error::{FileError, Location};
use crate::frame::LonLat;
use crate::plan::{LuminaireType, PhotometrySource, Plan, Pole, Street, Vendor};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// The public Overpass API server, the default endpoint.
pub const DEFAULT_ENDPOINT: &str = "https://overpass-api.de/api/interpreter";

/// The attribution OpenStreetMap's licence asks for, written into the plan.
pub const ATTRIBUTION: &str = "Map data © OpenStreetMap contributors, available under the \
     Open Database Licence (ODbL): https://www.openstreetmap.org/copyright";

/// The largest area asked for at once, km² (a site, not a city: larger areas load the
/// public server and give thousands of streets to sort through).
pub const MAX_AREA_KM2: f64 = 25.0;

/// The server-side time limit written into the query, seconds.
pub const QUERY_TIMEOUT_S: u32 = 60;

/// The vendor the existing OSM street lamps are poles of.
pub const LAMP_VENDOR: &str = "osm-existing";

/// The luminaire type of the existing OSM street lamps (their photometry is not known).
pub const LAMP_LUMINAIRE: &str = "osm-unknown";

/// Mounting height of a street lamp whose `height` tag is missing or unreadable, m.
pub const DEFAULT_LAMP_HEIGHT_M: f64 = 6.0;

/// A bounding box in WGS84 degrees, validated: west < east, south < north, in range and
/// at most [`MAX_AREA_KM2`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BBox {
    pub west: f64,
    pub south: f64,
    pub east: f64,
    pub north: f64,
}

impl BBox {
    /// Checks the four edges; the message says what is wrong and how to write it.
    pub fn new(west: f64, south: f64, east: f64, north: f64) -> Result<BBox, String> {
        let lon_ok = |v: f64| v.is_finite() && (-180.0..=180.0).contains(&v);
        let lat_ok = |v: f64| v.is_finite() && (-90.0..=90.0).contains(&v);
        if !(lon_ok(west) && lon_ok(east) && lat_ok(south) && lat_ok(north)) {
            return Err(format!(
                "the box {west},{south},{east},{north} is not in WGS84 degrees: longitudes \
                 must be in -180..180 and latitudes in -90..90 (W,S,E,N, e.g. \
                 12.370,55.678,12.395,55.690)"
            ));
        }
        if west >= east || south >= north {
            return Err(format!(
                "the box {west},{south},{east},{north} is empty or inside out: give W,S,E,N \
                 with west < east and south < north (e.g. 12.370,55.678,12.395,55.690)"
            ));
        }
        let b = BBox {
            west,
            south,
            east,
            north,
        };
        let area = b.area_km2();
        if area > MAX_AREA_KM2 {
            return Err(format!(
                "the box covers {area:.0} km², more than the {MAX_AREA_KM2:.0} km² asked for \
                 at once; zoom in on the site or import it in parts"
            ));
        }
        Ok(b)
    }

    /// Parses `W,S,E,N` in degrees.
    pub fn parse(text: &str) -> Result<BBox, String> {
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        let nums: Option<Vec<f64>> = parts.iter().map(|p| p.parse::<f64>().ok()).collect();
        match nums.as_deref() {
            Some(&[w, s, e, n]) => BBox::new(w, s, e, n),
            _ => Err(format!(
                "{text:?} is not a bounding box; write four numbers W,S,E,N in degrees \
                 (west, south, east, north), e.g. 12.370,55.678,12.395,55.690"
            )),
        }
    }

    /// The area, km² (spherical Earth, good to a fraction of a percent at site size).
    pub fn area_km2(&self) -> f64 {
        const R_KM: f64 = 6371.0;
        let d_lon = (self.east - self.west).to_radians();
        let (s, n) = (self.south.to_radians(), self.north.to_radians());
        R_KM * R_KM * d_lon * (n.sin() - s.sin())
    }
}

impl std::fmt::Display for BBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{},{},{},{}",
            self.west, self.south, self.east, self.north
        )
    }
}

impl std::str::FromStr for BBox {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        BBox::parse(s)
    }
}

/// The Overpass QL query: every `highway=*` way and every `highway=street_lamp` node in
/// the box, then the nodes of the ways (`>`), so every vertex comes back with its
/// position. Overpass writes boxes as (south, west, north, east).
pub fn query(b: &BBox) -> String {
    let area = format!("{},{},{},{}", b.south, b.west, b.north, b.east);
    format!(
        "[out:json][timeout:{QUERY_TIMEOUT_S}];\n(\n  way[\"highway\"]({area});\n  \
         node[\"highway\"=\"street_lamp\"]({area});\n);\nout body;\n>;\nout skel qt;\n"
    )
}

/// An Overpass JSON response (`[out:json]`): the elements, and the remark Overpass
/// adds when the query failed or was cut short on the server.
#[derive(Debug, Deserialize)]
struct Response {
    elements: Vec<Element>,
    #[serde(default)]
    remark: Option<String>,
}

/// One element of the response. Relations and areas are not asked for and are ignored.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
enum Element {
    Node {
        id: i64,
        lat: f64,
        lon: f64,
        #[serde(default)]
        tags: BTreeMap<String, String>,
    },
    Way {
        id: i64,
        nodes: Vec<i64>,
        #[serde(default)]
        tags: BTreeMap<String, String>,
    },
    #[serde(other)]
    Other,
}

/// An OSM way as read: its id, node ids in order, and tags.
#[derive(Debug, Clone, PartialEq)]
pub struct Way {
    pub id: i64,
    pub nodes: Vec<i64>,
    pub tags: BTreeMap<String, String>,
}

/// What a response holds: the ways, every node's position, and the tagged nodes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OsmData {
    pub ways: Vec<Way>,
    /// The position of each node, by id.
    pub nodes: HashMap<i64, LonLat>,
    /// Nodes with tags (the street lamps among them), by id.
    pub tagged: BTreeMap<i64, BTreeMap<String, String>>,
}

/// Reads an Overpass JSON response. `origin` names it in errors (the saved file, or the
/// endpoint it came from). Malformed JSON is refused with its line and column, a
/// position out of range names the node, and an Overpass "runtime error" remark (the
/// query timed out or ran out of memory on the server, so the data is incomplete) is
/// refused too: nothing half-read is ever returned.
pub fn parse_response(text: &str, origin: &Path) -> Result<OsmData, FileError> {
    let r: Response = serde_json::from_str(text).map_err(|e| {
        FileError::new(
            origin,
            Location::LineCol {
                line: e.line(),
                col: e.column(),
            },
            format!(
                "{e}; this is not an Overpass API JSON response (ask with [out:json], or \
                 save the response again)"
            ),
        )
    })?;
    if let Some(remark) = r.remark.filter(|m| m.contains("error")) {
        return Err(FileError::new(
            origin,
            Location::Field("remark".into()),
            format!(
                "the Overpass server reports \"{remark}\", so the data is incomplete; try \
                 again later or with a smaller area"
            ),
        ));
    }
    let mut data = OsmData::default();
    for (i, el) in r.elements.into_iter().enumerate() {
        match el {
            Element::Node { id, lat, lon, tags } => {
                if !((-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat)) {
                    return Err(FileError::new(
                        origin,
                        Location::Field(format!("elements[{i}]")),
                        format!(
                            "node {id} is at lat {lat}, lon {lon}, which is not a WGS84 \
                             position; the response is damaged, fetch it again"
                        ),
                    ));
                }
                data.nodes.insert(id, LonLat::new(lon, lat));
                if !tags.is_empty() {
                    data.tagged.insert(id, tags);
                }
            }
            Element::Way { id, nodes, tags } => data.ways.push(Way { id, nodes, tags }),
            Element::Other => {}
        }
    }
    Ok(data)
}

/// What [`add_to_plan`] did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Added {
    pub streets: usize,
    pub poles: usize,
    /// Ids of streets and poles already in the plan, left as they were.
    pub kept_existing: Vec<String>,
}

impl Added {
    /// One line for people: "12 streets and 3 street lamps added; 2 already in the
    /// plan were kept as they were (osm-w1, osm-w2)".
    pub fn summary(&self) -> String {
        let mut s = format!("{} streets", self.streets);
        if self.poles > 0 {
            s.push_str(&format!(" and {} street lamps", self.poles));
        }
        s.push_str(" added from OpenStreetMap");
        if !self.kept_existing.is_empty() {
            s.push_str(&format!(
                "; {} already in the plan were kept as they were ({})",
                self.kept_existing.len(),
                self.kept_existing.join(", ")
            ));
        }
        s
    }
}

/// Adds `streets` and `lamps` to `plan`. An id already in the plan (the same OSM way or
/// node imported before, or a planner's own object) is never overwritten: it is kept
/// and listed in [`Added::kept_existing`]. With lamps, the vendor [`LAMP_VENDOR`] and
/// the luminaire type [`LAMP_LUMINAIRE`] are added when missing. The OSM attribution is
/// appended to the plan's description once.
pub fn add_to_plan(plan: &mut Plan, streets: &[Street], lamps: &[Lamp]) -> Added {
    let mut taken: std::collections::HashSet<String> = plan
        .streets
        .iter()
        .map(|s| s.id.clone())
        .chain(plan.poles.iter().map(|p| p.id.to_string()))
        .collect();
    let mut added = Added::default();
    for s in streets {
        if taken.insert(s.id.clone()) {
            plan.streets.push(s.clone());
            added.streets += 1;
        } else {
            added.kept_existing.push(s.id.clone());
        }
    }
    if !lamps.is_empty() {
        ensure_lamp_catalogue(plan);
    }
    for l in lamps {
        let pole = l.to_pole();
        if taken.insert(pole.id.to_string()) {
            plan.poles.push(pole);
            added.poles += 1;
        } else {
            added.kept_existing.push(pole.id.into());
        }
    }
    if (added.streets > 0 || added.poles > 0) && !plan.description.contains(ATTRIBUTION) {
        if !plan.description.is_empty() {
            plan.description.push_str("\n\n");
        }
        plan.description.push_str(ATTRIBUTION);
    }
    added
}

/// A neutral grey for the existing lamps, apart from the vendors' colours.
const LAMP_VENDOR_COLOR: [u8; 3] = [128, 128, 128];

/// A placeholder photometry for lamps whose luminaire is not known: absolute IES,
/// 0.001 cd in every direction (the check refuses an all-zero table as a broken file),
/// so it lights nothing measurable (under 0.0001 lx at 6 m) rather than pretending to a
/// light distribution; `flux_lm` and `power_w` are 0 for the same reason.
const UNKNOWN_PHOTOMETRY: &str = "IESNA:LM-63-2002\n\
[TEST] LYSPLAN-OSM-UNKNOWN\n\
[LUMINAIRE] Unknown luminaire of an existing street lamp (OpenStreetMap); placeholder\n\
TILT=NONE\n\
1 -1 1.0 2 1 1 2 0.0 0.0 0.0\n\
1.0 1.0 0.0\n\
0.0 90.0\n\
0.0\n\
0.001 0.001\n";

fn ensure_lamp_catalogue(plan: &mut Plan) {
    if plan.vendor(LAMP_VENDOR).is_none() {
        plan.vendors.push(Vendor {
            id: LAMP_VENDOR.into(),
            name: "Existing street lamps (OpenStreetMap)".into(),
            color: LAMP_VENDOR_COLOR,
            control_profile: None,
        });
    }
    if plan.luminaire(LAMP_LUMINAIRE).is_none() {
        plan.luminaires.push(LuminaireType {
            id: LAMP_LUMINAIRE.into(),
            name: "Unknown luminaire, from OpenStreetMap (photometry and power not known)".into(),
            photometry: PhotometrySource::Embedded {
                file_name: "osm-unknown.ies".into(),
                text: UNKNOWN_PHOTOMETRY.into(),
            },
            rotation_deg: 0.0,
            flux_lm: 0.0,
            power_w: 0.0,
            standby_w: 0.0,
            output_level: 1.0,
        });
    }
}

impl Lamp {
    /// The lamp as a pole of [`LAMP_VENDOR`] carrying [`LAMP_LUMINAIRE`], id `osm-n<id>`.
    pub fn to_pole(&self) -> Pole {
        Pole {
            id: format!("osm-n{}", self.osm_id).into(),
            lon: self.lon,
            lat: self.lat,
            height_m: self.height_m,
            overhang_m: 0.0,
            tilt_deg: 0.0,
            azimuth_deg: 0.0,
            vendor: LAMP_VENDOR.into(),
            luminaire: LAMP_LUMINAIRE.into(),
        }
    }
}

/// A new plan holding an import: its streets, and its lamps when `with_lamps`. The
/// description says where the data came from and carries the attribution.
pub fn to_plan(import: &OsmImport, with_lamps: bool, source: &str) -> Plan {
    let mut plan = Plan {
        name: "Streets from OpenStreetMap".into(),
        description: format!(
            "Imported from OpenStreetMap ({source}). Lighting classes are suggestions from \
             the highway type (see docs/planner.md); check them before planning."
        ),
        ..Plan::default()
    };
    let streets: Vec<Street> = import.streets.iter().map(|s| s.street.clone()).collect();
    let lamps: &[Lamp] = if with_lamps { &import.lamps } else { &[] };
    add_to_plan(&mut plan, &streets, lamps);
    if streets.is_empty() && lamps.is_empty() {
        plan.description.push_str("\n\n");
        plan.description.push_str(ATTRIBUTION);
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bbox_is_checked() {
        assert!(BBox::parse("12.370,55.678,12.395,55.690").is_ok());
        let e = BBox::parse("12.395,55.678,12.370,55.690").unwrap_err();
        assert!(e.contains("west < east"), "{e}");
        let e = BBox::parse("12.3,55.6").unwrap_err();
        assert!(e.contains("W,S,E,N"), "{e}");
        let e = BBox::parse("12,55,13,56").unwrap_err();
        assert!(e.contains("km²"), "{e}");
        let e = BBox::parse("12.3,95,12.4,96").unwrap_err();
        assert!(e.contains("-90..90"), "{e}");
        assert!(BBox::parse("NaN,55.6,12.4,55.7").is_err());
    }

    #[test]
    fn area_of_a_site_box() {
        let b = BBox::parse("12.370,55.678,12.395,55.690").unwrap();
        // 0.025° of longitude at 55.68° N is 1.566 km, 0.012° of latitude 1.334 km.
        assert!((b.area_km2() - 2.09).abs() < 0.01, "{}", b.area_km2());
    }

    #[test]
    fn query_asks_for_ways_lamps_and_the_nodes_of_the_ways() {
        let q = query(&BBox::parse("12.37,55.678,12.395,55.69").unwrap());
        assert!(q.starts_with("[out:json][timeout:60];"), "{q}");
        assert!(
            q.contains("way[\"highway\"](55.678,12.37,55.69,12.395);"),
            "{q}"
        );
        assert!(q.contains("node[\"highway\"=\"street_lamp\"](55.678,12.37,55.69,12.395);"));
        assert!(q.contains("out body;\n>;\nout skel qt;"), "{q}");
    }

    #[test]
    fn the_unknown_photometry_reads_and_emits_next_to_nothing() {
        let p = crate::photometry::parse(UNKNOWN_PHOTOMETRY, Path::new("osm-unknown.ies")).unwrap();
        // 0.001 cd over the lower hemisphere: 2 pi mlm.
        let flux = p.table.flux_lm();
        assert!(flux > 0.0 && flux < 0.01, "{flux}");
    }

    #[test]
    fn overpass_runtime_errors_are_refused() {
        let text = r#"{"elements":[],"remark":"runtime error: Query timed out in \"query\" at line 3 after 61 seconds."}"#;
        let e = parse_response(text, Path::new("overpass")).unwrap_err();
        assert!(e.to_string().contains("incomplete"), "{e}");
    }
}
