//! The fast reader: features deserialized straight into typed, borrowed structs (no
//! `serde_json::Value` tree, strings borrowed from the text where they have no escapes).
//!
//! It only has to be right about files it accepts: anything it does not expect (a
//! property of another type, a duplicate key, a semantic error, a syntax error) makes it
//! give up, and the reader starts again on the careful path of `feature.rs`, which names
//! the feature, the property and what to do. A file the fast path accepts gives exactly
//! the plan the careful path gives (`tests/core/geojson.rs` compares the two).

use super::feature::PoleNote;
use super::{Collected, LongNames};
use crate::frame::LonLat;
use crate::plan::schema::{self, Field, Fields};
use crate::plan::validate::ValueError;
use crate::plan::{Name, Street};
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

/// Why the fast path gave up (the careful path then says what is wrong, if anything).
#[derive(Debug)]
pub(super) struct GaveUp;

/// Reads `text` into `c` on the fast path; `Err` means: read it again carefully.
pub(super) fn read(text: &str) -> Result<Collected, GaveUp> {
    let mut c = Collected::default();
    let mut de = serde_json::Deserializer::from_str(text);
    de::Deserializer::deserialize_map(&mut de, Root { c: &mut c })
        .and_then(|()| de.end())
        .map_err(|_| GaveUp)?;
    Ok(c)
}

/// Reads one run of features, framed as a JSON array (`chunked`); `None`: give up.
pub(super) fn read_run(bytes: &[u8]) -> Option<Collected> {
    let mut c = Collected::default();
    // One UTF-8 check of the whole run is cheaper than one per string.
    let text = std::str::from_utf8(bytes).ok()?;
    let mut de = serde_json::Deserializer::from_str(text);
    de::Deserializer::deserialize_seq(&mut de, Features { c: &mut c })
        .and_then(|()| de.end())
        .ok()?;
    Some(c)
}

fn gave_up<E: de::Error>() -> E {
    E::custom("the fast reader gives up")
}

struct Root<'c> {
    c: &'c mut Collected,
}

impl<'de> Visitor<'de> for Root<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a FeatureCollection")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            let c = &mut *self.c;
            match key.as_ref() {
                "type" if c.kind.is_none() => c.kind = Some(map.next_value()?),
                "lysplan" if c.meta.is_none() => c.meta = Some(map.next_value()?),
                "features" if !c.features_seen => {
                    c.features_seen = true;
                    map.next_value_seed(Features { c })?;
                }
                // A key given twice: the careful path decides what that means.
                "type" | "lysplan" | "features" => return Err(gave_up()),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

struct Features<'c> {
    c: &'c mut Collected,
}

impl<'de> DeserializeSeed<'de> for Features<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Features<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of features")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut fi = 0usize;
        while let Some(f) = seq.next_element::<Obj<Feature<'de>>>()? {
            if add(fi, f.0, self.c).is_none() {
                return Err(gave_up());
            }
            fi += 1;
        }
        self.c.features = fi;
        Ok(())
    }
}

/// An `id`: a string, or a number written as the careful path writes it.
enum Id<'a> {
    Str(Cow<'a, str>),
    Num(String),
}

impl Id<'_> {
    fn text(&self) -> &str {
        match self {
            Id::Str(s) => s,
            Id::Num(n) => n,
        }
    }

    fn into_string(self) -> String {
        match self {
            Id::Str(s) => s.into_owned(),
            Id::Num(n) => n,
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Id<'a> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Id<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or a number")
            }
            fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Id<'de>, E> {
                Ok(Id::Str(Cow::Borrowed(s)))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Id<'de>, E> {
                Ok(Id::Str(Cow::Owned(s.to_owned())))
            }
            fn visit_string<E: de::Error>(self, s: String) -> Result<Id<'de>, E> {
                Ok(Id::Str(Cow::Owned(s)))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<Id<'de>, E> {
                Ok(Id::Num(serde_json::Number::from(n).to_string()))
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Id<'de>, E> {
                Ok(Id::Num(serde_json::Number::from(n).to_string()))
            }
            fn visit_f64<E: de::Error>(self, n: f64) -> Result<Id<'de>, E> {
                serde_json::Number::from_f64(n)
                    .map(|n| Id::Num(n.to_string()))
                    .ok_or_else(gave_up)
            }
        }
        d.deserialize_any(V)
    }
}

/// `T` read from a JSON object only: serde's derived structs would also take an array
/// (fields by position), which the careful path refuses.
struct Obj<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Obj<T> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Obj<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Obj<T>, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map)).map(Obj)
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

#[derive(Deserialize)]
struct Geometry<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    coordinates: Coordinates,
}

/// A position `[lon, lat, ...]`, a line of them, or something deeper (a section's
/// polygon, which is not read).
enum Coordinates {
    Point(LonLat),
    Line(Vec<LonLat>),
    Deeper,
}

/// `[lon, lat]` with an optional third number, each in range (the careful path's
/// messages are for the rest).
struct Position(LonLat);

impl<'de> Deserialize<'de> for Position {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_seq(PositionVisitor)
    }
}

