//! The annual-energy model for outdoor lighting.
//!
//! Lights are on while the sun's centre is geometrically (no refraction) below the
//! switching elevation ([`sun_elevation_deg`], NOAA formulas). The year is a calendar
//! year in the site's IANA time zone, local 1 January 00:00 to the next local 1 January
//! 00:00, daylight saving time included. A [`ControlProfile`] sets the level (0..1) by
//! local clock time, optionally with presence control; while on at effective level `l`
//! a luminaire draws `standby_w + (power_w - standby_w) * output_level * l`
//! ([`crate::plan::LuminaireType::power_at`]; `output_level` is the driver's set output,
//! 1 unless set), off it draws nothing.
//!
//! [`NightSchedule::new`] steps through the year minute by minute in UTC once, judges
//! each minute lit or not at its midpoint, and counts the lit minutes by their local
//! clock minute of the day (a 1440-bin histogram). A profile then evaluates in 1440
//! steps ([`NightSchedule::profile_hours`]): the skipped spring hour has no lit minutes
//! and the repeated autumn hour has its minutes twice, so both come out right.
//!
//! ```
//! use lysplan::energy::NightSchedule;
//! use lysplan::plan::energy::ControlProfile;
//! let s = NightSchedule::new(2026, "Europe/Copenhagen", 12.388, 55.6848, -0.833).unwrap();
//! let night50 = ControlProfile {
//!     id: "n50".into(),
//!     name: "50 % 22-05".into(),
//!     steps: vec![("22:00".into(), 0.5), ("05:00".into(), 1.0)],
//!     presence: None,
//! };
//! let h = s.profile_hours(&night50);
//! assert!(h.full_equivalent_hours < h.lit_hours);
//! let kwh = h.energy_wh(40.0, 0.5) / 1000.0; // one 40 W luminaire, 0.5 W standby
//! assert!(kwh > 100.0 && kwh < 170.0);
//! ```

pub mod annual;
pub mod sun;

pub use annual::{AnnualEnergy, EnergyRow, PeriodFailure, VendorEnergy, annual, between};
pub use sun::sun_elevation_deg;

use crate::plan::energy::{ControlProfile, EnergySettings, format_hhmm};
use jiff::Timestamp;
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use sun::{SolarParams, sin_elevation, sin_elevation_at_utc_second_of_day, solar_params};

/// Minutes in a day; the histogram's bins.
pub const MINUTES_PER_DAY: usize = 1440;

/// A profile's hours over the year.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProfileHours {
    /// Hours the lights are on (the sun below the switching elevation).
    pub lit_hours: f64,
    /// Σ level dt over the lit time, in hours: the hours at full power that use the same
    /// energy above standby.
    pub full_equivalent_hours: f64,
}

impl ProfileHours {
    /// Energy in Wh of one luminaire of `power_w` at full level with `standby_w` while
    /// on: `standby_w * lit_hours + (power_w - standby_w) * full_equivalent_hours`.
    pub fn energy_wh(&self, power_w: f64, standby_w: f64) -> f64 {
        standby_w * self.lit_hours + (power_w - standby_w) * self.full_equivalent_hours
    }
}

/// A run of consecutive lit minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LitInterval {
    /// Unix seconds of the first lit minute's start.
    pub start_unix: i64,
    /// Its length in minutes.
    pub minutes: u32,
}

/// The lit minutes of one year at one site: their count by local clock minute of the
/// day, and the lit intervals.
#[derive(Debug, Clone, PartialEq)]
pub struct NightSchedule {
    pub year: i32,
    pub time_zone: String,
    pub lon: f64,
    pub lat: f64,
    pub switch_elevation_deg: f64,
    /// Unix seconds of local 1 January 00:00 of `year` and of `year + 1`.
    pub start_unix: i64,
    pub end_unix: i64,
    /// For each local clock minute of the day (0..1440), how many lit minutes of the
    /// year fall on it.
    histogram: Vec<u32>,
    lit_minutes: u64,
    intervals: Vec<LitInterval>,
}

fn zone(name: &str) -> Result<TimeZone, String> {
    TimeZone::get(name).map_err(|e| format!("unknown time zone {name:?}: {e}"))
}

fn civil_date(date: (i32, u8, u8)) -> Result<Date, String> {
    let (y, m, d) = date;
    let year = i16::try_from(y).map_err(|_| format!("year {y} out of range"))?;
    Date::new(year, m as i8, d as i8).map_err(|e| format!("invalid date {y}-{m:02}-{d:02}: {e}"))
}

