//! OSM ways into streets: which highway types are streets, the suggested EN 13201 class
//! and the width of each, and joining the ways of one street.
//!
//! Joining: ways with the same non-empty `name` and the same `highway` value that share
//! an end node become one street. Ways are taken in ascending way id; the lowest unused
//! way starts a street, which grows first at its last node and then at its first,
//! each time by the lowest-id way of its group ending at that node (turned round when
//! it is drawn the other way). So where three ways of one street meet, the lowest two
//! join and the third starts a street of its own; a street that closes into a loop
//! stops growing. Every OSM node is kept; only the shared end node is merged.

use super::{DEFAULT_LAMP_HEIGHT_M, OsmData, Way};
use crate::frame::LonLat;
use crate::plan::{DEFAULT_LANES, DEFAULT_SURFACE, LightingClass, Street};
use std::collections::{BTreeMap, HashSet};

/// A street made from one or more OSM ways.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedStreet {
    /// The street; its id is `osm-w<id>` of the first (lowest-id) way.
    pub street: Street,
    /// The OSM `highway` value.
    pub highway: String,
    /// The ids of the ways joined into it, in the order along the street.
    pub way_ids: Vec<i64>,
}

/// An existing street lamp (`highway=street_lamp` node).
#[derive(Debug, Clone, PartialEq)]
pub struct Lamp {
    pub osm_id: i64,
    pub lon: f64,
    pub lat: f64,
    /// From the `height` tag, else [`DEFAULT_LAMP_HEIGHT_M`].
    pub height_m: f64,
}

/// The streets and lamps of a response, and what was left out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OsmImport {
    pub streets: Vec<ImportedStreet>,
    pub lamps: Vec<Lamp>,
    /// One line per way left out, saying why.
    pub skipped: Vec<String>,
}

/// Highway values that are not streets to light: planned, disused or areas of other use.
const NOT_STREETS: &[&str] = &[
    "proposed",
    "construction",
    "abandoned",
    "disused",
    "razed",
    "platform",
    "raceway",
    "corridor",
    "elevator",
    "escalator",
    "bus_guideway",
    "via_ferrata",
    "rest_area",
    "services",
];

/// The EN 13201 class suggested for a highway type (table in docs/planner.md), `None` for a
/// way that is usually unlit or whose use is not known (`track`, `bridleway`, `road`).
pub fn suggested_class(highway: &str) -> Option<LightingClass> {
    use LightingClass::*;
    Some(match highway.trim_end_matches("_link") {
        "motorway" | "trunk" => M2,
        "primary" => M3,
        "secondary" => M4,
        "tertiary" => M5,
        "unclassified" | "residential" | "pedestrian" => P3,
        "living_street" | "cycleway" => P4,
        "service" | "footway" | "path" | "steps" => P5,
        _ => return None,
    })
}

/// Width of a carriageway lane when a way gives `lanes` but no `width`, m.
pub const LANE_WIDTH_M: f64 = 3.25;

/// Width of a way that gives neither `width` nor `lanes`, by highway type, m.
fn default_width(highway: &str) -> f64 {
    match highway.trim_end_matches("_link") {
        "motorway" | "trunk" | "primary" => 7.0,
        "secondary" => 6.5,
        "tertiary" => 6.0,
        "unclassified" | "residential" => 5.5,
        "pedestrian" => 5.0,
        "living_street" => 4.5,
        "service" => 4.0,
        "track" => 3.0,
        "cycleway" => 2.5,
        "footway" | "path" | "steps" | "bridleway" => 2.0,
        _ => 5.0,
    }
}

/// A length in metres from an OSM tag: "7", "7.5", "7 m", "7m"; `None` for anything
/// else (feet, "narrow", 0, negative).
fn metres(tag: Option<&String>) -> Option<f64> {
    let t = tag?.trim();
    let t = t.strip_suffix('m').unwrap_or(t).trim();
    t.parse::<f64>().ok().filter(|v| v.is_finite() && *v > 0.0)
}

/// `lanes` as a whole number 1..=12 (clamped), `None` when missing or unreadable.
fn lanes_tag(tags: &BTreeMap<String, String>) -> Option<u32> {
    let n: u32 = tags.get("lanes")?.trim().parse().ok()?;
    Some(n.clamp(1, 12))
}

/// Width and lanes of one way: `width` (metres), else `lanes` × [`LANE_WIDTH_M`], else
/// the highway type's default; lanes from `lanes`, else [`DEFAULT_LANES`].
fn width_and_lanes(tags: &BTreeMap<String, String>, highway: &str) -> (f64, u32) {
    let lanes = lanes_tag(tags);
    let width = metres(tags.get("width"))
        .filter(|w| crate::plan::validate::STREET_WIDTH.allows(*w))
        .or_else(|| lanes.map(|n| f64::from(n) * LANE_WIDTH_M))
        .unwrap_or_else(|| default_width(highway));
    (width, lanes.unwrap_or(DEFAULT_LANES))
}

fn highway(w: &Way) -> &str {
    w.tags.get("highway").map_or("", String::as_str)
}

fn name(w: &Way) -> &str {
    w.tags.get("name").map_or("", |n| n.trim())
}

