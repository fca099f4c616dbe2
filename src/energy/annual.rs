//! A plan's year of energy: per vendor and in total, against the baseline installation
//! (`lysplan energy`, the Energy window, and the D_E of the coverage check).

use super::{NightSchedule, ProfileHours};
use crate::plan::energy::EnergySettings;
use crate::plan::validate::{Allowed, ValueError};
use crate::plan::{LuminaireType, Plan, validate};
use serde::Serialize;
use std::collections::HashMap;

/// One vendor's (or the whole plan's) year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnergyRow {
    pub poles: usize,
    /// Σ power_w of the poles' luminaires, W.
    pub installed_w: f64,
    pub annual_kwh: f64,
    /// The same poles as the baseline installation (the baseline luminaire's power, or
    /// baseline_power_w, full all night).
    pub baseline_kwh: f64,
    /// (1 − annual / baseline) × 100; 0 when there is no baseline.
    pub savings_pct: f64,
    pub co2_kg: f64,
    pub baseline_co2_kg: f64,
    /// Σ rated luminaire flux, lm (for lm/W).
    #[serde(skip)]
    pub flux_lm: f64,
    /// Σ length of the vendor's sections, m (for kWh per km).
    #[serde(skip)]
    pub section_m: f64,
}

impl EnergyRow {
    fn empty() -> Self {
        EnergyRow {
            poles: 0,
            installed_w: 0.0,
            annual_kwh: 0.0,
            baseline_kwh: 0.0,
            savings_pct: 0.0,
            co2_kg: 0.0,
            baseline_co2_kg: 0.0,
            flux_lm: 0.0,
            section_m: 0.0,
        }
    }

    fn finish(&mut self, co2_g_per_kwh: f64) {
        self.savings_pct = if self.baseline_kwh > 0.0 {
            (1.0 - self.annual_kwh / self.baseline_kwh) * 100.0
        } else {
            0.0
        };
        self.co2_kg = self.annual_kwh * co2_g_per_kwh / 1000.0;
        self.baseline_co2_kg = self.baseline_kwh * co2_g_per_kwh / 1000.0;
    }

    /// Luminous efficacy of the installed luminaires, lm/W (`None` without power).
    pub fn lm_per_w(&self) -> Option<f64> {
        (self.installed_w > 0.0).then(|| self.flux_lm / self.installed_w)
    }

    /// kWh a year per km of the vendor's sections (`None` without sections).
    pub fn kwh_per_km(&self) -> Option<f64> {
        (self.section_m > 0.0).then(|| self.annual_kwh / (self.section_m / 1000.0))
    }
}

/// A vendor's row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VendorEnergy {
    pub id: String,
    /// The vendor's control profile id (`None`: always full).
    #[serde(skip)]
    pub profile: Option<String>,
    #[serde(flatten)]
    pub row: EnergyRow,
    /// Adaptive lighting: whether every period of every street the vendor lights meets
    /// the class in force (`None`: not judged, the coverage was not computed; `Some(None)`
    /// compliant; `Some(Some(f))` the first failing period). Set by
    /// [`AnnualEnergy::set_compliance`].
    #[serde(skip)]
    pub compliance: Option<Option<PeriodFailure>>,
}

/// The first period in which a vendor's light misses the class in force: the street
/// (id), the period's local clock times and the class.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PeriodFailure {
    pub street: String,
    pub from: String,
    pub to: String,
    pub class: String,
}

/// Where the sun was computed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Site {
    pub lon: f64,
    pub lat: f64,
}

/// The plan's year of energy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnnualEnergy {
    pub year: i32,
    pub site: Site,
    /// The year's total time on, h.
    pub lit_hours: f64,
    pub co2_g_per_kwh: f64,
    /// Sorted by id.
    pub vendors: Vec<VendorEnergy>,
    /// Every pole of the plan (also those of a vendor not in the plan).
    pub total: EnergyRow,
}

