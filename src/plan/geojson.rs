//! GeoJSON interchange (RFC 7946, WGS84 lon/lat) for QGIS users and scripts, as defined
//! in DESIGN.md "GeoJSON interchange".
//!
//! One FeatureCollection holds the plan:
//! - streets: `LineString` features, properties `kind: "street"`, `id`, `name`, `class`
//!   (absent = not evaluated), `width_m` (default 7);
//! - poles: `Point` features, properties `kind: "pole"`, `id`, `vendor`, `luminaire`,
//!   `height_m` (> 0), `tilt_deg` (0), `azimuth_deg` (default: towards the nearest street
//!   centreline, as a true bearing), `overhang_m` (0). `luminaire` is a luminaire type id
//!   of the `lysplan` member, or a path to an .ldt/.ies file relative to the GeoJSON file:
//!   that file is read and embedded in the plan as a new luminaire type (one per path);
//! - vendor sections: `kind: "section"`, `vendor`, `street`, `from_m`, `to_m`, optional
//!   `id`; any geometry (or null);
//! - plan settings in the top-level foreign member `"lysplan": {"name", "description",
//!   "maintenance_factor", "burning_hours_per_year", "rules", "vendors", "luminaires"}`.
//!   Without `vendors`, the vendors named by poles and sections are created.
//!
//! Malformed input gives a [`FileError`] naming the feature and property
//! (`features[3].properties.height_m`) and what to do; JSON syntax errors give
//! line:column.

use super::{
    FORMAT_VERSION, LightingClass, LuminaireType, PhotometrySource, Plan, Pole, Rules, Section,
    Street, Vendor,
};
use crate::error::{FileError, Location};
use crate::frame::{Polyline, bearing_of, grid_to_true_bearing, to_utm32};
use crate::index::SiteIndex;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::path::Path;

/// Reads a plan from a GeoJSON file.
pub fn load_geojson(path: &Path) -> Result<Plan, FileError> {
    let text = std::fs::read_to_string(path).map_err(|e| FileError::io(path, &e))?;
    read_geojson(&text, path)
}

/// Writes `plan` as GeoJSON to `path` atomically.
pub fn save_geojson_atomic(plan: &Plan, path: &Path) -> Result<(), FileError> {
    super::ron_io::write_atomic(path, to_geojson(plan).as_bytes())
}

struct Reader<'a> {
    origin: &'a Path,
}

impl Reader<'_> {
    fn err(&self, field: impl Into<String>, message: impl Into<String>) -> FileError {
        FileError::new(self.origin, Location::Field(field.into()), message)
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Typed access to one properties object, with the path prefix for messages.
struct Props<'r, 'a> {
    r: &'r Reader<'a>,
    map: &'r Map<String, Value>,
    path: String,
}

impl Props<'_, '_> {
    fn field(&self, key: &str) -> String {
        format!("{}.{}", self.path, key)
    }

    fn opt_str(&self, key: &str) -> Result<Option<String>, FileError> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(v) => Err(self.r.err(
                self.field(key),
                format!("must be a string, found {}; quote the value", type_name(v)),
            )),
        }
    }

    fn req_str(&self, key: &str, what: &str) -> Result<String, FileError> {
        match self.opt_str(key)? {
            Some(s) if !s.trim().is_empty() => Ok(s),
            Some(_) => Err(self
                .r
                .err(self.field(key), format!("is empty; give the {what}"))),
            None => Err(self.r.err(
                self.field(key),
                format!("is missing; add \"{key}\" with the {what}"),
            )),
        }
    }

    fn opt_num(&self, key: &str) -> Result<Option<f64>, FileError> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => match n.as_f64() {
                Some(x) if x.is_finite() => Ok(Some(x)),
                _ => Err(self
                    .r
                    .err(self.field(key), "is not a finite number; fix the value")),
            },
            Some(v) => Err(self.r.err(
                self.field(key),
                format!(
                    "must be a number, found {} ({}); write a plain JSON number such as 8.5",
                    type_name(v),
                    short(v)
                ),
            )),
        }
    }

    fn req_num(&self, key: &str, what: &str) -> Result<f64, FileError> {
        self.opt_num(key)?.ok_or_else(|| {
            self.r.err(
                self.field(key),
                format!("is missing; add \"{key}\" with the {what}"),
            )
        })
    }

    fn check_range(
        &self,
        key: &str,
        v: f64,
        ok: impl Fn(f64) -> bool,
        rule: &str,
    ) -> Result<f64, FileError> {
        if ok(v) {
            Ok(v)
        } else {
            Err(self
                .r
                .err(self.field(key), format!("is {v}, but it must be {rule}")))
        }
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s
    }
}

