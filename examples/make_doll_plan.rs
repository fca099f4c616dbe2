//! Builds the bundled DOLL Living Lab plan, `assets/plans/doll-living-lab.ron`, from the
//! street map in `maps/hersted-industripark.geojson`.
//!
//! ```text
//! cargo run --example make_doll_plan            # writes assets/plans/doll-living-lab.ron
//! cargo run --example make_doll_plan -- OUT.ron # writes elsewhere
//! ```
//!
//! Deterministic: the same map gives the same file, byte for byte. Vendor sections split
//! each street into contiguous chainage intervals. The vendor placements are illustrative
//! examples, not the lab's real layout.
//!
//! Lighting design (EN 13201; calculated with `lysplan check --format json`). Every
//! luminaire placed is a GENERIC LED type whose photometry is generated from a documented
//! model (examples/gen_generic_optics.rs, assets/luminaires/SOURCES.md), not a product's
//! measured file:
//!
//! - Classes (in the map): Herstedøstervej M3 and Gl. Landevej M4, the distributor roads
//!   with through traffic and buses (judged by road luminance on the CIE C2 surface);
//!   Fabriksparken C4, the park's 1.9 km spine with lorries; the other access roads C5;
//!   the commuter cycle path to Glostrup Nord P3; the two foot/cycle paths P4.
//! - Distributor roads: the two-lane road optic on 9 m poles, one side, about 35–38 m
//!   apart, 1.5 m arm: 90 W (12 200 lm) on the M3 road, 60 W (8 400 lm) on the M4 road.
//!   Herstedøstervej's poles stand on its right-hand side (seen along its direction):
//!   on the left its bends bring U_l to 0.58–0.60.
//! - Access roads: the residential optic, one side: 35 W on 8 m poles at most 28 m apart
//!   on Fabriksparken (C4), 20 W on 6 m poles at most 25 m apart on the C5 roads.
//! - Paths: the symmetric post-top on 4.5 m poles: 25 W on the P4 paths (22–24 m), 35 W
//!   on the P3 cycle path (21 m), inside the 1.5 × over-lighting limit.
//! - Baseline: the SON lamps these replace, the ACME SON-TPP 250 W template with its
//!   ballast (276 W a luminaire), named by `energy.baseline_luminaire`; it is not placed.
//!   The Prolicht E30 (an interior downlight), the SKYVIEW flood and the synthetic test
//!   files stay in the catalogue, not placed.
//! - Adaptive lighting: night class schedules on the main roads, Fabriksparken and two
//!   paths (in the map: the main roads drop two M classes after midnight, Fabriksparken
//!   C5 at night, the P3 and one P4 path one class from 22:00 to 06:00), and each vendor's control profile chosen to meet them
//!   (`profile_of`), except Philips, whose 30 % after midnight misses M5 on
//!   Herstedøstervej (the `coverage.period` finding the bundled plan shows).
//!
//! Poles stand at the roadside (half the street width plus 1 m from the centreline), each
//! luminaire's C = 90 direction (after its type's rotation) facing the street. After each
//! pole the rest of the street is divided evenly into steps of at most the layout's step,
//! and a pole that would stand in a junction mouth (closer to another street, or within
//! 12 m of another street's pole) moves up to 12 m along, keeping 20–40 m spacing.

use lysplan::frame::{Polyline, Side, Xy, bearing_of, from_utm32, grid_to_true_bearing};
use lysplan::locate::read_geojson;
use lysplan::plan::{
    FORMAT_VERSION, LuminaireType, PhotometrySource, Plan, Pole, Rules, Section, Vendor,
    energy::{ControlProfile, EnergySettings, Presence},
    save_ron_atomic,
};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const MAP: &str = "maps/hersted-industripark.geojson";
const OUT: &str = "assets/plans/doll-living-lab.ron";

/// Which side(s) of the street the poles stand on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Arrangement {
    /// Every pole on one side.
    Single(Side),
    /// Alternating sides, starting on the left; the spacing is between consecutive poles
    /// (either side), so each side has a pole every two steps.
    Staggered,
}