/// The site: the mean lon/lat of the poles at usable positions, else of the streets'
/// vertices; `None` for a plan with neither.
pub fn site(plan: &Plan) -> Option<Site> {
    let mean = |pts: &mut dyn Iterator<Item = (f64, f64)>| -> Option<Site> {
        let (mut n, mut lon, mut lat) = (0usize, 0.0, 0.0);
        for (x, y) in pts {
            if crate::index::valid_lonlat(x, y) {
                n += 1;
                lon += x;
                lat += y;
            }
        }
        (n > 0).then(|| Site {
            lon: lon / n as f64,
            lat: lat / n as f64,
        })
    };
    mean(&mut plan.poles.iter().map(|p| (p.lon, p.lat))).or_else(|| {
        mean(
            &mut plan
                .streets
                .iter()
                .flat_map(|s| s.points.iter().map(|q| (q.lon, q.lat))),
        )
    })
}

/// The year's energy of `plan` (in `year` when given, else `energy.year`). Refuses,
/// with the field named, a plan the validator refuses, a vendor naming a control
/// profile the plan does not have, and a plan with no pole or street to place the sun.
pub fn annual(plan: &Plan, year: Option<i32>) -> Result<AnnualEnergy, ValueError> {
    validate::plan(plan)?;
    plan.energy
        .baseline(&plan.luminaires)
        .map_err(|e| e.within("energy"))?;
    let mut settings = plan.energy.clone();
    if let Some(y) = year {
        settings.year = y;
        settings.check().map_err(|e| e.within("--year"))?;
    }
    let (site, schedule) = schedule(plan, &settings)?;
    Ok(compute(plan, &settings, site, &schedule))
}

/// The site and the year's lit minutes of `plan` under `settings` (which must have passed
/// their check), or why the model cannot run: a vendor naming a profile the plan does
/// not have, no pole or street to place the sun, a year or zone it cannot compute. The
/// one gate of the model: `lysplan energy`, the Energy window and the coverage's D_E.
pub fn schedule(
    plan: &Plan,
    settings: &EnergySettings,
) -> Result<(Site, NightSchedule), ValueError> {
    let site = usable_site(plan)?;
    let schedule = NightSchedule::from_settings(settings, site.lon, site.lat).map_err(|e| {
        ValueError::new(
            "energy",
            format!("{} in {}", settings.year, settings.time_zone),
            Allowed::Described(format!("a year and zone the model can compute ({e})")),
        )
    })?;
    Ok((site, schedule))
}

/// The plan's energy over any interval `[from_unix, to_unix)` (unix seconds) under its
/// energy settings: the same model as [`annual`] (astronomical switching, each vendor's
/// profile by local clock time, the baseline full all night), so the interval of the
/// plan's calendar year gives [`annual`]'s figures. `annual_kwh` of the rows is the
/// interval's kWh; `year` is the settings'. Refuses what [`annual`] refuses, and an
/// interval that is empty, reversed or longer than 400 days.
pub fn between(plan: &Plan, from_unix: i64, to_unix: i64) -> Result<AnnualEnergy, ValueError> {
    validate::plan(plan)?;
    let settings = &plan.energy;
    let site = usable_site(plan)?;
    let schedule = interval_schedule(settings, site, from_unix, to_unix)?;
    Ok(compute(plan, settings, site, &schedule))
}

/// The lit minutes of `[from_unix, to_unix)` at `site` under `settings`, or why not.
pub fn interval_schedule(
    settings: &EnergySettings,
    site: Site,
    from_unix: i64,
    to_unix: i64,
) -> Result<NightSchedule, ValueError> {
    NightSchedule::between(
        from_unix,
        to_unix,
        &settings.time_zone,
        site.lon,
        site.lat,
        settings.switch_sun_elevation_deg,
    )
    .map_err(|e| {
        ValueError::new(
            "energy",
            format!("{from_unix}..{to_unix} in {}", settings.time_zone),
            Allowed::Described(format!("an interval the model can compute ({e})")),
        )
    })
}

/// The site of `plan` when its vendors' profiles exist and it has a pole or street to
/// place the sun at; the model's gate before any schedule.
pub fn usable_site(plan: &Plan) -> Result<Site, ValueError> {
    for (i, v) in plan.vendors.iter().enumerate() {
        if let Some(id) = &v.control_profile
            && plan.control_profile(id).is_none()
        {
            return Err(ValueError::new(
                format!(
                    "{}.control_profile",
                    validate::object_path("vendors", i, &v.id)
                ),
                format!("{id:?}"),
                Allowed::Described("the id of one of the plan's control_profiles".into()),
            ));
        }
    }
    site(plan).ok_or_else(|| {
        ValueError::new(
            "poles",
            "none",
            Allowed::Described(
                "at least one pole or street at a usable position (the sun is computed there)"
                    .into(),
            ),
        )
    })
}