/// A `[lon, lat(, z)]` position.
fn position(r: &Reader, v: &Value, path: &str) -> Result<[f64; 2], FileError> {
    let Value::Array(a) = v else {
        return Err(r.err(
            path,
            format!(
                "a position must be an array [lon, lat], found {}",
                type_name(v)
            ),
        ));
    };
    if a.len() < 2 {
        return Err(r.err(
            path,
            format!("a position needs [lon, lat], found {} number(s)", a.len()),
        ));
    }
    let mut out = [0.0; 2];
    for (k, slot) in out.iter_mut().enumerate() {
        let x = match &a[k] {
            Value::Number(n) => n.as_f64().filter(|x| x.is_finite()),
            _ => None,
        };
        let Some(x) = x else {
            return Err(r.err(
                format!("{path}[{k}]"),
                format!("must be a finite number of degrees, found {}", short(&a[k])),
            ));
        };
        *slot = x;
    }
    let [lon, lat] = out;
    if !(-180.0..=180.0).contains(&lon) {
        return Err(r.err(
            format!("{path}[0]"),
            format!(
                "longitude {lon} is outside -180..180; GeoJSON is [lon, lat] in WGS84 degrees \
                 (reproject from local metres, e.g. EPSG:25832, in QGIS)"
            ),
        ));
    }
    if !(-90.0..=90.0).contains(&lat) {
        return Err(r.err(
            format!("{path}[1]"),
            format!(
                "latitude {lat} is outside -90..90; GeoJSON is [lon, lat] in WGS84 degrees \
                 (check the axis order and the CRS)"
            ),
        ));
    }
    Ok(out)
}

fn geometry<'v>(
    r: &Reader,
    f: &'v Map<String, Value>,
    fpath: &str,
    want: &str,
) -> Result<&'v Value, FileError> {
    let gpath = format!("{fpath}.geometry");
    let g = match f.get("geometry") {
        Some(Value::Object(g)) => g,
        None | Some(Value::Null) => {
            return Err(r.err(
                gpath,
                format!("is missing; this feature needs a {want} geometry"),
            ));
        }
        Some(v) => {
            return Err(r.err(gpath, format!("must be an object, found {}", type_name(v))));
        }
    };
    let t = g.get("type").and_then(Value::as_str).unwrap_or("");
    if t != want {
        return Err(r.err(
            format!("{gpath}.type"),
            format!(
                "is {:?}, but this kind of feature needs a {want}{}",
                t,
                if t.starts_with("Multi") {
                    "; split multi-part geometries into single parts (QGIS: Multipart to singleparts)"
                } else {
                    ""
                }
            ),
        ));
    }
    g.get("coordinates")
        .ok_or_else(|| r.err(format!("{gpath}.coordinates"), "is missing"))
}

/// A pole as read, before its luminaire is resolved and its azimuth defaulted.
struct RawPole {
    feature: usize,
    pole: Pole,
    azimuth_given: bool,
}