/// Unix seconds of local `time` on `date` in `tz` (a skipped time is taken after the
/// gap, a repeated one at its first occurrence).
fn local_unix(tz: &TimeZone, date: Date, time: Time) -> Result<i64, String> {
    tz.to_timestamp(date.to_datetime(time))
        .map(|t| t.as_second())
        .map_err(|e| format!("{date} {time} in {:?}: {e}", tz.iana_name()))
}

/// The UTC offsets in force from `start` to `end` (unix seconds): (from, offset seconds),
/// the first from `start`.
fn offsets(tz: &TimeZone, start: i64, end: i64) -> Result<Vec<(i64, i64)>, String> {
    let ts = Timestamp::from_second(start).map_err(|e| e.to_string())?;
    let mut out = vec![(start, i64::from(tz.to_offset(ts).seconds()))];
    for t in tz.following(ts) {
        let at = t.timestamp().as_second();
        if at >= end {
            break;
        }
        if at > start {
            out.push((at, i64::from(t.offset().seconds())));
        }
    }
    Ok(out)
}

/// Walks minutes `[start + 60 i, start + 60 (i + 1))`, giving each minute's local clock
/// minute of the day (at its midpoint).
struct LocalClock {
    offsets: Vec<(i64, i64)>,
    next: usize,
    offset: i64,
}

impl LocalClock {
    fn new(offsets: Vec<(i64, i64)>) -> Self {
        let offset = offsets[0].1;
        LocalClock {
            offsets,
            next: 1,
            offset,
        }
    }
    /// Local minute of the day at unix second `t`; `t` must not decrease between calls.
    #[inline]
    fn minute_of_day(&mut self, t: i64) -> usize {
        while self.next < self.offsets.len() && self.offsets[self.next].0 <= t {
            self.offset = self.offsets[self.next].1;
            self.next += 1;
        }
        ((t + self.offset).rem_euclid(86_400) / 60) as usize
    }
}

impl NightSchedule {
    /// The lit minutes of `year` (local calendar year in `time_zone`) at `lon`, `lat`,
    /// lights on while the sun is geometrically below `switch_elevation_deg`.
    pub fn new(
        year: i32,
        time_zone: &str,
        lon: f64,
        lat: f64,
        switch_elevation_deg: f64,
    ) -> Result<NightSchedule, String> {
        let tz = zone(time_zone)?;
        let start = local_unix(&tz, civil_date((year, 1, 1))?, Time::midnight())?;
        let end = local_unix(&tz, civil_date((year + 1, 1, 1))?, Time::midnight())?;
        Self::between(start, end, time_zone, lon, lat, switch_elevation_deg)
    }

    /// The lit minutes of any interval `[start_unix, end_unix)` (unix seconds), stepped
    /// minute by minute from `start_unix` exactly as [`NightSchedule::new`] steps a year
    /// (a last part-minute counts whole), so the interval of a calendar year gives the
    /// year's figures to the minute. `year` is the local year `start_unix` falls in.
    pub fn between(
        start_unix: i64,
        end_unix: i64,
        time_zone: &str,
        lon: f64,
        lat: f64,
        switch_elevation_deg: f64,
    ) -> Result<NightSchedule, String> {
        if !(lon.is_finite() && lat.is_finite() && (-90.0..=90.0).contains(&lat)) {
            return Err(format!("unusable site lon {lon}, lat {lat}"));
        }
        if !switch_elevation_deg.is_finite() {
            return Err(format!("unusable switch elevation {switch_elevation_deg}"));
        }
        // At most a little over a year's minutes at a time: a reading is a meter's
        // interval, and a bad date must not make the model step through centuries.
        const MAX_SECONDS: i64 = 400 * 86_400;
        if end_unix <= start_unix || end_unix - start_unix > MAX_SECONDS {
            return Err(format!(
                "an interval of {} s; it must end after it starts and span at most 400 days",
                end_unix - start_unix
            ));
        }
        let tz = zone(time_zone)?;
        let (start, end) = (start_unix, end_unix);
        let year = i32::from(
            tz.to_datetime(Timestamp::from_second(start).map_err(|e| e.to_string())?)
                .year(),
        );
        let n_minutes = (end - start + 59) / 60;
        let mut clock = LocalClock::new(offsets(&tz, start, end)?);

        // Declination and equation of time at whole hours from `start`, interpolated
        // linearly in between (error far below a second of sunset time).
        let n_nodes = (n_minutes / 60 + 2) as usize;
        let nodes: Vec<SolarParams> = (0..n_nodes)
            .map(|k| solar_params((start + 3600 * k as i64) as f64))
            .collect();
        let (sin_lat, cos_lat) = lat.to_radians().sin_cos();
        let threshold = switch_elevation_deg.to_radians().sin();

        let mut histogram = vec![0u32; MINUTES_PER_DAY];
        let mut lit_minutes = 0u64;
        let mut intervals: Vec<LitInterval> = Vec::new();
        let mut run: Option<LitInterval> = None;
        for i in 0..n_minutes {
            let t0 = start + 60 * i;
            let mid = t0 + 30;
            let k = (i / 60) as usize;
            let f = ((i % 60) as f64 + 0.5) / 60.0;
            let p = nodes[k].lerp(&nodes[k + 1], f);
            let sod = mid.rem_euclid(86_400) as f64;
            let lit =
                sin_elevation_at_utc_second_of_day(&p, sod, lon, sin_lat, cos_lat) < threshold;
            if lit {
                histogram[clock.minute_of_day(mid)] += 1;
                lit_minutes += 1;
                match run.as_mut() {
                    Some(r) => r.minutes += 1,
                    None => {
                        run = Some(LitInterval {
                            start_unix: t0,
                            minutes: 1,
                        })
                    }
                }
            } else if let Some(r) = run.take() {
                intervals.push(r);
            }
        }
        intervals.extend(run);
        Ok(NightSchedule {
            year,
            time_zone: time_zone.to_string(),
            lon,
            lat,
            switch_elevation_deg,
            start_unix: start,
            end_unix: end,
            histogram,
            lit_minutes,
            intervals,
        })
    }

