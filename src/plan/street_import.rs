//! Importing street centrelines from any GeoJSON of lines, such as an export of the real
//! streets from QGIS or OpenStreetMap, where the features carry none of Lysplan's own
//! properties. `LineString` and `MultiLineString` features become streets; everything
//! else is skipped and counted.

use super::{LightingClass, Street};
use crate::error::{FileError, Location};
use crate::frame::LonLat;
use serde_json::Value;
use std::path::Path;

/// What an import found.
#[derive(Debug, Clone, PartialEq)]
pub struct StreetImport {
    pub streets: Vec<Street>,
    /// Features that were not lines (points, polygons, null geometry).
    pub skipped: usize,
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars().flat_map(char::to_lowercase) {
        match c {
            'a'..='z' | '0'..='9' => out.push(c),
            'æ' => out.push_str("ae"),
            'ø' => out.push_str("oe"),
            'å' => out.push_str("aa"),
            _ if !out.ends_with('-') && !out.is_empty() => out.push('-'),
            _ => {}
        }
    }
    out.trim_end_matches('-').to_string()
}

fn coords(v: &Value, at: &str, origin: &Path) -> Result<Vec<LonLat>, FileError> {
    let bad = |what: &str| {
        FileError::new(
            origin,
            Location::Field(at.to_string()),
            format!(
                "{what}; a line needs [longitude, latitude] pairs in degrees (WGS84, EPSG:4326)"
            ),
        )
    };
    let arr = v
        .as_array()
        .ok_or_else(|| bad("coordinates are not an array"))?;
    let mut out = Vec::with_capacity(arr.len());
    for (i, p) in arr.iter().enumerate() {
        let lon = p.get(0).and_then(Value::as_f64);
        let lat = p.get(1).and_then(Value::as_f64);
        match (lon, lat) {
            (Some(lon), Some(lat))
                if (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat) =>
            {
                out.push(LonLat::new(lon, lat));
            }
            _ => return Err(bad(&format!("point {i} is not a valid longitude/latitude"))),
        }
    }
    if out.len() < 2 {
        return Err(bad("a line needs at least two points"));
    }
    Ok(out)
}

