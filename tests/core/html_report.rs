//! `lysplan report`: the HTML report read back with an HTML parser (scraper): its
//! tables, the SVG map's poles, the vendor narrowing, the changes against an older plan,
//! no external requests, and the CLI's exit codes.

use lysplan::bundled::doll_plan;
use lysplan::html_report::{ReportOptions, html};
use lysplan::plan::Plan;
use lysplan::plan::review::{Decision, PoleReview, ReviewStatus, Submission, Verdict};
use scraper::{Html, Selector};

fn sel(s: &str) -> Selector {
    Selector::parse(s).expect("selector")
}

fn report(plan: &Plan, vendor: Option<&str>, against: Option<(&Plan, &str)>) -> Html {
    let text = html(
        plan,
        &ReportOptions {
            vendor,
            against,
            source: "plan.ron",
            generated: "2026-12-02T10:00:00Z",
        },
    )
    .expect("a report");
    Html::parse_document(&text)
}

fn rows(doc: &Html, table: &str) -> Vec<Vec<String>> {
    doc.select(&sel(&format!("table#{table} tbody tr")))
        .map(|tr| {
            tr.select(&sel("td"))
                .map(|td| td.text().collect::<String>())
                .collect()
        })
        .collect()
}

#[test]
fn the_whole_plan_report_has_every_pole_street_and_finding() {
    let plan = doll_plan();
    let doc = report(&plan, None, None);
    assert_eq!(
        doc.select(&sel("svg#map circle.pole")).count(),
        plan.poles.len()
    );
    assert_eq!(
        doc.select(&sel("svg#map polyline.street")).count(),
        plan.streets.len()
    );
    let (findings, coverage) = lysplan::check::run_with_coverage(&plan);
    assert_eq!(rows(&doc, "findings").len(), findings.len());
    let streets = rows(&doc, "streets");
    assert_eq!(streets.len(), coverage.streets.len());
    // Every street meets its class on the bundled plan (docs/scripts.md).
    assert!(
        streets
            .iter()
            .any(|r| r[0] == "Fabriksparken" && r[1] == "C4" && r[6] == "pass"),
        "{streets:?}"
    );
    assert!(streets.iter().all(|r| r[6] == "pass"), "{streets:?}");
    // M streets carry their road luminance, the others nothing in that column.
    for r in &streets {
        assert_eq!(r[1].starts_with('M'), r[5].starts_with("L_avg "), "{r:?}");
    }
    let energy = rows(&doc, "energy");
    assert_eq!(energy.len(), plan.vendors.len());
    // Issue 26: each vendor's dimming against the class in force.
    let philips = energy
        .iter()
        .find(|r| r[0] == "Philips Lighting")
        .expect("{energy:?}");
    assert_eq!(
        philips[8], "no: herstedoestervej 00:00–05:00 M5",
        "{philips:?}"
    );
    assert!(energy.iter().any(|r| r[8] == "yes"), "{energy:?}");
    // the map's furniture
    let svg = doc.select(&sel("svg#map")).next().unwrap().html();
    assert!(svg.contains("© OpenStreetMap contributors"));
    assert!(doc.select(&sel("svg#map g.scale")).next().is_some());
    assert!(doc.select(&sel("svg#map g.north")).next().is_some());
}

#[test]
fn the_report_lists_the_luminaire_types_with_their_ulor() {
    let mut plan = doll_plan();
    // One pole on a generic post-top (ULOR above 0, labelled generic).
    plan.luminaires.push(lysplan::plan::LuminaireType {
        id: "pt".into(),
        name: "post-top".into(),
        photometry: lysplan::plan::PhotometrySource::Bundled("generic_posttop_15w.ldt".into()),
        rotation_deg: 0.0,
        flux_lm: 1800.0,
        power_w: 15.0,
        standby_w: 0.0,
        output_level: 1.0,
    });
    plan.poles[0].luminaire = "pt".into();
    let doc = report(&plan, None, None);
    let header: Vec<String> = doc
        .select(&sel("table#luminaires thead th"))
        .map(|th| th.text().collect())
        .collect();
    assert_eq!(header.last().map(String::as_str), Some("ULOR"));
    let rows = rows(&doc, "luminaires");
    let used: std::collections::BTreeSet<&str> =
        plan.poles.iter().map(|p| p.luminaire.as_str()).collect();
    assert_eq!(rows.len(), used.len(), "{rows:?}");
    let pt = rows
        .iter()
        .find(|r| r[0] == "pt")
        .expect("the post-top row");
    assert!(pt[2].contains("generic"), "{pt:?}");
    assert_eq!(pt[3], "1");
    let ulor = lysplan::photometry::catalogue::load(&plan.luminaires.last().unwrap().photometry)
        .unwrap()
        .table
        .ulor()
        .unwrap();
    assert!(ulor > 0.0);
    assert_eq!(pt[7], format!("{:.1} %", 100.0 * ulor));
}

