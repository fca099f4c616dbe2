//! Where a designed row's poles stand: arrangements, and one pole placed beside the
//! centreline and aimed square at the street (as the row tool places them,
//! `crate::edit::row`).

use crate::frame::{Polyline, Side, bearing_of, from_utm32, grid_to_true_bearing};

/// How the poles stand along the stretch, looking from the street's first vertex to its
/// last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Arrangement {
    SingleLeft,
    SingleRight,
    /// Alternating sides, starting on the right at the stretch's start; the spacing is
    /// counted between consecutive poles along the street.
    Staggered,
    /// Pairs facing each other.
    Opposite,
}

impl Arrangement {
    pub const ALL: [Arrangement; 4] = [
        Arrangement::SingleLeft,
        Arrangement::SingleRight,
        Arrangement::Staggered,
        Arrangement::Opposite,
    ];

    /// The name on the command line and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Arrangement::SingleLeft => "single-left",
            Arrangement::SingleRight => "single-right",
            Arrangement::Staggered => "staggered",
            Arrangement::Opposite => "opposite",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.name() == s.trim())
    }

    /// The sides of the poles at station `k` (counted from the stretch's start).
    pub fn sides(self, k: usize) -> &'static [Side] {
        match self {
            Arrangement::SingleLeft => &[Side::Left],
            Arrangement::SingleRight => &[Side::Right],
            Arrangement::Staggered if k.is_multiple_of(2) => &[Side::Right],
            Arrangement::Staggered => &[Side::Left],
            Arrangement::Opposite => &[Side::Right, Side::Left],
        }
    }

    /// Poles of `stations` stations.
    pub fn poles(self, stations: usize) -> usize {
        match self {
            Arrangement::Opposite => 2 * stations,
            _ => stations,
        }
    }
}

impl std::fmt::Display for Arrangement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A pole `offset_m` to `side` of the centreline at `chainage_m`, facing the centreline
/// (the normal pointing across the street): `(lon, lat, azimuth_deg)`, the azimuth a
/// true bearing. `None` when the line has no point there.
pub fn place(
    line: &Polyline,
    chainage_m: f64,
    offset_m: f64,
    side: Side,
) -> Option<(f64, f64, f64)> {
    let c = chainage_m.clamp(0.0, line.length());
    let at = line.offset_point(c, offset_m, side)?;
    let (_, dir) = line.point_at(c)?;
    let facing = match side {
        Side::Left => (dir.y, -dir.x),
        Side::Right => (-dir.y, dir.x),
    };
    let (lon, lat) = from_utm32(at);
    Some((
        lon,
        lat,
        grid_to_true_bearing(bearing_of(facing.0, facing.1), lon, lat),
    ))
}
