//! The plan's annual-energy inputs: the energy settings (year, time zone, switching sun
//! elevation, CO2 factor, the baseline luminaire) and the dimming control profiles.
//!
//! These are plain serde types with their validators; the computation (sun position,
//! the year's lit minutes, a profile's full-equivalent hours) is [`crate::energy`].
//!
//! ```
//! use lysplan::plan::energy::{ControlProfile, parse_hhmm};
//! assert_eq!(parse_hhmm("22:30"), Some(22 * 60 + 30));
//! let p = ControlProfile {
//!     id: "night50".into(),
//!     name: "50 % from 22:00 to 05:00".into(),
//!     steps: vec![("22:00".into(), 0.5), ("05:00".into(), 1.0)],
//!     presence: None,
//! };
//! assert!(p.check().is_ok());
//! ```

use serde::{Deserialize, Serialize};

use super::value::{Allowed, Bound, Limit, ValueError};

/// The energy model's settings for one plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EnergySettings {
    /// The calendar year computed, in the site's local time (1 January 00:00 to the next
    /// 1 January 00:00), 1900..=2200.
    pub year: i32,
    /// The site's IANA time zone (`"Europe/Copenhagen"`); the control profiles' clock
    /// times are local times in it, daylight saving time included.
    pub time_zone: String,
    /// Lights are on while the sun's centre is geometrically (no refraction) below this
    /// elevation, in degrees, -18..=5. The default -0.833° is the usual sunset/sunrise
    /// (the upper limb on a refracted horizon).
    pub switch_sun_elevation_deg: f64,
    /// Grams of CO2 per kWh of electricity consumed.
    pub co2_g_per_kwh: f64,
    /// Where `co2_g_per_kwh` comes from, for reports.
    pub co2_source: String,
    /// Power of the luminaire the plan is compared with, in W, burning at full power all
    /// night (the same lit hours, no dimming).
    pub baseline_power_w: f64,
    /// What the baseline luminaire is, for reports.
    pub baseline_name: String,
    /// The id of a luminaire type of the plan that is the baseline (the old lamp, with
    /// its gear losses in the type's `power_w`): baseline kWh use that type's power and
    /// reports its name. `None`: `baseline_power_w` and `baseline_name`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline_luminaire: Option<String>,
}

/// Default CO2 factor in g/kWh: Energinet's environmental declaration (Miljødeklaration)
/// for electricity consumed in Denmark in 2015, with the 125 % method for combined heat
/// and power. See [`DEFAULT_CO2_SOURCE`].
pub const DEFAULT_CO2_G_PER_KWH: f64 = 192.0;
/// The source of [`DEFAULT_CO2_G_PER_KWH`].
pub const DEFAULT_CO2_SOURCE: &str = "Energinet, Miljødeklaration 2015 (125 % method)";

/// Default baseline system power in W: a 70 W high-pressure sodium lamp (SON-T 70 W)
/// on a conventional electromagnetic ballast. The lamp takes 70 W and the magnetic
/// ballast loses about 13 W, so the circuit draws about 83 W; system powers of 81-85 W
/// for 70 W HPS on magnetic gear are what lamp and ballast manufacturers' datasheets
/// list (the EU ecodesign rules for street lighting, Regulation (EC) No 245/2009, exist
/// because such ballast losses are large). It is a typical value, not a measurement:
/// set `baseline_power_w` to the measured power of the luminaires being replaced when
/// it is known.
pub const DEFAULT_BASELINE_POWER_W: f64 = 83.0;
/// The name of the default baseline.
pub const DEFAULT_BASELINE_NAME: &str = "SON-T 70 W with magnetic ballast";

impl Default for EnergySettings {
    fn default() -> Self {
        EnergySettings {
            year: 2026,
            time_zone: "Europe/Copenhagen".into(),
            switch_sun_elevation_deg: -0.833,
            co2_g_per_kwh: DEFAULT_CO2_G_PER_KWH,
            co2_source: DEFAULT_CO2_SOURCE.into(),
            baseline_power_w: DEFAULT_BASELINE_POWER_W,
            baseline_name: DEFAULT_BASELINE_NAME.into(),
            baseline_luminaire: None,
        }
    }
}

