//! Distances computed in UTM 32N metres agree with geodesic distances on the WGS84
//! ellipsoid (geo's Geodesic, Karney's algorithm) to within 0.1 % over the site.

use geo::{Distance, Geodesic, Haversine, Point};
use lysplan::check::{Checker, synth};
use lysplan::frame::{Polyline, to_utm32};

struct Lcg(u64);
impl Lcg {
    fn unit(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[test]
fn utm_distances_match_geodesic_over_the_site() {
    // Hersted Industripark and surroundings: about 4 km x 3 km.
    let mut rng = Lcg(17);
    let mut worst: f64 = 0.0;
    for _ in 0..2000 {
        let a = (12.365 + 0.05 * rng.unit(), 55.672 + 0.03 * rng.unit());
        // Pole-scale (1-60 m) and street-scale (up to 3 km) separations.
        let scale = if rng.unit() < 0.5 { 0.001 } else { 0.04 };
        let b = (
            a.0 + scale * (rng.unit() - 0.5),
            a.1 + scale * 0.6 * (rng.unit() - 0.5),
        );
        let g = Geodesic.distance(Point::new(a.0, a.1), Point::new(b.0, b.1));
        if g < 1.0 {
            continue;
        }
        let u = to_utm32(a.0, a.1).dist(to_utm32(b.0, b.1));
        let rel = (u - g).abs() / g;
        worst = worst.max(rel);
        assert!(rel < 1e-3, "{a:?} {b:?}: utm {u} geodesic {g}");
        // Haversine (sphere) is within 0.5 % of both, a sanity check of the reference.
        let h = Haversine.distance(Point::new(a.0, a.1), Point::new(b.0, b.1));
        assert!((h - g).abs() / g < 5e-3);
    }
    // The UTM scale factor at 12.39 E is about 1.00016: the error is that, not noise.
    assert!(worst > 1e-4 && worst < 3e-4, "worst relative error {worst}");
}

#[test]
fn chainage_and_findings_match_geodesic() {
    let plan = synth::generate(&synth::SynthOptions {
        poles: 3000,
        violation_rate: 0.02,
        seed: 5,
    })
    .plan;
    // Street lengths (chainage at the end) against the geodesic length of the polyline.
    for s in &plan.streets {
        let line = Polyline::from_lonlat(&s.points);
        let g: f64 = s
            .points
            .windows(2)
            .map(|w| {
                Geodesic.distance(
                    Point::new(w[0].lon, w[0].lat),
                    Point::new(w[1].lon, w[1].lat),
                )
            })
            .sum();
        assert!(
            (line.length() - g).abs() / g < 1e-3,
            "{}: {} vs {g}",
            s.id,
            line.length()
        );
    }
    // spacing.min findings report a distance within 0.1 % (and the 0.05 m rounding) of
    // the geodesic one.
    let checker = Checker::new(&plan);
    let mut seen = 0;
    for f in checker
        .findings()
        .iter()
        .filter(|f| f.rule == "spacing.min")
    {
        let (a, b) = (
            plan.pole(&f.poles[0]).unwrap(),
            plan.pole(&f.poles[1]).unwrap(),
        );
        let g = Geodesic.distance(Point::new(a.lon, a.lat), Point::new(b.lon, b.lat));
        let reported: f64 = f
            .message
            .split(": ")
            .nth(1)
            .unwrap()
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(
            (reported - g).abs() <= 0.05 + g * 1e-3,
            "{}: geodesic {g}",
            f.message
        );
        seen += 1;
    }
    assert!(seen > 0);
}
