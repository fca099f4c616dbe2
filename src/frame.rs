//! Coordinates: WGS84 longitude/latitude <-> ETRS89 / UTM zone 32N (EPSG:25832) metres,
//! and linear referencing (chainage) along street centrelines.
//!
//! The transverse Mercator formulas are Krüger's series to order n^4 (as in Karney 2011,
//! "Transverse Mercator with an accuracy of a few nanometres"), which agree with PROJ to
//! well below a millimetre inside the zone. GRS80 and WGS84 differ by 0.1 mm in the
//! semi-minor axis, irrelevant here.

/// Semi-major axis of GRS80, m.
const A: f64 = 6_378_137.0;
/// Flattening of GRS80.
const F: f64 = 1.0 / 298.257_222_101;
/// UTM scale on the central meridian.
const K0: f64 = 0.9996;
/// Central meridian of zone 32, degrees.
pub(crate) const LON0: f64 = 9.0;
const FALSE_EASTING: f64 = 500_000.0;

/// A point in local metres (easting, northing), EPSG:25832.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Xy {
    pub x: f64,
    pub y: f64,
}

impl Xy {
    pub fn new(x: f64, y: f64) -> Self {
        Xy { x, y }
    }
    pub fn dist(self, o: Xy) -> f64 {
        (self.x - o.x).hypot(self.y - o.y)
    }
    pub fn dist2(self, o: Xy) -> f64 {
        let dx = self.x - o.x;
        let dy = self.y - o.y;
        dx * dx + dy * dy
    }
    /// As a geo coordinate.
    pub fn coord(self) -> geo::Coord<f64> {
        geo::Coord {
            x: self.x,
            y: self.y,
        }
    }
    /// The pair `[x, y]` in metres, for a file whose CRS is EPSG:25832.
    pub fn to_array(self) -> [f64; 2] {
        [self.x, self.y]
    }
}

/// A WGS84 position in degrees (EPSG:4326): longitude east, latitude north. This is how
/// geometry is stored (streets' vertices, survey points, diff positions); it is projected
/// to [`Xy`] metres for any computation. Files write it as the pair `[lon, lat]` (RON,
/// GeoJSON, JSON), so the serde form is that two-element array, byte for byte.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LonLat {
    pub lon: f64,
    pub lat: f64,
}

impl LonLat {
    pub const fn new(lon: f64, lat: f64) -> Self {
        LonLat { lon, lat }
    }
    /// Projected to UTM 32N metres.
    pub fn to_xy(self) -> Xy {
        to_utm32(self.lon, self.lat)
    }
    /// Back from UTM 32N metres.
    pub fn from_xy(p: Xy) -> Self {
        let (lon, lat) = from_utm32(p);
        LonLat { lon, lat }
    }
    /// Whether this is a usable WGS84 position ([`valid_lonlat`]).
    pub fn is_valid(self) -> bool {
        valid_lonlat(self.lon, self.lat)
    }
    /// The pair `[lon, lat]`, as files write it.
    pub fn to_array(self) -> [f64; 2] {
        [self.lon, self.lat]
    }
}

impl serde::Serialize for LonLat {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_array().serialize(s)
    }
}

impl<'de> serde::Deserialize<'de> for LonLat {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let [lon, lat] = <[f64; 2]>::deserialize(d)?;
        Ok(LonLat { lon, lat })
    }
}

/// Projected metres are the R-trees' points (the site index, the lighting's luminaire
/// tree): a tree of `Xy` cannot be handed lon/lat degrees by mistake.
impl rstar::Point for Xy {
    type Scalar = f64;
    const DIMENSIONS: usize = 2;

    fn generate(mut generator: impl FnMut(usize) -> Self::Scalar) -> Self {
        let x = generator(0);
        Xy::new(x, generator(1))
    }

    fn nth(&self, index: usize) -> Self::Scalar {
        if index == 0 { self.x } else { self.y }
    }

