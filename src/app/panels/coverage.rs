//! The Coverage window (View → Coverage results): EN 13201 results per classed street and
//! per vendor section, the EN 13201-5 energy figures, and a plot of illuminance along the
//! chosen street with the class limits drawn in.

use crate::app::coverage::{CoverageResult, CoverageUi, progress_bar};
use crate::app::state::AppState;
use crate::lighting::{Requirement, StreetEvaluation, requirement};
use egui::{Color32, RichText, Ui};
use egui_plot::{HLine, Legend, Line, LineStyle, Plot, Span};

const PASS: Color32 = Color32::from_rgb(0, 130, 40);
const FAIL: Color32 = Color32::from_rgb(200, 30, 30);
const OVER: Color32 = Color32::from_rgb(190, 120, 0);

/// Shows the window when it is open. Returns a lon/lat to centre the map on when the user
/// asked to see a street.
/// The coverage results, docked below the map: a header with a close button, then the
/// results. Returns where to centre the map when a row was clicked.
pub fn dock(ui: &mut Ui, cov: &mut CoverageUi, state: &AppState) -> Option<(f64, f64)> {
    ui.horizontal(|ui| {
        ui.heading("Coverage");
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui
                .button("Close")
                .on_hover_text("Close the coverage results")
                .clicked()
            {
                cov.window_open = false;
            }
        });
    });
    let mut centre = None;
    // Both ways: the table is wider than the space between the side panels.
    egui::ScrollArea::both()
        .id_salt("coverage_dock_scroll")
        .auto_shrink([false, false])
        .show(ui, |ui| centre = contents(ui, cov, state));
    centre
}

fn contents(ui: &mut Ui, cov: &mut CoverageUi, state: &AppState) -> Option<(f64, f64)> {
    let revision = state.revision();
    if let Some(p) = cov.worker.progress() {
        progress_bar(ui, p, 320.0);
    } else if let Some(msg) = cov.worker.failure() {
        ui.colored_label(FAIL, msg);
    }
    let Some(result) = cov.worker.result().cloned() else {
        if cov.worker.progress().is_none() {
            ui.label("Coverage is computed after the plan has been still for a moment…");
        }
        return None;
    };
    if result.revision == revision {
        ui.label(format!(
            "Computed for the current plan in {:.0} ms.",
            result.elapsed.as_secs_f64() * 1000.0
        ));
    } else {
        ui.colored_label(OVER, "Showing the result before the last edit; updating…");
    }
    ui.checkbox(&mut cov.layer, "Show the coverage layer on the map");
    for (id, msg) in &result.photometry_errors {
        ui.colored_label(
            FAIL,
            format!("Luminaire type {id}: no photometry, its poles light nothing. {msg}"),
        );
    }
    if !result.coverage.unlit_poles.is_empty() {
        ui.colored_label(
            OVER,
            format!(
                "{} poles light nothing (no photometry or invalid geometry).",
                result.coverage.unlit_poles.len()
            ),
        );
    }
    ui.separator();
    let centre = table(ui, cov, state, &result);
    ui.separator();
    energy(ui, &result);
    ui.separator();
    plot(ui, cov, &result);
    centre
}

/// A night period that misses the class in force (docs/architecture.md "Adaptive
/// lighting"): its hours, class and vendors' levels, the calculated values, and why.
fn period_row(ui: &mut Ui, p: &crate::lighting::PeriodResult) {
    let levels: Vec<String> = p
        .levels
        .iter()
        .map(|(v, l)| format!("{v} {:.0} %", l * 100.0))
        .collect();
    ui.label(RichText::new(format!("   {}–{} ({})", p.from, p.to, levels.join(", "))).color(FAIL));
    ui.label(p.class.to_string());
    match &p.values {
        crate::lighting::PeriodValues::Illuminance {
            e_avg_lx,
            e_min_lx,
            u_o,
        } => {
            ui.label(format!("{e_avg_lx:.2}"));
            ui.label(format!("{:.2}", no_minus_zero(*e_min_lx)));
            ui.label(format!("{u_o:.2}"));
            for _ in 0..4 {
                ui.label("");
            }
        }
        crate::lighting::PeriodValues::Luminance {
            u_o,
            l_avg_cd_m2,
            u_l,
            ti_pct,
            rei,
        } => {
            ui.label("");
            ui.label("");
            ui.label(optional(*u_o, 2));
            ui.label(optional(*l_avg_cd_m2, 2));
            ui.label(optional(*u_l, 2));
            ui.label(optional(*ti_pct, 1));
            ui.label(optional(*rei, 2));
        }
    }
    ui.label(RichText::new("period fail").color(FAIL))
        .on_hover_text(p.verdict.failures.join("; "));
    ui.end_row();
}

