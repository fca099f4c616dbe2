//! Road-surface reflection tables (r-tables) for the luminance of M classes.
//!
//! An r-table holds the reduced luminance coefficient r(β, tan γ) on the CIE grid
//! (docs/architecture.md "Road luminance"): β the angle at the road point between the
//! observer's and the luminaire's vertical planes (0 = luminaire beyond the point on the
//! line of sight), tan γ the luminaire's horizontal distance over its height. r already
//! holds cos³γ, so a luminaire adds I · r / h² to the luminance. Values between the nodes
//! are bilinear in β and tan γ; beyond the last tan γ (and in cells the table leaves
//! empty, written 0) r is 0.
//!
//! File format (`assets/road-surfaces/cie_c2.csv`): lines starting with `#` are comments;
//! the first other line is `tan_gamma,` and the β values in degrees (0 … 180, increasing);
//! then one line per tan γ (increasing, the first 0) with r × 10⁴ for each β.
//!
//! Self-check values, computed from the table as the catalogue shows them:
//! - S1 = r(0, 2) / r(0, 0), the specular factor;
//! - Q0, the average luminance coefficient q = r / cos³γ over the solid angle Ω the table
//!   covers (β 0 … 180°, γ 0 … arctan of the last tan γ). With t = tan γ,
//!   q dΩ = r · t dt dβ, so Q0 = ∫∫ r t dt dβ / (π (1 − 1/√(1 + t_max²))); the double
//!   integral is the trapezoidal rule on the table's own nodes. For C2 this gives 0.0648
//!   against the nominal 0.07 (the published Q0 integrates a finer, extrapolated table).

use crate::error::{FileError, Location};
use std::path::Path;
use std::sync::OnceLock;

/// The bundled CIE C2 table (source: `assets/road-surfaces/SOURCES.md`).
pub const C2_CSV: &str = include_str!("../../assets/road-surfaces/cie_c2.csv");

/// A reduced-luminance-coefficient table.
#[derive(Debug, Clone, PartialEq)]
pub struct RTable {
    /// β nodes, degrees, increasing, 0 … 180.
    pub beta_deg: Vec<f64>,
    /// tan γ nodes, increasing, starting at 0.
    pub tan_gamma: Vec<f64>,
    /// r as a plain number (the file's value × 10⁻⁴), row-major: `r[t * beta.len() + b]`.
    pub r: Vec<f64>,
    /// The two axes prepared for fast lookups (see `lut`).
    beta_axis: super::lut::Axis,
    tan_axis: super::lut::Axis,
}

/// Nodes either side of `x` in increasing `nodes` and the weight of the upper one; `None`
/// outside the range.
#[inline]
fn bracket(axis: &super::lut::Axis, nodes: &[f64], x: f64) -> Option<(usize, usize, f64)> {
    let (&first, &last) = (nodes.first()?, nodes.last()?);
    if !(x >= first && x <= last) {
        return None;
    }
    Some(super::lut::bracket(axis, nodes, x))
}

fn trapezoid(xs: &[f64], ys: impl Fn(usize) -> f64) -> f64 {
    xs.windows(2)
        .enumerate()
        .map(|(i, w)| (w[1] - w[0]) * (ys(i) + ys(i + 1)) / 2.0)
        .sum()
}