    fn nth_mut(&mut self, index: usize) -> &mut Self::Scalar {
        if index == 0 { &mut self.x } else { &mut self.y }
    }
}

struct Series {
    n: f64,
    big_a: f64,
    alpha: [f64; 4],
    beta: [f64; 4],
    e: f64,
}

fn series() -> Series {
    let n = F / (2.0 - F);
    let n2 = n * n;
    let n3 = n2 * n;
    let n4 = n3 * n;
    let big_a = A / (1.0 + n) * (1.0 + n2 / 4.0 + n4 / 64.0);
    let alpha = [
        n / 2.0 - 2.0 * n2 / 3.0 + 5.0 * n3 / 16.0 + 41.0 * n4 / 180.0,
        13.0 * n2 / 48.0 - 3.0 * n3 / 5.0 + 557.0 * n4 / 1440.0,
        61.0 * n3 / 240.0 - 103.0 * n4 / 140.0,
        49561.0 * n4 / 161280.0,
    ];
    let beta = [
        n / 2.0 - 2.0 * n2 / 3.0 + 37.0 * n3 / 96.0 - n4 / 360.0,
        n2 / 48.0 + n3 / 15.0 - 437.0 * n4 / 1440.0,
        17.0 * n3 / 480.0 - 37.0 * n4 / 840.0,
        4397.0 * n4 / 161280.0,
    ];
    let e = (F * (2.0 - F)).sqrt();
    Series {
        n,
        big_a,
        alpha,
        beta,
        e,
    }
}

/// WGS84 lon/lat (degrees) to UTM 32N easting/northing (metres).
pub fn to_utm32(lon: f64, lat: f64) -> Xy {
    let s = series();
    let phi = lat.to_radians();
    let lam = (lon - LON0).to_radians();
    let sin_phi = phi.sin();
    let t = (sin_phi.atanh() - s.e * (s.e * sin_phi).atanh()).sinh();
    let xi_p = t.atan2(lam.cos());
    let eta_p = (lam.sin() / (1.0 + t * t).sqrt()).atanh();
    let mut xi = xi_p;
    let mut eta = eta_p;
    for (j, a) in s.alpha.iter().enumerate() {
        let k = 2.0 * (j as f64 + 1.0);
        xi += a * (k * xi_p).sin() * (k * eta_p).cosh();
        eta += a * (k * xi_p).cos() * (k * eta_p).sinh();
    }
    let _ = s.n;
    Xy {
        x: FALSE_EASTING + K0 * s.big_a * eta,
        y: K0 * s.big_a * xi,
    }
}

/// Whether a lon/lat pair is a usable WGS84 position (finite, in range, and projectable).
pub fn valid_lonlat(lon: f64, lat: f64) -> bool {
    let in_range =
        lon.is_finite() && lat.is_finite() && (-180.0..=180.0).contains(&lon) && lat.abs() < 90.0;
    // Within 60° of the central meridian and short of the poles the projection is
    // finite everywhere (its largest term, cosh(12 η'), stays below 1e7): no need to
    // project every pole of a plan to know that.
    in_range && (((lon - LON0).abs() <= 60.0 && lat.abs() <= 89.0) || valid_xy(to_utm32(lon, lat)))
}

/// Whether projected coordinates are finite (R-tree queries need that).
pub fn valid_xy(xy: Xy) -> bool {
    xy.x.is_finite() && xy.y.is_finite()
}

