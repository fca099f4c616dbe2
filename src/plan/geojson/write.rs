//! Writing a plan as one GeoJSON FeatureCollection.

use crate::plan::{FORMAT_VERSION, LightingClass, LuminaireType, Plan, Rules, Vendor};
use serde::Serialize;
use serde_json::Value;

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
    energy: &'a crate::plan::energy::EnergySettings,
    control_profiles: &'a [crate::plan::energy::ControlProfile],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    surfaces: &'a [crate::plan::RoadSurface],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    submissions: &'a [crate::plan::review::Submission],
    #[serde(skip_serializing_if = "is_zero")]
    revision: u64,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    changelog: &'a [crate::plan::review::ChangelogEntry],
    /// The surveys without their points, which are `measurement` features.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    surveys: Vec<crate::plan::measured::Survey>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    energy_readings: &'a [crate::plan::measured::EnergyReading],
}

fn is_zero(v: &u64) -> bool {
    *v == 0
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
    lanes: u32,
    surface: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    class_schedule: Vec<(&'a str, &'static str)>,
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
    /// The pole's review (`review_status`, `review_comment`, `review_reviewer`,
    /// `review_time`), when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    review_status: Option<&'static str>,
    #[serde(skip_serializing_if = "str::is_empty")]
    review_comment: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    review_reviewer: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    review_time: &'a str,
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

/// A survey point: the name of its survey, and the point's fields as in the RON plan.
#[derive(Serialize)]
struct MeasurementProps<'a> {
    kind: &'static str,
    survey: &'a str,
    measured_at: &'a str,
    e_h_lx: f64,
    #[serde(skip_serializing_if = "str::is_empty")]
    note: &'a str,
}

fn json<T: Serialize>(v: &T) -> String {
    // Serialising these plain structs cannot fail (no maps with non-string keys, and
    // non-finite floats become null).
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

/// The plan as one GeoJSON FeatureCollection: streets, then sections (null geometry),
/// then poles, then the surveys' points (`kind: "measurement"`), one feature per line.
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
        energy: &plan.energy,
        control_profiles: &plan.control_profiles,
        surfaces: &plan.surfaces,
        submissions: &plan.submissions,
        revision: plan.revision,
        changelog: &plan.changelog,
        surveys: plan
            .surveys
            .iter()
            .map(crate::plan::measured::Survey::without_points)
            .collect(),
        energy_readings: &plan.energy_readings,
    };
    let measured: usize = plan.surveys.iter().map(|s| s.points.len()).sum();
    let mut lines: Vec<String> =
        Vec::with_capacity(plan.streets.len() + plan.sections.len() + plan.poles.len() + measured);
    for s in &plan.streets {
        lines.push(json(&FeatureOut {
            kind: "Feature",
            properties: StreetProps {
                kind: "street",
                id: &s.id,
                name: &s.name,
                class: s.class.map(LightingClass::name),
                width_m: s.width_m,
                lanes: s.lanes,
                surface: &s.surface,
                class_schedule: s
                    .class_schedule
                    .iter()
                    .map(|(t, c)| (t.as_str(), c.name()))
                    .collect(),
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
        let review = plan.pole_reviews.get(p.id.as_str());
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
                review_status: review.map(|r| r.status.name()),
                review_comment: review.map_or("", |r| &r.comment),
                review_reviewer: review.map_or("", |r| &r.reviewer),
                review_time: review.map_or("", |r| &r.time),
            },
            geometry: GeometryOut {
                kind: "Point",
                coordinates: [p.lon, p.lat],
            },
        }));
    }
    for s in &plan.surveys {
        for p in &s.points {
            lines.push(json(&FeatureOut {
                kind: "Feature",
                properties: MeasurementProps {
                    kind: "measurement",
                    survey: &s.name,
                    measured_at: &p.measured_at,
                    e_h_lx: p.e_h_lx,
                    note: &p.note,
                },
                geometry: GeometryOut {
                    kind: "Point",
                    coordinates: [p.lon, p.lat],
                },
            }));
        }
    }
    let mut out = String::with_capacity(lines.iter().map(|l| l.len() + 2).sum::<usize>() + 4096);
    out.push_str("{\"type\":\"FeatureCollection\",\n\"lysplan\":");
    out.push_str(&json(&meta));
    out.push_str(",\n\"features\":[\n");
    out.push_str(&lines.join(",\n"));
    out.push_str("\n]}\n");
    out
}