/// How the poles of one street are laid out.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    pub street: &'static str,
    pub height_m: f64,
    /// Largest distance between consecutive poles along the street, metres (the actual
    /// step divides the street evenly, so it is at most this).
    pub step_m: f64,
    /// Distance of the first and last pole from the street's ends, metres.
    pub end_m: f64,
    /// Extra distance beyond the street edge, metres.
    pub setback_m: f64,
    pub overhang_m: f64,
    pub tilt_deg: f64,
    pub arrangement: Arrangement,
    /// (vendor id, luminaire id) per section, in chainage order.
    pub sections: &'static [(&'static str, &'static str)],
}

pub const LAYOUTS: &[Layout] = &[
    // Main roads (Herstedøstervej M3, 9 m; Gl. Landevej M4, 8 m): the generic two-lane
    // LED road optic on 9 m poles, one side, at most 36 m apart, the arm over the kerb.
    // M3 takes the 90 W package, M4 the 60 W one.
    Layout {
        street: "herstedoestervej",
        height_m: 9.0,
        step_m: 36.0,
        end_m: 3.0,
        setback_m: 1.0,
        overhang_m: 1.5,
        tilt_deg: 0.0,
        arrangement: Arrangement::Single(Side::Right),
        sections: &[("philips", "led-road-90"), ("thorn", "led-road-90")],
    },
    Layout {
        street: "gl-landevej",
        height_m: 9.0,
        step_m: 38.0,
        end_m: 10.0,
        setback_m: 1.0,
        overhang_m: 1.5,
        tilt_deg: 0.0,
        arrangement: Arrangement::Single(Side::Left),
        sections: &[
            ("ge", "led-road-60"),
            ("osram", "led-road-60"),
            ("schreder", "led-road-60"),
        ],
    },
    // Access roads (Fabriksparken C4, the others C5; 6.5–7 m): the generic residential
    // optic, one side. Fabriksparken: 35 W on 8 m poles, at most 28 m apart; the others:
    // 20 W on 6 m poles, at most 25 m apart.
    Layout {
        street: "fabriksparken",
        height_m: 8.0,
        step_m: 28.0,
        end_m: 6.0,
        setback_m: 1.0,
        overhang_m: 1.0,
        tilt_deg: 0.0,
        arrangement: Arrangement::Single(Side::Left),
        sections: &[
            ("zumtobel", "led-residential-35"),
            ("cisco", "led-residential-35"),
            ("global-connect", "led-residential-35"),
            ("louis-poulsen", "led-residential-35"),
        ],
    },
    Layout {
        street: "smedeland",
        height_m: 6.0,
        step_m: 25.0,
        end_m: 6.0,
        setback_m: 1.0,
        overhang_m: 1.0,
        tilt_deg: 0.0,
        arrangement: Arrangement::Single(Side::Left),
        sections: &[("fagerhult", "led-residential-20")],
    },
    Layout {
        street: "naverland",
        height_m: 6.0,
        step_m: 25.0,
        end_m: 6.0,
        setback_m: 1.0,
        overhang_m: 1.0,
        tilt_deg: 0.0,
        arrangement: Arrangement::Single(Side::Right),
        sections: &[
            ("selux", "led-residential-20"),
            ("trilux", "led-residential-20"),
        ],
    },
    Layout {
        street: "farverland",
        height_m: 6.0,
        step_m: 25.0,
        end_m: 3.0,
        setback_m: 1.0,
        overhang_m: 1.0,
        tilt_deg: 0.0,
        arrangement: Arrangement::Single(Side::Left),
        sections: &[("hess", "led-residential-20")],
    },
    Layout {
        street: "formervangen",
        height_m: 6.0,
        step_m: 25.0,
        end_m: 10.0,
        setback_m: 1.0,
        overhang_m: 1.0,
        tilt_deg: 0.0,
        arrangement: Arrangement::Single(Side::Left),
        sections: &[("citelum", "led-residential-20")],
    },
    // Paths (2.5–3.5 m wide): the generic symmetric post-top on 4.5 m poles, one side:
    // 25 W on the P4 foot/cycle paths, 35 W on the P3 commuter cycle path.
    Layout {
        street: "sti-hersted",
        height_m: 4.5,
        step_m: 22.0,
        end_m: 3.0,
        setback_m: 0.75,
        overhang_m: 0.0,
        tilt_deg: 0.0,
        arrangement: Arrangement::Single(Side::Left),
        sections: &[("holophane", "led-posttop-25")],
    },
    Layout {
        street: "cykelsti-glostrup-nord",
        height_m: 4.5,
        step_m: 21.0,
        end_m: 8.0,
        setback_m: 0.75,
        overhang_m: 0.0,
        tilt_deg: 0.0,
        arrangement: Arrangement::Single(Side::Left),
        sections: &[
            ("telensa", "led-posttop-35"),
            ("iguzzini", "led-posttop-35"),
        ],
    },
    Layout {
        street: "sti-farverland",
        height_m: 4.5,
        step_m: 24.0,
        end_m: 3.0,
        setback_m: 0.75,
        overhang_m: 0.0,
        tilt_deg: 0.0,
        arrangement: Arrangement::Single(Side::Left),
        sections: &[("sill", "led-posttop-25")],
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
            // LED drivers with a dimming controller draw a little while dimmed to 0
            // (example values); the SON lamp and the floods have no controller.
            standby_w: if id.starts_with("led-") {
                0.5
            } else if id == "tilt-test-fixture" {
                0.3
            } else {
                0.0
            },
            output_level: 1.0,
        }
    };
    // The generic LED luminaires (generated photometry, examples/gen_generic_optics.rs):
    // rated flux and input power as their files declare, rotation 0 (C = 90 faces the
    // street).
    let generic = |id: &str, name: &str, file: &str, flux_lm: f64, power_w: f64| {
        lum(id, name, file, 0.0, flux_lm, power_w)
    };
    vec![
        generic(
            "led-road-60",
            "Generic LED road optic, two-lane, 60 W (generated photometry)",
            "generic_road_2lane_60w.ldt",
            8_400.0,
            60.0,
        ),
        generic(
            "led-road-90",
            "Generic LED road optic, two-lane, 90 W (generated photometry)",
            "generic_road_2lane_90w.ldt",
            12_200.0,
            90.0,
        ),
        generic(
            "led-residential-20",
            "Generic LED residential optic, 20 W (generated photometry)",
            "generic_residential_20w.ldt",
            2_800.0,
            20.0,
        ),
        generic(
            "led-residential-35",
            "Generic LED residential optic, 35 W (generated photometry)",
            "generic_residential_35w.ldt",
            4_900.0,
            35.0,
        ),
        generic(
            "led-posttop-25",
            "Generic LED post-top, 25 W (generated photometry)",
            "generic_posttop_25w.ldt",
            3_000.0,
            25.0,
        ),
        generic(
            "led-posttop-35",
            "Generic LED post-top, 35 W (generated photometry)",
            "generic_posttop_35w.ldt",
            4_200.0,
            35.0,
        ),
        // The baseline: the SON road lamps the LEDs replace. EULUMDAT line 23 LORL
        // 84.42 % x lamp flux 33 200 lm = 28 027 lm; the lamp set's 276 W is a SON-TPP
        // 250 W lamp with its magnetic ballast's losses (about 10 %), the system power
        // such lamps draw. Isym 3 template sending about 2/3 of its downward flux to the
        // C = 270 side: rotated 180° so that side faces the street. Not placed.
        lum(
            "acme-road-runner",
            "ACME Road Runner road luminaire (SON-TPP 250 W + ballast, template)",
            "acme_road_runner.ldt",
            180.0,
            28_027.44,
            276.0,
        ),
        // LORL 100 % x 5 134 lm; 60.22 W. Near-symmetric interior downlight (C planes
        // within 5 % of each other): rotation 0. Not placed: not a street luminaire.
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
        // planes), a best estimate; input watts 25. Not placed: a synthetic test file.
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
        // 1 lamp x 1 000 lm; input watts 10. Not placed: a synthetic test file.
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

/// Example control profiles (not the lab's real settings): which vendor runs which, and
/// the steps / presence of each. Midnight dimming is what most Danish municipalities
/// run; presence control dims to an idle level when nobody passes.
fn control_profiles() -> Vec<ControlProfile> {
    // Share of each local hour someone passes (a foot/cycle path and an access road of
    // an industrial park: shift changes at 06 and 14, little traffic after 22).
    let path = vec![
        0.02, 0.01, 0.01, 0.01, 0.02, 0.08, 0.25, 0.45, 0.5, 0.3, 0.2, 0.2, 0.2, 0.2, 0.25, 0.35,
        0.5, 0.45, 0.3, 0.2, 0.15, 0.1, 0.06, 0.03,
    ];
    let road = vec![
        0.1, 0.05, 0.05, 0.05, 0.1, 0.3, 0.7, 0.9, 0.9, 0.7, 0.6, 0.6, 0.6, 0.6, 0.7, 0.8, 0.9,
        0.9, 0.7, 0.5, 0.4, 0.3, 0.2, 0.15,
    ];
    vec![
        ControlProfile::with_steps(
            "midnight-50",
            "50 % from 00:00 to 05:00",
            &[("00:00", 0.5), ("05:00", 1.0)],
        ),
        ControlProfile::with_steps(
            "midnight-70",
            "70 % from 00:00 to 05:00",
            &[("00:00", 0.7), ("05:00", 1.0)],
        ),
        ControlProfile::with_steps(
            "midnight-30",
            "30 % from 00:00 to 05:00",
            &[("00:00", 0.3), ("05:00", 1.0)],
        ),
        ControlProfile {
            presence: Some(Presence {
                idle_level: 0.1,
                occupancy: path,
            }),
            ..ControlProfile::with_steps(
                "presence-path",
                "Presence, idle 10 %; 60 % after 22:00",
                &[("22:00", 0.6), ("06:00", 1.0)],
            )
        },
        ControlProfile {
            id: "presence-road".into(),
            name: "Presence, idle 30 %".into(),
            steps: Vec::new(),
            presence: Some(Presence {
                idle_level: 0.3,
                occupancy: road,
            }),
        },
    ]
}

/// The example profile each vendor runs (`None`: always full; iGuzzini and SILL),
/// chosen so that each is judged against its street's night classes
/// (the night class schedules of maps/hersted-industripark.geojson): midnight dimming to 50 % on the main roads, whose classes
/// drop two steps after midnight; 70 % on Fabriksparken, whose C4 drops to C5 (a C class
/// has no lower step after C5, so the C5 roads keep full light when someone passes:
/// presence control); presence control on the paths, whose P class drops one step at
/// 22:00. Philips runs the aggressive 30 % after midnight on the M3 road, below what M5
/// needs there, so the adaptive-lighting check (`coverage.period`) has something to show.
fn profile_of(vendor: &str) -> Option<&'static str> {
    match vendor {
        "ge" | "thorn" | "osram" | "schreder" => Some("midnight-50"),
        "zumtobel" | "louis-poulsen" => Some("midnight-70"),
        "philips" => Some("midnight-30"),
        "holophane" | "telensa" => Some("presence-path"),
        "cisco" | "global-connect" | "hess" | "citelum" | "fagerhult" | "selux" | "trilux" => {
            Some("presence-road")
        }
        _ => None,
    }
}

