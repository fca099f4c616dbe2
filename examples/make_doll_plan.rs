//! Builds the bundled DOLL Living Lab plan, `assets/plans/doll-living-lab.ron`, from the
//! street map in `maps/hersted-industripark.geojson`.
//!
//! ```text
//! cargo run --example make_doll_plan            # writes assets/plans/doll-living-lab.ron
//! cargo run --example make_doll_plan -- OUT.ron # writes elsewhere
//! ```
//!
//! Deterministic: the same map gives the same file, byte for byte. Poles are placed the way
//! street lighting is placed: at the roadside (half the street width plus 1–1.5 m from the
//! centreline), 20–40 m apart along the street (closer on paths, where the poles are
//! lower), single-sided on the narrow streets and staggered on the two main roads, each
//! luminaire's C = 90 direction facing the street. Vendor sections split each street into
//! contiguous chainage intervals. The vendor placements are illustrative examples, not the
//! lab's real layout.
//!
//! Only one bundled photometry file is a road luminaire (acme_road_runner.ldt), so all
//! roads carry it; paths carry the 1 000 lm TILT=INCLUDE fixture. With these, the layout
//! rules find nothing; coverage passes on the main roads and paths and misses U_o 0.4 by
//! a little on three single-sided roads (Fabriksparken, Naverland, Formervangen) and by a
//! lot on Farverland (deliberate, see below).

use lysplan::frame::{Polyline, Side, Xy, bearing_of, from_utm32, grid_to_true_bearing};
use lysplan::plan::{
    FORMAT_VERSION, LuminaireType, PhotometrySource, Plan, Pole, Rules, Section, Vendor,
    read_geojson, save_ron_atomic,
};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const MAP: &str = "maps/hersted-industripark.geojson";
const OUT: &str = "assets/plans/doll-living-lab.ron";

/// How the poles of one street are laid out.
struct Layout {
    street: &'static str,
    height_m: f64,
    /// Target distance between consecutive poles along the street, metres.
    step_m: f64,
    /// Extra distance beyond the street edge, metres.
    setback_m: f64,
    overhang_m: f64,
    /// `None` = staggered (alternating sides); `Some(side)` = single-sided.
    side: Option<Side>,
    /// (vendor id, luminaire id) per section, in chainage order.
    sections: &'static [(&'static str, &'static str)],
}

const LAYOUTS: &[Layout] = &[
    Layout {
        street: "herstedoestervej",
        height_m: 10.0,
        step_m: 30.0,
        setback_m: 1.5,
        overhang_m: 1.5,
        side: None,
        sections: &[
            ("philips", "acme-road-runner"),
            ("thorn", "acme-road-runner"),
        ],
    },
    Layout {
        street: "gl-landevej",
        height_m: 10.0,
        step_m: 30.0,
        setback_m: 1.5,
        overhang_m: 1.5,
        side: None,
        sections: &[
            ("ge", "acme-road-runner"),
            ("osram", "acme-road-runner"),
            ("schreder", "acme-road-runner"),
        ],
    },
    Layout {
        street: "fabriksparken",
        height_m: 8.0,
        step_m: 32.0,
        setback_m: 1.5,
        overhang_m: 1.0,
        side: Some(Side::Left),
        sections: &[
            ("zumtobel", "acme-road-runner"),
            ("cisco", "acme-road-runner"),
            ("global-connect", "acme-road-runner"),
            ("louis-poulsen", "acme-road-runner"),
        ],
    },
    Layout {
        street: "smedeland",
        height_m: 8.0,
        step_m: 32.0,
        setback_m: 1.5,
        overhang_m: 1.0,
        side: Some(Side::Right),
        sections: &[("fagerhult", "acme-road-runner")],
    },
    Layout {
        street: "naverland",
        height_m: 8.0,
        step_m: 32.0,
        setback_m: 1.5,
        overhang_m: 1.0,
        side: Some(Side::Left),
        sections: &[
            ("selux", "acme-road-runner"),
            ("trilux", "acme-road-runner"),
        ],
    },
    // Deliberate finding: a narrow downlight distribution spaced like street lighting
    // leaves dark gaps, so Farverland misses its class (coverage.class + coverage.dark),
    // the kind of result the test bed exists to show.
    Layout {
        street: "farverland",
        height_m: 7.0,
        step_m: 32.0,
        setback_m: 1.0,
        overhang_m: 0.5,
        side: Some(Side::Right),
        sections: &[("hess", "led-absolute")],
    },
    Layout {
        street: "formervangen",
        height_m: 7.0,
        step_m: 32.0,
        setback_m: 1.0,
        overhang_m: 0.5,
        side: Some(Side::Left),
        sections: &[("citelum", "acme-road-runner")],
    },
    Layout {
        street: "sti-hersted",
        height_m: 5.0,
        step_m: 24.0,
        setback_m: 1.0,
        overhang_m: 0.0,
        side: Some(Side::Left),
        sections: &[("holophane", "tilt-test-fixture")],
    },
    Layout {
        street: "cykelsti-glostrup-nord",
        height_m: 5.0,
        step_m: 24.0,
        setback_m: 1.0,
        overhang_m: 0.0,
        side: Some(Side::Right),
        sections: &[
            ("telensa", "tilt-test-fixture"),
            ("iguzzini", "tilt-test-fixture"),
        ],
    },
    Layout {
        street: "sti-farverland",
        height_m: 5.0,
        step_m: 24.0,
        setback_m: 1.0,
        overhang_m: 0.0,
        side: Some(Side::Right),
        sections: &[("sill", "tilt-test-fixture")],
    },
];

