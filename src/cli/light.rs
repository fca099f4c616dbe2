//! `lysplan lux` and `lysplan luminance`: the calculated light at one point.

use super::*;

/// `Err` (with the message printed) when `lon`, `lat` is not a WGS84 position; `what`
/// names it ("the point", "the observer").
fn check_position(what: &str, lon: f64, lat: f64) -> Result<(), ExitCode> {
    let valid = lon.is_finite()
        && lat.is_finite()
        && (-180.0..=180.0).contains(&lon)
        && (-90.0..=90.0).contains(&lat);
    if valid {
        return Ok(());
    }
    eprintln!(
        "error: {what} {lon}, {lat} is not a WGS84 position; give LON (degrees east, \
         -180..180) then LAT (degrees north, -90..90), e.g. 12.3880 55.6848"
    );
    Err(ExitCode::from(2))
}

/// The plan at `path` and its luminaires placed, for the point verbs.
fn load_lighting(path: &Path) -> Result<(Plan, lighting::Lighting), ExitCode> {
    let plan = load(path)?;
    let (photometry, errors) = lighting::load_photometry(&plan);
    for (id, e) in &errors {
        eprintln!("warning: luminaire type {id} lights nothing: {e}");
    }
    let lighting = lighting::Lighting::new(&plan, &photometry);
    Ok((plan, lighting))
}

pub(super) fn lux(path: &Path, lon: f64, lat: f64, format: Format) -> ExitCode {
    if let Err(code) = check_position("the point", lon, lat) {
        return code;
    }
    let (plan, lighting) = match load_lighting(path) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let report = lighting.lux_report(&plan, lon, lat);
    match format {
        Format::Json => emit_json(&report),
        Format::Text => {
            use std::fmt::Write as _;
            // An illuminance is never below zero: -0.000 is arithmetic, shown as 0.000.
            let lx = |v: f64| if v.abs() < 0.0005 { 0.0 } else { v };
            let mut s = format!(
                "{:.3} lx maintained horizontal illuminance at {lat:.6} N {lon:.6} E (MF {})\n",
                lx(report.e_h_lx),
                plan.maintenance_factor
            );
            let mut parts = report.contributions.clone();
            parts.sort_by(|a, b| b.e_h_lx.total_cmp(&a.e_h_lx).then(a.pole.cmp(&b.pole)));
            for c in parts.iter().filter(|c| c.e_h_lx >= 0.0005) {
                let _ = writeln!(s, "  {:>10.3} lx  {}", c.e_h_lx, c.pole);
            }
            emit(&s);
        }
    }
    ExitCode::SUCCESS
}

pub(super) fn luminance(
    path: &Path,
    point: (f64, f64),
    observer: (f64, f64),
    format: Format,
) -> ExitCode {
    if let Err(code) = check_position("the point", point.0, point.1)
        .and_then(|()| check_position("the observer", observer.0, observer.1))
    {
        return code;
    }
    let (plan, lighting) = match load_lighting(path) {
        Ok(p) => p,
        Err(code) => return code,
    };
    // The surface is the nearest street's (the bundled C2 when the plan has no street).
    let index = lysplan::index::SiteIndex::build(&plan);
    let street = index
        .nearest_street(lysplan::frame::to_utm32(point.0, point.1))
        .and_then(|(si, _)| plan.streets.get(si));
    let surface_id = street.map_or(lysplan::plan::DEFAULT_SURFACE, |s| s.surface.as_str());
    let table = match lighting::surface::table_for(&plan, surface_id) {
        Ok(t) => t,
        Err(why) => {
            eprintln!(
                "error: {}: street {}: {why}",
                path.display(),
                street.map_or("-", |s| s.id.as_str())
            );
            return ExitCode::from(2);
        }
    };
    let report = lighting.luminance_report(&plan, point, observer, &table);
    match format {
        Format::Json => emit_json(&report),
        Format::Text => {
            use std::fmt::Write as _;
            let mut s = format!(
                "{:.4} cd/m² maintained luminance at {:.6} N {:.6} E seen from {:.6} N {:.6} E \
                 (surface {surface_id}{}, MF {})\n",
                report.l_cd_m2,
                point.1,
                point.0,
                observer.1,
                observer.0,
                street.map_or(String::new(), |s| format!(" of {}", s.id)),
                plan.maintenance_factor
            );
            let mut parts = report.contributions.clone();
            parts.sort_by(|a, b| b.l_cd_m2.total_cmp(&a.l_cd_m2).then(a.pole.cmp(&b.pole)));
            for c in parts.iter().filter(|c| c.l_cd_m2 >= 0.00005) {
                let _ = writeln!(
                    s,
                    "  {:>10.4} cd/m²  {}  beta {:.1}°, tan gamma {:.3}",
                    c.l_cd_m2, c.pole, c.beta_deg, c.tan_gamma
                );
            }
            emit(&s);
        }
    }
    ExitCode::SUCCESS
}