impl RTable {
    /// The bundled CIE C2 surface.
    pub fn c2() -> &'static RTable {
        static C2: OnceLock<RTable> = OnceLock::new();
        C2.get_or_init(|| {
            // The bundled file is checked by the tests; a broken copy is a build bug.
            RTable::parse(C2_CSV, Path::new("assets/road-surfaces/cie_c2.csv"))
                .unwrap_or_else(|e| panic!("bundled r-table: {e}"))
        })
    }

    /// Reads a table in the CSV format above. `path` names the file in errors, which give
    /// the line and column and what to fix.
    pub fn parse(text: &str, path: &Path) -> Result<RTable, FileError> {
        let err = |line: usize, col: usize, msg: String| {
            FileError::new(path, Location::LineCol { line, col }, msg)
        };
        let mut lines = text
            .lines()
            .enumerate()
            .map(|(i, l)| (i + 1, l.trim_start_matches('\u{feff}').trim()))
            .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'));
        let Some((hline, header)) = lines.next() else {
            return Err(FileError::new(
                path,
                Location::File,
                "holds no table: expected a header line `tan_gamma,0,2,5,…,180` and one \
                 line of r × 10^4 per tan(gamma)",
            ));
        };
        let cells = |l: &str| -> Vec<(usize, String)> {
            let mut col = 1;
            l.split(',')
                .map(|c| {
                    let at = col;
                    col += c.len() + 1;
                    (at, c.trim().to_owned())
                })
                .collect()
        };
        let head = cells(header);
        if head
            .first()
            .is_none_or(|(_, c)| !c.eq_ignore_ascii_case("tan_gamma"))
        {
            return Err(err(
                hline,
                1,
                "the header must start with `tan_gamma,` followed by the beta angles in degrees"
                    .into(),
            ));
        }
        let number = |line: usize, (col, c): &(usize, String), what: &str| {
            c.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| err(line, *col, format!("{c:?} is not a number ({what})")))
        };
        let mut beta_deg = Vec::new();
        for cell in &head[1..] {
            let b = number(hline, cell, "a beta angle in degrees")?;
            if !(0.0..=180.0).contains(&b) || beta_deg.last().is_some_and(|&p| b <= p) {
                return Err(err(
                    hline,
                    cell.0,
                    format!("beta {b} must be in 0..180 and greater than the one before"),
                ));
            }
            beta_deg.push(b);
        }
        if beta_deg.len() < 2 {
            return Err(err(
                hline,
                1,
                "the header names fewer than two beta angles".into(),
            ));
        }
        let mut tan_gamma = Vec::new();
        let mut r = Vec::new();
        for (line, l) in lines {
            let row = cells(l);
            if row.len() != beta_deg.len() + 1 {
                return Err(err(
                    line,
                    1,
                    format!(
                        "has {} values; each line needs tan(gamma) and {} r values, one per beta",
                        row.len(),
                        beta_deg.len()
                    ),
                ));
            }
            let t = number(line, &row[0], "tan(gamma)")?;
            if t < 0.0 || tan_gamma.last().is_some_and(|&p| t <= p) {
                return Err(err(
                    line,
                    1,
                    format!("tan(gamma) {t} must be >= 0 and greater than the line before"),
                ));
            }
            tan_gamma.push(t);
            for cell in &row[1..] {
                let v = number(line, cell, "r x 10^4")?;
                if v < 0.0 {
                    return Err(err(line, cell.0, format!("r = {v} is negative")));
                }
                r.push(v / 1e4);
            }
        }
        if tan_gamma.first() != Some(&0.0) || tan_gamma.len() < 2 {
            return Err(FileError::new(
                path,
                Location::File,
                "needs at least two lines of values, the first for tan(gamma) = 0",
            ));
        }
        Ok(RTable {
            beta_axis: super::lut::axis_kind(&beta_deg),
            tan_axis: super::lut::axis_kind(&tan_gamma),
            beta_deg,
            tan_gamma,
            r,
        })
    }

    #[inline]
    fn at(&self, ti: usize, bi: usize) -> f64 {
        self.r
            .get(ti * self.beta_deg.len() + bi)
            .copied()
            .unwrap_or(0.0)
    }

    /// r(β, tan γ), a plain number: bilinear between the nodes, β folded into 0 … 180°,
    /// 0 beyond the last tan γ.
    pub fn r(&self, beta_deg: f64, tan_gamma: f64) -> f64 {
        self.r_at(self.tan_nodes(tan_gamma), beta_deg)
    }

    /// The tan γ nodes either side of `tan_gamma` and the weight of the upper one (`None`
    /// beyond the table), for [`Self::r_at`]: one lookup for every β at the same tan γ.
    #[inline]
    pub fn tan_nodes(&self, tan_gamma: f64) -> Option<(usize, usize, f64)> {
        bracket(&self.tan_axis, &self.tan_gamma, tan_gamma)
    }

    /// [`Self::r`] at the tan γ of `tan_nodes`.
    #[inline]
    pub fn r_at(&self, tan_nodes: Option<(usize, usize, f64)>, beta_deg: f64) -> f64 {
        let mut b = beta_deg;
        if !(0.0..=180.0).contains(&b) {
            b = b.rem_euclid(360.0);
            if b > 180.0 {
                b = 360.0 - b;
            }
        }
        let (Some((t0, t1, wt)), Some((b0, b1, wb))) =
            (tan_nodes, bracket(&self.beta_axis, &self.beta_deg, b))
        else {
            return 0.0;
        };
        let lo = self.at(t0, b0) * (1.0 - wb) + self.at(t0, b1) * wb;
        let hi = self.at(t1, b0) * (1.0 - wb) + self.at(t1, b1) * wb;
        lo * (1.0 - wt) + hi * wt
    }

    /// The largest tan γ the table covers.
    pub fn max_tan_gamma(&self) -> f64 {
        self.tan_gamma.last().copied().unwrap_or(0.0)
    }

    /// Specular factor S1 = r(0, 2) / r(0, 0).
    pub fn s1(&self) -> f64 {
        self.r(0.0, 2.0) / self.r(0.0, 0.0)
    }

    /// Average luminance coefficient Q0 over the table's solid angle (module docs).
    pub fn q0(&self) -> f64 {
        let nb = self.beta_deg.len();
        let beta_rad: Vec<f64> = self.beta_deg.iter().map(|b| b.to_radians()).collect();
        let along_t = |bi: usize| {
            trapezoid(&self.tan_gamma, |ti| {
                self.at(ti, bi.min(nb - 1)) * self.tan_gamma[ti]
            })
        };
        let integral = trapezoid(&beta_rad, along_t);
        let t_max = self.max_tan_gamma();
        let omega = std::f64::consts::PI * (1.0 - 1.0 / (1.0 + t_max * t_max).sqrt());
        integral / omega
    }
}