fn verdict_label(ui: &mut Ui, pass: bool) -> egui::Response {
    if pass {
        ui.label(RichText::new("pass").color(PASS).strong())
    } else {
        ui.label(RichText::new("fail").color(FAIL).strong())
    }
}

fn table(
    ui: &mut Ui,
    cov: &mut CoverageUi,
    state: &AppState,
    result: &CoverageResult,
) -> Option<(f64, f64)> {
    let streets = &result.coverage.streets;
    let passed = streets.iter().filter(|s| s.result.pass).count();
    // Adaptive lighting: the night periods that miss the class in force then.
    let failing_periods = streets
        .iter()
        .flat_map(|s| &s.result.periods)
        .filter(|p| !p.pass)
        .count();
    let night = match failing_periods {
        0 => String::new(),
        1 => "; 1 night period misses its class".to_string(),
        n => format!("; {n} night periods miss their class"),
    };
    ui.heading(format!(
        "EN 13201 per street: {passed} of {} classed streets pass{night}",
        streets.len()
    ));
    if streets.is_empty() {
        ui.label("No street has a lighting class: nothing to judge.");
        return None;
    }
    if cov
        .plot_street
        .as_ref()
        .is_none_or(|id| result.street(id).is_none())
    {
        cov.plot_street = streets.first().map(|s| s.result.id.clone());
    }
    let mut centre = None;
    egui::Grid::new("coverage_table")
        .striped(true)
        .num_columns(14)
        .spacing([12.0, 4.0])
        .show(ui, |ui| {
            for h in [
                "Street",
                "Class",
                "E_avg lx",
                "E_min lx",
                "U_o",
                "L_avg cd/m²",
                "U_l",
                "f_TI %",
                "REI",
                "Result",
                "Poles",
                "Power kW",
                "D_P",
                "D_E",
            ] {
                ui.label(RichText::new(h).strong());
            }
            ui.end_row();
            for s in streets {
                let r = &s.result;
                let chosen = cov.plot_street.as_deref() == Some(r.id.as_str());
                let name = result.street_name(&r.id).to_string();
                let resp = ui
                    .selectable_label(chosen, name)
                    .on_hover_text("Plot this street; double-click to show it on the map");
                if resp.clicked() {
                    cov.plot_street = Some(r.id.clone());
                }
                if resp.double_clicked() {
                    centre = street_middle(state, s);
                }
                ui.label(class_text(s));
                ui.label(format!("{:.2}", r.e_avg_lx));
                ui.label(format!("{:.2}", no_minus_zero(r.e_min_lx)));
                ui.label(optional(r.u_o, 2));
                let lum = r.luminance.as_ref();
                ui.label(optional(lum.and_then(|l| l.l_avg_cd_m2), 2));
                ui.label(optional(lum.and_then(|l| l.u_l), 2));
                ui.label(optional(lum.and_then(|l| l.ti_pct), 1));
                ui.label(optional(lum.and_then(|l| l.rei), 2));
                let v = verdict_label(ui, r.pass);
                let mut why = s.verdict.failures.join("; ");
                if s.verdict.over_lit {
                    why = format!("{why} over-lit (E_avg > 1.5 × class value)");
                }
                if !why.trim().is_empty() {
                    v.on_hover_text(why.trim());
                }
                ui.label(s.poles.to_string());
                ui.label(format!("{:.2}", s.power_w / 1000.0));
                ui.label(s.d_p_w_per_lx_m2.map_or("—".into(), |d| format!("{d:.3}")));
                ui.label(format!("{:.0}", s.d_e_wh_per_m2_year));
                ui.end_row();
                for sec in &s.sections {
                    let vendor = state
                        .plan()
                        .vendor(&sec.vendor)
                        .map_or(sec.vendor.as_str(), |v| v.name.as_str());
                    ui.label(RichText::new(format!("   section {} ({vendor})", sec.id)).weak());
                    ui.label("");
                    ui.label(format!("{:.2}", sec.e_avg_lx));
                    ui.label(format!("{:.2}", no_minus_zero(sec.e_min_lx)));
                    ui.label(optional(Some(sec.u_o), 2));
                    ui.label(optional(sec.l_avg_cd_m2, 2));
                    for _ in 0..3 {
                        ui.label("");
                    }
                    ui.label(if sec.pass {
                        RichText::new("section pass").color(PASS)
                    } else {
                        RichText::new("section fail").color(FAIL)
                    });
                    ui.end_row();
                }
                for p in r.periods.iter().filter(|p| !p.pass) {
                    period_row(ui, p);
                }
            }
        });
    ui.label(
        RichText::new(
            "D_P in W/(lx·m²), D_E in Wh/(m²·year) (EN 13201-5). M classes are judged by road \
             luminance on the street's surface (U_o is then L_min / L_avg). Hover a result for \
             the reason.",
        )
        .small(),
    );
    centre
}