#[test]
fn nothing_is_fetched_from_elsewhere() {
    let doc = report(&doll_plan(), None, None);
    let external: Vec<String> = doc
        .select(&sel("[src], [href], link, script, img, iframe"))
        .map(|el| el.html())
        .collect();
    assert!(external.is_empty(), "external references: {external:?}");
    let text = doc.html();
    assert!(!text.contains("@import") && !text.contains("url("));
}

#[test]
fn a_vendor_report_has_only_its_poles_sections_and_decisions() {
    let mut plan = doll_plan();
    let v = plan.poles[0].vendor.clone();
    let mine = plan.poles.iter().filter(|p| p.vendor == v).count();
    let other = plan.poles.iter().find(|p| p.vendor != v).unwrap().clone();
    plan.pole_reviews.insert(
        plan.poles[0].id.to_string(),
        PoleReview {
            status: ReviewStatus::Rejected,
            comment: "move it".into(),
            reviewer: "Gate 21".into(),
            time: "2026-12-02T09:00:00Z".into(),
        },
    );
    let decision = |object: &str, comment: &str| Decision {
        object: object.into(),
        change: "moved 2.5 m".into(),
        verdict: Verdict::Rejected,
        comment: comment.into(),
        reviewer: "Gate 21".into(),
        time: "2026-12-02T09:00:00Z".into(),
    };
    plan.submissions = vec![
        Submission {
            vendor: v.to_string(),
            file: "mine.geojson".into(),
            sha256: "a".repeat(64),
            received: "2026-12-02T08:00:00Z".into(),
            decisions: vec![decision(
                &format!("pole {}", plan.poles[0].id),
                "move it <5 m> east & check",
            )],
        },
        Submission {
            vendor: other.vendor.to_string(),
            file: "theirs.geojson".into(),
            sha256: "b".repeat(64),
            received: "2026-12-02T08:00:00Z".into(),
            decisions: vec![decision(&format!("pole {}", other.id), "not for them")],
        },
    ];
    let doc = report(&plan, Some(&v), None);
    assert_eq!(doc.select(&sel("svg#map circle.pole")).count(), mine);
    assert_eq!(
        doc.select(&sel("svg#map circle.other")).count(),
        plan.poles.len() - mine
    );
    assert_eq!(
        doc.select(&sel("svg#map circle.status.rejected")).count(),
        1
    );
    let decisions = rows(&doc, "decisions");
    assert_eq!(decisions.len(), 1, "{decisions:?}");
    // escaped in the file, the same text when read back
    assert_eq!(decisions[0][4], "move it <5 m> east & check");
    let sections = rows(&doc, "sections");
    assert!(!sections.is_empty());
    assert!(sections.iter().all(|r| r[1] == v), "{sections:?}");
    assert_eq!(rows(&doc, "energy").len(), 1);
}

#[test]
fn against_an_older_plan_the_changes_are_listed() {
    let old = doll_plan();
    let mut new = old.clone();
    new.poles[0].height_m += 1.0;
    let gone = new.poles.remove(7).id;
    let doc = report(&new, None, Some((&old, "old.ron")));
    let changes = rows(&doc, "changes");
    assert_eq!(changes.len(), 2, "{changes:?}");
    assert!(
        changes
            .iter()
            .any(|r| r[0] == "-" && r[1] == format!("pole {gone}"))
    );
    assert!(
        changes
            .iter()
            .any(|r| r[0] == "~" && r[2].contains("height_m"))
    );
}