struct PositionVisitor;

impl PositionVisitor {
    fn rest<'de, A: SeqAccess<'de>>(lon: f64, mut seq: A) -> Result<Position, A::Error> {
        let lat: f64 = seq.next_element()?.ok_or_else(gave_up)?;
        while seq.next_element::<f64>()?.is_some() {}
        let ok = lon.is_finite()
            && lat.is_finite()
            && (-180.0..=180.0).contains(&lon)
            && (-90.0..=90.0).contains(&lat);
        if ok {
            Ok(Position(LonLat::new(lon, lat)))
        } else {
            Err(gave_up())
        }
    }
}

impl<'de> Visitor<'de> for PositionVisitor {
    type Value = Position;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("[lon, lat]")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Position, A::Error> {
        let lon: f64 = seq.next_element()?.ok_or_else(gave_up)?;
        Self::rest(lon, seq)
    }
}

impl<'de> Deserialize<'de> for Coordinates {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Coordinates;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("coordinates")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Coordinates, A::Error> {
                // The first element says which: a number (a point) or a position (a line).
                match seq.next_element::<Element>()? {
                    Some(Element::Number(lon)) => {
                        PositionVisitor::rest(lon, seq).map(|p| Coordinates::Point(p.0))
                    }
                    Some(Element::Position(first)) => {
                        let mut line = Vec::with_capacity(seq.size_hint().unwrap_or(8) + 1);
                        line.push(first.0);
                        while let Some(p) = seq.next_element::<Position>()? {
                            line.push(p.0);
                        }
                        Ok(Coordinates::Line(line))
                    }
                    Some(Element::Deeper) => {
                        while seq.next_element::<IgnoredAny>()?.is_some() {}
                        Ok(Coordinates::Deeper)
                    }
                    None => Err(gave_up()),
                }
            }
        }
        d.deserialize_seq(V)
    }
}

/// The first element of `coordinates`.
enum Element {
    Number(f64),
    Position(Position),
    /// An array of arrays (a polygon's ring, a multi-line's part).
    Deeper,
}