    /// [`NightSchedule::new`] with the year, zone and switch elevation of `settings`.
    pub fn from_settings(
        settings: &EnergySettings,
        lon: f64,
        lat: f64,
    ) -> Result<NightSchedule, String> {
        Self::new(
            settings.year,
            &settings.time_zone,
            lon,
            lat,
            settings.switch_sun_elevation_deg,
        )
    }

    /// Hours the lights are on over the year.
    pub fn lit_hours(&self) -> f64 {
        self.lit_minutes as f64 / 60.0
    }

    /// Lit minutes over the year.
    pub fn lit_minutes(&self) -> u64 {
        self.lit_minutes
    }

    /// Lit minutes of the year by local clock minute of the day (1440 bins; the
    /// repeated autumn hour's minutes count twice, the skipped spring hour's none).
    pub fn histogram(&self) -> &[u32] {
        &self.histogram
    }

    /// The runs of lit minutes, in time order.
    pub fn intervals(&self) -> &[LitInterval] {
        &self.intervals
    }

    /// Lit hours and full-equivalent hours of `profile` over the year. Assumes the
    /// profile passed [`ControlProfile::check`] (steps that do not parse are ignored).
    pub fn profile_hours(&self, profile: &ControlProfile) -> ProfileHours {
        let levels = profile.effective_levels();
        let sum: f64 = self
            .histogram
            .iter()
            .zip(&levels)
            .map(|(&n, &l)| f64::from(n) * l)
            .sum();
        ProfileHours {
            lit_hours: self.lit_hours(),
            full_equivalent_hours: sum / 60.0,
        }
    }
}

/// One night's level curve, from local noon of a date to local noon of the next day.
#[derive(Debug, Clone, PartialEq)]
pub struct NightCurve {
    /// (real minutes since local noon, effective level 0..1, 0 while the sun is up), one
    /// point a minute (1380 or 1500 points on daylight-saving nights, else 1440).
    pub points: Vec<(u32, f64)>,
    /// Local clock time ("HH:MM", nearest minute) the sun goes below the switching
    /// elevation in the window, if it does.
    pub sunset: Option<String>,
    /// Local clock time the sun comes back above it in the window, if it does.
    pub sunrise: Option<String>,
    /// Lit minutes in the window.
    pub lit_minutes: u32,
    /// Σ level dt over the window, in hours.
    pub full_equivalent_hours: f64,
}