/// A dimming schedule in local clock time, optionally with presence control.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ControlProfile {
    pub id: String,
    pub name: String,
    /// `("HH:MM", level)`: from that local clock time the level (0..1) applies until the
    /// next step's time, wrapping at midnight. Any order; times unique. No steps means
    /// level 1 all night.
    #[serde(default)]
    pub steps: Vec<(String, f64)>,
    /// Presence (motion) control on top of the steps.
    #[serde(default)]
    pub presence: Option<Presence>,
}

/// Presence control: in local clock hour H, with the step level `l`, the effective
/// level is `idle_level + occupancy[H] * (l - idle_level)` when `l > idle_level`, and
/// `l` otherwise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Presence {
    /// The level while nobody is there, 0..1.
    pub idle_level: f64,
    /// For each local clock hour 00..23, the fraction of the time someone is there
    /// (the light at its step level), 0..1. Exactly 24 values.
    pub occupancy: Vec<f64>,
}

/// Minutes after midnight of a clock time written exactly `"HH:MM"` (two digits each),
/// `"00:00"` ..= `"23:59"`.
pub fn parse_hhmm(s: &str) -> Option<u16> {
    let b = s.as_bytes();
    if b.len() != 5 || b[2] != b':' {
        return None;
    }
    let digit = |c: u8| c.is_ascii_digit().then(|| u16::from(c - b'0'));
    let h = digit(b[0])? * 10 + digit(b[1])?;
    let m = digit(b[3])? * 10 + digit(b[4])?;
    (h < 24 && m < 60).then_some(h * 60 + m)
}

/// Minutes after midnight as `"HH:MM"` (taken modulo a day).
pub fn format_hhmm(minutes: u32) -> String {
    let m = minutes % 1440;
    format!("{:02}:{:02}", m / 60, m % 60)
}

const fn limit(field: &'static str, min: Option<Bound>, max: Option<Bound>) -> Limit {
    Limit {
        field,
        min,
        max,
        warn_above: None,
        warn_below: None,
    }
}

/// A dimming level (a step's level, the presence idle level, an occupancy fraction).
pub const LEVEL: Limit = limit("level", Some(Bound::Incl(0.0)), Some(Bound::Incl(1.0)));
/// `switch_sun_elevation_deg`: from astronomical twilight (-18°) to 5° above the horizon.
pub const SWITCH_ELEVATION: Limit = limit(
    "switch_sun_elevation_deg",
    Some(Bound::Incl(-18.0)),
    Some(Bound::Incl(5.0)),
);
/// `co2_g_per_kwh`.
pub const CO2: Limit = limit("co2_g_per_kwh", Some(Bound::Incl(0.0)), None);
/// `baseline_power_w`.
pub const BASELINE_POWER: Limit = limit("baseline_power_w", Some(Bound::Incl(0.0)), None);
/// The years the energy model computes.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

fn level_at(path: String, v: f64) -> Result<(), ValueError> {
    LEVEL.check(v).map_err(|e| ValueError { path, ..e })
}

fn check_id(id: &str) -> Result<(), ValueError> {
    if id.trim().is_empty() {
        Err(ValueError::new(
            "id",
            format!("{id:?}"),
            Allowed::Id { example: "night50" },
        ))
    } else {
        Ok(())
    }
}

impl ControlProfile {
    /// A profile of `steps` (`("HH:MM", level)`), without presence control.
    pub fn with_steps(id: &str, name: &str, steps: &[(&str, f64)]) -> Self {
        ControlProfile {
            id: id.into(),
            name: name.into(),
            steps: steps.iter().map(|(t, l)| (t.to_string(), *l)).collect(),
            presence: None,
        }
    }

