//! Fast intensity lookup for the inner loop: when a table's C or gamma axis is
//! equidistant (as in most EULUMDAT files and every IES file with regular angles), the
//! bracketing cell is found by division instead of a binary search; an irregular but
//! increasing axis gets a cell index on a fine even grid, so a lookup is one division and
//! a step or two. The interpolation is
//! the same bilinear formula as [`IntensityTable::intensity`], so the values agree
//! (tested against it).

use crate::photometry::IntensityTable;

/// An axis: equidistant (start, step) or irregular (binary search).
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Axis {
    Uniform {
        start: f64,
        step: f64,
        last: usize,
    },
    /// Increasing but uneven: `first[q]` is the last node at or below `start + q · step`.
    Indexed {
        start: f64,
        step: f64,
        first: Vec<u32>,
    },
    Irregular,
}

/// Cells of the even grid an irregular axis is indexed on, per node.
const INDEX_PER_NODE: usize = 16;

pub(super) fn axis_kind(axis: &[f64]) -> Axis {
    let (Some(&a), Some(&b)) = (axis.first(), axis.get(1)) else {
        return Axis::Irregular;
    };
    let step = b - a;
    let uniform = step > 0.0
        && axis
            .iter()
            .enumerate()
            .all(|(i, &v)| (v - (a + step * i as f64)).abs() <= 1e-9 * step);
    if uniform {
        return Axis::Uniform {
            start: a,
            step,
            last: axis.len() - 1,
        };
    }
    let increasing = axis.windows(2).all(|w| w[0] < w[1]) && axis.iter().all(|v| v.is_finite());
    let last = axis[axis.len() - 1];
    if !increasing || axis.len() > u32::MAX as usize / 2 {
        return Axis::Irregular;
    }
    let cells = axis.len() * INDEX_PER_NODE;
    let step = (last - a) / cells as f64;
    let first = (0..=cells)
        .map(|q| {
            let x = a + step * q as f64;
            (axis.partition_point(|&v| v <= x).max(1) - 1) as u32
        })
        .collect();
    Axis::Indexed {
        start: a,
        step,
        first,
    }
}

/// Index i and fraction t with axis[i] <= v <= axis[i+1] (i+1 clamped), as
/// `IntensityTable::intensity` brackets.
#[inline]
pub(super) fn bracket(kind: &Axis, axis: &[f64], v: f64) -> (usize, usize, f64) {
    match *kind {
        Axis::Uniform { start, step, last } => {
            let f = (v - start) / step;
            if f <= 0.0 {
                return (0, 0, 0.0);
            }
            let i = (f.floor() as usize).min(last);
            if i >= last {
                return (last, last, 0.0);
            }
            let (a, b) = (axis[i], axis[i + 1]);
            // Rounding of the division may land one cell off: fix it up.
            if v < a && i > 0 {
                let (a0, b0) = (axis[i - 1], a);
                return (i - 1, i, (v - a0) / (b0 - a0));
            }
            if v > b {
                return if i + 1 >= last {
                    (last, last, 0.0)
                } else {
                    (i + 1, i + 2, (v - b) / (axis[i + 2] - b))
                };
            }
            (i, i + 1, (v - a) / (b - a))
        }
        Axis::Indexed {
            start,
            step,
            ref first,
        } if v.is_finite() => {
            let n = axis.len();
            if v <= axis[0] {
                return (0, 0, 0.0);
            }
            if v >= axis[n - 1] {
                return (n - 1, n - 1, 0.0);
            }
            let q = (((v - start) / step) as usize).min(first.len() - 1);
            let mut i = first[q] as usize;
            // The grid point lies at or below v (up to rounding: step back if not), so the
            // cell is here or a few nodes on.
            while i > 0 && axis[i] > v {
                i -= 1;
            }
            while i + 1 < n && axis[i + 1] <= v {
                i += 1;
            }
            if axis[i] == v {
                return (i, i, 0.0);
            }
            let (a, b) = (axis[i], axis[i + 1]);
            (i, i + 1, (v - a) / (b - a))
        }
        Axis::Indexed { .. } | Axis::Irregular => crate::photometry::bracket(axis, v),
    }
}

/// An intensity table prepared for fast lookups.
#[derive(Debug, Clone, PartialEq)]
pub struct Lut {
    pub table: IntensityTable,
    c_axis: Axis,
    g_axis: Axis,
}

impl Lut {
    pub fn new(table: IntensityTable) -> Self {
        Lut {
            c_axis: axis_kind(&table.c_deg),
            g_axis: axis_kind(&table.gamma_deg),
            table,
        }
    }

    /// Intensity in candela towards (C, gamma), degrees, C already in [0, 360).
    #[inline]
    pub fn intensity(&self, c_deg: f64, gamma_deg: f64) -> f64 {
        let t = &self.table;
        let (Some(&g0), Some(&g1)) = (t.gamma_deg.first(), t.gamma_deg.last()) else {
            return 0.0;
        };
        if !(gamma_deg >= g0 && gamma_deg <= g1) || t.c_deg.is_empty() {
            return 0.0;
        }
        let (ci0, ci1, ct) = bracket(&self.c_axis, &t.c_deg, c_deg);
        let (gi0, gi1, gt) = bracket(&self.g_axis, &t.gamma_deg, gamma_deg);
        let n = t.gamma_deg.len();
        let at = |ci: usize, gi: usize| t.cd.get(ci * n + gi).copied().unwrap_or(0.0);
        let a = at(ci0, gi0) * (1.0 - gt) + at(ci0, gi1) * gt;
        let b = at(ci1, gi0) * (1.0 - gt) + at(ci1, gi1) * gt;
        a * (1.0 - ct) + b * ct
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_the_table_uniform_and_irregular() {
        let irregular_c = vec![0.0, 15.0, 20.0, 90.0, 180.0, 300.0, 360.0];
        for c_deg in [
            (0..=24).map(|i| i as f64 * 15.0).collect::<Vec<_>>(),
            irregular_c,
        ] {
            let gamma_deg: Vec<f64> = (0..=36).map(|i| i as f64 * 2.5).collect();
            let mut cd = Vec::new();
            for (i, _) in c_deg.iter().enumerate() {
                for (j, _) in gamma_deg.iter().enumerate() {
                    cd.push(((i * 7 + j * 13) % 17) as f64 * 10.0 + 1.0);
                }
            }
            let t = IntensityTable {
                c_deg,
                gamma_deg,
                cd,
            };
            let lut = Lut::new(t.clone());
            for ci in 0..=720 {
                let c = ci as f64 * 0.4999;
                let c = c.rem_euclid(360.0);
                for gi in 0..=200 {
                    let g = gi as f64 * 0.4567 - 1.0;
                    let (x, y) = (lut.intensity(c, g), t.intensity(c, g));
                    assert!(
                        (x - y).abs() <= 1e-12 * y.abs().max(1.0),
                        "{c} {g}: {x} {y}"
                    );
                }
                // Exact tabulated angles too.
                for &g in &t.gamma_deg {
                    assert_eq!(lut.intensity(c, g), t.intensity(c, g));
                }
            }
        }
    }
}