/// Reads feature `fi` into `plan` (streets, sections) or `raw_poles`.
fn read_feature(
    r: &Reader,
    fi: usize,
    fv: &Value,
    plan: &mut Plan,
    raw_poles: &mut Vec<RawPole>,
) -> Result<(), FileError> {
    let fpath = format!("features[{fi}]");
    let Value::Object(f) = fv else {
        return Err(r.err(
            fpath,
            format!("must be a Feature object, found {}", type_name(fv)),
        ));
    };
    let ppath = format!("{fpath}.properties");
    let map = match f.get("properties") {
        Some(Value::Object(m)) => m,
        None | Some(Value::Null) => {
            return Err(r.err(
                format!("{ppath}.kind"),
                "is missing (the feature has no properties); set kind to \"street\", \"pole\" or \"section\"",
            ));
        }
        Some(v) => {
            return Err(r.err(ppath, format!("must be an object, found {}", type_name(v))));
        }
    };
    let p = Props {
        r,
        map,
        path: ppath,
    };
    let kind = p.req_str("kind", "feature kind: \"street\", \"pole\" or \"section\"")?;
    let id = match map.get("id") {
        None | Some(Value::Null) => match f.get("id") {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        },
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(v) => {
            return Err(r.err(
                p.field("id"),
                format!("must be a string, found {}", type_name(v)),
            ));
        }
    }
    .filter(|s| !s.trim().is_empty());
    match kind.as_str() {
        "street" => {
            let id = id.ok_or_else(|| {
                r.err(
                    p.field("id"),
                    "is missing; give every street a unique id such as \"S01\"",
                )
            })?;
            let coords = geometry(r, f, &fpath, "LineString")?;
            let cpath = format!("{fpath}.geometry.coordinates");
            let Value::Array(a) = coords else {
                return Err(r.err(cpath, "must be an array of positions"));
            };
            if a.len() < 2 {
                return Err(r.err(
                    cpath,
                    format!("a street needs at least 2 positions, found {}", a.len()),
                ));
            }
            let points = a
                .iter()
                .enumerate()
                .map(|(k, v)| position(r, v, &format!("{cpath}[{k}]")))
                .collect::<Result<Vec<_>, _>>()?;
            let class = match p.opt_str("class")? {
                None => None,
                Some(s) if s.trim().is_empty() => None,
                Some(s) => Some(LightingClass::parse(&s).ok_or_else(|| {
                    r.err(
                        p.field("class"),
                        format!(
                            "{s:?} is not an EN 13201 class; use one of P1..P6, C0..C5, \
                             M1..M6, or leave it out"
                        ),
                    )
                })?),
            };
            let width_m = match p.opt_num("width_m")? {
                Some(w) => p.check_range("width_m", w, |w| w > 0.0, "> 0 metres")?,
                None => 7.0,
            };
            plan.streets.push(Street {
                id,
                name: p.opt_str("name")?.unwrap_or_default(),
                class,
                width_m,
                points,
            });
        }
        "pole" => {
            let id = id.ok_or_else(|| {
                r.err(
                    p.field("id"),
                    "is missing; give every pole a unique id such as \"P017\"",
                )
            })?;
            let coords = geometry(r, f, &fpath, "Point")?;
            let [lon, lat] = position(r, coords, &format!("{fpath}.geometry.coordinates"))?;
            let height_m = p.req_num("height_m", "luminaire height above ground in metres")?;
            let height_m = p.check_range("height_m", height_m, |h| h > 0.0, "> 0 metres")?;
            let tilt_deg = match p.opt_num("tilt_deg")? {
                Some(t) => p.check_range(
                    "tilt_deg",
                    t,
                    |t| (0.0..90.0).contains(&t),
                    "in 0..90 degrees",
                )?,
                None => 0.0,
            };
            let overhang_m = match p.opt_num("overhang_m")? {
                Some(o) => p.check_range("overhang_m", o, |o| o >= 0.0, ">= 0 metres")?,
                None => 0.0,
            };
            let azimuth = p.opt_num("azimuth_deg")?;
            let vendor = p.req_str("vendor", "vendor id")?;
            let lum = p.req_str("luminaire", "luminaire type id or .ldt/.ies file path")?;
            // Resolved once the whole file (and the catalogue) is read.
            let luminaire = lum;
            raw_poles.push(RawPole {
                feature: fi,
                azimuth_given: azimuth.is_some(),
                pole: Pole {
                    id,
                    lon,
                    lat,
                    height_m,
                    overhang_m,
                    tilt_deg,
                    azimuth_deg: azimuth.unwrap_or(0.0),
                    vendor,
                    luminaire,
                },
            });
        }
        "section" => {
            let vendor = p.req_str("vendor", "vendor id")?;
            let street = p.req_str("street", "street id")?;
            let from_m = p.req_num("from_m", "start chainage in metres")?;
            let from_m = p.check_range("from_m", from_m, |v| v >= 0.0, ">= 0 metres")?;
            let to_m = p.req_num("to_m", "end chainage in metres")?;
            let to_m = p.check_range("to_m", to_m, |v| v >= 0.0, ">= 0 metres")?;
            plan.sections.push(Section {
                id: id.unwrap_or_else(|| format!("section-{fi}")),
                vendor,
                street,
                from_m,
                to_m,
            });
        }
        other => {
            return Err(r.err(
                p.field("kind"),
                format!(
                    "{other:?} is not a kind Lysplan knows; use \"street\", \"pole\" or \"section\""
                ),
            ));
        }
    }
    Ok(())
}