/// The plan description (what the sample is and is not).
const DESCRIPTION: &str = "The DOLL Living Lab test bed in Hersted Industripark, Albertslund: about \
    9 km of roads and cycle/foot paths. ILLUSTRATIVE EXAMPLE: the street geometry is an \
    approximation drawn by hand (see maps/hersted-industripark.geojson), and the vendor \
    sections, pole positions and luminaire choices are examples, not the lab's real \
    installation. Vendor names: Zumtobel Group, Cisco, Global Connect, Philips, Thorn, GE and \
    OSRAM are companies public sources link to the lab; the others are well-known lighting and \
    smart-city companies added as examples. The vendors' control profiles (midnight dimming, \
    presence control, always full) are examples too. The LED luminaires are GENERIC: their \
    photometry is generated from a documented model (assets/luminaires/SOURCES.md), not \
    measured. Lighting classes: Herstedøstervej M3 and Gl. Landevej M4 (distributor roads), \
    Fabriksparken C4 (the park's spine), the other access roads C5, the cycle path to Glostrup \
    Nord P3, the foot/cycle paths P4. Distributor roads: generic LED road optic, 9 m poles, \
    one side, about 35-38 m apart, 90 W on the M3 road and 60 W on the M4 road. Access roads: \
    generic residential optic, 35 W on 8 m poles (C4) and 20 W on 6 m poles (C5). Paths: \
    generic post-top, 25 W (P4) and 35 W (P3) on 4.5 m poles. Baseline: the SON-TPP 250 W \
    road lamps with ballast (276 W) the LEDs replace.";

