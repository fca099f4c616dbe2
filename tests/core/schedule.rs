//! The pole schedule CSV (issue 15): the exact header, one row per pole and nothing
//! else, the values as the plan and the checks have them, parsed back with the `csv`
//! crate, with and without the UTF-8 byte-order mark.

use lysplan::bundled::doll_plan;
use lysplan::frame::to_utm32;
use lysplan::index::{SiteIndex, on_route, pole_stations};
use lysplan::plan::Plan;
use lysplan::plan::review::{PoleReview, ReviewStatus};
use lysplan::schedule::{BOM, COLUMNS, save_schedule_atomic, schedule_csv};

const HEADER: &str = "id,vendor,luminaire,flux_lm,power_w,height_m,tilt_deg,azimuth_deg,\
                      overhang_m,lon,lat,e_25832_m,n_25832_m,street,chainage_m,side,review_status";

fn records(bytes: &[u8]) -> (csv::StringRecord, Vec<csv::StringRecord>) {
    let mut r = csv::ReaderBuilder::new().from_reader(bytes);
    let header = r.headers().expect("header").clone();
    let rows = r
        .records()
        .collect::<Result<Vec<_>, _>>()
        .expect("every row parses");
    (header, rows)
}

/// The bundled plan with a reviewed pole, one far off the route, one with an unknown
/// luminaire type and a vendor id that needs quoting.
fn plan() -> Plan {
    let mut plan = doll_plan();
    let id = plan.poles[2].id.to_string();
    plan.pole_reviews.insert(
        id,
        PoleReview {
            status: ReviewStatus::Rejected,
            ..Default::default()
        },
    );
    plan.pole_reviews.insert(
        plan.poles[3].id.to_string(),
        PoleReview {
            status: ReviewStatus::Approved,
            ..Default::default()
        },
    );
    let mut far = plan.poles[0].clone();
    far.id = "FAR".into();
    far.lat += 0.01;
    plan.poles.push(far);
    let mut odd = plan.poles[1].clone();
    odd.id = "ODD".into();
    odd.luminaire = "no-such-type".into();
    odd.vendor = "Ærø \"Lys\", Nord".into();
    plan.poles.push(odd);
    plan
}

#[test]
fn one_exact_header_then_one_row_per_pole_and_nothing_else() {
    let plan = plan();
    let bytes = schedule_csv(&plan, false);
    let text = String::from_utf8(bytes.clone()).expect("UTF-8");
    assert!(text.starts_with("id,"), "no BOM, no sep= line");
    let lines: Vec<&str> = text.split_terminator("\r\n").collect();
    assert_eq!(lines[0], HEADER);
    assert_eq!(COLUMNS.join(","), HEADER);
    assert_eq!(lines.len(), plan.poles.len() + 1, "one line per pole");
    assert!(text.ends_with("\r\n") && !text.ends_with("\r\n\r\n"));
    assert!(
        lines
            .iter()
            .all(|l| !l.starts_with("sep=") && !l.starts_with('#')),
        "no other lines"
    );

    let (header, rows) = records(&bytes);
    assert_eq!(header.iter().collect::<Vec<_>>(), COLUMNS);
    assert_eq!(rows.len(), plan.poles.len());
    assert!(rows.iter().all(|r| r.len() == COLUMNS.len()));
}

