//! The report a coordinator sends back to a vendor (`lysplan report`, File → Export
//! report…): one self-contained HTML file, no external requests, made to print.
//!
//! Contents, in order: the plan's name, file and date; the site map as inline SVG
//! (streets by class, vendor sections as bands, poles by vendor with their review status
//! ringed, a scale bar, north, "© OpenStreetMap contributors"); the findings; the EN 13201
//! results per street and per vendor section; each vendor's annual energy and CO2; the
//! review decisions with their comments; with `against`, what changed since that plan.
//! With `vendor`, everything is narrowed to that vendor's poles and sections (its
//! streets' results, the findings that name its poles or lie on its streets, its
//! decisions), the other vendors' poles drawn faint for context.
//!
//! The map's poles are `<circle class="pole" data-id="P001">`, and each table has an `id`
//! (`findings`, `streets`, `sections`, `energy`, `decisions`, `changes`), so that tests
//! and scripts can read the file back.

use crate::check::{Finding, Severity};
use crate::frame::{Xy, to_utm32};
use crate::plan::review::ReviewStatus;
use crate::plan::{LightingClass, Plan};
use std::collections::{BTreeSet, HashSet};
use std::fmt::Write as _;

/// What the report covers.
#[derive(Debug, Clone, Default)]
pub struct ReportOptions<'a> {
    /// Only this vendor's poles and sections.
    pub vendor: Option<&'a str>,
    /// A plan to show the changes against, with its name.
    pub against: Option<(&'a Plan, &'a str)>,
    /// The plan's file name, for the header.
    pub source: &'a str,
    /// When the report was made (RFC 3339), for the header.
    pub generated: &'a str,
}

/// Why a report cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    #[error("the plan has no vendor {0:?}; its vendors are {1}")]
    UnknownVendor(String, String),
    #[error(transparent)]
    Diff(#[from] crate::diff::DiffError),
}

