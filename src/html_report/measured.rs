//! The report's yardstick table and its "Measured on site" section.

use super::*;

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
pub(super) fn measured_section(s: &mut String, plan: &Plan, vendor: Option<&str>) {
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