#[test]
fn the_values_are_the_plans_and_the_checks() {
    let plan = plan();
    let (_, rows) = records(&schedule_csv(&plan, false));
    let stations = pole_stations(&SiteIndex::build(&plan));
    let col = |name: &str| COLUMNS.iter().position(|c| *c == name).unwrap();
    let num = |r: &csv::StringRecord, name: &str| -> f64 {
        r[col(name)]
            .parse()
            .unwrap_or_else(|_| panic!("{name}: {:?}", &r[col(name)]))
    };
    for ((row, p), st) in rows.iter().zip(&plan.poles).zip(&stations) {
        assert_eq!(&row[col("id")], p.id);
        assert_eq!(&row[col("vendor")], p.vendor, "quoted text survives");
        assert_eq!(&row[col("luminaire")], p.luminaire);
        match plan.luminaire(&p.luminaire) {
            Some(l) => {
                assert_eq!(num(row, "flux_lm"), l.flux_lm);
                assert_eq!(num(row, "power_w"), l.power_w);
            }
            None => {
                assert_eq!((&row[col("flux_lm")], &row[col("power_w")]), ("", ""));
            }
        }
        assert_eq!(num(row, "height_m"), p.height_m);
        assert_eq!(num(row, "tilt_deg"), p.tilt_deg);
        assert_eq!(num(row, "azimuth_deg"), p.azimuth_deg);
        assert_eq!(num(row, "overhang_m"), p.overhang_m);
        assert!((num(row, "lon") - p.lon).abs() <= 5e-9);
        assert!((num(row, "lat") - p.lat).abs() <= 5e-9);
        // E/N in EPSG:25832 to the millimetre.
        let xy = to_utm32(p.lon, p.lat);
        assert_eq!(&row[col("e_25832_m")], format!("{:.3}", xy.x));
        assert_eq!(&row[col("n_25832_m")], format!("{:.3}", xy.y));
        assert!((num(row, "e_25832_m") - xy.x).abs() <= 0.0005);
        // The station the checks use, on the street the pole belongs to.
        match st.filter(|s| on_route(Some(s), plan.rules.max_offset_m)) {
            Some(s) => {
                assert_eq!(&row[col("street")], plan.streets[s.street()].id);
                assert!((num(row, "chainage_m") - s.chainage_m).abs() <= 0.0005);
                let side = match s.side {
                    lysplan::frame::Side::Left => "left",
                    lysplan::frame::Side::Right => "right",
                };
                assert_eq!(&row[col("side")], side);
            }
            None => {
                assert_eq!(p.id, "FAR", "only the far pole is off the route");
                let empty = ["street", "chainage_m", "side"].map(|c| &row[col(c)]);
                assert_eq!(empty, ["", "", ""]);
            }
        }
        let status = plan
            .pole_reviews
            .get(p.id.as_str())
            .map_or("", |r| r.status.name());
        assert_eq!(&row[col("review_status")], status);
    }
    let statuses: Vec<&str> = rows
        .iter()
        .map(|r| &r[col("review_status")])
        .filter(|s| !s.is_empty())
        .collect();
    assert_eq!(statuses, ["rejected", "approved"]);
}

#[test]
fn the_bom_option_starts_the_file_with_the_utf8_mark() {
    let plan = doll_plan();
    let plain = schedule_csv(&plan, false);
    let with = schedule_csv(&plan, true);
    assert_eq!(BOM, b"\xEF\xBB\xBF");
    assert_eq!(&with[..3], BOM);
    assert_eq!(&with[3..], &plain[..]);
    let (header, rows) = records(&with);
    assert_eq!(&header[0], "id", "the csv crate reads past the mark");
    assert_eq!(rows.len(), plan.poles.len());
}

#[test]
fn a_plan_without_poles_is_the_header_alone() {
    let plan = Plan::default();
    assert_eq!(
        schedule_csv(&plan, false),
        format!("{HEADER}\r\n").into_bytes()
    );
}

#[test]
fn save_writes_atomically_beside_the_target() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("poles.csv");
    std::fs::write(&path, "old").unwrap();
    save_schedule_atomic(&doll_plan(), &path, true).unwrap();
    assert_eq!(
        std::fs::read(&path).unwrap(),
        schedule_csv(&doll_plan(), true)
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn a_large_plan_keeps_the_pole_order_and_each_poles_station() {
    // Rows are made in chunks of 4,096 side by side: 10,000 poles cross two boundaries.
    let plan = lysplan::check::synth::plan(10_000);
    let (_, rows) = records(&schedule_csv(&plan, false));
    assert_eq!(rows.len(), plan.poles.len());
    let stations = pole_stations(&SiteIndex::build(&plan));
    for ((row, p), st) in rows.iter().zip(&plan.poles).zip(&stations) {
        assert_eq!(&row[0], p.id);
        let xy = to_utm32(p.lon, p.lat);
        assert_eq!(&row[11], format!("{:.3}", xy.x));
        let street = st
            .filter(|s| on_route(Some(s), plan.rules.max_offset_m))
            .map_or("", |s| plan.streets[s.street()].id.as_str());
        assert_eq!(&row[13], street, "{}", p.id);
    }
}