/// UTM 32N easting/northing (metres) back to WGS84 `(lon, lat)` in degrees.
pub fn from_utm32(p: Xy) -> (f64, f64) {
    let s = series();
    let xi = p.y / (K0 * s.big_a);
    let eta = (p.x - FALSE_EASTING) / (K0 * s.big_a);
    let mut xi_p = xi;
    let mut eta_p = eta;
    for (j, b) in s.beta.iter().enumerate() {
        let k = 2.0 * (j as f64 + 1.0);
        xi_p -= b * (k * xi).sin() * (k * eta).cosh();
        eta_p -= b * (k * xi).cos() * (k * eta).sinh();
    }
    let chi = (xi_p.sin() / eta_p.cosh()).asin();
    let lam = eta_p.sinh().atan2(xi_p.cos());
    // Conformal latitude chi -> geodetic latitude phi, by Newton iteration on tau = tan(phi).
    let tau_p = chi.tan();
    let mut tau = tau_p;
    for _ in 0..6 {
        let sigma = (s.e * (s.e * tau / (1.0 + tau * tau).sqrt()).atanh()).sinh();
        let tau_i_p = tau * (1.0 + sigma * sigma).sqrt() - sigma * (1.0 + tau * tau).sqrt();
        let d = (tau_p - tau_i_p) / (1.0 + tau_i_p * tau_i_p).sqrt()
            * (1.0 + (1.0 - s.e * s.e) * tau * tau)
            / ((1.0 - s.e * s.e) * (1.0 + tau * tau).sqrt());
        tau += d;
        if d.abs() < 1e-14 {
            break;
        }
    }
    (LON0 + lam.to_degrees(), tau.atan().to_degrees())
}

/// Meridian convergence at a point: the angle, degrees, from true north to grid north
/// (positive east of the central meridian, about +2.8° at Albertslund), so that
/// `grid_bearing = true_bearing - gamma`.
pub fn grid_convergence_deg(lon: f64, lat: f64) -> f64 {
    // Spherical approximation; error below 0.001° at the site, far under any use here.
    let dl = (lon - LON0).to_radians();
    (dl.tan() * lat.to_radians().sin()).atan().to_degrees()
}

/// Converts a true (geographic) bearing to a grid bearing in the UTM plane, degrees.
pub fn true_to_grid_bearing(true_bearing_deg: f64, lon: f64, lat: f64) -> f64 {
    (true_bearing_deg - grid_convergence_deg(lon, lat)).rem_euclid(360.0)
}

/// Converts a grid bearing in the UTM plane to a true bearing, degrees.
pub fn grid_to_true_bearing(grid_bearing_deg: f64, lon: f64, lat: f64) -> f64 {
    (grid_bearing_deg + grid_convergence_deg(lon, lat)).rem_euclid(360.0)
}

/// Grid bearing (clockwise from grid north, degrees) of the direction vector (dx, dy).
pub fn bearing_of(dx: f64, dy: f64) -> f64 {
    dx.atan2(dy).to_degrees().rem_euclid(360.0)
}

/// Which side of a street, looking along increasing chainage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Side {
    Left,
    Right,
}

/// A point's linear reference on a polyline.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Station {
    /// Metres along the line from its first vertex to the foot of the perpendicular.
    pub chainage_m: f64,
    /// Distance from the line (to the nearest point, ends included), metres, >= 0.
    pub offset_m: f64,
    pub side: Side,
    /// Index of the segment the foot lies on.
    pub segment: usize,
    /// The foot point.
    pub foot: Xy,
}

/// A street centreline in local metres with cumulative chainage at each vertex.
#[derive(Debug, Clone, PartialEq)]
pub struct Polyline {
    pub pts: Vec<Xy>,
    /// `cum[i]` = chainage of vertex i; `cum[0] = 0`.
    pub cum: Vec<f64>,
}

impl Polyline {
    /// From WGS84 vertices.
    pub fn from_lonlat(points: &[LonLat]) -> Self {
        Self::from_xy(points.iter().map(|p| p.to_xy()).collect())
    }

    /// From local metres; computes the cumulative chainage of every vertex (segment
    /// lengths by geo's Euclidean [`geo::Length`], as fast as the hand-written sum).
    pub fn from_xy(pts: Vec<Xy>) -> Self {
        use geo::{Euclidean, Length};
        let mut cum = Vec::with_capacity(pts.len());
        let mut acc = 0.0;
        if !pts.is_empty() {
            cum.push(0.0);
        }
        for w in pts.windows(2) {
            acc += Euclidean.length(&geo::Line::new(w[0].coord(), w[1].coord()));
            cum.push(acc);
        }
        Polyline { pts, cum }
    }