/// Per pole, its luminaire's annual energy in Wh under its vendor's profile, in pole
/// order (0 for a pole without a luminaire type). One profile evaluation per profile.
pub fn pole_wh(plan: &Plan, schedule: &NightSchedule) -> Vec<f64> {
    let hours = profile_hours(plan, schedule);
    let full = ProfileHours {
        lit_hours: schedule.lit_hours(),
        full_equivalent_hours: schedule.lit_hours(),
    };
    let vendor_hours: HashMap<&str, ProfileHours> = plan
        .vendors
        .iter()
        .map(|v| {
            let h = v
                .control_profile
                .as_deref()
                .and_then(|id| hours.get(id).copied())
                .unwrap_or(full);
            (v.id.as_str(), h)
        })
        .collect();
    let luminaires = luminaire_map(plan);
    plan.poles
        .iter()
        .map(|p| {
            let Some(l) = luminaires.get(p.luminaire.as_str()) else {
                return 0.0;
            };
            let h = vendor_hours.get(p.vendor.as_str()).copied().unwrap_or(full);
            // At the driver's set output (`output_level`): the profile dims from there.
            h.energy_wh(l.set_power_w(), l.standby_w)
        })
        .collect()
}

fn luminaire_map(plan: &Plan) -> HashMap<&str, &LuminaireType> {
    plan.luminaires.iter().map(|l| (l.id.as_str(), l)).collect()
}

fn profile_hours<'a>(plan: &'a Plan, schedule: &NightSchedule) -> HashMap<&'a str, ProfileHours> {
    plan.control_profiles
        .iter()
        .map(|p| (p.id.as_str(), schedule.profile_hours(p)))
        .collect()
}

/// [`annual`] with the site and schedule at hand.
pub fn compute(
    plan: &Plan,
    settings: &EnergySettings,
    site: Site,
    schedule: &NightSchedule,
) -> AnnualEnergy {
    let wh = pole_wh(plan, schedule);
    let lit = schedule.lit_hours();
    // An unknown baseline type is refused before (annual); here it falls back.
    let (baseline_w, _) = settings.baseline_or_own(&plan.luminaires);
    let baseline_wh = baseline_w * lit;
    let mut rows: HashMap<&str, EnergyRow> = plan
        .vendors
        .iter()
        .map(|v| (v.id.as_str(), EnergyRow::empty()))
        .collect();
    let mut total = EnergyRow::empty();
    let luminaires = luminaire_map(plan);
    for (p, &e) in plan.poles.iter().zip(&wh) {
        let (power, flux) = luminaires
            .get(p.luminaire.as_str())
            .map_or((0.0, 0.0), |l| {
                (l.set_power_w(), l.flux_lm * l.output_level)
            });
        for row in [Some(&mut total), rows.get_mut(p.vendor.as_str())]
            .into_iter()
            .flatten()
        {
            row.poles += 1;
            row.installed_w += power;
            row.flux_lm += flux;
            row.annual_kwh += e / 1000.0;
            row.baseline_kwh += baseline_wh / 1000.0;
        }
    }
    for s in &plan.sections {
        if let Some(row) = rows.get_mut(s.vendor.as_str()) {
            row.section_m += (s.to_m - s.from_m).abs();
        }
        total.section_m += (s.to_m - s.from_m).abs();
    }
    let mut vendors: Vec<VendorEnergy> = plan
        .vendors
        .iter()
        .map(|v| {
            let mut row = rows.remove(v.id.as_str()).unwrap_or_else(EnergyRow::empty);
            row.finish(settings.co2_g_per_kwh);
            VendorEnergy {
                id: v.id.clone(),
                profile: v.control_profile.clone(),
                row,
                compliance: None,
            }
        })
        .collect();
    vendors.sort_by(|a, b| a.id.cmp(&b.id));
    total.finish(settings.co2_g_per_kwh);
    AnnualEnergy {
        year: settings.year,
        site,
        lit_hours: lit,
        co2_g_per_kwh: settings.co2_g_per_kwh,
        vendors,
        total,
    }
}

