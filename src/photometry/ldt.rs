//! EULUMDAT (.ldt) reader: one value a line, intensities in cd/klm of lamp flux.

use super::tokens::{MAX_ANGLES, ascending, at_line, count, expand, non_negative, number};
use super::{Format, IntensityTable, Photometry};
use crate::error::FileError;
use std::path::Path;

/// Most lamp sets a file may declare.
const MAX_LAMP_SETS: usize = 100;

struct Lines<'a> {
    path: &'a Path,
    lines: Vec<&'a str>,
    /// Index of the next line (0-based).
    pos: usize,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str, path: &'a Path) -> Self {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut lines: Vec<&str> = text
            .split('\n')
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .collect();
        if lines.last() == Some(&"") {
            lines.pop();
        }
        Lines {
            path,
            lines,
            pos: 0,
        }
    }

    /// The next line and its 1-based number.
    fn text(&mut self, what: &str) -> Result<(usize, &'a str), FileError> {
        match self.lines.get(self.pos) {
            Some(l) => {
                self.pos += 1;
                Ok((self.pos, l.trim()))
            }
            None => Err(at_line(
                self.path,
                self.lines.len().max(1),
                format!(
                    "expected {what} on line {}, file ended at line {}; the file is truncated",
                    self.pos + 1,
                    self.lines.len()
                ),
            )),
        }
    }

    fn num(&mut self, what: &str) -> Result<(usize, f64), FileError> {
        let (line, t) = self.text(what)?;
        match number(t) {
            Some(v) => Ok((line, v)),
            None => Err(at_line(
                self.path,
                line,
                format!("expected {what} (a number), found {t:?}"),
            )),
        }
    }

    fn count(&mut self, what: &str, max: usize) -> Result<usize, FileError> {
        let (line, v) = self.num(what)?;
        count(self.path, line, v, what, max)
    }

    /// A number that must not be negative.
    fn non_negative(&mut self, what: &str) -> Result<(usize, f64), FileError> {
        let (line, v) = self.num(what)?;
        Ok((line, non_negative(self.path, line, v, what)?))
    }

    /// `n` numbers, one a line, naming the list in the end-of-file message.
    fn list(&mut self, n: usize, what: &str) -> Result<(usize, Vec<f64>), FileError> {
        let start = self.pos + 1;
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            if self.pos >= self.lines.len() {
                return Err(at_line(
                    self.path,
                    self.lines.len().max(1),
                    format!(
                        "expected {n} {what}, file ended at line {} after {i} of them; the file is truncated",
                        self.lines.len()
                    ),
                ));
            }
            out.push(self.num(what)?.1);
        }
        Ok((start, out))
    }
}

/// Parses EULUMDAT text; `path` names the file in errors.
pub fn parse(text: &str, path: &Path) -> Result<Photometry, FileError> {
    let mut r = Lines::new(text, path);
    let (_, company) = r.text("the company name")?;
    r.num("Ityp (type indicator)")?;
    let (isym_line, isym) = r.num("Isym (symmetry indicator 0..4)")?;
    let isym = count(path, isym_line, isym, "Isym (symmetry indicator)", 4)?;
    let mc = r.count("Mc (number of C planes)", MAX_ANGLES)?;
    r.num("Dc (distance between C planes)")?;
    let ng = r.count("Ng (number of intensities per C plane)", MAX_ANGLES)?;
    r.num("Dg (distance between gamma angles)")?;
    r.text("the measurement report number")?;
    let (_, name) = r.text("the luminaire name")?;
    for what in ["the luminaire number", "the file name", "the date and user"] {
        r.text(what)?;
    }
    for what in [
        "the luminaire length or diameter (mm)",
        "the luminaire width (mm)",
        "the luminaire height (mm)",
        "the luminous area length or diameter (mm)",
        "the luminous area width (mm)",
        "the luminous area height at C0 (mm)",
        "the luminous area height at C90 (mm)",
        "the luminous area height at C180 (mm)",
        "the luminous area height at C270 (mm)",
        "DFF (downward flux fraction, %)",
    ] {
        r.num(what)?;
    }
    let (_, lorl_pct) = r.num("LORL (light output ratio, %)")?;
    r.num("the conversion factor for intensities")?;
    r.num("the tilt of the luminaire during measurement")?;
    let n_sets = r.count("the number of lamp sets", MAX_LAMP_SETS)?;
    let mut flux_lm = 0.0;
    let mut power_w = 0.0;
    for _ in 0..n_sets {
        r.num("the number of lamps")?;
        r.text("the lamp type")?;
        flux_lm += r.non_negative("the total lamp flux (lm)")?.1;
        r.text("the colour appearance")?;
        r.text("the colour rendering group")?;
        power_w += r.non_negative("the wattage including ballast (W)")?.1;
    }
    r.list(10, "direct ratios")?;
    let (c_line, c_angles) = r.list(mc, "C angles")?;
    ascending(path, c_line, &c_angles, "C angles")?;
    let (g_line, gamma_deg) = r.list(ng, "gamma angles")?;
    ascending(path, g_line, &gamma_deg, "gamma angles")?;
    if ng == 0 {
        return Err(at_line(path, g_line, "Ng must be at least 1"));
    }

    // The C angles whose planes the file stores, in file order.
    let stored_c: Vec<f64> = match isym {
        0 => c_angles.clone(),
        1 => vec![0.0],
        2 => c_angles.iter().copied().filter(|c| *c <= 180.0).collect(),
        3 => {
            let mut v: Vec<f64> = c_angles.iter().copied().filter(|c| *c >= 270.0).collect();
            v.extend(c_angles.iter().copied().filter(|c| *c <= 90.0));
            v
        }
        _ => c_angles.iter().copied().filter(|c| *c <= 90.0).collect(),
    };
    let expected = match isym {
        0 => mc,
        1 => 1,
        2 | 3 => mc / 2 + 1,
        _ => mc / 4 + 1,
    };
    if stored_c.len() != expected {
        return Err(at_line(
            path,
            c_line,
            format!(
                "Isym {isym} with Mc = {mc} stores {expected} C planes, but the C angles give {} planes in the stored range; check Isym, Mc and the C angles",
                stored_c.len()
            ),
        ));
    }
    let scale = flux_lm / 1000.0;
    let mut stored = Vec::with_capacity(expected);
    for c in stored_c {
        let (start, row) = r.list(ng, &format!("intensities (cd/klm) of plane C{c}"))?;
        for (k, &v) in row.iter().enumerate() {
            let what = format!("the intensity at C {c}°, gamma {}° (cd/klm)", gamma_deg[k]);
            non_negative(path, start + k, v, &what)?;
        }
        stored.push((c, row.into_iter().map(|v| v * scale).collect::<Vec<f64>>()));
    }
    let images = |c: f64| -> Vec<f64> {
        match isym {
            0 | 1 => vec![c],
            2 => vec![c, 360.0 - c],
            3 => vec![c, 180.0 - c],
            _ => vec![c, 180.0 - c, 180.0 + c, 360.0 - c],
        }
    };
    let (c_deg, cd) = expand(&stored, images, ng);
    Ok(Photometry {
        format: Format::Eulumdat,
        manufacturer: company.to_string(),
        name: name.to_string(),
        table: IntensityTable {
            c_deg,
            gamma_deg,
            cd,
        },
        lamp_flux_lm: Some(flux_lm),
        declared_flux_lm: Some(lorl_pct / 100.0 * flux_lm),
        power_w,
    })
}