    /// Total length, metres.
    pub fn length(&self) -> f64 {
        self.cum.last().copied().unwrap_or(0.0)
    }

    /// Number of segments.
    pub fn segments(&self) -> usize {
        self.pts.len().saturating_sub(1)
    }

    /// Station of `p` relative to segment `seg` only.
    pub fn station_on_segment(&self, seg: usize, p: Xy) -> Station {
        let a = self.pts[seg];
        let b = self.pts[seg + 1];
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        let len2 = dx * dx + dy * dy;
        let t = if len2 > 0.0 {
            (((p.x - a.x) * dx + (p.y - a.y) * dy) / len2).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let foot = Xy::new(a.x + t * dx, a.y + t * dy);
        let cross = dx * (p.y - a.y) - dy * (p.x - a.x);
        Station {
            chainage_m: self.cum[seg] + t * len2.sqrt(),
            offset_m: foot.dist(p),
            side: if cross > 0.0 { Side::Left } else { Side::Right },
            segment: seg,
            foot,
        }
    }

    /// Station of `p` on the nearest point of the whole line (linear scan; use the
    /// segment R-tree in [`crate::index`] for many streets). `None` for a line with fewer
    /// than two vertices.
    pub fn station(&self, p: Xy) -> Option<Station> {
        (0..self.segments())
            .map(|s| self.station_on_segment(s, p))
            .min_by(|a, b| a.offset_m.total_cmp(&b.offset_m))
    }

    /// The point at `chainage` (clamped to the line) and the unit direction there.
    pub fn point_at(&self, chainage: f64) -> Option<(Xy, Xy)> {
        if self.pts.len() < 2 {
            return None;
        }
        let c = chainage.clamp(0.0, self.length());
        let seg = match self.cum.binary_search_by(|v| v.total_cmp(&c)) {
            Ok(i) => i.min(self.segments() - 1),
            Err(i) => i.saturating_sub(1).min(self.segments() - 1),
        };
        let a = self.pts[seg];
        let b = self.pts[seg + 1];
        let len = a.dist(b);
        let t = if len > 0.0 {
            (c - self.cum[seg]) / len
        } else {
            0.0
        };
        let dir = if len > 0.0 {
            Xy::new((b.x - a.x) / len, (b.y - a.y) / len)
        } else {
            Xy::new(1.0, 0.0)
        };
        Some((Xy::new(a.x + t * (b.x - a.x), a.y + t * (b.y - a.y)), dir))
    }

    /// The point `offset` metres to `side` of the centreline at `chainage`.
    pub fn offset_point(&self, chainage: f64, offset: f64, side: Side) -> Option<Xy> {
        let (p, d) = self.point_at(chainage)?;
        // Left normal of direction (dx, dy) is (-dy, dx).
        let s = match side {
            Side::Left => offset,
            Side::Right => -offset,
        };
        Some(Xy::new(p.x - d.y * s, p.y + d.x * s))
    }

    /// The part of the line between two chainages (either order, clamped to the line):
    /// the point at the lower one, the vertices strictly between, the point at the
    /// higher one. Empty for a line with fewer than two vertices.
    pub fn sub_line(&self, from: f64, to: f64) -> Vec<Xy> {
        let len = self.length();
        let (a, b) = (from.min(to).clamp(0.0, len), from.max(to).clamp(0.0, len));
        let (Some((pa, _)), Some((pb, _))) = (self.point_at(a), self.point_at(b)) else {
            return Vec::new();
        };
        let mut out = vec![pa];
        out.extend(
            self.pts
                .iter()
                .zip(&self.cum)
                .filter(|(_, c)| **c > a && **c < b)
                .map(|(p, _)| *p),
        );
        out.push(pb);
        out
    }
}

/// The position `dx` metres east and `dy` metres north (on the UTM 32N grid) of
/// `origin`: for building geometry in metres around a site.
pub fn offset_lonlat(origin: LonLat, dx: f64, dy: f64) -> LonLat {
    let o = origin.to_xy();
    LonLat::from_xy(Xy::new(o.x + dx, o.y + dy))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sub_line_takes_the_vertices_between_and_interpolates_the_ends() {
        let l = Polyline::from_xy(vec![
            Xy::new(0.0, 0.0),
            Xy::new(10.0, 0.0),
            Xy::new(10.0, 10.0),
        ]);
        let s = l.sub_line(15.0, 5.0);
        assert_eq!(
            s,
            vec![Xy::new(5.0, 0.0), Xy::new(10.0, 0.0), Xy::new(10.0, 5.0)]
        );
        let whole = l.sub_line(-3.0, 99.0);
        assert_eq!(whole, l.pts);
        assert_eq!(
            l.sub_line(2.0, 2.0),
            vec![Xy::new(2.0, 0.0), Xy::new(2.0, 0.0)]
        );
        assert!(
            Polyline::from_xy(vec![Xy::new(1.0, 1.0)])
                .sub_line(0.0, 1.0)
                .is_empty()
        );
    }

    #[test]
    fn utm_round_trip_at_site() {
        let (lon, lat) = (12.3880, 55.6848);
        let p = to_utm32(lon, lat);
        // Reference from PROJ 9 (pyproj, EPSG:4326 -> EPSG:25832).
        assert!((p.x - 712_973.449_7).abs() < 0.001, "easting {}", p.x);
        assert!((p.y - 6_176_202.861_9).abs() < 0.001, "northing {}", p.y);
        // PROJ's meridian convergence there is 2.79936°.
        assert!((grid_convergence_deg(lon, lat) - 2.79936).abs() < 0.001);
        let (lon2, lat2) = from_utm32(p);
        assert!((lon2 - lon).abs() < 1e-9 && (lat2 - lat).abs() < 1e-9);
    }

    #[test]
    fn lonlat_is_written_as_the_pair_lon_lat() {
        let p = LonLat::new(12.388, 55.6848);
        let pair = [12.388, 55.6848];
        assert_eq!(
            serde_json::to_string(&p).unwrap(),
            serde_json::to_string(&pair).unwrap()
        );
        assert_eq!(ron::to_string(&p).unwrap(), ron::to_string(&pair).unwrap());
        assert_eq!(ron::to_string(&p).unwrap(), "(12.388,55.6848)");
        assert_eq!(
            serde_json::from_str::<LonLat>("[12.388,55.6848]").unwrap(),
            p
        );
        assert_eq!(ron::from_str::<LonLat>("(12.388, 55.6848)").unwrap(), p);
        assert!(serde_json::from_str::<LonLat>("[12.388]").is_err());
        let back = LonLat::from_xy(p.to_xy());
        assert!((back.lon - p.lon).abs() < 1e-9 && (back.lat - p.lat).abs() < 1e-9);
        let east = offset_lonlat(p, 100.0, 0.0);
        assert!((east.to_xy().x - p.to_xy().x - 100.0).abs() < 1e-6);
    }

    #[test]
    fn station_and_side() {
        let l = Polyline::from_xy(vec![
            Xy::new(0.0, 0.0),
            Xy::new(10.0, 0.0),
            Xy::new(10.0, 10.0),
        ]);
        assert_eq!(l.length(), 20.0);
        let s = l.station(Xy::new(5.0, 2.0)).unwrap();
        assert!((s.chainage_m - 5.0).abs() < 1e-12 && (s.offset_m - 2.0).abs() < 1e-12);
        assert_eq!(s.side, Side::Left);
        let s = l.station(Xy::new(12.0, 5.0)).unwrap();
        assert!((s.chainage_m - 15.0).abs() < 1e-12);
        assert_eq!(s.side, Side::Right);
        let p = l.offset_point(5.0, 3.0, Side::Right).unwrap();
        assert!((p.x - 5.0).abs() < 1e-12 && (p.y + 3.0).abs() < 1e-12);
    }
}