impl<'de> Deserialize<'de> for Element {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Element;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number or an array")
            }
            fn visit_f64<E: de::Error>(self, x: f64) -> Result<Element, E> {
                Ok(Element::Number(x))
            }
            fn visit_u64<E: de::Error>(self, x: u64) -> Result<Element, E> {
                Ok(Element::Number(x as f64))
            }
            fn visit_i64<E: de::Error>(self, x: i64) -> Result<Element, E> {
                Ok(Element::Number(x as f64))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Element, A::Error> {
                // A position starts with a number; anything deeper is skipped.
                match seq.next_element::<Element>()? {
                    Some(Element::Number(lon)) => {
                        PositionVisitor::rest(lon, seq).map(Element::Position)
                    }
                    Some(Element::Position(_) | Element::Deeper) => {
                        while seq.next_element::<IgnoredAny>()?.is_some() {}
                        Ok(Element::Deeper)
                    }
                    None => Err(gave_up()),
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// The properties Lysplan reads; others are ignored, as on the careful path.
#[derive(Deserialize)]
struct Properties<'a> {
    #[serde(borrow)]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow)]
    id: Option<Id<'a>>,
    #[serde(borrow)]
    name: Option<Cow<'a, str>>,
    #[serde(borrow)]
    class: Option<Cow<'a, str>>,
    width_m: Option<f64>,
    lanes: Option<f64>,
    #[serde(borrow)]
    surface: Option<Cow<'a, str>>,
    class_schedule: Option<Vec<(String, String)>>,
    height_m: Option<f64>,
    tilt_deg: Option<f64>,
    overhang_m: Option<f64>,
    azimuth_deg: Option<f64>,
    #[serde(borrow)]
    vendor: Option<Cow<'a, str>>,
    #[serde(borrow)]
    luminaire: Option<Cow<'a, str>>,
    #[serde(borrow)]
    street: Option<Cow<'a, str>>,
    from_m: Option<f64>,
    to_m: Option<f64>,
    #[serde(borrow)]
    review_status: Option<Cow<'a, str>>,
    #[serde(borrow)]
    review_comment: Option<Cow<'a, str>>,
    #[serde(borrow)]
    review_reviewer: Option<Cow<'a, str>>,
    #[serde(borrow)]
    review_time: Option<Cow<'a, str>>,
    #[serde(borrow)]
    survey: Option<Cow<'a, str>>,
    #[serde(borrow)]
    measured_at: Option<Cow<'a, str>>,
    e_h_lx: Option<f64>,
    #[serde(borrow)]
    note: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct Feature<'a> {
    #[serde(borrow)]
    id: Option<Id<'a>>,
    #[serde(borrow)]
    geometry: Option<Obj<Geometry<'a>>>,
    /// Boxed: the properties are large, and a feature is moved a few times on its way.
    #[serde(borrow)]
    properties: Option<Box<Obj<Properties<'a>>>>,
}

/// One feature's properties as the schema reads them: nothing allocated but what the
/// plan keeps. Anything the careful path would refuse, or explain, gives up.
struct Props<'p, 'a> {
    p: &'p Properties<'a>,
    long: &'p mut LongNames,
    /// The pole's luminaire in the long names, when it is one of them.
    long_luminaire: Option<u32>,
}

impl Fields for Props<'_, '_> {
    type Error = GaveUp;

    fn text(&self, field: &Field) -> Result<Option<Cow<'_, str>>, GaveUp> {
        let p = self.p;
        let s = match field.name {
            "name" => &p.name,
            "class" => &p.class,
            "surface" => &p.surface,
            "vendor" => &p.vendor,
            "luminaire" => &p.luminaire,
            "street" => &p.street,
            "review_status" => &p.review_status,
            "review_comment" => &p.review_comment,
            "review_reviewer" => &p.review_reviewer,
            "review_time" => &p.review_time,
            "survey" => &p.survey,
            "measured_at" => &p.measured_at,
            "note" => &p.note,
            // A property the schema has and this reader not: read it carefully.
            _ => return Err(GaveUp),
        };
        Ok(s.as_deref().map(Cow::Borrowed))
    }

    fn number(&self, field: &Field) -> Result<Option<f64>, GaveUp> {
        let p = self.p;
        match field.name {
            "width_m" => Ok(p.width_m),
            "lanes" => Ok(p.lanes),
            "height_m" => Ok(p.height_m),
            "tilt_deg" => Ok(p.tilt_deg),
            "overhang_m" => Ok(p.overhang_m),
            "azimuth_deg" => Ok(p.azimuth_deg),
            "from_m" => Ok(p.from_m),
            "to_m" => Ok(p.to_m),
            "e_h_lx" => Ok(p.e_h_lx),
            _ => Err(GaveUp),
        }
    }

    fn steps(&self, field: &Field) -> Result<Option<Vec<(String, String)>>, GaveUp> {
        match field.name {
            "class_schedule" => Ok(self.p.class_schedule.clone()),
            _ => Err(GaveUp),
        }
    }

    fn missing(&self, _: &Field, _: bool) -> GaveUp {
        GaveUp
    }

    fn refused(&self, _: ValueError) -> GaveUp {
        GaveUp
    }

    /// A long name (a photometry path, mostly) is held once, in the long names; the pole
    /// holds an empty one until the reader gives it the luminaire's id.
    fn pole_luminaire(&mut self, field: &Field) -> Result<Name, GaveUp> {
        let name = schema::required(&*self, field)?;
        if !LongNames::is_long(&name) {
            return Ok(Name::from(name.as_ref()));
        }
        let name = self.p.luminaire.as_deref().ok_or(GaveUp)?;
        self.long_luminaire = Some(self.long.intern(name).ok_or(GaveUp)?);
        Ok(Name::default())
    }
}

/// Adds feature `fi` to `c`; `None`: give up.
fn add(fi: usize, f: Feature, c: &mut Collected) -> Option<()> {
    let mut p = f.properties?.0;
    let geometry = f.geometry.map(|g| g.0);
    let kind = p.kind.take().filter(|k| !k.trim().is_empty())?;
    let id = p.id.take().or(f.id);
    if id.as_ref().is_some_and(|s| s.text().trim().is_empty()) {
        return None; // blank: refused or renamed, the careful path says which
    }
    let mut props = Props {
        p: &p,
        long: &mut c.long_luminaires,
        long_luminaire: None,
    };
    match (kind.as_ref(), geometry) {
        (
            "street",
            Some(Geometry {
                kind: gk,
                coordinates: Coordinates::Line(points),
            }),
        ) if gk == "LineString" && points.len() >= 2 => {
            let street: Street = schema::street(&props, id?.into_string(), points).ok()?;
            c.plan.streets.push(street);
        }
        (
            "pole",
            Some(Geometry {
                kind: gk,
                coordinates: Coordinates::Point(at),
            }),
        ) if gk == "Point" => {
            let read = schema::pole(&mut props, Name::from(id?.text()), at).ok()?;
            let long = props.long_luminaire;
            if let Some(review) = read.review {
                c.plan.pole_reviews.insert(read.pole.id.to_string(), review);
            }
            c.plan.poles.push(read.pole);
            c.pole_notes.push(PoleNote {
                feature: fi,
                long_luminaire: long.unwrap_or(PoleNote::INLINE),
                azimuth_given: read.azimuth_given,
            });
        }
        (
            "measurement",
            Some(Geometry {
                kind: gk,
                coordinates: Coordinates::Point(at),
            }),
        ) if gk == "Point" => {
            let point =
                schema::survey_point(&props, at, &schema::survey_point_fields::E_H_LX).ok()?;
            c.measurements.push(point);
        }
        ("section", _) => {
            let named = id.is_some();
            let id = id.map_or_else(|| super::default_section_id(fi), Id::into_string);
            let section = schema::section(&props, id).ok()?;
            if !named {
                c.default_named.push((c.plan.sections.len(), fi));
            }
            c.plan.sections.push(section);
        }
        _ => return None,
    }
    Some(())
}