    /// The profile's values: a non-blank id, steps with `"HH:MM"` times (unique) and
    /// levels in 0..1, and presence with an idle level in 0..1 and 24 occupancy values
    /// in 0..1. Paths are relative to the profile (`"steps[1].time"`,
    /// `"presence.occupancy"`).
    pub fn check(&self) -> Result<(), ValueError> {
        check_id(&self.id)?;
        check_step_times("steps", self.steps.iter().map(|(t, _)| t.as_str()))?;
        for (i, (_, level)) in self.steps.iter().enumerate() {
            level_at(format!("steps[{i}].level"), *level)?;
        }
        if let Some(p) = &self.presence {
            level_at("presence.idle_level".into(), p.idle_level)?;
            if p.occupancy.len() != 24 {
                return Err(ValueError::new(
                    "presence.occupancy",
                    format!("{} values", p.occupancy.len()),
                    Allowed::Described(
                        "24 values, one per local clock hour 00..23, each in 0..1".into(),
                    ),
                ));
            }
            for (h, &v) in p.occupancy.iter().enumerate() {
                level_at(format!("presence.occupancy[{h}]"), v)?;
            }
        }
        Ok(())
    }

    /// The steps as (minutes after local midnight, level), sorted by time. Steps whose
    /// time does not parse are left out (a checked profile has none).
    pub fn sorted_steps(&self) -> Vec<(u16, f64)> {
        let mut s: Vec<(u16, f64)> = self
            .steps
            .iter()
            .filter_map(|(t, l)| parse_hhmm(t).map(|m| (m, *l)))
            .collect();
        s.sort_by_key(|&(m, _)| m);
        s
    }

    /// The step level (before presence) at each local clock minute of the day, 0..1440.
    pub fn step_levels(&self) -> Vec<f64> {
        let steps = self.sorted_steps();
        let mut out = vec![1.0; 1440];
        let Some(&(_, last)) = steps.last() else {
            return out;
        };
        let mut level = last;
        let mut next = 0;
        for (m, slot) in out.iter_mut().enumerate() {
            while next < steps.len() && usize::from(steps[next].0) <= m {
                level = steps[next].1;
                next += 1;
            }
            *slot = level;
        }
        out
    }

    /// The effective level (steps, then presence) at each local clock minute of the day.
    pub fn effective_levels(&self) -> Vec<f64> {
        let mut levels = self.step_levels();
        if let Some(p) = &self.presence {
            for (m, l) in levels.iter_mut().enumerate() {
                *l = p.effective(*l, m / 60);
            }
        }
        levels
    }
}

/// Checks the times of a list of steps (`what`: `"steps"`, `"class_schedule"`): each
/// `"HH:MM"` and no two the same; the error's path is `"{what}[i].time"`.
pub fn check_step_times<'a>(
    what: &str,
    times: impl Iterator<Item = &'a str>,
) -> Result<(), ValueError> {
    let mut seen: Vec<u16> = Vec::new();
    for (i, time) in times.enumerate() {
        let Some(m) = parse_hhmm(time) else {
            return Err(ValueError::new(
                format!("{what}[{i}].time"),
                format!("{time:?}"),
                Allowed::Described(
                    "a local clock time \"HH:MM\" (two digits each) from \"00:00\" to \
                     \"23:59\""
                        .into(),
                ),
            ));
        };
        if let Some(j) = seen.iter().position(|&t| t == m) {
            return Err(ValueError::new(
                format!("{what}[{i}].time"),
                format!("{time:?}"),
                Allowed::Described(format!("a time no other step has ({what}[{j}] has it too)")),
            ));
        }
        seen.push(m);
    }
    Ok(())
}

impl Presence {
    /// The effective level for step level `level` in local clock hour `hour` (0..24).
    pub fn effective(&self, level: f64, hour: usize) -> f64 {
        if level > self.idle_level {
            let occ = self.occupancy.get(hour).copied().unwrap_or(1.0);
            self.idle_level + occ * (level - self.idle_level)
        } else {
            level
        }
    }
}

impl EnergySettings {
    /// The settings' values: year 1900..=2200, a known IANA `time_zone`, a finite switch
    /// elevation in -18..=5, a finite CO2 factor >= 0 and a finite baseline power >= 0.
    pub fn check(&self) -> Result<(), ValueError> {
        if !YEARS.contains(&self.year) {
            return Err(ValueError::new(
                "year",
                f64::from(self.year),
                Allowed::Described(format!("a year in {}..={}", YEARS.start(), YEARS.end())),
            ));
        }
        check_time_zone(&self.time_zone)?;
        SWITCH_ELEVATION.check(self.switch_sun_elevation_deg)?;
        CO2.check(self.co2_g_per_kwh)?;
        BASELINE_POWER.check(self.baseline_power_w)
    }
}