/// What the streaming reader collects.
#[derive(Default)]
struct Collected {
    kind: Option<Value>,
    meta: Option<Value>,
    features_seen: bool,
    plan: Plan,
    raw_poles: Vec<RawPole>,
    /// A semantic error in a feature; it aborts the JSON parse and wins over it.
    error: Option<FileError>,
}

struct RootVisitor<'r, 'a> {
    r: &'r Reader<'a>,
    c: &'r mut Collected,
}

impl<'de> serde::de::Visitor<'de> for RootVisitor<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a GeoJSON FeatureCollection object")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "type" => self.c.kind = Some(map.next_value()?),
                "lysplan" => self.c.meta = Some(map.next_value()?),
                "features" => {
                    self.c.features_seen = true;
                    map.next_value_seed(FeaturesSeed {
                        r: self.r,
                        c: &mut *self.c,
                    })?;
                }
                _ => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

struct FeaturesSeed<'r, 'a> {
    r: &'r Reader<'a>,
    c: &'r mut Collected,
}

impl<'de> serde::de::DeserializeSeed<'de> for FeaturesSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> serde::de::Visitor<'de> for FeaturesSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("\"features\" to be an array of GeoJSON features")
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        // One feature at a time: memory stays proportional to the plan, not to a
        // JSON tree of the whole file.
        let mut fi = 0usize;
        while let Some(v) = seq.next_element::<Value>()? {
            if let Err(e) = read_feature(self.r, fi, &v, &mut self.c.plan, &mut self.c.raw_poles) {
                self.c.error = Some(e);
                return Err(serde::de::Error::custom("invalid feature"));
            }
            fi += 1;
        }
        Ok(())
    }
}