fn class_text(s: &StreetEvaluation) -> String {
    s.verdict.class.to_string()
}

/// A value with `decimals`, or "—" when there is none (not an M street, or no field).
fn optional(v: Option<f64>, decimals: usize) -> String {
    match v {
        Some(v) if v.is_finite() => format!("{:.*}", decimals, no_minus_zero(v)),
        _ => "—".into(),
    }
}

fn street_middle(state: &AppState, s: &StreetEvaluation) -> Option<(f64, f64)> {
    let street = state
        .plan()
        .streets
        .iter()
        .find(|st| st.id == s.result.id)?;
    let line = crate::frame::Polyline::from_lonlat(&street.points);
    let (p, _) = line.point_at(line.length() / 2.0)?;
    Some(crate::frame::from_utm32(p))
}

fn energy(ui: &mut Ui, result: &CoverageResult) {
    let e = &result.coverage.energy;
    ui.heading("Energy (EN 13201-5)");
    egui::Grid::new("coverage_energy")
        .num_columns(2)
        .show(ui, |ui| {
            ui.label("Installed power, all poles");
            ui.label(format!("{:.2} kW", e.installed_power_w / 1000.0));
            ui.end_row();
            ui.label("Power on classed streets");
            ui.label(format!("{:.2} kW", e.evaluated_power_w / 1000.0));
            ui.end_row();
            ui.label("Area of classed streets");
            ui.label(format!("{:.0} m²", e.area_m2));
            ui.end_row();
            ui.label("D_P, power density");
            ui.label(
                e.d_p_w_per_lx_m2
                    .map_or("— (nothing lit)".into(), |d| format!("{d:.4} W/(lx·m²)")),
            );
            ui.end_row();
            ui.label("D_E, annual energy");
            ui.label(format!(
                "{:.0} Wh/(m²·year): {:.0} kWh/year, {:.0} h lit (energy model)",
                e.d_e_wh_per_m2_year, e.evaluated_kwh_per_year, e.lit_hours_per_year
            ));
            ui.end_row();
        });
}

