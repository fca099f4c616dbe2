//! The Energy window (green goals): each vendor's installed power, efficacy, kWh a year,
//! kWh per km of its sections, CO2 and savings against the baseline; a bar chart of kWh
//! per vendor next to the baseline; one night's power curve of a vendor on a chosen
//! date; and the control-profile editor (steps, presence, occupancy) with each vendor's
//! profile picked here. The year is computed off the UI thread whenever the plan
//! changes; edits are undoable and go through the core's validator.

use crate::app::state::AppState;
use crate::energy::{AnnualEnergy, NightCurve, annual, night_curve};
use crate::plan::Plan;
use crate::plan::energy::{ControlProfile, Presence};
use egui::{Color32, Ui};
use egui_plot::{Bar, BarChart, Legend, Line, Plot, VLine};
use std::sync::mpsc::{Receiver, channel};

/// A profile being edited (text fields as typed).
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileDraft {
    /// The id of the profile edited (`None`: a new one).
    pub original: Option<String>,
    pub id: String,
    pub name: String,
    pub steps: Vec<(String, f64)>,
    pub presence: bool,
    pub idle_level: f64,
    pub occupancy: Vec<f64>,
}

impl ProfileDraft {
    fn of(p: &ControlProfile) -> Self {
        ProfileDraft {
            original: Some(p.id.clone()),
            id: p.id.clone(),
            name: p.name.clone(),
            steps: p.steps.clone(),
            presence: p.presence.is_some(),
            idle_level: p.presence.as_ref().map_or(0.2, |x| x.idle_level),
            occupancy: p
                .presence
                .as_ref()
                .map_or(vec![0.5; 24], |x| x.occupancy.clone()),
        }
    }

    fn new_in(plan: &Plan) -> Self {
        let mut n = plan.control_profiles.len() + 1;
        let mut id = format!("profile-{n}");
        while plan.control_profile(&id).is_some() {
            n += 1;
            id = format!("profile-{n}");
        }
        ProfileDraft {
            original: None,
            id,
            name: "New profile".into(),
            steps: vec![("23:00".into(), 0.5), ("05:00".into(), 1.0)],
            presence: false,
            idle_level: 0.2,
            occupancy: vec![0.5; 24],
        }
    }

    /// The profile the draft describes.
    pub fn profile(&self) -> ControlProfile {
        ControlProfile {
            id: self.id.trim().to_string(),
            name: self.name.trim().to_string(),
            steps: self
                .steps
                .iter()
                .map(|(t, l)| (t.trim().to_string(), *l))
                .collect(),
            presence: self.presence.then(|| Presence {
                idle_level: self.idle_level,
                occupancy: self.occupancy.clone(),
            }),
        }
    }

    /// The plan's vendors and control profiles with the draft applied (vendors follow a
    /// renamed id), on a copy of those alone, or the refusal naming the field.
    pub fn applied(&self, plan: &Plan) -> Result<Plan, crate::edit::EditError> {
        let p = self.profile();
        let mut out = plan.settings_only();
        out.vendors = plan.vendors.clone();
        out.control_profiles = plan.control_profiles.clone();
        match self
            .original
            .as_deref()
            .and_then(|o| out.control_profiles.iter().position(|q| q.id == o))
        {
            Some(i) => {
                let old = std::mem::replace(&mut out.control_profiles[i], p.clone()).id;
                for v in &mut out.vendors {
                    if v.control_profile.as_deref() == Some(old.as_str()) {
                        v.control_profile = Some(p.id.clone());
                    }
                }
            }
            None => out.control_profiles.push(p),
        }
        // The plan's one validator judges the profile (times, levels, occupancy, a unique
        // id), with the field named.
        crate::plan::validate::plan(&out)?;
        Ok(out)
    }
}

type Job = (u64, Receiver<Result<AnnualEnergy, String>>);