/// Why a way is not a street, if it is not.
fn not_a_street(w: &Way, data: &OsmData) -> Option<String> {
    let hw = highway(w);
    if hw.is_empty() || NOT_STREETS.contains(&hw) {
        return Some(format!("way {}: highway={hw} is not a street", w.id));
    }
    if w.tags.get("area").is_some_and(|a| a == "yes") {
        return Some(format!("way {}: an area (area=yes), not a line", w.id));
    }
    if w.nodes.len() < 2 {
        return Some(format!("way {}: fewer than two nodes", w.id));
    }
    if let Some(n) = w.nodes.iter().find(|n| !data.nodes.contains_key(n)) {
        return Some(format!(
            "way {}: node {n} is not in the response (it reaches outside what was asked?)",
            w.id
        ));
    }
    None
}

/// The streets and lamps of `data` (see the module doc for the joining rule).
pub fn to_import(data: &OsmData) -> OsmImport {
    let mut out = OsmImport::default();
    let mut ways: Vec<&Way> = Vec::new();
    for w in &data.ways {
        match not_a_street(w, data) {
            Some(why) => out.skipped.push(why),
            None => ways.push(w),
        }
    }
    ways.sort_by_key(|w| w.id);
    for chain in join(&ways) {
        out.streets.push(street_of(&chain, data));
    }
    out.lamps = data
        .tagged
        .iter()
        .filter(|(_, tags)| tags.get("highway").is_some_and(|h| h == "street_lamp"))
        .filter_map(|(id, tags)| {
            let LonLat { lon, lat } = *data.nodes.get(id)?;
            let height_m = metres(tags.get("height"))
                .filter(|h| crate::plan::validate::POLE_HEIGHT.allows(*h))
                .unwrap_or(DEFAULT_LAMP_HEIGHT_M);
            Some(Lamp {
                osm_id: *id,
                lon,
                lat,
                height_m,
            })
        })
        .collect();
    out
}

/// A way placed in a street, and whether it runs against its drawing direction.
type Part<'a> = (&'a Way, bool);

fn first(p: &Part) -> i64 {
    if p.1 {
        *p.0.nodes.last().unwrap_or(&0)
    } else {
        p.0.nodes[0]
    }
}

fn last(p: &Part) -> i64 {
    if p.1 {
        p.0.nodes[0]
    } else {
        *p.0.nodes.last().unwrap_or(&0)
    }
}

/// Groups `ways` (sorted by id) into chains, each the parts of one street in order.
fn join<'a>(ways: &[&'a Way]) -> Vec<Vec<Part<'a>>> {
    let mut used: HashSet<i64> = HashSet::new();
    let mut chains = Vec::new();
    for seed in ways {
        if !used.insert(seed.id) {
            continue;
        }
        let mut chain: Vec<Part> = vec![(seed, false)];
        let joinable = |w: &Way| {
            !name(seed).is_empty() && name(w) == name(seed) && highway(w) == highway(seed)
        };
        // Grow at the end, then at the start; the lowest-id candidate wins.
        for at_end in [true, false] {
            loop {
                let closed = first(&chain[0]) == last(&chain[chain.len() - 1]);
                let node = if at_end {
                    last(&chain[chain.len() - 1])
                } else {
                    first(&chain[0])
                };
                let next = (!closed)
                    .then(|| {
                        ways.iter().find(|w| {
                            !used.contains(&w.id)
                                && joinable(w)
                                && (w.nodes[0] == node || w.nodes.last() == Some(&node))
                        })
                    })
                    .flatten();
                let Some(w) = next else { break };
                used.insert(w.id);
                if at_end {
                    chain.push((w, w.nodes[0] != node));
                } else {
                    chain.insert(0, (w, w.nodes.last() != Some(&node)));
                }
            }
        }
        chains.push(chain);
    }
    chains
}