fn plot(ui: &mut Ui, cov: &mut CoverageUi, result: &CoverageResult) {
    let Some(s) = cov.plot_street.as_deref().and_then(|id| result.street(id)) else {
        return;
    };
    let name = result.street_name(&s.result.id).to_string();
    let req = requirement(s.result.class);
    let xy = |c: &[f64], v: &[f64]| -> Vec<[f64; 2]> {
        c.iter().zip(v).map(|(&c, &v)| [c, v]).collect()
    };
    let (title, unit, curves, class_avg, calculated) = match (&s.luminance, req) {
        (Some(l), Requirement::M(m)) => {
            let lanes = l.lanes.len();
            let curves: Vec<(String, Vec<[f64; 2]>)> = l
                .lanes
                .iter()
                .enumerate()
                .map(|(j, lane)| {
                    (
                        format!("lane {} of {lanes} centre", j + 1),
                        xy(&lane.chainage_m, &lane.l_cd_m2),
                    )
                })
                .collect();
            (
                format!("Luminance along {name} ({})", class_text(s)),
                "cd/m²",
                curves,
                m.l_avg_cd_m2,
                l.values.as_ref().map(|v| v.l_avg_cd_m2),
            )
        }
        _ => {
            let p = &s.profile;
            (
                format!("Illuminance along {name} ({})", class_text(s)),
                "lx",
                vec![
                    ("centreline".to_owned(), xy(&p.chainage_m, &p.centre_lx)),
                    (
                        "lowest across".to_owned(),
                        xy(&p.chainage_m, &p.min_across_lx),
                    ),
                ],
                req.e_avg_lx().unwrap_or(0.0),
                Some(s.result.e_avg_lx),
            )
        }
    };
    ui.heading(title);
    let dark = req.dark_below();
    let min_label = match req {
        Requirement::P { e_min_lx, .. } => format!("class E_min {e_min_lx:.2} lx"),
        Requirement::C { u_o, e_avg_lx } => {
            format!("U_o × class E_avg = {u_o:.2} × {e_avg_lx:.1} = {dark:.2} lx")
        }
        Requirement::M(m) => format!(
            "U_o × class L_avg = {:.2} × {:.2} = {dark:.2} cd/m²",
            m.u_o, m.l_avg_cd_m2
        ),
    };
    // Head-room above the highest curve, so the legend (top right, translucent) sits
    // over empty plot and hides none of the curves.
    let top = curves
        .iter()
        .flat_map(|c| c.1.iter())
        .map(|p| p[1])
        .fold(class_avg * 1.2, f64::max);
    const COLOURS: [Color32; 4] = [
        Color32::from_rgb(30, 90, 200),
        Color32::from_rgb(200, 110, 0),
        Color32::from_rgb(120, 40, 160),
        Color32::from_rgb(0, 140, 140),
    ];
    Plot::new(("coverage_plot", s.result.id.as_str()))
        .height(260.0)
        .legend(
            Legend::default()
                .position(egui_plot::Corner::RightTop)
                .background_alpha(0.75),
        )
        .include_y(top * 1.6)
        .x_axis_label("chainage, m")
        .y_axis_label(if unit == "lx" { "E_h, lx" } else { "L, cd/m²" })
        .include_y(0.0)
        .allow_scroll(false)
        .show(ui, |plot_ui| {
            for d in &s.dark {
                plot_ui.span(
                    Span::new("dark stretch", d.from_m..=d.to_m)
                        .fill(Color32::from_rgba_unmultiplied(200, 0, 30, 40)),
                );
            }
            for (k, (label, pts)) in curves.into_iter().enumerate() {
                plot_ui.line(
                    Line::new(label, pts)
                        .color(COLOURS[k % COLOURS.len()])
                        .width(1.5),
                );
            }
            let avg_name = if unit == "lx" { "E_avg" } else { "L_avg" };
            plot_ui.hline(
                HLine::new(format!("class {avg_name} {class_avg:.2} {unit}"), class_avg)
                    .color(PASS)
                    .width(1.5)
                    .style(LineStyle::dashed_loose()),
            );
            plot_ui.hline(
                HLine::new(min_label, dark)
                    .color(FAIL)
                    .width(1.5)
                    .style(LineStyle::dashed_loose()),
            );
            if let Some(m) = calculated {
                plot_ui.hline(
                    HLine::new(format!("calculated {avg_name} {m:.2} {unit}"), m)
                        .color(Color32::from_gray(110))
                        .width(1.0),
                );
            }
        });
}

/// A value that rounds to 0.00 shown as 0.00, not "-0.00" (an illuminance is never
/// below zero; a minimum of -0.0 or -1e-12 comes from the arithmetic).
pub fn no_minus_zero(v: f64) -> f64 {
    if v.abs() < 0.005 { 0.0 } else { v }
}