impl EnergySettings {
    /// The baseline per pole: the power, W, and the name of the luminaire type
    /// `baseline_luminaire` names, or `baseline_power_w` and `baseline_name` without one.
    /// `Err` with path `"baseline_luminaire"` when it names no type of `luminaires`.
    pub fn baseline<'a>(
        &'a self,
        luminaires: &'a [super::LuminaireType],
    ) -> Result<(f64, &'a str), ValueError> {
        let Some(id) = &self.baseline_luminaire else {
            return Ok((self.baseline_power_w, &self.baseline_name));
        };
        match luminaires.iter().find(|l| l.id == *id) {
            Some(l) => Ok((l.power_w, &l.name)),
            None => {
                let ids: Vec<&str> = luminaires.iter().map(|l| l.id.as_str()).collect();
                Err(ValueError::new(
                    "baseline_luminaire",
                    format!("{id:?}"),
                    Allowed::Described(if ids.is_empty() {
                        "the id of a luminaire type of the plan (it has none)".into()
                    } else {
                        format!("the id of a luminaire type of the plan: {}", ids.join(", "))
                    }),
                ))
            }
        }
    }

    /// [`EnergySettings::baseline`], falling back to `baseline_power_w` and
    /// `baseline_name` when the type is unknown (for display; the energy model refuses).
    pub fn baseline_or_own<'a>(&'a self, luminaires: &'a [super::LuminaireType]) -> (f64, &'a str) {
        self.baseline(luminaires)
            .unwrap_or((self.baseline_power_w, &self.baseline_name))
    }
}