/// Parses a plan from GeoJSON text. `origin` names the file in messages and anchors
/// relative photometry paths. Features are read one at a time (streaming).
pub fn read_geojson(text: &str, origin: &Path) -> Result<Plan, FileError> {
    let r = Reader { origin };
    let syntax = |e: serde_json::Error| {
        FileError::new(
            origin,
            Location::LineCol {
                line: e.line(),
                col: e.column(),
            },
            format!("{e}; fix the JSON syntax there"),
        )
    };
    if !text.trim_start().starts_with('{') {
        // Not an object: report a syntax error if there is one, else the shape.
        serde_json::from_str::<serde::de::IgnoredAny>(text).map_err(syntax)?;
        return Err(r.err("(root)", "must be a GeoJSON FeatureCollection object"));
    }
    let mut c = Collected::default();
    let mut de = serde_json::Deserializer::from_str(text);
    let parsed = serde::Deserializer::deserialize_map(&mut de, RootVisitor { r: &r, c: &mut c })
        .and_then(|()| de.end());
    if let Some(e) = c.error.take() {
        return Err(e);
    }
    parsed.map_err(syntax)?;

    match c.kind.as_ref().and_then(Value::as_str) {
        Some("FeatureCollection") => {}
        other => {
            return Err(r.err(
                "type",
                format!(
                    "is {other:?}, but a plan must be a FeatureCollection; wrap the features in \
                     {{\"type\": \"FeatureCollection\", \"features\": [...]}}"
                ),
            ));
        }
    }
    if !c.features_seen {
        return Err(r.err("features", "is missing; add \"features\": [...]"));
    }
    let mut plan = std::mem::take(&mut c.plan);
    let mut raw_poles = std::mem::take(&mut c.raw_poles);
    let vendors_given = read_meta(&r, c.meta.as_ref(), &mut plan)?;

    // Luminaires: a catalogue id, or a photometry file to embed (once per path).
    let mut photometry_by_path: HashMap<String, String> = HashMap::new();
    let catalogue: std::collections::HashSet<String> =
        plan.luminaires.iter().map(|l| l.id.clone()).collect();
    for rp in raw_poles.iter_mut() {
        let lum = &rp.pole.luminaire;
        if catalogue.contains(lum) || !is_photometry_path(lum) {
            // Unknown ids are kept; the reference.luminaire check reports them.
            continue;
        }
        let id = match photometry_by_path.get(lum) {
            Some(id) => id.clone(),
            None => {
                let field = format!("features[{}].properties.luminaire", rp.feature);
                let id = embed_photometry(&r, &field, lum, &mut plan)?;
                photometry_by_path.insert(lum.clone(), id.clone());
                id
            }
        };
        rp.pole.luminaire = id;
    }

    // Default azimuth: the luminaire's C = 90 direction towards the nearest centreline.
    if raw_poles.iter().any(|p| !p.azimuth_given) {
        let lines = plan
            .streets
            .iter()
            .map(|s| {
                let l = Polyline::from_lonlat(&s.points);
                // A pole at the pole (lat ±90) cannot be projected; leave such streets out.
                if l.pts.iter().all(|q| q.x.is_finite() && q.y.is_finite()) {
                    l
                } else {
                    Polyline::from_xy(Vec::new())
                }
            })
            .collect();
        let index = SiteIndex::from_parts(lines, Vec::new());
        for rp in raw_poles.iter_mut().filter(|p| !p.azimuth_given) {
            let p = &mut rp.pole;
            let xy = to_utm32(p.lon, p.lat);
            if !(xy.x.is_finite() && xy.y.is_finite()) {
                continue;
            }
            if let Some((si, st)) = index.nearest_street(xy) {
                let grid = if st.offset_m > 1e-9 {
                    bearing_of(st.foot.x - xy.x, st.foot.y - xy.y)
                } else {
                    // On the centreline: face the right-hand side of the street.
                    let d = index
                        .streets
                        .get(si)
                        .and_then(|l| l.point_at(st.chainage_m))
                        .map(|(_, d)| d)
                        .unwrap_or(crate::frame::Xy::new(0.0, 1.0));
                    bearing_of(d.y, -d.x)
                };
                p.azimuth_deg = grid_to_true_bearing(grid, p.lon, p.lat);
            }
        }
    }
    plan.poles = raw_poles.into_iter().map(|p| p.pole).collect();

    if !vendors_given {
        let mut seen = std::collections::HashSet::new();
        let names = plan
            .poles
            .iter()
            .map(|p| p.vendor.clone())
            .chain(plan.sections.iter().map(|s| s.vendor.clone()));
        for v in names {
            if seen.insert(v.clone()) {
                let k = plan.vendors.len();
                plan.vendors.push(Vendor {
                    name: v.clone(),
                    id: v,
                    color: PALETTE[k % PALETTE.len()],
                });
            }
        }
    }
    Ok(plan)
}

/// Colours for vendors created from a GeoJSON without a vendor list.
const PALETTE: [[u8; 3]; 8] = [
    [31, 119, 180],
    [255, 127, 14],
    [44, 160, 44],
    [214, 39, 40],
    [148, 103, 189],
    [140, 86, 75],
    [227, 119, 194],
    [23, 190, 207],
];

fn is_photometry_path(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    l.ends_with(".ldt") || l.ends_with(".ies")
}