impl AnnualEnergy {
    /// Sets each vendor's compliance from `first_failures` (vendor id → its first failing
    /// period, `None` when every period passes); a vendor not in the map lights no
    /// classed street and is compliant.
    pub fn set_compliance(&mut self, first_failures: &HashMap<String, Option<PeriodFailure>>) {
        for v in &mut self.vendors {
            v.compliance = Some(first_failures.get(&v.id).cloned().flatten());
        }
    }

    /// The JSON of `lysplan energy --format json` (keys in the documented order, numbers
    /// at full precision; only the text rounds). With the compliance judged
    /// ([`AnnualEnergy::set_compliance`]) each vendor gains `"compliant"` and
    /// `"first_failure": {"street", "from", "to", "class"}` or null.
    pub fn to_json(&self) -> String {
        let row = |r: &EnergyRow| {
            serde_json::json!({
                "poles": r.poles,
                "installed_w": r.installed_w,
                "annual_kwh": r.annual_kwh,
                "baseline_kwh": r.baseline_kwh,
                "savings_pct": r.savings_pct,
                "co2_kg": r.co2_kg,
                "baseline_co2_kg": r.baseline_co2_kg,
            })
        };
        let vendors: Vec<serde_json::Value> = self
            .vendors
            .iter()
            .map(|v| {
                let mut o = serde_json::Map::new();
                o.insert("id".into(), v.id.clone().into());
                if let serde_json::Value::Object(m) = row(&v.row) {
                    o.extend(m);
                }
                if let Some(c) = &v.compliance {
                    o.insert("compliant".into(), c.is_none().into());
                    o.insert(
                        "first_failure".into(),
                        serde_json::to_value(c).unwrap_or_default(),
                    );
                }
                serde_json::Value::Object(o)
            })
            .collect();
        let v = serde_json::json!({
            "year": self.year,
            "site": {"lon": self.site.lon, "lat": self.site.lat},
            "lit_hours": self.lit_hours,
            "co2_g_per_kwh": self.co2_g_per_kwh,
            "vendors": vendors,
            "total": row(&self.total),
        });
        let mut s = serde_json::to_string_pretty(&v).unwrap_or_else(|_| "{}".into());
        s.push('\n');
        s
    }

    /// The table for people.
    pub fn to_text(&self, plan: &Plan) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} in {}: lights on {:.0} h (sun below {}° at {:.4} N {:.4} E); CO2 {} g/kWh ({})",
            self.year,
            plan.energy.time_zone,
            self.lit_hours,
            plan.energy.switch_sun_elevation_deg,
            self.site.lat,
            self.site.lon,
            self.co2_g_per_kwh,
            plan.energy.co2_source
        );
        let (baseline_w, baseline_name) = plan.energy.baseline_or_own(&plan.luminaires);
        let _ = writeln!(
            out,
            "baseline: {baseline_w} W per pole ({baseline_name}), full all night"
        );
        let _ = writeln!(
            out,
            "{:<18} {:<14} {:>6} {:>10} {:>12} {:>12} {:>8} {:>9}",
            "vendor", "profile", "poles", "installed", "kWh/year", "baseline", "saving", "CO2 t"
        );
        let line = |out: &mut String, id: &str, profile: &str, r: &EnergyRow| {
            let _ = writeln!(
                out,
                "{:<18} {:<14} {:>6} {:>8.0} W {:>12.0} {:>12.0} {:>7.1}% {:>9.2}",
                id,
                profile,
                r.poles,
                r.installed_w,
                r.annual_kwh,
                r.baseline_kwh,
                r.savings_pct,
                r.co2_kg / 1000.0
            );
        };
        for v in &self.vendors {
            line(
                &mut out,
                &v.id,
                v.profile.as_deref().unwrap_or("always full"),
                &v.row,
            );
        }
        line(&mut out, "total", "", &self.total);
        // Adaptive lighting: the savings bought with a class missed.
        for v in &self.vendors {
            if let Some(Some(f)) = &v.compliance {
                let _ = writeln!(
                    out,
                    "{}: not compliant: {} {}–{} misses class {} there",
                    v.id, f.street, f.from, f.to, f.class
                );
            }
        }
        if self.vendors.iter().all(|v| v.compliance == Some(None)) && !self.vendors.is_empty() {
            let _ = writeln!(out, "every vendor's dimming meets the class in force");
        }
        out
    }
}
