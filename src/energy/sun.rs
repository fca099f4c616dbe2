//! The sun's geometric elevation from the NOAA solar-position formulas (the ones of
//! NOAA's solar calculator spreadsheet, after Meeus, "Astronomical Algorithms"): Julian
//! century, the sun's geometric mean longitude and anomaly, the equation of centre, the
//! apparent longitude, the corrected obliquity, the declination, the equation of time,
//! then the hour angle and the zenith. No atmospheric refraction is applied.
//!
//! The slowly changing part (declination, equation of time) is [`SolarParams`], so a
//! year's minutes can interpolate it between hourly nodes and pay one cosine a minute.

/// Seconds from the Unix epoch to J2000.0 (2000-01-01 12:00 TT taken as UTC, as NOAA
/// does): Julian day 2451545.0.
const J2000_UNIX: f64 = 946_728_000.0;

/// The sun's declination and the equation of time at one instant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SolarParams {
    pub sin_decl: f64,
    pub cos_decl: f64,
    /// Equation of time in minutes (apparent minus mean solar time).
    pub eot_min: f64,
}

impl SolarParams {
    /// Linear interpolation between `self` (at fraction 0) and `b` (at 1).
    pub fn lerp(&self, b: &SolarParams, f: f64) -> SolarParams {
        SolarParams {
            sin_decl: self.sin_decl + (b.sin_decl - self.sin_decl) * f,
            cos_decl: self.cos_decl + (b.cos_decl - self.cos_decl) * f,
            eot_min: self.eot_min + (b.eot_min - self.eot_min) * f,
        }
    }
}

/// Declination and equation of time at `unix_seconds` (UTC).
pub fn solar_params(unix_seconds: f64) -> SolarParams {
    // Julian century from J2000.0.
    let t = (unix_seconds - J2000_UNIX) / (86_400.0 * 36_525.0);
    // Geometric mean longitude and anomaly of the sun (degrees).
    let l0 = (280.46646 + t * (36000.76983 + t * 0.0003032)).rem_euclid(360.0);
    let m = 357.52911 + t * (35999.05029 - 0.0001537 * t);
    // Eccentricity of the earth's orbit.
    let e = 0.016708634 - t * (0.000042037 + 0.0000001267 * t);
    let m_rad = m.to_radians();
    // Equation of centre.
    let c = m_rad.sin() * (1.914602 - t * (0.004817 + 0.000014 * t))
        + (2.0 * m_rad).sin() * (0.019993 - 0.000101 * t)
        + (3.0 * m_rad).sin() * 0.000289;
    let true_long = l0 + c;
    // Apparent longitude (nutation and aberration).
    let omega = (125.04 - 1934.136 * t).to_radians();
    let app_long = true_long - 0.00569 - 0.00478 * omega.sin();
    // Mean obliquity of the ecliptic and its correction.
    let mean_obliq =
        23.0 + (26.0 + (21.448 - t * (46.815 + t * (0.00059 - t * 0.001813))) / 60.0) / 60.0;
    let obliq = (mean_obliq + 0.00256 * omega.cos()).to_radians();
    let sin_decl = obliq.sin() * app_long.to_radians().sin();
    let cos_decl = (1.0 - sin_decl * sin_decl).sqrt();
    // Equation of time.
    let y = (obliq / 2.0).tan().powi(2);
    let l0r = l0.to_radians();
    let eot_rad = y * (2.0 * l0r).sin() - 2.0 * e * m_rad.sin()
        + 4.0 * e * y * m_rad.sin() * (2.0 * l0r).cos()
        - 0.5 * y * y * (4.0 * l0r).sin()
        - 1.25 * e * e * (2.0 * m_rad).sin();
    SolarParams {
        sin_decl,
        cos_decl,
        eot_min: 4.0 * eot_rad.to_degrees(),
    }
}

/// The sine of the sun's geometric elevation at `unix_seconds` for a site with
/// `sin_lat`, `cos_lat` and longitude `lon` (degrees, east positive), given that
/// instant's `params`.
#[inline]
pub fn sin_elevation(
    p: &SolarParams,
    unix_seconds: f64,
    lon: f64,
    sin_lat: f64,
    cos_lat: f64,
) -> f64 {
    sin_elevation_at_utc_second_of_day(p, unix_seconds.rem_euclid(86_400.0), lon, sin_lat, cos_lat)
}

/// [`sin_elevation`] from the UTC second of the day (0..86400) instead of the instant,
/// for callers that have it as an integer (no floating-point remainder).
#[inline]
pub fn sin_elevation_at_utc_second_of_day(
    p: &SolarParams,
    utc_second_of_day: f64,
    lon: f64,
    sin_lat: f64,
    cos_lat: f64,
) -> f64 {
    // True solar time in minutes; the hour angle is 0 at solar noon.
    let tst = utc_second_of_day / 60.0 + p.eot_min + 4.0 * lon;
    let hour_angle = (tst / 4.0 - 180.0).to_radians();
    sin_lat * p.sin_decl + cos_lat * p.cos_decl * hour_angle.cos()
}

/// The sun's geometric (no refraction) elevation in degrees at `unix_seconds` (UTC) seen
/// from `lon`, `lat` (degrees, east and north positive).
pub fn sun_elevation_deg(unix_seconds: f64, lon: f64, lat: f64) -> f64 {
    let p = solar_params(unix_seconds);
    let (s, c) = lat.to_radians().sin_cos();
    sin_elevation(&p, unix_seconds, lon, s, c)
        .clamp(-1.0, 1.0)
        .asin()
        .to_degrees()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solar_noon_elevation_at_equinox_and_solstice() {
        // Albertslund 55.6848 N, 12.388 E. At the June solstice the noon elevation is
        // 90 - 55.6848 + 23.44 = 57.75°, at the December solstice 90 - 55.68 - 23.44 =
        // 10.87°. Solar noon there is about 11:10 UTC (12.388° east is 49.6 minutes
        // before Greenwich, plus the equation of time of a few minutes).
        let june = 1_782_039_600.0; // 2026-06-21 11:00 UTC
        let best = (0..120)
            .map(|m| sun_elevation_deg(june + 60.0 * m as f64, 12.388, 55.6848))
            .fold(f64::MIN, f64::max);
        assert!((best - 57.75).abs() < 0.05, "{best}");
        let dec = 1_797_850_800.0; // 2026-12-21 11:00 UTC
        let best = (0..120)
            .map(|m| sun_elevation_deg(dec + 60.0 * m as f64, 12.388, 55.6848))
            .fold(f64::MIN, f64::max);
        assert!((best - 10.87).abs() < 0.05, "{best}");
    }

    #[test]
    fn interpolated_params_match_exact_within_an_hour() {
        let t0 = 1_774_000_000.0; // March 2026, declination changing fastest
        let a = solar_params(t0);
        let b = solar_params(t0 + 3600.0);
        let (s, c) = 55.6848_f64.to_radians().sin_cos();
        for k in 0..=60 {
            let t = t0 + 60.0 * k as f64;
            let exact = sin_elevation(&solar_params(t), t, 12.388, s, c);
            let interp = sin_elevation(&a.lerp(&b, k as f64 / 60.0), t, 12.388, s, c);
            // 1e-6 in sine is well under a thousandth of a degree.
            assert!((exact - interp).abs() < 1e-6, "{k}: {exact} {interp}");
        }
    }
}