/// (id, name, colour). The first seven are companies public sources link to the lab; the
/// others are well-known outdoor-lighting and smart-city companies added as examples.
const VENDORS: &[(&str, &str, [u8; 3])] = &[
    ("zumtobel", "Zumtobel Group", [230, 25, 75]),
    ("cisco", "Cisco", [0, 130, 200]),
    ("global-connect", "Global Connect", [60, 180, 75]),
    ("philips", "Philips Lighting", [245, 130, 48]),
    ("thorn", "Thorn Lighting", [145, 30, 180]),
    ("ge", "GE Lighting", [70, 240, 240]),
    ("osram", "OSRAM", [240, 50, 230]),
    ("schreder", "Schréder", [210, 245, 60]),
    ("louis-poulsen", "Louis Poulsen", [250, 190, 212]),
    ("fagerhult", "Fagerhult", [0, 128, 128]),
    ("selux", "Selux", [220, 190, 255]),
    ("trilux", "Trilux", [170, 110, 40]),
    ("hess", "Hess", [255, 250, 200]),
    ("citelum", "Citelum", [128, 0, 0]),
    ("holophane", "Holophane", [170, 255, 195]),
    ("telensa", "Telensa", [128, 128, 0]),
    ("iguzzini", "iGuzzini", [255, 215, 180]),
    ("sill", "SILL Lighting", [0, 0, 128]),
];

/// The luminaire catalogue, from the bundled photometry files (assets/luminaires/).
fn luminaires() -> Vec<LuminaireType> {
    let lum = |id: &str, name: &str, file: &str, rotation_deg: f64, flux_lm: f64, power_w: f64| {
        LuminaireType {
            id: id.into(),
            name: name.into(),
            photometry: PhotometrySource::Bundled(file.into()),
            rotation_deg,
            flux_lm,
            power_w,
        }
    };
    vec![
        // EULUMDAT line 23 LORL 84.42 % x lamp flux 33 200 lm = 28 027 lm; lamp set 276 W.
        // Isym 3 template sending most of its flux to C = 270: turned 180° so that side
        // faces the street.
        lum(
            "acme-road-runner",
            "ACME Road Runner road luminaire (SON-TPP 250 W template)",
            "acme_road_runner.ldt",
            180.0,
            28_027.44,
            276.0,
        ),
        // LORL 100 % x 5 134 lm; 60.22 W.
        lum(
            "prolicht-e30",
            "Prolicht E30-0019 AGP + I-Diff 20 (measured)",
            "prolicht_example.ldt",
            0.0,
            5_134.0,
            60.22,
        ),
        // Absolute photometry (lumens = -1): no rated flux in the file. 5 185 lm is the
        // integral of the candela table (trapezoid rule over gamma, mean over the C
        // planes), a best estimate; input watts 25.
        lum(
            "led-absolute",
            "LED luminaire, absolute photometry (synthetic test file)",
            "absolute_led.ies",
            0.0,
            5_185.0,
            25.0,
        ),
        // 1 lamp x 50 000 lm; input watts 495. In the catalogue, not placed: a flood.
        lum(
            "flood-skyview",
            "Aardvark SKYVIEW 123 wide-beam flood (LM-63-2002 example)",
            "lm63_2002_spec_example.ies",
            0.0,
            50_000.0,
            495.0,
        ),
        // 1 lamp x 1 000 lm; input watts 10.
        lum(
            "tilt-test-fixture",
            "TILT=INCLUDE test fixture (synthetic, 1 000 lm LED)",
            "tilt_include_synthetic.ies",
            0.0,
            1_000.0,
            10.0,
        ),
    ]
}