/// Reads the photometry file `rel` (relative to the GeoJSON file), embeds it as a new
/// luminaire type and returns its id. A file that exists but does not parse is still
/// embedded (flux and power 0); the `reference.luminaire` check reports it.
fn embed_photometry(
    r: &Reader,
    field: &str,
    rel: &str,
    plan: &mut Plan,
) -> Result<String, FileError> {
    let base = r.origin.parent().unwrap_or(Path::new("."));
    let path = base.join(rel);
    let bytes = std::fs::read(&path).map_err(|e| {
        r.err(
            field,
            format!(
                "cannot read photometry file {} ({e}); the path is relative to the GeoJSON \
                 file, or use a luminaire type id of the \"lysplan\" member",
                path.display()
            ),
        )
    })?;
    let text = String::from_utf8(bytes.clone())
        .unwrap_or_else(|_| bytes.iter().map(|&b| b as char).collect());
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| rel.to_string());
    let stem = path
        .file_stem()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "luminaire".into());
    let mut id = stem.clone();
    let mut n = 2;
    while plan.luminaires.iter().any(|l| l.id == id) {
        id = format!("{stem}-{n}");
        n += 1;
    }
    let (name, flux_lm, power_w) = match crate::photometry::parse(&text, &path) {
        Ok(ph) => {
            let name = [ph.manufacturer.trim(), ph.name.trim()]
                .iter()
                .filter(|s| !s.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(" ");
            (
                if name.is_empty() { stem.clone() } else { name },
                ph.declared_flux_lm.or(ph.lamp_flux_lm).unwrap_or(0.0),
                ph.power_w,
            )
        }
        Err(_) => (stem.clone(), 0.0, 0.0),
    };
    plan.luminaires.push(LuminaireType {
        id: id.clone(),
        name,
        photometry: PhotometrySource::Embedded { file_name, text },
        rotation_deg: 0.0,
        flux_lm,
        power_w,
    });
    Ok(id)
}

/// Reads the `lysplan` foreign member into `plan`; returns whether it listed vendors.
fn read_meta(r: &Reader, meta: Option<&Value>, plan: &mut Plan) -> Result<bool, FileError> {
    let m = match meta {
        None | Some(Value::Null) => return Ok(false),
        Some(Value::Object(m)) => m,
        Some(v) => {
            return Err(r.err(
                "lysplan",
                format!("must be an object, found {}", type_name(v)),
            ));
        }
    };
    let p = Props {
        r,
        map: m,
        path: "lysplan".into(),
    };
    if let Some(v) = p.opt_num("format_version")?
        && v > FORMAT_VERSION as f64
    {
        return Err(r.err(
            "lysplan.format_version",
            format!(
                "the file is format version {v}, but this Lysplan reads up to version \
                 {FORMAT_VERSION}; open it with a newer Lysplan"
            ),
        ));
    }
    if let Some(s) = p.opt_str("name")? {
        plan.name = s;
    }
    if let Some(s) = p.opt_str("description")? {
        plan.description = s;
    }
    if let Some(v) = p.opt_num("maintenance_factor")? {
        plan.maintenance_factor = p.check_range(
            "maintenance_factor",
            v,
            |v| v > 0.0 && v <= 1.0,
            "in (0, 1]",
        )?;
    }
    if let Some(v) = p.opt_num("burning_hours_per_year")? {
        plan.burning_hours_per_year = p.check_range(
            "burning_hours_per_year",
            v,
            |v| (0.0..=8784.0).contains(&v),
            "in 0..8784 hours",
        )?;
    }
    if let Some(v) = m.get("rules").filter(|v| !v.is_null()) {
        plan.rules = serde_json::from_value::<Rules>(v.clone()).map_err(|e| {
            r.err(
                "lysplan.rules",
                format!("{e}; rules are numbers named as in the RON plan (min_spacing_m, ...)"),
            )
        })?;
    }
    let vendors_given = match m.get("vendors") {
        None | Some(Value::Null) => false,
        Some(Value::Array(a)) => {
            for (k, v) in a.iter().enumerate() {
                plan.vendors
                    .push(serde_json::from_value::<Vendor>(v.clone()).map_err(|e| {
                        r.err(
                            format!("lysplan.vendors[{k}]"),
                            format!("{e}; a vendor is {{\"id\", \"name\", \"color\": [r, g, b]}}"),
                        )
                    })?);
            }
            true
        }
        Some(v) => {
            return Err(r.err(
                "lysplan.vendors",
                format!("must be an array, found {}", type_name(v)),
            ));
        }
    };
    match m.get("luminaires") {
        None | Some(Value::Null) => {}
        Some(Value::Array(a)) => {
            for (k, v) in a.iter().enumerate() {
                plan.luminaires
                    .push(
                        serde_json::from_value::<LuminaireType>(v.clone()).map_err(|e| {
                            r.err(
                                format!("lysplan.luminaires[{k}]"),
                                format!(
                                    "{e}; a luminaire type is {{\"id\", \"name\", \"photometry\", \
                                 \"flux_lm\", \"power_w\"}}"
                                ),
                            )
                        })?,
                    );
            }
        }
        Some(v) => {
            return Err(r.err(
                "lysplan.luminaires",
                format!("must be an array, found {}", type_name(v)),
            ));
        }
    }
    Ok(vendors_given)
}

