//! IES LM-63 (.ies) reader: LM-63-1986, -1991, -1995 and -2002, photometric type C.

use super::tokens::{MAX_ANGLES, ascending, at_line, count, expand, non_negative, number};
use super::{Format, IntensityTable, Photometry};
use crate::error::FileError;
use std::path::Path;

/// The numbers after the TILT line with the 1-based line each sits on.
struct Tokens<'a> {
    path: &'a Path,
    toks: Vec<(usize, &'a str)>,
    pos: usize,
    last_line: usize,
}

impl<'a> Tokens<'a> {
    fn num(&mut self, what: &str) -> Result<(usize, f64), FileError> {
        let Some(&(line, t)) = self.toks.get(self.pos) else {
            return Err(at_line(
                self.path,
                self.last_line,
                format!(
                    "expected {what}, file ended at line {}; the file is truncated",
                    self.last_line
                ),
            ));
        };
        self.pos += 1;
        number(t).map(|v| (line, v)).ok_or_else(|| {
            at_line(
                self.path,
                line,
                format!("expected {what} (a number), found {t:?}"),
            )
        })
    }

    /// A number that must not be negative.
    fn non_negative(&mut self, what: &str) -> Result<(usize, f64), FileError> {
        let (line, v) = self.num(what)?;
        Ok((line, non_negative(self.path, line, v, what)?))
    }

    /// The 1-based line of the value `back` positions before the next one.
    fn line_back(&self, back: usize) -> usize {
        self.toks
            .get(self.pos.wrapping_sub(back))
            .map_or(self.last_line, |t| t.0)
    }

    fn list(&mut self, n: usize, what: &str) -> Result<(usize, Vec<f64>), FileError> {
        let start = self.toks.get(self.pos).map_or(self.last_line, |t| t.0);
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            if self.pos >= self.toks.len() {
                return Err(at_line(
                    self.path,
                    self.last_line,
                    format!(
                        "expected {n} {what}, file ended at line {} after {i} of them; the file is truncated",
                        self.last_line
                    ),
                ));
            }
            out.push(self.num(what)?.1);
        }
        Ok((start, out))
    }
}