/// The street of one chain: the nodes in order (each shared end node once), the name,
/// the class of the highway type, the widest part's width and the most lanes.
fn street_of(chain: &[Part], data: &OsmData) -> ImportedStreet {
    let seed = chain
        .iter()
        .min_by_key(|p| p.0.id)
        .map_or(chain[0].0, |p| p.0);
    let hw = highway(seed).to_string();
    let mut ids: Vec<i64> = Vec::new();
    for (w, reversed) in chain {
        let mut nodes = w.nodes.clone();
        if *reversed {
            nodes.reverse();
        }
        let skip = usize::from(ids.last() == nodes.first());
        ids.extend_from_slice(&nodes[skip..]);
    }
    let points = ids
        .iter()
        .filter_map(|n| data.nodes.get(n).copied())
        .collect();
    let (width_m, lanes) = chain
        .iter()
        .map(|(w, _)| width_and_lanes(&w.tags, &hw))
        .fold((0.0_f64, 1_u32), |(w, l), (w2, l2)| (w.max(w2), l.max(l2)));
    let display = match (name(seed), seed.tags.get("ref")) {
        ("", Some(r)) if !r.trim().is_empty() => r.trim().to_string(),
        ("", _) => format!("Unnamed {} (OSM way {})", hw.replace('_', " "), seed.id),
        (n, _) => n.to_string(),
    };
    ImportedStreet {
        street: Street {
            id: format!("osm-w{}", seed.id),
            name: display,
            class: suggested_class(&hw),
            width_m,
            lanes,
            surface: DEFAULT_SURFACE.into(),
            class_schedule: Vec::new(),
            points,
        },
        highway: hw,
        way_ids: chain.iter().map(|p| p.0.id).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn way(id: i64, nodes: &[i64], tags: &[(&str, &str)]) -> Way {
        Way {
            id,
            nodes: nodes.to_vec(),
            tags: tags
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    /// Data with nodes 1..=20 on a line, and the given ways (all residential "A").
    fn data(ways: &[(i64, &[i64])]) -> OsmData {
        OsmData {
            ways: ways
                .iter()
                .map(|(id, n)| way(*id, n, &[("highway", "residential"), ("name", "A")]))
                .collect(),
            nodes: (1..=20)
                .map(|n| (n, LonLat::new(12.0 + n as f64 * 1e-4, 55.0)))
                .collect(),
            tagged: BTreeMap::new(),
        }
    }

    fn shape(imp: &OsmImport) -> Vec<(String, Vec<i64>, usize)> {
        imp.streets
            .iter()
            .map(|s| {
                (
                    s.street.id.clone(),
                    s.way_ids.clone(),
                    s.street.points.len(),
                )
            })
            .collect()
    }

    #[test]
    fn a_chain_of_many_joins_whatever_the_order_and_direction() {
        // 30: 3-4, 10: 1-2, 20: 3-2 (reversed), 40: 5-4 (reversed).
        let imp = to_import(&data(&[
            (30, &[3, 4]),
            (10, &[1, 2]),
            (20, &[3, 2]),
            (40, &[5, 4]),
        ]));
        assert_eq!(shape(&imp), [("osm-w10".into(), vec![10, 20, 30, 40], 5)]);
        let lons: Vec<f64> = imp.streets[0].street.points.iter().map(|p| p.lon).collect();
        assert!(lons.windows(2).all(|w| w[0] < w[1]), "in order: {lons:?}");
    }

    #[test]
    fn the_seed_grows_at_its_start_too() {
        let imp = to_import(&data(&[(10, &[2, 3]), (20, &[1, 2])]));
        assert_eq!(shape(&imp), [("osm-w10".into(), vec![20, 10], 3)]);
    }

    #[test]
    fn a_loop_stops_growing() {
        let imp = to_import(&data(&[(10, &[1, 2, 3]), (20, &[3, 4, 1]), (30, &[1, 5])]));
        assert_eq!(
            shape(&imp),
            [
                ("osm-w10".into(), vec![10, 20], 5),
                ("osm-w30".into(), vec![30], 2)
            ]
        );
    }

    #[test]
    fn at_three_ways_the_lowest_joins() {
        let imp = to_import(&data(&[(10, &[1, 2]), (30, &[2, 4]), (20, &[2, 3])]));
        assert_eq!(
            shape(&imp),
            [
                ("osm-w10".into(), vec![10, 20], 3),
                ("osm-w30".into(), vec![30], 2)
            ]
        );
    }

    #[test]
    fn unnamed_ways_and_other_highways_are_not_joined() {
        let mut d = data(&[(10, &[1, 2])]);
        d.ways.push(way(20, &[2, 3], &[("highway", "residential")]));
        d.ways.push(way(30, &[3, 4], &[("highway", "residential")]));
        d.ways
            .push(way(40, &[2, 5], &[("highway", "footway"), ("name", "A")]));
        assert_eq!(to_import(&d).streets.len(), 4);
    }

    #[test]
    fn widths_from_width_lanes_or_the_type() {
        let t = |tags: &[(&str, &str)]| {
            let w = way(1, &[1, 2], tags);
            width_and_lanes(&w.tags, highway(&w))
        };
        assert_eq!(t(&[("highway", "residential"), ("width", "7")]), (7.0, 2));
        assert_eq!(
            t(&[("highway", "residential"), ("width", "7.5 m")]),
            (7.5, 2)
        );
        assert_eq!(t(&[("highway", "residential"), ("width", "6m")]), (6.0, 2));
        assert_eq!(t(&[("highway", "primary"), ("lanes", "3")]), (9.75, 3));
        assert_eq!(t(&[("highway", "primary"), ("lanes", "40")]), (39.0, 12));
        assert_eq!(t(&[("highway", "cycleway"), ("width", "narrow")]), (2.5, 2));
        assert_eq!(t(&[("highway", "footway"), ("width", "-1")]), (2.0, 2));
    }

    #[test]
    fn the_class_table() {
        use LightingClass::*;
        let c = suggested_class;
        assert_eq!(c("motorway_link"), Some(M2));
        assert_eq!(c("secondary"), Some(M4));
        assert_eq!(c("residential"), Some(P3));
        assert_eq!(c("cycleway"), Some(P4));
        assert_eq!(c("service"), Some(P5));
        assert_eq!(c("track"), None);
        assert_eq!(c("bridleway"), None);
    }
}
