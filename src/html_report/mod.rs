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

mod map;
mod measured;

use map::map_svg;
use measured::measured_section;
pub use measured::with_benchmark;

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