/// The night from local noon of `date` to local noon of the next day: each minute's
/// effective level under `profile` (level 1 when `None`) with 0 while the sun is up,
/// and the switch-on (sunset) and switch-off (sunrise) clock times.
pub fn night_curve(
    profile: Option<&ControlProfile>,
    date: (i32, u8, u8),
    time_zone: &str,
    lon: f64,
    lat: f64,
    switch_elevation_deg: f64,
) -> Result<NightCurve, String> {
    let tz = zone(time_zone)?;
    let d = civil_date(date)?;
    let noon = Time::constant(12, 0, 0, 0);
    let start = local_unix(&tz, d, noon)?;
    let next = d.tomorrow().map_err(|e| e.to_string())?;
    let end = local_unix(&tz, next, noon)?;
    let levels = match profile {
        Some(p) => p.effective_levels(),
        None => vec![1.0; MINUTES_PER_DAY],
    };
    let (sin_lat, cos_lat) = lat.to_radians().sin_cos();
    let threshold = switch_elevation_deg.to_radians().sin();
    let mut clock = LocalClock::new(offsets(&tz, start, end)?);
    let n = ((end - start) / 60) as u32;
    let mut points = Vec::with_capacity(n as usize);
    let mut lit_minutes = 0;
    let mut sum = 0.0;
    for i in 0..n {
        let mid = start + 60 * i64::from(i) + 30;
        let t = mid as f64;
        let lit = sin_elevation(&solar_params(t), t, lon, sin_lat, cos_lat) < threshold;
        let m = clock.minute_of_day(mid);
        let level = if lit { levels[m] } else { 0.0 };
        if lit {
            lit_minutes += 1;
            sum += level;
        }
        points.push((i, level));
    }
    let events = crossings(start, end, lon, lat, switch_elevation_deg);
    let sunset = events.iter().find(|e| e.1).map(|e| e.0);
    let sunrise = events.iter().rev().find(|e| !e.1).map(|e| e.0);
    let hhmm = |t: f64| -> Result<String, String> {
        let local = local_time(&tz, t)?;
        let secs = i64::from(local.hour()) * 3600
            + i64::from(local.minute()) * 60
            + i64::from(local.second());
        Ok(format_hhmm(((secs + 30) / 60) as u32))
    };
    Ok(NightCurve {
        points,
        sunset: sunset.map(hhmm).transpose()?,
        sunrise: sunrise.map(hhmm).transpose()?,
        lit_minutes,
        full_equivalent_hours: sum / 60.0,
    })
}

fn local_time(tz: &TimeZone, unix: f64) -> Result<Time, String> {
    let ts = Timestamp::from_second(unix.round() as i64).map_err(|e| e.to_string())?;
    Ok(tz.to_datetime(ts).time())
}

/// The instants (unix seconds, to about 0.1 s) in `[start, end)` where the sun's
/// geometric elevation crosses `elevation_deg`, with `true` for going down.
pub fn crossings(start: i64, end: i64, lon: f64, lat: f64, elevation_deg: f64) -> Vec<(f64, bool)> {
    let f = |t: f64| sun_elevation_deg(t, lon, lat) - elevation_deg;
    let mut out = Vec::new();
    let mut a = start as f64;
    let mut fa = f(a);
    while a < end as f64 {
        let b = (a + 60.0).min(end as f64);
        let fb = f(b);
        if (fa >= 0.0) != (fb >= 0.0) {
            let (mut lo, mut hi) = (a, b);
            while hi - lo > 0.05 {
                let mid = 0.5 * (lo + hi);
                if (f(mid) >= 0.0) == (fa >= 0.0) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            out.push((0.5 * (lo + hi), fa >= 0.0));
        }
        a = b;
        fa = fb;
    }
    out
}

/// On local calendar day `date` in `time_zone` (00:00 to the next 00:00): the switch-on
/// time (the sun going below `elevation_deg`; the last such crossing of the day) and
/// the switch-off time (the sun coming above it; the first of the day), local clock
/// times to the second. `None` when there is none (polar night, midnight sun).
pub fn local_sun_events(
    date: (i32, u8, u8),
    time_zone: &str,
    lon: f64,
    lat: f64,
    elevation_deg: f64,
) -> Result<(Option<Time>, Option<Time>), String> {
    let tz = zone(time_zone)?;
    let d = civil_date(date)?;
    let start = local_unix(&tz, d, Time::midnight())?;
    let next = d.tomorrow().map_err(|e| e.to_string())?;
    let end = local_unix(&tz, next, Time::midnight())?;
    let events = crossings(start, end, lon, lat, elevation_deg);
    let on = events.iter().rev().find(|e| e.1).map(|e| e.0);
    let off = events.iter().find(|e| !e.1).map(|e| e.0);
    Ok((
        on.map(|t| local_time(&tz, t)).transpose()?,
        off.map(|t| local_time(&tz, t)).transpose()?,
    ))
}

#[cfg(test)]
mod tests;