/// The r-table a street's `surface` names: the bundled CIE "C2", or a table of the plan's
/// catalogue (`plan.surfaces`). `Err` says, for people, why there is none.
pub fn table_for(
    plan: &crate::plan::Plan,
    id: &str,
) -> Result<std::borrow::Cow<'static, RTable>, String> {
    if let Some(s) = plan.surfaces.iter().find(|s| s.id == id) {
        return RTable::parse(&s.table_csv, Path::new(&format!("surfaces[{}]", s.id)))
            .map(std::borrow::Cow::Owned)
            .map_err(|e| format!("its r-table does not read: {e}"));
    }
    if id == crate::plan::DEFAULT_SURFACE {
        return Ok(std::borrow::Cow::Borrowed(RTable::c2()));
    }
    let mut known: Vec<&str> = plan.surfaces.iter().map(|s| s.id.as_str()).collect();
    known.insert(0, crate::plan::DEFAULT_SURFACE);
    Err(format!(
        "road surface \"{id}\" is not in the catalogue (it has {}); import its r-table or \
         pick another surface",
        known.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c2_nodes_and_folding() {
        let t = RTable::c2();
        assert_eq!((t.tan_gamma.len(), t.beta_deg.len()), (29, 20));
        assert_eq!(t.r(0.0, 0.0), 329e-4);
        assert_eq!(t.r(90.0, 0.5), 249e-4);
        assert_eq!(t.r(-90.0, 0.5), t.r(270.0, 0.5));
        assert_eq!(t.r(0.0, 12.5), 0.0);
        // Halfway between two beta nodes and two tan gamma nodes.
        let mid = (362.0 + 358.0 + 379.0 + 368.0) / 4.0 * 1e-4;
        assert!((t.r(1.0, 0.375) - mid).abs() < 1e-15);
    }

    #[test]
    fn bad_tables_name_the_place() {
        let p = Path::new("r3.csv");
        let e = RTable::parse("tan_gamma,0,2\n0,1,x\n", p).unwrap_err();
        assert_eq!(e.location, Location::LineCol { line: 2, col: 5 });
        let e = RTable::parse("# only\n", p).unwrap_err();
        assert!(e.message.contains("no table"), "{e}");
        let e = RTable::parse("beta,0,2\n0,1,1\n0.5,1,1\n", p).unwrap_err();
        assert!(e.message.contains("tan_gamma"), "{e}");
        let e = RTable::parse("tan_gamma,0,2\n0,1,1\n0.5,1\n", p).unwrap_err();
        assert_eq!(e.location, Location::LineCol { line: 3, col: 1 });
        let e = RTable::parse("tan_gamma,0,2\n0,1,-1\n0.5,1,1\n", p).unwrap_err();
        assert!(e.message.contains("negative"), "{e}");
        let e = RTable::parse("tan_gamma,0,2\n0.5,1,1\n0.25,1,1\n", p).unwrap_err();
        assert!(e.message.contains("greater"), "{e}");
    }
}
