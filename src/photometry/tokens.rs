//! Shared helpers of the photometry readers: numbers with their line numbers.

use crate::error::{FileError, Location};
use std::path::Path;

/// Largest count of angles or planes a reader accepts, so a garbled count cannot make
/// it allocate gigabytes.
pub const MAX_ANGLES: usize = 10_000;

/// Parses a number written with a decimal point or a decimal comma.
pub fn number(s: &str) -> Option<f64> {
    let t = s.trim();
    let v: f64 = if t.contains(',') && !t.contains('.') {
        t.replace(',', ".").parse().ok()?
    } else {
        t.parse().ok()?
    };
    v.is_finite().then_some(v)
}

/// An error at a 1-based line.
pub fn at_line(path: &Path, line: usize, message: impl Into<String>) -> FileError {
    FileError::new(path, Location::Line(line), message)
}

/// A value that cannot be negative (an intensity, a flux, a wattage, a multiplier):
/// refused at its line, naming it, so a table that would light nothing honestly is
/// reported where it goes wrong.
pub fn non_negative(path: &Path, line: usize, value: f64, what: &str) -> Result<f64, FileError> {
    if value < 0.0 {
        return Err(at_line(
            path,
            line,
            format!(
                "{what} is {}, which is negative; it must be 0 or more",
                crate::finding::number(value)
            ),
        ));
    }
    Ok(value)
}

/// A count read as a number: a non-negative integer no larger than `max`.
pub fn count(
    path: &Path,
    line: usize,
    value: f64,
    what: &str,
    max: usize,
) -> Result<usize, FileError> {
    if value.fract() != 0.0 || value < 0.0 || value > max as f64 {
        return Err(at_line(
            path,
            line,
            format!("{what} must be a whole number from 0 to {max}, found {value}"),
        ));
    }
    Ok(value as usize)
}

/// Checks that angles ascend strictly; `line` is where the list starts.
pub fn ascending(path: &Path, line: usize, angles: &[f64], what: &str) -> Result<(), FileError> {
    if angles.windows(2).any(|w| w[1] <= w[0]) {
        return Err(at_line(
            path,
            line,
            format!("the {what} must ascend strictly; fix the angle list"),
        ));
    }
    Ok(())
}

/// Expands the stored planes of a symmetric luminaire to a full 0..=360 table.
///
/// `stored` pairs each stored C angle with its intensities; `images` maps a stored C
/// angle to all the C angles (any range, taken modulo 360) with the same intensities.
/// Returns the C axis (0..=360, the 360 plane a copy of the 0 plane; a missing 0 plane
/// is interpolated across 360) and the row-major candela values.
pub fn expand(
    stored: &[(f64, Vec<f64>)],
    images: impl Fn(f64) -> Vec<f64>,
    n_gamma: usize,
) -> (Vec<f64>, Vec<f64>) {
    let mut planes: Vec<(f64, usize)> = Vec::new();
    for (i, (c, _)) in stored.iter().enumerate() {
        for img in images(*c) {
            let a = img.rem_euclid(360.0);
            let a = if (360.0 - a).abs() < 1e-9 { 0.0 } else { a };
            planes.push((a, i));
        }
    }
    planes.sort_by(|a, b| a.0.total_cmp(&b.0));
    planes.dedup_by(|b, a| (a.0 - b.0).abs() < 1e-9);
    let row = |i: usize| -> Vec<f64> {
        stored
            .get(i)
            .map(|(_, r)| r.clone())
            .unwrap_or_else(|| vec![0.0; n_gamma])
    };
    let mut c_deg = Vec::new();
    let mut cd: Vec<f64> = Vec::new();
    let (Some(&(first_c, first_i)), Some(&(last_c, last_i))) = (planes.first(), planes.last())
    else {
        return (vec![0.0, 360.0], vec![0.0; 2 * n_gamma]);
    };
    // A plane at C = 0 (interpolated across 360 when the file has none).
    let zero_row: Vec<f64> = if first_c.abs() < 1e-9 {
        row(first_i)
    } else {
        let (a, b) = (last_c - 360.0, first_c);
        let t = if b > a { (0.0 - a) / (b - a) } else { 0.0 };
        row(last_i)
            .iter()
            .zip(row(first_i))
            .map(|(x, y)| x * (1.0 - t) + y * t)
            .collect()
    };
    c_deg.push(0.0);
    cd.extend(&zero_row);
    for &(c, i) in &planes {
        if c > 1e-9 {
            c_deg.push(c);
            cd.extend(row(i));
        }
    }
    c_deg.push(360.0);
    cd.extend(zero_row);
    (c_deg, cd)
}