/// `&`, `<`, `>`, `"` and `'` as entities.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = "
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:24px;color:#1b1b1b;max-width:1100px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ccc;padding-bottom:3px}
.meta{color:#555;font-size:13px}
table{border-collapse:collapse;width:100%;font-size:12.5px;margin:6px 0}
th,td{border:1px solid #d4d4d4;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f1f1f1}td.num{text-align:right;font-variant-numeric:tabular-nums}
.error{color:#b00020;font-weight:600}.warning{color:#9a5b00;font-weight:600}.info{color:#345}
.pass{color:#16703a;font-weight:600}.fail{color:#b00020;font-weight:600}
.accepted{color:#16703a}.rejected{color:#b00020}
svg{border:1px solid #ccc;background:#f7f5f0;width:100%;height:auto}
.legend span{display:inline-block;margin-right:14px;font-size:12px}
.legend i{display:inline-block;width:10px;height:10px;border-radius:5px;margin-right:4px;vertical-align:-1px}
.empty{color:#666;font-style:italic}
@media print{body{margin:10mm;max-width:none}h2{break-after:avoid}table,svg{break-inside:avoid}tr{break-inside:avoid}
.pagebreak{break-before:page}}
";

/// The report as one HTML document.
pub fn html(plan: &Plan, opts: &ReportOptions<'_>) -> Result<String, ReportError> {
    if let Some(v) = opts.vendor
        && plan.vendor(v).is_none()
    {
        let ids: Vec<&str> = plan.vendors.iter().map(|v| v.id.as_str()).collect();
        return Err(ReportError::UnknownVendor(v.to_string(), ids.join(", ")));
    }
    let diff = match opts.against {
        Some((old, _)) => Some(crate::diff::diff(old, plan)?),
        None => None,
    };
    let (findings, coverage) = crate::check::run_with_coverage(plan);
    let mut energy = crate::energy::annual(plan, None);
    if let Ok(e) = energy.as_mut() {
        e.set_compliance(&coverage.first_failures());
    }
    let scope = Scope::new(plan, opts.vendor);

    let mut s = String::with_capacity(64 * 1024);
    let title = match opts.vendor.and_then(|v| plan.vendor(v)) {
        Some(v) => format!("{} — report for {}", plan.name, v.name),
        None => format!("{} — report", plan.name),
    };
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        esc(&title)
    );
    let _ = writeln!(s, "<h1>{}</h1>", esc(&title));
    let _ = writeln!(
        s,
        "<p class=\"meta\">Plan file {}{} · made {} by Lysplan {} · {} poles, {} streets, {} vendor sections in this report</p>",
        esc(opts.source),
        if plan.revision > 0 {
            format!(", revision {}", plan.revision)
        } else {
            String::new()
        },
        esc(opts.generated),
        env!("CARGO_PKG_VERSION"),
        scope.poles.len(),
        scope.streets.len(),
        scope.sections.len()
    );

    s.push_str("<h2>Site map</h2>\n");
    map_svg(&mut s, plan, &scope);

    // findings
    let shown: Vec<&Finding> = findings.iter().filter(|f| scope.finding(f)).collect();
    let errors = shown
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let _ = writeln!(
        s,
        "<h2>Findings</h2>\n<p>{errors} error{}, {} other finding{}.</p>",
        if errors == 1 { "" } else { "s" },
        shown.len() - errors,
        if shown.len() - errors == 1 { "" } else { "s" }
    );
    if shown.is_empty() {
        s.push_str("<p class=\"empty\">No findings.</p>\n");
    } else {
        s.push_str("<table id=\"findings\"><thead><tr><th>severity</th><th>rule</th><th>message</th><th>poles</th><th>street</th></tr></thead><tbody>\n");
        for f in &shown {
            let _ = writeln!(
                s,
                "<tr><td class=\"{sev}\">{sev}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(f.rule.as_str()),
                esc(&f.message),
                esc(&f.poles.join(", ")),
                esc(f.street.as_deref().unwrap_or("")),
                sev = f.severity.name()
            );
        }
        s.push_str("</tbody></table>\n");
    }

    // EN 13201
    s.push_str("<h2 class=\"pagebreak\">EN 13201 results</h2>\n");
    let streets: Vec<_> = coverage
        .streets
        .iter()
        .filter(|e| {
            plan.streets
                .get(e.street)
                .is_some_and(|st| scope.streets.contains(st.id.as_str()))
        })
        .collect();
    if streets.is_empty() {
        s.push_str("<p class=\"empty\">No classed street in this report.</p>\n");
    } else {
        s.push_str("<table id=\"streets\"><thead><tr><th>street</th><th>class</th><th>E_avg lx</th><th>E_min lx</th><th>U_o</th><th>road luminance (M classes)</th><th>verdict</th></tr></thead><tbody>\n");
        for e in &streets {
            let name = plan.streets.get(e.street).map_or("", |st| st.name.as_str());
            let r = &e.result;
            let _ = writeln!(
                s,
                "<tr><td>{}</td><td>{}</td><td class=\"num\">{:.2}</td><td class=\"num\">{:.2}</td><td class=\"num\">{}</td><td>{}</td><td class=\"{v}\">{v}</td></tr>",
                esc(name),
                r.class.name(),
                r.e_avg_lx,
                r.e_min_lx,
                crate::lighting::show_optional(r.u_o, 3),
                esc(&r.luminance_text().unwrap_or_default()),
                v = if r.pass { "pass" } else { "fail" }
            );
        }
        s.push_str("</tbody></table>\n");
        periods_table(&mut s, plan, &streets);
        let sections: Vec<_> = streets
            .iter()
            .flat_map(|e| &e.sections)
            .filter(|r| scope.sections.contains(r.id.as_str()))
            .collect();
        if !sections.is_empty() {
            s.push_str("<table id=\"sections\"><thead><tr><th>section</th><th>vendor</th><th>street</th><th>E_avg lx</th><th>E_min lx</th><th>U_o</th><th>verdict</th></tr></thead><tbody>\n");
            for r in sections {
                let _ = writeln!(
                    s,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{:.2}</td><td class=\"num\">{:.2}</td><td class=\"num\">{:.3}</td><td class=\"{v}\">{v}</td></tr>",
                    esc(&r.id),
                    esc(&r.vendor),
                    esc(&r.street),
                    r.e_avg_lx,
                    r.e_min_lx,
                    r.u_o,
                    v = if r.pass { "pass" } else { "fail" }
                );
            }
            s.push_str("</tbody></table>\n");
        }
    }

    luminaire_table(&mut s, plan, &scope);

    // energy
    s.push_str("<h2>Annual energy and CO2</h2>\n");
    match &energy {
        Ok(e) => {
            let (baseline_w, baseline_name) = plan.energy.baseline_or_own(&plan.luminaires);
            let _ = writeln!(
                s,
                "<p>{}: lights on {:.0} h a year at the site; {} g CO2 per kWh; baseline {} ({} W a pole, full all night).</p>",
                e.year,
                e.lit_hours,
                crate::finding::number(e.co2_g_per_kwh),
                esc(baseline_name),
                crate::finding::number(baseline_w)
            );
            s.push_str("<table id=\"energy\"><thead><tr><th>vendor</th><th>control</th><th>poles</th><th>installed W</th><th>kWh/year</th><th>baseline kWh</th><th>saving</th><th>CO2 kg</th><th>class kept</th></tr></thead><tbody>\n");
            for v in e
                .vendors
                .iter()
                .filter(|v| opts.vendor.is_none_or(|only| only == v.id))
            {
                let name = plan
                    .vendor(&v.id)
                    .map_or(v.id.as_str(), |x| x.name.as_str());
                let profile = v
                    .profile
                    .as_deref()
                    .and_then(|p| plan.control_profile(p))
                    .map_or("always full", |p| p.name.as_str());
                let r = &v.row;
                // Adaptive lighting: the first period the vendor's dimmed light misses.
                let kept = match &v.compliance {
                    Some(None) => "yes".to_owned(),
                    Some(Some(f)) => format!(
                        "<span class=\"error\">no: {} {}–{} {}</span>",
                        esc(&f.street),
                        esc(&f.from),
                        esc(&f.to),
                        esc(&f.class)
                    ),
                    None => "—".to_owned(),
                };
                let _ = writeln!(
                    s,
                    "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{:.0}</td><td class=\"num\">{:.0}</td><td class=\"num\">{:.0}</td><td class=\"num\">{:.1} %</td><td class=\"num\">{:.0}</td><td>{kept}</td></tr>",
                    esc(name),
                    esc(profile),
                    r.poles,
                    r.installed_w,
                    r.annual_kwh,
                    r.baseline_kwh,
                    r.savings_pct,
                    r.co2_kg
                );
            }
            s.push_str("</tbody></table>\n");
        }
        Err(e) => {
            let _ = writeln!(
                s,
                "<p class=\"error\">The energy model cannot run: {} is {}; it must be {}.</p>",
                esc(&e.path),
                esc(&e.value.to_string()),
                esc(&e.allowed.to_string())
            );
        }
    }

    measured_section(&mut s, plan, opts.vendor);

    // review decisions
    s.push_str("<h2>Review decisions</h2>\n");
    let decisions: Vec<_> = plan
        .submissions
        .iter()
        .filter(|sub| opts.vendor.is_none_or(|v| v == sub.vendor))
        .flat_map(|sub| sub.decisions.iter().map(move |d| (sub, d)))
        .collect();
    if decisions.is_empty() {
        s.push_str("<p class=\"empty\">No review decisions recorded.</p>\n");
    } else {
        s.push_str("<table id=\"decisions\"><thead><tr><th>submission</th><th>object</th><th>change</th><th>decision</th><th>comment</th><th>reviewer</th><th>time</th></tr></thead><tbody>\n");
        for (sub, d) in decisions {
            let _ = writeln!(
                s,
                "<tr><td>{} ({})</td><td>{}</td><td>{}</td><td class=\"{v}\">{v}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&sub.file),
                esc(&sub.vendor),
                esc(&d.object),
                esc(&d.change),
                esc(&d.comment),
                esc(&d.reviewer),
                esc(&d.time),
                v = d.verdict.name()
            );
        }
        s.push_str("</tbody></table>\n");
    }

    // changes since the older plan
    if let (Some(d), Some((old, name))) = (&diff, opts.against) {
        let _ = writeln!(s, "<h2>Changes since {}</h2>", esc(name));
        let changes = crate::review::changes(old, plan, d, opts.vendor.unwrap_or(""));
        let changes: Vec<_> = changes
            .iter()
            .filter(|c| opts.vendor.is_none_or(|v| c.vendors.iter().any(|x| x == v)))
            .collect();
        let sum = d.summary();
        let _ = writeln!(
            s,
            "<p>Whole plan: {} added, {} removed, {} moved, {} changed.</p>",
            sum.added, sum.removed, sum.moved, sum.changed
        );
        if changes.is_empty() {
            s.push_str("<p class=\"empty\">No change in this report's scope.</p>\n");
        } else {
            s.push_str("<table id=\"changes\"><thead><tr><th></th><th>object</th><th>change</th><th>vendors</th></tr></thead><tbody>\n");
            for c in changes {
                let _ = writeln!(
                    s,
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    c.kind.sign(),
                    esc(&c.object_label()),
                    esc(&c.summary()),
                    esc(&c.vendors.join(", "))
                );
            }
            s.push_str("</tbody></table>\n");
        }
    }
    s.push_str("<p class=\"meta\">Map data © OpenStreetMap contributors (ODbL) where the streets come from OpenStreetMap. EN 13201 figures are maintained values (MF ");
    let _ = write!(s, "{}", crate::finding::number(plan.maintenance_factor));
    s.push_str(").</p>\n</body>\n</html>\n");
    Ok(s)
}

/// Adaptive lighting (docs/architecture.md "Adaptive lighting"): each period of the
/// night of the report's streets that have more than one, with the class in force, the
/// vendors' levels, the calculated values and the verdict (`table id="periods"`).
fn periods_table(s: &mut String, plan: &Plan, streets: &[&crate::lighting::StreetEvaluation]) {
    let with_periods: Vec<_> = streets
        .iter()
        .filter(|e| e.result.periods.len() > 1)
        .collect();
    if with_periods.is_empty() {
        return;
    }
    s.push_str("<h3>The night, period by period</h3>\n<p>Each period between the steps of the street's class schedule and of its vendors' dimming, judged against the class in force then with every luminaire at its vendor's level (presence control: the level when someone is detected); calculated values.</p>\n");
    s.push_str("<table id=\"periods\"><thead><tr><th>street</th><th>from</th><th>to</th><th>class</th><th>levels</th><th>values</th><th>verdict</th></tr></thead><tbody>\n");
    for e in with_periods {
        let name = plan.streets.get(e.street).map_or("", |st| st.name.as_str());
        for p in &e.result.periods {
            let levels: Vec<String> = p
                .levels
                .iter()
                .map(|(v, l)| format!("{v} {:.0} %", l * 100.0))
                .collect();
            let values = match &p.values {
                crate::lighting::PeriodValues::Illuminance {
                    e_avg_lx,
                    e_min_lx,
                    u_o,
                } => format!("E_avg {e_avg_lx:.2} lx, E_min {e_min_lx:.2} lx, U_o {u_o:.2}"),
                crate::lighting::PeriodValues::Luminance {
                    u_o,
                    l_avg_cd_m2,
                    u_l,
                    ti_pct,
                    rei,
                } => format!(
                    "L_avg {} cd/m², U_o {}, U_l {}, f_TI {} %, REI {}",
                    crate::lighting::show_optional(*l_avg_cd_m2, 2),
                    crate::lighting::show_optional(*u_o, 2),
                    crate::lighting::show_optional(*u_l, 2),
                    crate::lighting::show_optional(*ti_pct, 1),
                    crate::lighting::show_optional(*rei, 2)
                ),
            };
            let verdict = if p.pass {
                "pass".to_string()
            } else {
                format!("fail: {}", p.verdict.failures.join("; "))
            };
            let _ = writeln!(
                s,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"{}\">{}</td></tr>",
                esc(name),
                esc(&p.from),
                esc(&p.to),
                p.class.name(),
                esc(&levels.join(", ")),
                esc(&values),
                if p.pass { "pass" } else { "fail" },
                esc(&verdict)
            );
        }
    }
    s.push_str("</tbody></table>\n");
}

/// The luminaire types the report's poles carry: flux, power, efficacy and ULOR (the
/// share of the flux sent upwards, from the photometry); generic (generated) photometry
/// is labelled as such.
fn luminaire_table(s: &mut String, plan: &Plan, scope: &Scope<'_>) {
    let used: HashSet<&str> = plan
        .poles
        .iter()
        .filter(|p| scope.poles.contains(p.id.as_str()))
        .map(|p| p.luminaire.as_str())
        .collect();
    let types: Vec<_> = plan
        .luminaires
        .iter()
        .filter(|l| used.contains(l.id.as_str()))
        .collect();
    if types.is_empty() {
        return;
    }
    s.push_str("<h2>Luminaire types</h2>\n");
    s.push_str("<table id=\"luminaires\"><thead><tr><th>type</th><th>name</th><th>photometry</th><th>poles</th><th>flux lm</th><th>power W</th><th>lm/W</th><th>ULOR</th></tr></thead><tbody>\n");
    for l in types {
        let file = match &l.photometry {
            crate::photometry::PhotometrySource::Bundled(f) => f.as_str(),
            crate::photometry::PhotometrySource::Embedded { file_name, .. } => file_name.as_str(),
        };
        let generic = file.starts_with("generic_") || l.name.to_lowercase().contains("generic");
        let ulor = crate::photometry::catalogue::load(&l.photometry)
            .ok()
            .and_then(|ph| ph.table.ulor())
            .map_or("—".to_string(), |u| format!("{:.1} %", 100.0 * u));
        let poles = plan
            .poles
            .iter()
            .filter(|p| p.luminaire == l.id && scope.poles.contains(p.id.as_str()))
            .count();
        let _ = writeln!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{}{}</td><td class=\"num\">{poles}</td><td class=\"num\">{:.0}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{ulor}</td></tr>",
            esc(&l.id),
            esc(&l.name),
            esc(file),
            if generic {
                " (generic: generated from a model, not a measurement)"
            } else {
                ""
            },
            l.flux_lm,
            crate::finding::number(l.power_w),
            if l.power_w > 0.0 {
                format!("{:.0}", l.flux_lm / l.power_w)
            } else {
                "—".into()
            },
        );
    }
    s.push_str("</tbody></table>\n");
}

/// The poles, streets and sections a report covers.
struct Scope<'a> {
    vendor: Option<&'a str>,
    poles: HashSet<&'a str>,
    streets: HashSet<&'a str>,
    sections: HashSet<&'a str>,
}

impl<'a> Scope<'a> {
    fn new(plan: &'a Plan, vendor: Option<&'a str>) -> Self {
        let mine = |v: &str| vendor.is_none_or(|x| x == v);
        let poles: HashSet<&str> = plan
            .poles
            .iter()
            .filter(|p| mine(&p.vendor))
            .map(|p| p.id.as_str())
            .collect();
        let sections: HashSet<&str> = plan
            .sections
            .iter()
            .filter(|s| mine(&s.vendor))
            .map(|s| s.id.as_str())
            .collect();
        let streets: HashSet<&str> = match vendor {
            None => plan.streets.iter().map(|s| s.id.as_str()).collect(),
            Some(_) => plan
                .sections
                .iter()
                .filter(|s| sections.contains(s.id.as_str()))
                .map(|s| s.street.as_str())
                .collect(),
        };
        Scope {
            vendor,
            poles,
            streets,
            sections,
        }
    }

    /// A finding is in scope when it names one of the poles, or lies on one of the
    /// streets without naming poles (a street's coverage).
    fn finding(&self, f: &Finding) -> bool {
        if self.vendor.is_none() {
            return true;
        }
        if f.poles.iter().any(|p| self.poles.contains(p.as_str())) {
            return true;
        }
        f.poles.is_empty()
            && f.street
                .as_deref()
                .is_some_and(|s| self.streets.contains(s))
    }
}

/// An SVG `points` attribute.
fn points_attr(pts: impl Iterator<Item = (f64, f64)>) -> Vec<String> {
    pts.map(|(x, y)| format!("{x:.1},{y:.1}")).collect()
}

fn class_style(c: Option<LightingClass>) -> (&'static str, f64, &'static str) {
    use LightingClass::*;
    match c {
        Some(M1 | M2 | M3 | M4 | M5 | M6) => ("#5a5a5a", 5.0, ""),
        Some(C0 | C1 | C2 | C3 | C4 | C5) => ("#8a8a8a", 3.5, ""),
        Some(_) => ("#9b8f7a", 2.0, " stroke-dasharray=\"6 4\""),
        None => ("#b8b8b8", 2.0, ""),
    }
}

fn rgb(c: [u8; 3]) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

/// The site map as inline SVG, north up, in UTM 32N metres.
fn map_svg(s: &mut String, plan: &Plan, scope: &Scope<'_>) {
    const W: f64 = 1000.0;
    const H: f64 = 640.0;
    const PAD: f64 = 30.0;
    let usable = |lon: f64, lat: f64| lon.is_finite() && lat.is_finite();
    // the extent: the scope's poles and streets
    let mut pts: Vec<Xy> = plan
        .poles
        .iter()
        .filter(|p| scope.poles.contains(p.id.as_str()) && usable(p.lon, p.lat))
        .map(|p| to_utm32(p.lon, p.lat))
        .collect();
    for st in plan
        .streets
        .iter()
        .filter(|st| scope.streets.contains(st.id.as_str()))
    {
        pts.extend(
            st.points
                .iter()
                .filter(|p| usable(p.lon, p.lat))
                .map(|p| p.to_xy()),
        );
    }
    if pts.is_empty() {
        s.push_str("<p class=\"empty\">Nothing to draw.</p>\n");
        return;
    }
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for p in &pts {
        x0 = x0.min(p.x);
        y0 = y0.min(p.y);
        x1 = x1.max(p.x);
        y1 = y1.max(p.y);
    }
    let span = ((x1 - x0) / (W - 2.0 * PAD))
        .max((y1 - y0) / (H - 2.0 * PAD))
        .max(0.05);
    let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    let px = |p: Xy| (W / 2.0 + (p.x - cx) / span, H / 2.0 - (p.y - cy) / span);
    let _ = writeln!(
        s,
        "<svg id=\"map\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"Site map\">"
    );
    // streets
    s.push_str(
        "<g class=\"streets\" fill=\"none\" stroke-linecap=\"round\" stroke-linejoin=\"round\">\n",
    );
    for st in &plan.streets {
        let (colour, width, dash) = class_style(st.class);
        let d = points_attr(
            st.points
                .iter()
                .filter(|p| usable(p.lon, p.lat))
                .map(|p| px(p.to_xy())),
        );
        if d.len() < 2 {
            continue;
        }
        let _ = writeln!(
            s,
            "<polyline class=\"street\" data-id=\"{}\" points=\"{}\" stroke=\"{colour}\" stroke-width=\"{width}\"{dash}><title>{} ({})</title></polyline>",
            esc(&st.id),
            d.join(" "),
            esc(&st.name),
            st.class.map_or("unclassed", |c| c.name())
        );
    }
    s.push_str("</g>\n");
    // sections as bands
    s.push_str(
        "<g class=\"sections\" fill=\"none\" stroke-opacity=\"0.35\" stroke-linecap=\"butt\">\n",
    );
    for sec in &plan.sections {
        // Other vendors' sections are not drawn (their poles are, faintly).
        if !scope.sections.contains(sec.id.as_str()) {
            continue;
        }
        let Some(st) = plan.street(&sec.street) else {
            continue;
        };
        let line = crate::frame::Polyline::from_lonlat(&st.points);
        let d = points_attr(
            line.sub_line(sec.from_m, sec.to_m)
                .into_iter()
                .filter(|p| p.x.is_finite() && p.y.is_finite())
                .map(px),
        );
        if d.len() < 2 {
            continue;
        }
        let colour = plan
            .vendor(&sec.vendor)
            .map_or("#999999".to_string(), |v| rgb(v.color));
        let _ = writeln!(
            s,
            "<polyline class=\"section\" data-id=\"{}\" points=\"{}\" stroke=\"{colour}\" stroke-width=\"12\"><title>{} {}: {:.0}–{:.0} m</title></polyline>",
            esc(&sec.id),
            d.join(" "),
            esc(&sec.id),
            esc(&sec.vendor),
            sec.from_m,
            sec.to_m
        );
    }
    s.push_str("</g>\n");
    // other vendors' poles, faint; then the scope's, with their review status
    s.push_str("<g class=\"context\">\n");
    for p in plan
        .poles
        .iter()
        .filter(|p| !scope.poles.contains(p.id.as_str()) && usable(p.lon, p.lat))
    {
        let (x, y) = px(to_utm32(p.lon, p.lat));
        let _ = writeln!(
            s,
            "<circle class=\"other\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"2.5\" fill=\"#c4c4c4\"/>"
        );
    }
    s.push_str("</g>\n<g class=\"poles\" stroke=\"#222\" stroke-width=\"0.7\">\n");
    for p in plan
        .poles
        .iter()
        .filter(|p| scope.poles.contains(p.id.as_str()) && usable(p.lon, p.lat))
    {
        let (x, y) = px(to_utm32(p.lon, p.lat));
        let colour = plan
            .vendor(&p.vendor)
            .map_or("#808080".to_string(), |v| rgb(v.color));
        let review = plan.pole_reviews.get(p.id.as_str());
        if let Some(r) = review
            && r.status != ReviewStatus::Pending
        {
            let ring = if r.status == ReviewStatus::Approved {
                "#16a34a"
            } else {
                "#dc2626"
            };
            let _ = writeln!(
                s,
                "<circle class=\"status {}\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"7\" fill=\"none\" stroke=\"{ring}\" stroke-width=\"2\"/>",
                r.status.name()
            );
        }
        let status = review.map_or("", |r| r.status.name());
        let _ = writeln!(
            s,
            "<circle class=\"pole\" data-id=\"{}\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"4\" fill=\"{colour}\"><title>{} · {} · {} · {} m{}{}</title></circle>",
            esc(&p.id),
            esc(&p.id),
            esc(&p.vendor),
            esc(&p.luminaire),
            crate::finding::number(p.height_m),
            if status.is_empty() { "" } else { " · " },
            status
        );
    }
    s.push_str("</g>\n");
    // scale bar: a round length near a fifth of the width
    let target = W / 5.0 * span;
    let mag = 10f64.powf(target.log10().floor());
    let nice = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|k| k * mag)
        .rfind(|&v| v <= target)
        .unwrap_or(mag);
    let bar = nice / span;
    let label = if nice >= 1000.0 {
        format!("{} km", crate::finding::number(nice / 1000.0))
    } else {
        format!("{} m", crate::finding::number(nice))
    };
    let _ = writeln!(
        s,
        "<g class=\"scale\"><rect x=\"20\" y=\"{}\" width=\"{bar:.1}\" height=\"6\" fill=\"#222\"/><text x=\"20\" y=\"{}\" font-size=\"13\">{label}</text></g>",
        H - 26.0,
        H - 32.0
    );
    let _ = writeln!(
        s,
        "<g class=\"north\"><path d=\"M{0} 20 l9 26 l-9 -7 l-9 7 z\" fill=\"#222\"/><text x=\"{0}\" y=\"62\" font-size=\"13\" text-anchor=\"middle\">N</text></g>",
        W - 30.0
    );
    let _ = writeln!(
        s,
        "<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\" fill=\"#333\">© OpenStreetMap contributors</text>",
        W - 8.0,
        H - 8.0
    );
    s.push_str("</svg>\n<p class=\"legend\">");
    let vendors: BTreeSet<&str> = plan
        .poles
        .iter()
        .filter(|p| scope.poles.contains(p.id.as_str()))
        .map(|p| p.vendor.as_str())
        .collect();
    for v in vendors {
        let (name, colour) = plan
            .vendor(v)
            .map_or((v.to_string(), "#808080".to_string()), |x| {
                (x.name.clone(), rgb(x.color))
            });
        let _ = write!(
            s,
            "<span><i style=\"background:{colour}\"></i>{}</span>",
            esc(&name)
        );
    }
    s.push_str("<span><i style=\"border:2px solid #16a34a;width:8px;height:8px\"></i>approved</span><span><i style=\"border:2px solid #dc2626;width:8px;height:8px\"></i>rejected</span></p>\n");
}

/// `html` (a report from [`html`]) with the coordinator's yardstick (`lysplan report
/// --benchmark`): a table `id="benchmark"` of each vendor section's installed W/km
/// against the best W/km the arrangement search finds with the same luminaire
/// ([`crate::design::yardstick`]), inserted before the closing note.
pub fn with_benchmark(html: &str, rows: &[crate::design::yardstick::SectionYardstick]) -> String {
    let mut t = String::from("<h2>Yardstick: each section against the best arrangement</h2>\n");
    t.push_str(
        "<p>The vendor's installed power per km of its section, against the least power \
         per km of an arrangement of the same luminaire that meets the street's class \
         (lysplan optimise, default search set; calculated values).</p>\n",
    );
    t.push_str("<table id=\"benchmark\"><thead><tr><th>section</th><th>vendor</th><th>street</th><th>stretch m</th><th>poles</th><th>W/km now</th><th>best W/km</th><th>ratio</th><th>note</th></tr></thead><tbody>\n");
    let num = |v: Option<f64>, d: usize| v.map_or_else(|| "–".to_string(), |v| format!("{v:.d$}"));
    for r in rows {
        let _ = writeln!(
            t,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{:.0}–{:.0}</td><td>{}</td><td>{:.1}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&r.section),
            esc(&r.vendor),
            esc(&r.street),
            r.from_m,
            r.to_m,
            r.poles,
            r.current_w_per_km,
            num(r.best_w_per_km, 1),
            num(r.ratio, 2),
            esc(r.note.as_deref().unwrap_or(""))
        );
    }
    t.push_str("</tbody></table>\n");
    // Before the closing paragraph (the last <p class="meta"> or the end of the body).
    let at = html
        .rfind("<p class=\"meta\">")
        .filter(|&i| i > html.len() / 2)
        .or_else(|| html.rfind("</body>"))
        .unwrap_or(html.len());
    let mut out = String::with_capacity(html.len() + t.len());
    out.push_str(&html[..at]);
    out.push_str(&t);
    out.push_str(&html[at..]);
    out
}

/// "Measured on site": the surveys and energy readings stored in the plan against the
/// calculation and the model, for `vendor` (or all); nothing when the plan holds none.
fn measured_section(s: &mut String, plan: &Plan, vendor: Option<&str>) {
    if plan.surveys.is_empty() && plan.energy_readings.is_empty() {
        return;
    }
    let mine = |v: &str| vendor.is_none_or(|only| only == v);
    s.push_str("<h2>Measured on site</h2>\n");
    if !plan.surveys.is_empty() {
        let (photometry, _) = crate::lighting::load_photometry(plan);
        let c = crate::measure::compare_surveys(plan, &photometry, &plan.surveys, false);
        let _ = writeln!(
            s,
            "<p>{} survey(s) against the calculated initial illuminance (MF = 1); ratio = measured / calculated.</p>",
            plan.surveys.len()
        );
        s.push_str("<table id=\"measured\"><thead><tr><th>section</th><th>vendor</th><th>survey</th><th>date</th><th>points</th><th>mean ratio</th><th>median</th><th>p10</th><th>p90</th><th>measured E_avg / E_min / U_o</th><th>calculated</th></tr></thead><tbody>\n");
        let grid = |g: &Option<crate::measure::GridValues>| match g {
            Some(g) => format!(
                "{:.2} lx / {:.2} lx / {:.2}{}",
                g.e_avg_lx,
                g.e_min_lx,
                g.u_o,
                match g.pass {
                    Some(true) => " <span class=\"pass\">pass</span>",
                    Some(false) => " <span class=\"fail\">fail</span>",
                    None => "",
                }
            ),
            None => "-".into(),
        };
        for r in c.sections.iter().filter(|r| mine(&r.vendor)) {
            let _ = writeln!(
                s,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{:.3}</td><td class=\"num\">{:.3}</td><td class=\"num\">{:.3}</td><td class=\"num\">{:.3}</td><td>{}</td><td>{}</td></tr>",
                esc(&r.section),
                esc(&r.vendor),
                esc(&r.survey),
                esc(&r.date),
                r.count,
                r.mean_ratio,
                r.median_ratio,
                r.p10_ratio,
                r.p90_ratio,
                grid(&r.measured),
                grid(&r.calculated)
            );
        }
        s.push_str("</tbody></table>\n");
        let dark: Vec<_> = c.dark_poles.iter().filter(|d| mine(&d.vendor)).collect();
        if dark.is_empty() {
            s.push_str("<p>No pole is dark or mis-aimed.</p>\n");
        } else {
            s.push_str("<p class=\"fail\">Dark or mis-aimed poles:</p><ul>\n");
            for d in dark {
                let _ = writeln!(
                    s,
                    "<li>{} ({}) in {}: mean ratio {:.3} over {} points</li>",
                    esc(&d.pole),
                    esc(&d.vendor),
                    esc(&d.survey),
                    d.mean_ratio,
                    d.points
                );
            }
            s.push_str("</ul>\n");
        }
        for d in c.depreciation.iter().filter(|d| mine(&d.vendor)) {
            let series: Vec<String> = d
                .series
                .iter()
                .map(|x| format!("{} {:.3}", esc(&x.date), x.mean_ratio))
                .collect();
            let _ = writeln!(
                s,
                "<p>{}: mean ratio by date {}</p>",
                esc(&d.vendor),
                series.join(", ")
            );
        }
    }
    if !plan.energy_readings.is_empty() {
        match crate::measure::compare_readings(plan, &plan.energy_readings) {
            Ok((_, vendors)) => {
                s.push_str("<table id=\"measured-energy\"><thead><tr><th>vendor</th><th>from</th><th>to</th><th>measured kWh</th><th>modelled kWh</th><th>ratio</th><th>baseline kWh</th><th>measured saving</th></tr></thead><tbody>\n");
                for (v, m) in vendors.iter().filter(|(v, _)| mine(v)) {
                    let _ = writeln!(
                        s,
                        "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{:.1}</td><td class=\"num\">{:.1}</td><td class=\"num\">{}</td><td class=\"num\">{:.1}</td><td class=\"num\">{}</td></tr>",
                        esc(v),
                        esc(&m.from),
                        esc(&m.to),
                        m.kwh,
                        m.modelled_kwh,
                        m.ratio.map_or("-".into(), |r| format!("{r:.3}")),
                        m.baseline_kwh,
                        m.savings_pct.map_or("-".into(), |r| format!("{r:.1} %"))
                    );
                }
                s.push_str("</tbody></table>\n");
            }
            Err(e) => {
                let _ = writeln!(
                    s,
                    "<p class=\"error\">The energy readings cannot be modelled: {} is {}; it must be {}.</p>",
                    esc(&e.path),
                    esc(&e.value.to_string()),
                    esc(&e.allowed.to_string())
                );
            }
        }
    }
}