/// The window's state.
pub struct EnergyUi {
    pub open: bool,
    /// The vendor whose night curve is shown.
    pub vendor: Option<String>,
    /// The night's date as typed, "YYYY-MM-DD".
    pub date: String,
    /// The latest result and the plan revision it belongs to.
    pub result: Option<(u64, Result<AnnualEnergy, String>)>,
    job: Option<Job>,
    /// The night shown, and what it was computed for.
    night: Option<(NightKey, Result<NightView, String>)>,
    /// The profile being edited.
    pub draft: Option<ProfileDraft>,
    pub error: Option<String>,
    /// Each section's W/km against the optimiser's best (computed on request).
    pub yardstick: super::yardstick::YardstickUi,
}

impl Default for EnergyUi {
    fn default() -> Self {
        EnergyUi {
            open: false,
            vendor: None,
            date: "2026-12-21".into(),
            result: None,
            job: None,
            night: None,
            draft: None,
            error: None,
            yardstick: Default::default(),
        }
    }
}

impl EnergyUi {
    /// Starts the year's computation for the current plan if the result is stale and
    /// none is running; collects a finished one. Returns whether one is running.
    pub fn refresh(&mut self, state: &AppState) -> bool {
        let rev = state.settled_revision();
        if let Some((job_rev, rx)) = &self.job {
            match rx.try_recv() {
                Ok(r) => {
                    self.result = Some((*job_rev, r));
                    self.job = None;
                }
                Err(std::sync::mpsc::TryRecvError::Empty) => return true,
                Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                    self.result = Some((*job_rev, Err("the computation stopped".into())));
                    self.job = None;
                }
            }
        }
        if self.result.as_ref().is_some_and(|(r, _)| *r == rev) {
            return false;
        }
        let plan = state.plan().clone();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            // The compliance comes from the app's coverage of the same revision
            // ([`EnergyUi::judge`]): the periods are not evaluated a second time here.
            let _ = tx.send(annual(&plan, None).map_err(|e| e.to_string()));
        });
        self.job = Some((rev, rx));
        true
    }

    /// Adaptive lighting: each vendor's dimming judged against the class in force, from
    /// the periods of the app's coverage when it is for the same plan revision as the
    /// year's energy (until then the column shows "—").
    pub fn judge(&mut self, coverage: Option<&crate::app::coverage::CoverageResult>) {
        let (Some((rev, Ok(e))), Some(cov)) = (self.result.as_mut(), coverage) else {
            return;
        };
        if cov.revision == *rev && e.vendors.iter().any(|v| v.compliance.is_none()) {
            e.set_compliance(&cov.coverage.first_failures());
        }
    }

    /// Waits for a running computation (tests).
    pub fn wait(&mut self, state: &AppState) {
        while self.refresh(state) {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }
}

/// The date typed as (year, month, day), or why not.
pub fn parse_date(s: &str) -> Result<(i32, u8, u8), String> {
    let bad = || format!("'{s}': type a date as YYYY-MM-DD, e.g. 2026-12-21");
    let mut it = s.trim().split('-');
    let (Some(y), Some(m), Some(d), None) = (it.next(), it.next(), it.next(), it.next()) else {
        return Err(bad());
    };
    let y: i32 = y.parse().map_err(|_| bad())?;
    let m: u8 = m.parse().map_err(|_| bad())?;
    let d: u8 = d.parse().map_err(|_| bad())?;
    jiff::civil::Date::new(y as i16, m as i8, d as i8).map_err(|_| bad())?;
    Ok((y, m, d))
}

/// Draws the window; returns a status message after an applied edit. `coverage`: the
/// app's latest coverage result, whose periods judge each vendor's dimming.
pub fn window(
    ctx: &egui::Context,
    state: &mut AppState,
    w: &mut EnergyUi,
    coverage: Option<&crate::app::coverage::CoverageResult>,
) -> Option<String> {
    if !w.open {
        return None;
    }
    if w.refresh(state) {
        ctx.request_repaint_after(std::time::Duration::from_millis(50));
    }
    w.judge(coverage);
    let mut open = true;
    let mut status = None;
    egui::Window::new("Energy and CO2")
        .open(&mut open)
        .default_size([780.0, 740.0])
        .vscroll(true)
        .show(ctx, |ui| {
            status = contents(ui, state, w);
        });
    if !open {
        w.open = false;
    }
    status
}