#[test]
fn the_cli_writes_the_report_and_refuses_an_unknown_vendor() {
    let dir = tempfile::tempdir().unwrap();
    let plan_path = dir.path().join("plan.ron");
    lysplan::plan::save_ron_atomic(&doll_plan(), &plan_path).unwrap();
    let out = dir.path().join("r.html");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_lysplan"))
            .args(args)
            .output()
            .unwrap()
    };
    let o = run(&[
        "report",
        plan_path.to_str().unwrap(),
        "--html",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let doc = Html::parse_document(&std::fs::read_to_string(&out).unwrap());
    assert_eq!(doc.select(&sel("svg#map circle.pole")).count(), 340);
    let o = run(&[
        "report",
        plan_path.to_str().unwrap(),
        "--html",
        dir.path().join("x.html").to_str().unwrap(),
        "--vendor",
        "nobody",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("no vendor \"nobody\"") && err.contains("zumtobel"),
        "{err}"
    );
    assert!(!dir.path().join("x.html").exists());
}

#[test]
fn the_report_has_a_measured_on_site_section_for_the_vendor() {
    use lysplan::plan::measured::{EnergyReading, ReadingOf, Survey, SurveyPoint};
    let mut plan = doll_plan();
    // Without measurements, no such section.
    let plain = report(&plan, None, None);
    assert!(rows(&plain, "measured").is_empty());
    // One point under each pole of the first section's vendor, read at 0.8 of the
    // calculation is not needed here: the section, its rows and the energy are.
    let vendor = plan.sections[0].vendor.clone();
    let poles: Vec<_> = plan
        .poles
        .iter()
        .filter(|p| p.vendor == vendor.as_str())
        .map(|p| (p.lon, p.lat))
        .collect();
    plan.surveys.push(Survey {
        name: "nov".into(),
        source_file: "nov.csv".into(),
        sha256: "ab".repeat(32),
        instrument: String::new(),
        points: poles
            .iter()
            .map(|&(lon, lat)| SurveyPoint {
                lon,
                lat,
                measured_at: "2026-11-03".into(),
                e_h_lx: 10.0,
                note: String::new(),
            })
            .collect(),
    });
    plan.energy_readings.push(EnergyReading {
        of: ReadingOf::Vendor(vendor.clone()),
        from: "2026-11-01T00:00:00+01:00".into(),
        to: "2026-12-01T00:00:00+01:00".into(),
        kwh: 100.0,
        source_file: String::new(),
        sha256: String::new(),
    });
    let doc = report(&plan, Some(&vendor), None);
    let measured = rows(&doc, "measured");
    assert!(!measured.is_empty());
    assert!(measured.iter().all(|r| r[1] == vendor), "{measured:?}");
    let energy = rows(&doc, "measured-energy");
    assert_eq!(energy.len(), 1);
    assert_eq!(energy[0][0], vendor);
    assert_eq!(energy[0][3], "100.0");
    let text = doc.root_element().text().collect::<String>();
    assert!(text.contains("Measured on site"));
}

/// Issue 26: the report lists each street's night periods (class schedule and dimming)
/// with the class in force, the vendors' levels and the verdict; on the bundled plan the
/// one failing period is Herstedøstervej after midnight, and Philips's report has it.
#[test]
fn the_report_lists_the_night_periods_with_their_verdicts() {
    let plan = doll_plan();
    let doc = report(&plan, Some("philips"), None);
    let periods = rows(&doc, "periods");
    let her: Vec<_> = periods
        .iter()
        .filter(|r| r[0] == "Herstedøstervej")
        .collect();
    let spans: Vec<(&str, &str, &str)> = her
        .iter()
        .map(|r| (r[1].as_str(), r[2].as_str(), r[3].as_str()))
        .collect();
    assert_eq!(
        spans,
        [
            ("05:00", "22:00", "M3"),
            ("22:00", "00:00", "M4"),
            ("00:00", "05:00", "M5")
        ],
        "{periods:?}"
    );
    let night = her[2];
    assert_eq!(night[4], "philips 30 %, thorn 50 %");
    assert!(
        night[5].starts_with("L_avg 0.50 cd/m², U_o 0.33"),
        "{night:?}"
    );
    assert!(night[6].starts_with("fail: U_o 0.332 < 0.35"), "{night:?}");
    assert!(her[0][6] == "pass" && her[1][6] == "pass");
    // A street whose night is one period (no schedule, no dimming step) is not listed.
    let whole = report(&plan, None, None);
    let all = rows(&whole, "periods");
    assert!(
        all.iter().all(|r| r[0] != "Sti ved Farverland (foot path)"),
        "{all:?}"
    );
}