fn round_to(v: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (v * f).round() / f
}

/// Offset from the nearest street other than `own`, and from `own`.
fn nearest_other(lines: &[Polyline], own: usize, p: Xy) -> (f64, f64) {
    let mut own_d = f64::INFINITY;
    let mut other_d = f64::INFINITY;
    for (k, l) in lines.iter().enumerate() {
        if let Some(st) = l.station(p) {
            if k == own {
                own_d = st.offset_m;
            } else {
                other_d = other_d.min(st.offset_m);
            }
        }
    }
    (own_d, other_d)
}

/// Builds the plan from the map text (`map_path` names it in messages).
pub fn build(map_text: &str, map_path: &Path) -> Result<Plan, String> {
    let map = read_geojson(map_text, map_path).map_err(|e| e.to_string())?;
    let lines: Vec<Polyline> = map
        .streets
        .iter()
        .map(|s| Polyline::from_lonlat(&s.points))
        .collect();
    let mut plan = Plan {
        format_version: FORMAT_VERSION,
        name: "DOLL Living Lab — Hersted Industripark".into(),
        description: "The DOLL Living Lab test bed in Hersted Industripark, Albertslund: about \
            9 km of roads and cycle/foot paths. ILLUSTRATIVE EXAMPLE: the street geometry is an \
            approximation drawn by hand (see maps/hersted-industripark.geojson), and the vendor \
            sections, pole positions and luminaire choices are examples, not the lab's real \
            installation. Vendor names: Zumtobel Group, Cisco, Global Connect, Philips, Thorn, \
            GE and OSRAM are companies public sources link to the lab; the others are \
            well-known lighting and smart-city companies added as examples. Photometry comes \
            from the bundled sample files (assets/luminaires/SOURCES.md)."
            .into(),
        rules: Rules::default(),
        vendors: VENDORS
            .iter()
            .map(|(id, name, color)| Vendor {
                id: (*id).into(),
                name: (*name).into(),
                color: *color,
            })
            .collect(),
        luminaires: luminaires(),
        streets: map.streets.clone(),
        ..Plan::default()
    };

    let mut placed: Vec<Xy> = Vec::new();
    let mut n_pole = 0usize;
    let mut n_section = 0usize;
    for layout in LAYOUTS {
        let k = map
            .streets
            .iter()
            .position(|s| s.id == layout.street)
            .ok_or_else(|| format!("{}: no street {:?}", map_path.display(), layout.street))?;
        let street = &map.streets[k];
        let line = &lines[k];
        let length = line.length();
        // First and last poles close to the street ends, so the ends are lit too.
        let margin = 8.0;
        let usable = length - 2.0 * margin;
        let n = (usable / layout.step_m).round().max(1.0) as usize;
        let step = usable / n as f64;
        let offset = street.width_m / 2.0 + layout.setback_m;
        // (chainage, xy, side) of each placed pole of this street.
        let mut row: Vec<(f64, Xy)> = Vec::new();
        for i in 0..=n {
            let nominal = margin + i as f64 * step;
            let first_side = match layout.side {
                Some(s) => s,
                None if i % 2 == 0 => Side::Left,
                None => Side::Right,
            };
            let other_side = match first_side {
                Side::Left => Side::Right,
                Side::Right => Side::Left,
            };
            let mut chosen = None;
            'search: for side in [first_side, other_side] {
                for shift in [0.0, 3.0, -3.0, 6.0, -6.0] {
                    let c = (nominal + shift).clamp(margin * 0.5, length - margin * 0.5);
                    let Some(p) = line.offset_point(c, offset, side) else {
                        continue;
                    };
                    let (own_d, other_d) = nearest_other(&lines, k, p);
                    let clear = placed.iter().all(|q| q.dist(p) >= 12.0);
                    if own_d + 2.0 < other_d && clear {
                        chosen = Some((c, p));
                        break 'search;
                    }
                }
            }
            match chosen {
                Some(cp) => {
                    placed.push(cp.1);
                    row.push(cp);
                }
                None => eprintln!(
                    "note: no clear spot for a pole near chainage {nominal:.0} m of {}",
                    street.id
                ),
            }
        }

        // Split the row into contiguous vendor sections of near-equal pole counts; each
        // boundary lies halfway between two poles.
        let groups = layout.sections.len().max(1);
        let mut from_m = 0.0;
        for (g, (vendor, luminaire)) in layout.sections.iter().enumerate() {
            let lo = row.len() * g / groups;
            let hi = row.len() * (g + 1) / groups;
            let to_m = if g + 1 == groups {
                length
            } else {
                match (row.get(hi - 1), row.get(hi)) {
                    (Some(a), Some(b)) => (a.0 + b.0) / 2.0,
                    _ => length,
                }
            };
            n_section += 1;
            plan.sections.push(Section {
                id: format!("S{n_section:02}"),
                vendor: (*vendor).into(),
                street: street.id.clone(),
                from_m: round_to(from_m, 2),
                to_m: round_to(to_m, 2),
            });
            for &(_, p) in row.get(lo..hi).unwrap_or(&[]) {
                let foot = line.station(p).map(|s| s.foot).unwrap_or(p);
                let (lon, lat) = from_utm32(p);
                let grid = bearing_of(foot.x - p.x, foot.y - p.y);
                n_pole += 1;
                plan.poles.push(Pole {
                    id: format!("P{n_pole:03}"),
                    lon: round_to(lon, 7),
                    lat: round_to(lat, 7),
                    height_m: layout.height_m,
                    overhang_m: layout.overhang_m,
                    tilt_deg: 0.0,
                    azimuth_deg: round_to(grid_to_true_bearing(grid, lon, lat), 1),
                    vendor: (*vendor).into(),
                    luminaire: (*luminaire).into(),
                });
            }
            from_m = to_m;
        }
    }
    Ok(plan)
}

fn main() -> ExitCode {
    let out = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(OUT));
    let map_path = Path::new(MAP);
    let text = match std::fs::read_to_string(map_path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{}: {e}; run from the crate root", map_path.display());
            return ExitCode::from(2);
        }
    };
    let plan = match build(&text, map_path) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty())
        && let Err(e) = std::fs::create_dir_all(dir)
    {
        eprintln!("{}: {e}", dir.display());
        return ExitCode::from(2);
    }
    if let Err(e) = save_ron_atomic(&plan, &out) {
        eprintln!("{e}");
        return ExitCode::from(2);
    }
    let route_m: f64 = plan
        .streets
        .iter()
        .map(|s| Polyline::from_lonlat(&s.points).length())
        .sum();
    let findings = lysplan::check::run(&plan);
    println!(
        "{}: {} vendors, {} sections, {} poles, {} streets, route {:.1} m, {} findings",
        out.display(),
        plan.vendors.len(),
        plan.sections.len(),
        plan.poles.len(),
        plan.streets.len(),
        route_m,
        findings.len()
    );
    for f in &findings {
        println!("  {} {} {}", f.rule, f.severity.name(), f.message);
    }
    ExitCode::SUCCESS
}