fn contents(ui: &mut Ui, state: &mut AppState, w: &mut EnergyUi) -> Option<String> {
    let stale = w
        .result
        .as_ref()
        .is_none_or(|(r, _)| *r != state.settled_revision());
    // Taken out for this frame (not cloned) and put back below.
    let result = w.result.take();
    match result.as_ref().map(|(_, r)| r) {
        None => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Computing the year…");
            });
        }
        Some(Err(e)) => {
            ui.colored_label(ui.visuals().error_fg_color, format!("Cannot compute: {e}"));
        }
        Some(Ok(e)) => {
            let plan = state.plan();
            ui.horizontal(|ui| {
                ui.label(format!(
                    "{}: lights on {:.0} h (sun below {}° at {:.4} N {:.4} E, {}). CO2 {} g/kWh ({}).",
                    e.year,
                    e.lit_hours,
                    plan.energy.switch_sun_elevation_deg,
                    e.site.lat,
                    e.site.lon,
                    plan.energy.time_zone,
                    e.co2_g_per_kwh,
                    plan.energy.co2_source
                ));
                if stale {
                    ui.spinner();
                }
            });
            let (baseline_w, baseline_name) = plan.energy.baseline_or_own(&plan.luminaires);
            ui.label(format!(
                "Baseline: {} W per pole ({}), full all night. Total {:.0} kWh/year against {:.0} \
                 ({:.1} % saved), {:.2} t CO2/year.",
                baseline_w,
                baseline_name,
                e.total.annual_kwh,
                e.total.baseline_kwh,
                e.total.savings_pct,
                e.total.co2_kg / 1000.0
            ));
            table(ui, state, w, e);
            ui.separator();
            bars(ui, e);
        }
    }
    w.result = result;
    ui.separator();
    egui::CollapsingHeader::new("Against the best arrangement (yardstick)")
        .id_salt("energy_yardstick")
        .show(ui, |ui| {
            if let Some(s) = super::yardstick::ui(ui, state, &mut w.yardstick) {
                super::design::request(ui.ctx(), s);
            }
        });
    ui.separator();
    night(ui, state, w);
    ui.separator();
    editor(ui, state, w)
}

/// A combo box choosing `vendor`'s control profile ("always full" or one of the plan's
/// profiles); returns the choice when the user picked another one, and the box's
/// response (for its accessible name).
pub fn profile_combo(
    ui: &mut Ui,
    id_salt: impl std::hash::Hash + std::fmt::Debug,
    plan: &Plan,
    vendor: &str,
) -> (Option<Option<String>>, egui::Response) {
    let current = plan.vendor(vendor).and_then(|v| v.control_profile.clone());
    let shown = current.as_deref().unwrap_or("always full");
    let mut pick = None;
    let r = egui::ComboBox::from_id_salt(id_salt)
        .selected_text(super::shorten(shown, 18))
        .show_ui(ui, |ui| {
            if ui
                .selectable_label(current.is_none(), "always full")
                .clicked()
            {
                pick = Some(None);
            }
            for p in &plan.control_profiles {
                let on = current.as_deref() == Some(p.id.as_str());
                if ui
                    .selectable_label(on, format!("{}: {}", p.id, p.name))
                    .clicked()
                {
                    pick = Some(Some(p.id.clone()));
                }
            }
        })
        .response;
    (pick.filter(|p| *p != current), r)
}

