//! A street's luminance values with each vendor group at its own level, from the sums
//! per group [`super::evaluate_street`] kept (adaptive lighting's periods).

use super::*;

impl StreetLuminance {
    /// The values with each vendor group's luminaires at `levels[g]` (0..1), from the
    /// sums per group kept by [`evaluate_street`] (docs/architecture.md "Adaptive
    /// lighting"): luminance, veiling luminance and illuminance scale linearly with each
    /// luminaire's level. `None` when no field was evaluated or no groups were kept.
    pub fn at_levels(&self, levels: &[f64]) -> Option<LuminanceValues> {
        if self.groups.is_empty() {
            return None;
        }
        let dot = |v: &[f64]| -> f64 { v.iter().zip(levels).map(|(x, l)| x * l).sum() };
        let mut rows = Vec::with_capacity(self.rows.len());
        let mut parts = Vec::with_capacity(self.groups.len());
        let mut next = 0;
        for g in &self.groups {
            let n_rows = g.veil.len() / (g.n_obs * g.n).max(1);
            let field_rows: Vec<LRow> = self.rows[next..next + n_rows]
                .iter()
                .enumerate()
                .map(|(r, row)| {
                    let mut out = LRow {
                        ch: row.ch,
                        d: row.d,
                        sum: vec![0.0; g.n_obs],
                        min: vec![f64::INFINITY; g.n_obs],
                        centre: vec![0.0; g.n_obs],
                    };
                    for i in 0..g.n_pts {
                        for j in 0..g.n_obs {
                            let at = ((r * g.n_pts + i) * g.n_obs + j) * g.n;
                            let l = dot(&g.lum[at..at + g.n]);
                            out.sum[j] += l;
                            out.min[j] = out.min[j].min(l);
                            if i == 3 * j + 1 {
                                out.centre[j] = l;
                            }
                        }
                    }
                    out
                })
                .collect();
            next += n_rows;
            let u_l = field_u_l(&field_rows, g.n_obs);
            let ti = field_ti(&field_rows, g.n_pts, |j, k| {
                let at = (j * n_rows + k) * g.n;
                dot(&g.veil[at..at + g.n])
            });
            let rei = [0, 1].map(|s| (dot(&g.rei[s][0]), dot(&g.rei[s][1])));
            parts.push((u_l, ti, rei));
            rows.extend(field_rows);
        }
        street_values(&rows, &parts).map(|(v, _)| v)
    }

    /// Row spacing D of each row (parallel to the lane profiles), m.
    pub fn row_d_m(&self) -> impl Iterator<Item = f64> + '_ {
        self.rows.iter().map(|r| r.d)
    }

    /// L_avg and U_o over the rows between chainages `from_m` and `to_m` (a vendor's
    /// section), as for the whole street; `None` when no row lies there.
    pub fn between(&self, from_m: f64, to_m: f64) -> Option<(f64, f64)> {
        let (lo, hi) = (from_m.min(to_m), from_m.max(to_m));
        average_uniformity(self.rows.iter().filter(|r| r.ch >= lo && r.ch <= hi))
            .map(|(a, u, _, _)| (a, u))
    }
}