#[derive(Serialize)]
struct MetaOut<'a> {
    format_version: u32,
    name: &'a str,
    description: &'a str,
    maintenance_factor: f64,
    burning_hours_per_year: f64,
    rules: &'a Rules,
    vendors: &'a [Vendor],
    luminaires: &'a [LuminaireType],
}

#[derive(Serialize)]
struct FeatureOut<P: Serialize, G: Serialize> {
    #[serde(rename = "type")]
    kind: &'static str,
    properties: P,
    geometry: G,
}

#[derive(Serialize)]
struct GeometryOut<C: Serialize> {
    #[serde(rename = "type")]
    kind: &'static str,
    coordinates: C,
}

#[derive(Serialize)]
struct StreetProps<'a> {
    kind: &'static str,
    id: &'a str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    class: Option<&'static str>,
    width_m: f64,
}

#[derive(Serialize)]
struct PoleProps<'a> {
    kind: &'static str,
    id: &'a str,
    vendor: &'a str,
    luminaire: &'a str,
    height_m: f64,
    tilt_deg: f64,
    azimuth_deg: f64,
    overhang_m: f64,
}

#[derive(Serialize)]
struct SectionProps<'a> {
    kind: &'static str,
    id: &'a str,
    vendor: &'a str,
    street: &'a str,
    from_m: f64,
    to_m: f64,
}

fn json<T: Serialize>(v: &T) -> String {
    // Serialising these plain structs cannot fail (no maps with non-string keys, and
    // non-finite floats become null).
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

/// The plan as one GeoJSON FeatureCollection: streets, then sections (null geometry),
/// then poles, one feature per line.
pub fn to_geojson(plan: &Plan) -> String {
    let meta = MetaOut {
        format_version: FORMAT_VERSION,
        name: &plan.name,
        description: &plan.description,
        maintenance_factor: plan.maintenance_factor,
        burning_hours_per_year: plan.burning_hours_per_year,
        rules: &plan.rules,
        vendors: &plan.vendors,
        luminaires: &plan.luminaires,
    };
    let mut lines: Vec<String> =
        Vec::with_capacity(plan.streets.len() + plan.sections.len() + plan.poles.len());
    for s in &plan.streets {
        lines.push(json(&FeatureOut {
            kind: "Feature",
            properties: StreetProps {
                kind: "street",
                id: &s.id,
                name: &s.name,
                class: s.class.map(LightingClass::name),
                width_m: s.width_m,
            },
            geometry: GeometryOut {
                kind: "LineString",
                coordinates: &s.points,
            },
        }));
    }
    for s in &plan.sections {
        lines.push(json(&FeatureOut {
            kind: "Feature",
            properties: SectionProps {
                kind: "section",
                id: &s.id,
                vendor: &s.vendor,
                street: &s.street,
                from_m: s.from_m,
                to_m: s.to_m,
            },
            geometry: Value::Null,
        }));
    }
    for p in &plan.poles {
        lines.push(json(&FeatureOut {
            kind: "Feature",
            properties: PoleProps {
                kind: "pole",
                id: &p.id,
                vendor: &p.vendor,
                luminaire: &p.luminaire,
                height_m: p.height_m,
                tilt_deg: p.tilt_deg,
                azimuth_deg: p.azimuth_deg,
                overhang_m: p.overhang_m,
            },
            geometry: GeometryOut {
                kind: "Point",
                coordinates: [p.lon, p.lat],
            },
        }));
    }
    let mut out = String::with_capacity(lines.iter().map(|l| l.len() + 2).sum::<usize>() + 4096);
    out.push_str("{\"type\":\"FeatureCollection\",\n\"lysplan\":");
    out.push_str(&json(&meta));
    out.push_str(",\n\"features\":[\n");
    out.push_str(&lines.join(",\n"));
    out.push_str("\n]}\n");
    out
}