fn table(ui: &mut Ui, state: &mut AppState, w: &mut EnergyUi, e: &AnnualEnergy) {
    let mut assign: Option<(String, Option<String>)> = None;
    egui::Grid::new("energy_table")
        .striped(true)
        .num_columns(9)
        .show(ui, |ui| {
            ui.strong("Vendor");
            // The profile boxes are named by their column's header.
            let header = ui.strong("Control profile").id;
            for h in [
                "Installed",
                "lm/W",
                "kWh/year",
                "kWh/km",
                "CO2 t/year",
                "Saving",
                "Class kept",
            ] {
                ui.strong(h);
            }
            ui.end_row();
            for v in &e.vendors {
                let name = state
                    .plan()
                    .vendor(&v.id)
                    .map_or(v.id.clone(), |x| x.name.clone());
                if ui
                    .selectable_label(w.vendor.as_deref() == Some(v.id.as_str()), &name)
                    .on_hover_text("Show this vendor's night below")
                    .clicked()
                {
                    w.vendor = Some(v.id.clone());
                }
                let (pick, r) = profile_combo(ui, ("profile", &v.id), state.plan(), &v.id);
                r.labelled_by(header);
                if let Some(p) = pick {
                    assign = Some((v.id.clone(), p));
                }
                let r = &v.row;
                ui.label(format!("{:.0} W", r.installed_w));
                ui.label(r.lm_per_w().map_or("—".into(), |x| format!("{x:.0}")));
                ui.label(format!("{:.0}", r.annual_kwh));
                ui.label(r.kwh_per_km().map_or("—".into(), |x| format!("{x:.0}")));
                ui.label(format!("{:.2}", r.co2_kg / 1000.0));
                ui.label(format!("{:.1} %", r.savings_pct));
                match &v.compliance {
                    None => ui.label("—"),
                    Some(None) => ui.label("yes").on_hover_text(
                        "Every period of every street it lights meets the class in force",
                    ),
                    Some(Some(f)) => ui
                        .colored_label(
                            ui.visuals().error_fg_color,
                            format!("no: {} {}–{} {}", f.street, f.from, f.to, f.class),
                        )
                        .on_hover_text(
                            "The first period in which its dimmed light misses the class in \
                             force (coverage.period): the saving is bought with the class",
                        ),
                };
                ui.end_row();
            }
        });
    if let Some((vendor, profile)) = assign {
        state.set_vendor_profile(&vendor, profile);
    }
}