/// Parses IES LM-63 text; `path` names the file in errors.
pub fn parse(text: &str, path: &Path) -> Result<Photometry, FileError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let first = lines.first().map_or("", |l| l.trim());
    // LM-63-1986 has no version line; 1991 to 2002 start with "IESNA", 2019 with "IES:".
    let upper_first = first.to_ascii_uppercase();
    let has_version = upper_first.starts_with("IESNA") || upper_first.starts_with("IES:");
    let version_1986_1991 = !has_version || upper_first.contains("91");
    let mut manufacturer = String::new();
    let mut name = String::new();
    let mut catalogue = String::new();
    let mut tilt_at = None;
    for (i, l) in lines.iter().enumerate() {
        let t = l.trim();
        if t.to_ascii_uppercase().starts_with("TILT") {
            tilt_at = Some(i);
            break;
        }
        if let Some(rest) = t.strip_prefix('[') {
            if let Some((key, value)) = rest.split_once(']') {
                let value = value.trim().to_string();
                match key.trim().to_ascii_uppercase().as_str() {
                    "MANUFAC" => manufacturer = value,
                    "LUMINAIRE" => name = value,
                    "LUMCAT" => catalogue = value,
                    _ => {}
                }
            }
        } else if i == 0 && !has_version && name.is_empty() {
            name = t.to_string();
        }
    }
    if name.is_empty() {
        name = catalogue;
    }
    let Some(tilt_i) = tilt_at else {
        return Err(at_line(
            path,
            lines.len().max(1),
            "no TILT= line found; an IES LM-63 file needs TILT=NONE or TILT=INCLUDE before the photometric data",
        ));
    };
    let tilt_line = tilt_i + 1;
    let tilt_value = lines
        .get(tilt_i)
        .and_then(|l| l.split_once('='))
        .map(|(_, v)| v.trim())
        .unwrap_or("");
    let include = match tilt_value.to_ascii_uppercase().as_str() {
        "NONE" => false,
        "INCLUDE" => true,
        "" => {
            return Err(at_line(
                path,
                tilt_line,
                "the TILT line must read TILT=NONE or TILT=INCLUDE",
            ));
        }
        _ => {
            return Err(at_line(
                path,
                tilt_line,
                format!(
                    "TILT={tilt_value} refers to a separate tilt file, which is not supported; put the tilt data in the file (TILT=INCLUDE) or use TILT=NONE"
                ),
            ));
        }
    };
    let mut toks = Vec::new();
    for (i, l) in lines.iter().enumerate().skip(tilt_i + 1) {
        for t in l
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|t| !t.is_empty())
        {
            toks.push((i + 1, t));
        }
    }
    let last_line = lines
        .iter()
        .rposition(|l| !l.trim().is_empty())
        .map_or(1, |i| i + 1);
    let mut t = Tokens {
        path,
        toks,
        pos: 0,
        last_line,
    };
    if include {
        t.num("the lamp-to-luminaire geometry of the TILT block")?;
        let (l, n) = t.num("the number of tilt angle/factor pairs")?;
        let n = count(
            path,
            l,
            n,
            "the number of tilt angle/factor pairs",
            MAX_ANGLES,
        )?;
        t.list(n, "tilt angles")?;
        t.list(n, "tilt multiplying factors")?;
    }
    let (lamps_line, lamps) = t.num("the number of lamps")?;
    let (_, lumens_per_lamp) = t.num("the lumens per lamp")?;
    let (_, multiplier) = t.non_negative("the candela multiplier")?;
    let (l, nv) = t.num("the number of vertical angles")?;
    let nv = count(path, l, nv, "the number of vertical angles", MAX_ANGLES)?;
    let (l, nh) = t.num("the number of horizontal angles")?;
    let nh = count(path, l, nh, "the number of horizontal angles", MAX_ANGLES)?;
    let (type_line, ptype) = t.num("the photometric type")?;
    match ptype as i64 {
        1 if ptype == 1.0 => {}
        2 if ptype == 2.0 => {
            return Err(at_line(
                path,
                type_line,
                "photometric type B (floodlight) is not supported; only type C (road and area luminaires) can be used",
            ));
        }
        3 if ptype == 3.0 => {
            return Err(at_line(
                path,
                type_line,
                "photometric type A (automotive) is not supported; only type C (road and area luminaires) can be used",
            ));
        }
        _ => {
            return Err(at_line(
                path,
                type_line,
                format!("photometric type must be 1 (C), 2 (B) or 3 (A), found {ptype}"),
            ));
        }
    }
    for what in [
        "the units type",
        "the luminous opening width",
        "the luminous opening length",
        "the luminous opening height",
    ] {
        t.num(what)?;
    }
    let (_, ballast_factor) = t.non_negative("the ballast factor")?;
    // Ballast-lamp photometric factor in LM-63-1986/1991, "future use" (1) later.
    let (_, blp_factor) = t.num("the ballast-lamp photometric factor (future use)")?;
    let (_, power_w) = t.non_negative("the input watts")?;
    if nv == 0 || nh == 0 {
        return Err(at_line(
            path,
            lamps_line,
            "the numbers of vertical and horizontal angles must be at least 1",
        ));
    }
    let (v_line, gamma_deg) = t.list(nv, "vertical angles")?;
    ascending(path, v_line, &gamma_deg, "vertical angles")?;
    let (h_line, h_deg) = t.list(nh, "horizontal angles")?;
    ascending(path, h_line, &h_deg, "horizontal angles")?;
    let mut scale = multiplier * ballast_factor;
    if version_1986_1991 {
        scale *= blp_factor;
    }
    let mut stored = Vec::with_capacity(nh);
    for &h in &h_deg {
        let (_, row) = t.list(nv, &format!("candela values for horizontal angle {h}"))?;
        for (k, &v) in row.iter().enumerate() {
            let line = t.line_back(nv - k);
            let what = format!(
                "the candela value at horizontal {h}°, vertical {}°",
                gamma_deg[k]
            );
            non_negative(path, line, v, &what)?;
        }
        stored.push((h, row.into_iter().map(|v| v * scale).collect::<Vec<f64>>()));
    }
    let first_h = h_deg.first().copied().unwrap_or(0.0);
    let last_h = h_deg.last().copied().unwrap_or(0.0);
    #[derive(Clone, Copy)]
    enum Sym {
        Rotation,
        Quadrant,
        Bilateral0,
        Bilateral90,
        None,
    }
    let sym = match (first_h, last_h) {
        (f, l) if f == 0.0 && l == 0.0 => Sym::Rotation,
        (f, l) if f == 0.0 && l == 90.0 => Sym::Quadrant,
        (f, l) if f == 0.0 && l == 180.0 => Sym::Bilateral0,
        (f, l) if f == 90.0 && l == 270.0 => Sym::Bilateral90,
        (f, l) if f == 0.0 && l == 360.0 => Sym::None,
        (f, l) => {
            return Err(at_line(
                path,
                h_line,
                format!(
                    "horizontal angles from {f} to {l} are not a type C layout; they must run 0 to 0, 90, 180 or 360, or 90 to 270"
                ),
            ));
        }
    };
    let images = move |c: f64| -> Vec<f64> {
        match sym {
            Sym::Rotation | Sym::None => vec![c],
            Sym::Bilateral0 => vec![c, 360.0 - c],
            Sym::Bilateral90 => vec![c, 180.0 - c],
            Sym::Quadrant => vec![c, 180.0 - c, 180.0 + c, 360.0 - c],
        }
    };
    let (c_deg, cd) = expand(&stored, images, nv);
    let relative = lumens_per_lamp > 0.0;
    Ok(Photometry {
        format: Format::Ies,
        manufacturer,
        name,
        table: IntensityTable {
            c_deg,
            gamma_deg,
            cd,
        },
        lamp_flux_lm: relative.then_some(lumens_per_lamp * lamps),
        declared_flux_lm: relative.then_some(lumens_per_lamp * lamps * ballast_factor),
        power_w,
    })
}