/// Reads street lines from GeoJSON text. Properties used when present: `id`, `name`,
/// `class` (EN 13201, e.g. "P4"), `width_m` (also `width`); missing ids are made from the
/// name or the feature index, and made unique.
pub fn read_streets(text: &str, origin: &Path) -> Result<StreetImport, FileError> {
    let v: Value = serde_json::from_str(text).map_err(|e| {
        FileError::new(
            origin,
            Location::LineCol {
                line: e.line(),
                col: e.column(),
            },
            format!("{e}; the file must be GeoJSON"),
        )
    })?;
    let features: Vec<Value> = match v.get("type").and_then(Value::as_str) {
        Some("FeatureCollection") => v
            .get("features")
            .and_then(Value::as_array)
            .cloned()
            .ok_or_else(|| {
                FileError::new(
                    origin,
                    Location::Field("features".into()),
                    "a FeatureCollection needs a features array",
                )
            })?,
        Some("Feature") => vec![v.clone()],
        _ => {
            return Err(FileError::new(
                origin,
                Location::Field("type".into()),
                "expected a GeoJSON FeatureCollection or Feature",
            ));
        }
    };
    let mut streets: Vec<Street> = Vec::new();
    let mut skipped = 0;
    for (i, f) in features.iter().enumerate() {
        let props = f.get("properties").cloned().unwrap_or(Value::Null);
        let geom = f.get("geometry").cloned().unwrap_or(Value::Null);
        let parts: Vec<Vec<LonLat>> = match geom.get("type").and_then(Value::as_str) {
            Some("LineString") => vec![coords(
                &geom["coordinates"],
                &format!("features[{i}].geometry.coordinates"),
                origin,
            )?],
            Some("MultiLineString") => geom["coordinates"]
                .as_array()
                .map(|parts| {
                    parts
                        .iter()
                        .enumerate()
                        .map(|(k, p)| {
                            coords(
                                p,
                                &format!("features[{i}].geometry.coordinates[{k}]"),
                                origin,
                            )
                        })
                        .collect::<Result<Vec<_>, _>>()
                })
                .transpose()?
                .unwrap_or_default(),
            _ => {
                skipped += 1;
                continue;
            }
        };
        let name = props
            .get("name")
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| format!("Street {}", i + 1));
        let class_field = format!("features[{i}].properties.class");
        let class = match props.get("class") {
            None | Some(Value::Null) => None,
            Some(c) => Some(c.as_str().and_then(LightingClass::parse).ok_or_else(|| {
                FileError::new(
                    origin,
                    Location::Field(class_field),
                    "class must be an EN 13201 class: P1–P6, C0–C5 or M1–M6",
                )
            })?),
        };
        let width_m = match props.get("width_m").or_else(|| props.get("width")) {
            None | Some(Value::Null) => 7.0,
            Some(w) => match w.as_f64() {
                Some(w) if super::validate::STREET_WIDTH.allows(w) => w,
                _ => {
                    return Err(FileError::new(
                        origin,
                        Location::Field(format!("features[{i}].properties.width_m")),
                        format!(
                            "is {w}, but width_m must be {} (metres)",
                            super::validate::STREET_WIDTH.allowed()
                        ),
                    ));
                }
            },
        };
        let base_id = props
            .get("id")
            .and_then(|v| {
                v.as_str()
                    .map(str::to_string)
                    .or_else(|| v.as_i64().map(|n| n.to_string()))
            })
            .unwrap_or_else(|| {
                let s = slug(&name);
                if s.is_empty() {
                    format!("street-{}", i + 1)
                } else {
                    s
                }
            });
        for (k, points) in parts.into_iter().enumerate() {
            let mut id = if k == 0 {
                base_id.clone()
            } else {
                format!("{base_id}-{}", k + 1)
            };
            let mut n = 2;
            while streets.iter().any(|s| s.id == id) {
                id = format!("{base_id}-{n}");
                n += 1;
            }
            streets.push(Street {
                lanes: crate::plan::DEFAULT_LANES,
                surface: crate::plan::DEFAULT_SURFACE.into(),
                class_schedule: Vec::new(),
                id,
                name: name.clone(),
                class,
                width_m,
                points,
            });
        }
    }
    Ok(StreetImport { streets, skipped })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_qgis_style_lines_become_streets() {
        let text = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"name":"Fabriksparken","highway":"residential"},
           "geometry":{"type":"LineString","coordinates":[[12.38,55.68],[12.39,55.68]]}},
          {"type":"Feature","properties":{"name":"Fabriksparken","width":9,"class":"m4"},
           "geometry":{"type":"MultiLineString","coordinates":[[[12.38,55.69],[12.39,55.69]],[[12.40,55.69],[12.41,55.69]]]}},
          {"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[12.38,55.68]}}
        ]}"#;
        let r = read_streets(text, Path::new("roads.geojson")).unwrap();
        assert_eq!(r.skipped, 1);
        let ids: Vec<&str> = r.streets.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["fabriksparken", "fabriksparken-2", "fabriksparken-3"]);
        assert_eq!(r.streets[1].class, Some(LightingClass::M4));
        assert_eq!(r.streets[1].width_m, 9.0);
        assert_eq!(r.streets[0].width_m, 7.0);
    }

    #[test]
    fn bad_input_names_the_feature() {
        let text = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"class":"Z9"},"geometry":{"type":"LineString","coordinates":[[12.38,55.68],[12.39,55.68]]}}]}"#;
        let e = read_streets(text, Path::new("roads.geojson")).unwrap_err();
        assert!(
            e.to_string().contains("features[0].properties.class"),
            "{e}"
        );
        let text = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[512.38,55.68],[12.39,55.68]]}}]}"#;
        let e = read_streets(text, Path::new("roads.geojson")).unwrap_err();
        assert!(
            e.to_string().contains("features[0].geometry.coordinates"),
            "{e}"
        );
        let e = read_streets("{nope", Path::new("roads.geojson")).unwrap_err();
        assert!(e.to_string().contains("roads.geojson:1:2"), "{e}");
    }
}