fn bars(ui: &mut Ui, e: &AnnualEnergy) {
    ui.label("kWh a year per vendor (bars) next to the baseline installation (grey)");
    let mut actual = Vec::new();
    let mut base = Vec::new();
    for (k, v) in e.vendors.iter().enumerate() {
        let x = k as f64;
        actual.push(Bar::new(x - 0.18, v.row.annual_kwh).width(0.34).name(&v.id));
        base.push(
            Bar::new(x + 0.18, v.row.baseline_kwh)
                .width(0.34)
                .name(&v.id),
        );
    }
    let names: Vec<String> = e.vendors.iter().map(|v| v.id.clone()).collect();
    Plot::new("energy_bars")
        .height(180.0)
        .legend(Legend::default())
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .y_axis_label("kWh/year")
        .x_axis_formatter(move |m, _| {
            let i = m.value.round();
            if (m.value - i).abs() < 1e-6 && i >= 0.0 {
                names.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .show(ui, |p| {
            p.bar_chart(BarChart::new("this plan", actual).color(Color32::from_rgb(60, 160, 90)));
            p.bar_chart(BarChart::new("baseline", base).color(Color32::GRAY));
        });
}

/// One vendor's night as the window shows it: its summary line, the power curve and the
/// switch-on / switch-off marks (hours from noon).
#[derive(Debug, Clone, PartialEq)]
pub struct NightView {
    pub summary: String,
    pub points: Vec<[f64; 2]>,
    pub full_w: f64,
    pub marks: Vec<(String, f64)>,
}

/// What a [`NightView`] depends on: plan revision, vendor, date as typed.
type NightKey = (u64, String, String);

/// Computes one vendor's night (a minute-by-minute sun and profile pass), or why not.
fn night_view(plan: &Plan, vendor: &str, date: &str) -> Result<NightView, String> {
    let vendor = plan
        .vendor(vendor)
        .ok_or_else(|| format!("vendor {vendor} is not in the plan"))?;
    let date = parse_date(date)?;
    let site = crate::energy::annual::site(plan)
        .ok_or("The plan has no pole or street to place the sun.")?;
    let profile = vendor
        .control_profile
        .as_deref()
        .and_then(|id| plan.control_profile(id));
    let curve: NightCurve = night_curve(
        profile,
        date,
        &plan.energy.time_zone,
        site.lon,
        site.lat,
        plan.energy.switch_sun_elevation_deg,
    )?;
    // Power of the vendor's poles: standby + (power − standby) × level.
    let (mut n, mut full_w, mut standby_w) = (0, 0.0, 0.0);
    for p in plan.poles.iter().filter(|p| p.vendor == vendor.id) {
        n += 1;
        if let Some(l) = plan.luminaire(&p.luminaire) {
            full_w += l.set_power_w();
            standby_w += l.standby_w;
        }
    }
    let lit_h = f64::from(curve.lit_minutes) / 60.0;
    let summary = format!(
        "{}: on at {}, off at {}; {:.1} h lit, {:.1} kWh that night ({n} poles, {:.0} W at full)",
        profile.map_or("always full".to_string(), |p| p.name.clone()),
        curve.sunset.as_deref().unwrap_or("— (no sunset)"),
        curve.sunrise.as_deref().unwrap_or("— (no sunrise)"),
        lit_h,
        (standby_w * lit_h + (full_w - standby_w) * curve.full_equivalent_hours) / 1000.0,
        full_w
    );
    let points = curve
        .points
        .iter()
        .map(|&(m, l)| {
            let watts = if l > 0.0 {
                standby_w + (full_w - standby_w) * l
            } else {
                0.0
            };
            [12.0 + f64::from(m) / 60.0, watts]
        })
        .collect();
    let marks = [(&curve.sunset, "on"), (&curve.sunrise, "off")]
        .into_iter()
        .filter_map(|(t, what)| {
            let t = t.as_deref()?;
            let mut h = f64::from(crate::plan::energy::parse_hhmm(t)?) / 60.0;
            if h < 12.0 {
                h += 24.0;
            }
            Some((format!("{what} {t}"), h))
        })
        .collect();
    Ok(NightView {
        summary,
        points,
        full_w,
        marks,
    })
}

fn night(ui: &mut Ui, state: &AppState, w: &mut EnergyUi) {
    let plan = state.plan();
    ui.horizontal(|ui| {
        ui.label("One night of");
        let vendor_name = w
            .vendor
            .as_deref()
            .and_then(|v| plan.vendor(v))
            .map_or("(pick a vendor above)".to_string(), |v| v.name.clone());
        ui.strong(vendor_name);
        let l = ui.label("from noon of");
        ui.add(egui::TextEdit::singleline(&mut w.date).desired_width(90.0))
            .labelled_by(l.id)
            .on_hover_text("The date, YYYY-MM-DD");
    });
    let Some(vendor) = w.vendor.clone() else {
        return;
    };
    // Computed when the plan, the vendor or the date changes, not every frame.
    let key: NightKey = (state.settled_revision(), vendor, w.date.clone());
    if w.night.as_ref().is_none_or(|(k, _)| *k != key) {
        let view = night_view(plan, &key.1, &key.2);
        w.night = Some((key, view));
    }
    let Some((_, view)) = &w.night else {
        return;
    };
    let v = match view {
        Ok(v) => v,
        Err(e) => {
            ui.colored_label(ui.visuals().error_fg_color, e);
            return;
        }
    };
    ui.label(&v.summary);
    Plot::new("energy_night")
        .height(170.0)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .include_y(0.0)
        .include_y(v.full_w * 1.05)
        .x_axis_label("local time from noon (h; 24 = midnight)")
        .y_axis_label("W")
        .show(ui, |p| {
            p.line(Line::new("power", v.points.clone()).color(Color32::from_rgb(230, 160, 30)));
            for (label, h) in &v.marks {
                p.vline(VLine::new(label.clone(), *h).color(Color32::LIGHT_BLUE));
            }
        });
}

fn editor(ui: &mut Ui, state: &mut AppState, w: &mut EnergyUi) -> Option<String> {
    let plan = state.plan();
    ui.horizontal(|ui| {
        ui.strong("Control profiles");
        for p in &plan.control_profiles {
            let on = w
                .draft
                .as_ref()
                .is_some_and(|d| d.original.as_deref() == Some(p.id.as_str()));
            if ui
                .selectable_label(on, &p.id)
                .on_hover_text(&p.name)
                .clicked()
            {
                w.draft = Some(ProfileDraft::of(p));
                w.error = None;
            }
        }
        if ui.button("New profile").clicked() {
            w.draft = Some(ProfileDraft::new_in(plan));
            w.error = None;
        }
    });
    let d = w.draft.as_mut()?;
    let mut apply = false;
    let mut delete = false;
    egui::Grid::new("profile_fields")
        .num_columns(2)
        .show(ui, |ui| {
            ui.label("Id");
            ui.add(egui::TextEdit::singleline(&mut d.id).desired_width(160.0));
            ui.end_row();
            ui.label("Name");
            ui.add(egui::TextEdit::singleline(&mut d.name).desired_width(260.0));
            ui.end_row();
        });
    ui.label("Steps: from each local clock time the level holds until the next (wrapping at midnight; none = full).");
    let mut remove = None;
    for (k, (t, l)) in d.steps.iter_mut().enumerate() {
        ui.horizontal(|ui| {
            ui.label(format!("step {}", k + 1));
            ui.add(egui::TextEdit::singleline(t).desired_width(50.0))
                .on_hover_text("HH:MM, local clock time");
            ui.add(egui::Slider::new(l, 0.0..=1.0).text("level"));
            if ui.small_button("Remove").clicked() {
                remove = Some(k);
            }
        });
    }
    if let Some(k) = remove {
        d.steps.remove(k);
    }
    if ui.button("Add a step").clicked() {
        d.steps.push(("00:00".into(), 0.5));
    }
    ui.checkbox(
        &mut d.presence,
        "Presence control (dims to the idle level when nobody passes)",
    );
    if d.presence {
        ui.add(egui::Slider::new(&mut d.idle_level, 0.0..=1.0).text("idle level"));
        ui.label("Occupancy: the share of each local hour someone passes");
        egui::Grid::new("occupancy").num_columns(12).show(ui, |ui| {
            for (h, v) in d.occupancy.iter_mut().enumerate() {
                ui.add(
                    egui::DragValue::new(v)
                        .range(0.0..=1.0)
                        .speed(0.01)
                        .fixed_decimals(2)
                        .prefix(format!("{h:02}h ")),
                );
                if h % 12 == 11 {
                    ui.end_row();
                }
            }
        });
    }
    let mut close = false;
    let existing = d.original.is_some();
    ui.horizontal(|ui| {
        apply = ui.button("Apply profile").clicked();
        if existing {
            delete = ui.button("Delete profile").clicked();
        }
        close = ui.button("Close editor").clicked();
    });
    if close {
        w.draft = None;
    }
    if let Some(e) = &w.error {
        ui.colored_label(ui.visuals().error_fg_color, e);
    }
    let d = w.draft.clone()?;
    if delete {
        let id = d.original.clone()?;
        let users: Vec<String> = state
            .plan()
            .vendors
            .iter()
            .filter(|v| v.control_profile.as_deref() == Some(id.as_str()))
            .map(|v| v.id.clone())
            .collect();
        let label = format!("Delete control profile {id}");
        state.apply(crate::edit::vendors::delete_profile(
            state.plan(),
            &id,
            label.clone(),
        ));
        w.draft = None;
        w.error = None;
        return Some(if users.is_empty() {
            label
        } else {
            format!("{label}; {} now always full", users.join(", "))
        });
    }
    if !apply {
        return None;
    }
    match d.applied(state.plan()) {
        Ok(p)
            if p.vendors == state.plan().vendors
                && p.control_profiles == state.plan().control_profiles =>
        {
            None
        }
        Ok(p) => {
            use crate::edit::{Change, Edit};
            let label = format!("Edit control profile {}", d.id.trim());
            state.apply(crate::edit::Step {
                label: label.clone(),
                edit: Edit::Batch(vec![
                    Edit::Vendors(Change::Replace(p.vendors)),
                    Edit::ControlProfiles(Change::Replace(p.control_profiles)),
                ]),
            });
            w.draft = state
                .plan()
                .control_profile(d.id.trim())
                .map(ProfileDraft::of);
            w.error = None;
            Some(label)
        }
        Err(e) => {
            w.error = Some(format!("Not applied: {e}"));
            None
        }
    }
}