/// `Err` with path `"time_zone"` unless `name` is a time zone of the IANA database
/// (`"Europe/Copenhagen"`, `"UTC"`).
pub fn check_time_zone(name: &str) -> Result<(), ValueError> {
    match jiff::tz::TimeZone::get(name) {
        Ok(_) => Ok(()),
        Err(_) => Err(ValueError::new(
            "time_zone",
            format!("{name:?}"),
            Allowed::Described("an IANA time zone name such as \"Europe/Copenhagen\"".into()),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(steps: &[(&str, f64)]) -> ControlProfile {
        ControlProfile::with_steps("p", "p", steps)
    }

    #[test]
    fn hhmm_parses_exactly_two_digits() {
        assert_eq!(parse_hhmm("00:00"), Some(0));
        assert_eq!(parse_hhmm("23:59"), Some(1439));
        assert_eq!(parse_hhmm("05:07"), Some(307));
        for bad in [
            "24:00", "25:00", "7:00", "07:0", "07:60", "0700", "07-00", "+7:00", "",
        ] {
            assert_eq!(parse_hhmm(bad), None, "{bad}");
        }
        assert_eq!(format_hhmm(307), "05:07");
        assert_eq!(format_hhmm(1440 + 1), "00:01");
    }

    #[test]
    fn bad_step_times_are_refused_with_their_path() {
        let e = profile(&[("22:00", 0.5), ("25:00", 1.0)])
            .check()
            .unwrap_err();
        assert_eq!(e.path, "steps[1].time");
        assert_eq!(e.value, "\"25:00\"");
        let e = profile(&[("7:00", 0.5)]).check().unwrap_err();
        assert_eq!(e.path, "steps[0].time");
        assert_eq!(e.value, "\"7:00\"");
        let e = profile(&[("05:00", 1.0), ("05:00", 0.5)])
            .check()
            .unwrap_err();
        assert_eq!(e.path, "steps[1].time");
        assert!(e.allowed.to_string().contains("steps[0]"), "{e}");
    }

    #[test]
    fn bad_levels_are_refused_with_their_path() {
        let e = profile(&[("22:00", 1.5)]).check().unwrap_err();
        assert_eq!(e.path, "steps[0].level");
        assert_eq!(e.value, "1.5");
        assert_eq!(
            e.to_string(),
            "steps[0].level = 1.5: must be a finite number in 0..1"
        );
        let e = profile(&[("05:00", 1.0), ("22:00", f64::NAN)])
            .check()
            .unwrap_err();
        assert_eq!(e.path, "steps[1].level");
        assert_eq!(e.value, "NaN");
        let e = profile(&[("05:00", -0.1)]).check().unwrap_err();
        assert_eq!(e.path, "steps[0].level");
    }

    #[test]
    fn presence_is_checked() {
        let mut p = profile(&[]);
        p.presence = Some(Presence {
            idle_level: 0.2,
            occupancy: vec![0.5; 23],
        });
        let e = p.check().unwrap_err();
        assert_eq!(e.path, "presence.occupancy");
        assert_eq!(e.value, "23 values");
        p.presence = Some(Presence {
            idle_level: 0.2,
            occupancy: vec![0.5; 24],
        });
        assert!(p.check().is_ok());
        p.presence.as_mut().unwrap().occupancy[7] = 2.0;
        assert_eq!(p.check().unwrap_err().path, "presence.occupancy[7]");
        p.presence = Some(Presence {
            idle_level: f64::INFINITY,
            occupancy: vec![0.5; 24],
        });
        assert_eq!(p.check().unwrap_err().path, "presence.idle_level");
        p.presence = None;
        p.id = " ".into();
        assert_eq!(p.check().unwrap_err().path, "id");
    }

    #[test]
    fn settings_are_checked() {
        let s = EnergySettings::default();
        assert!(s.check().is_ok());
        let e = EnergySettings {
            time_zone: "Mars/Olympus".into(),
            ..s.clone()
        }
        .check()
        .unwrap_err();
        assert_eq!(e.path, "time_zone");
        assert_eq!(e.value, "\"Mars/Olympus\"");
        let e = EnergySettings {
            year: 2201,
            ..s.clone()
        }
        .check()
        .unwrap_err();
        assert_eq!(e.path, "year");
        assert_eq!(e.value, "2201");
        let e = EnergySettings {
            switch_sun_elevation_deg: -20.0,
            ..s.clone()
        }
        .check()
        .unwrap_err();
        assert_eq!(e.path, "switch_sun_elevation_deg");
        let e = EnergySettings {
            co2_g_per_kwh: f64::NAN,
            ..s.clone()
        }
        .check()
        .unwrap_err();
        assert_eq!(e.path, "co2_g_per_kwh");
        let e = EnergySettings {
            baseline_power_w: -1.0,
            ..s
        }
        .check()
        .unwrap_err();
        assert_eq!(e.path, "baseline_power_w");
    }

    #[test]
    fn steps_wrap_at_midnight_in_any_order() {
        let p = profile(&[("05:00", 1.0), ("22:00", 0.5)]);
        let l = p.step_levels();
        assert_eq!(l[0], 0.5);
        assert_eq!(l[299], 0.5);
        assert_eq!(l[300], 1.0);
        assert_eq!(l[22 * 60 - 1], 1.0);
        assert_eq!(l[22 * 60], 0.5);
        assert_eq!(l[1439], 0.5);
        assert!(profile(&[]).step_levels().iter().all(|&x| x == 1.0));
    }

    #[test]
    fn presence_formula() {
        let p = Presence {
            idle_level: 0.2,
            occupancy: vec![0.5; 24],
        };
        assert!((p.effective(1.0, 3) - 0.6).abs() < 1e-12);
        assert_eq!(p.effective(0.1, 3), 0.1);
        assert_eq!(p.effective(0.2, 3), 0.2);
    }

    #[test]
    fn serde_forms() {
        let p = profile(&[("22:00", 0.5), ("05:00", 1.0)]);
        let json = serde_json::to_string(&p).unwrap();
        assert!(
            json.contains(r#""steps":[["22:00",0.5],["05:00",1.0]]"#),
            "{json}"
        );
        let ron = ron::to_string(&p).unwrap();
        assert!(
            ron.contains(r#"steps:[("22:00",0.5),("05:00",1.0)]"#),
            "{ron}"
        );
        let back: ControlProfile = ron::from_str(&ron).unwrap();
        assert_eq!(back, p);
        let s: EnergySettings = ron::from_str("(year: 2030)").unwrap();
        assert_eq!(s.year, 2030);
        assert_eq!(s.time_zone, "Europe/Copenhagen");
        assert!(ron::from_str::<EnergySettings>("(yaer: 2030)").is_err());
    }
}