/// Builds the plan from the map text (`map_path` names it in messages).
pub fn build(map_text: &str, map_path: &Path) -> Result<Plan, String> {
    build_with(map_text, map_path, LAYOUTS)
}

/// Spacing limits between consecutive poles along a street, metres (the bundled plan
/// promises 20–40 m; tests/core/bundled.rs checks it).
const MIN_STEP_M: f64 = 20.0;
const MAX_STEP_M: f64 = 40.0;

/// Builds the plan from the map text with the given street layouts.
pub fn build_with(map_text: &str, map_path: &Path, layouts: &[Layout]) -> Result<Plan, String> {
    let map = read_geojson(map_text, map_path).map_err(|e| e.to_string())?;
    let lines: Vec<Polyline> = map
        .streets
        .iter()
        .map(|s| Polyline::from_lonlat(&s.points))
        .collect();
    let mut plan = Plan {
        format_version: FORMAT_VERSION,
        name: "DOLL Living Lab — Hersted Industripark".into(),
        description: DESCRIPTION.into(),
        rules: Rules::default(),
        vendors: VENDORS
            .iter()
            .map(|(id, name, color)| Vendor {
                id: (*id).into(),
                name: (*name).into(),
                color: *color,
                control_profile: profile_of(id).map(Into::into),
            })
            .collect(),
        luminaires: luminaires(),
        control_profiles: control_profiles(),
        energy: EnergySettings {
            // The SON lamps the LEDs replace (the type's 276 W); the power and name are
            // kept in step for readers of the file.
            baseline_luminaire: Some("acme-road-runner".into()),
            baseline_power_w: 276.0,
            baseline_name: "SON-TPP 250 W with magnetic ballast".into(),
            ..EnergySettings::default()
        },
        streets: map.streets.clone(),
        ..Plan::default()
    };

    let mut placed: Vec<Xy> = Vec::new();
    let mut n_pole = 0usize;
    let mut n_section = 0usize;
    for layout in layouts {
        let k = map
            .streets
            .iter()
            .position(|s| s.id == layout.street)
            .ok_or_else(|| format!("{}: no street {:?}", map_path.display(), layout.street))?;
        let street = &map.streets[k];
        let line = &lines[k];
        let length = line.length();
        let margin = layout.end_m;
        let last_c = length - margin;
        let offset = street.width_m / 2.0 + layout.setback_m;
        // The longest step the spacing rule allows at this height.
        let max_step = MAX_STEP_M.min(plan.rules.max_spacing_to_height * layout.height_m);
        // (chainage, xy) of each placed pole of this street. Poles go from `margin` to
        // `length - margin`; after each pole the rest of the street is divided evenly
        // into steps of at most `step_m`, so a pole moved to clear a junction does not
        // leave a long gap behind it.
        let mut row: Vec<(f64, Xy)> = Vec::new();
        let mut nominal = margin;
        for i in 0.. {
            let first_side = match layout.arrangement {
                Arrangement::Single(s) => s,
                Arrangement::Staggered if i % 2 == 0 => Side::Left,
                Arrangement::Staggered => Side::Right,
            };
            let other_side = match first_side {
                Side::Left => Side::Right,
                Side::Right => Side::Left,
            };
            let mut chosen = None;
            'search: for side in [first_side, other_side] {
                // Nearest first: 0, +1, -1, +2, -2, … ±12 m.
                for j in 0..25 {
                    let shift = f64::from((j + 1) / 2) * if j % 2 == 0 { -1.0 } else { 1.0 };
                    let c = (nominal + shift).clamp(1.0, length - 1.0);
                    if let Some(&(prev, _)) = row.last()
                        && !(MIN_STEP_M..=max_step).contains(&(c - prev))
                    {
                        continue;
                    }
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
            let from = match chosen {
                Some(cp) => {
                    placed.push(cp.1);
                    row.push(cp);
                    cp.0
                }
                None => {
                    eprintln!(
                        "note: no clear spot for a pole near chainage {nominal:.0} m of {}",
                        street.id
                    );
                    nominal
                }
            };
            let rest = last_c - from;
            if rest < MIN_STEP_M {
                break;
            }
            let steps = (rest / layout.step_m - 1e-9).ceil().max(1.0);
            nominal = from + (rest / steps).max(MIN_STEP_M);
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
                    id: format!("P{n_pole:03}").into(),
                    lon: round_to(lon, 7),
                    lat: round_to(lat, 7),
                    height_m: layout.height_m,
                    overhang_m: layout.overhang_m,
                    tilt_deg: layout.tilt_deg,
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
