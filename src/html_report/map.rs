//! The report's site map: inline SVG, north up, in UTM 32N metres.

use super::*;

/// An SVG `points` attribute.
fn points_attr(pts: impl Iterator<Item = (f64, f64)>) -> Vec<String> {
    pts.map(|(x, y)| format!("{x:.1},{y:.1}")).collect()
}

fn class_style(c: Option<LightingClass>) -> (&'static str, f64, &'static str) {
    use LightingClass::*;
    match c {
        Some(M1 | M2 | M3 | M4 | M5 | M6) => ("#5a5a5a", 5.0, ""),
        Some(C0 | C1 | C2 | C3 | C4 | C5) => ("#8a8a8a", 3.5, ""),
        Some(_) => ("#9b8f7a", 2.0, " stroke-dasharray=\"6 4\""),
        None => ("#b8b8b8", 2.0, ""),
    }
}

fn rgb(c: [u8; 3]) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

/// The site map as inline SVG, north up, in UTM 32N metres.
pub(super) fn map_svg(s: &mut String, plan: &Plan, scope: &Scope<'_>) {
    const W: f64 = 1000.0;
    const H: f64 = 640.0;
    const PAD: f64 = 30.0;
    let usable = |lon: f64, lat: f64| lon.is_finite() && lat.is_finite();
    // the extent: the scope's poles and streets
    let mut pts: Vec<Xy> = plan
        .poles
        .iter()
        .filter(|p| scope.poles.contains(p.id.as_str()) && usable(p.lon, p.lat))
        .map(|p| to_utm32(p.lon, p.lat))
        .collect();
    for st in plan
        .streets
        .iter()
        .filter(|st| scope.streets.contains(st.id.as_str()))
    {
        pts.extend(
            st.points
                .iter()
                .filter(|p| usable(p.lon, p.lat))
                .map(|p| p.to_xy()),
        );
    }
    if pts.is_empty() {
        s.push_str("<p class=\"empty\">Nothing to draw.</p>\n");
        return;
    }
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for p in &pts {
        x0 = x0.min(p.x);
        y0 = y0.min(p.y);
        x1 = x1.max(p.x);
        y1 = y1.max(p.y);
    }
    let span = ((x1 - x0) / (W - 2.0 * PAD))
        .max((y1 - y0) / (H - 2.0 * PAD))
        .max(0.05);
    let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    let px = |p: Xy| (W / 2.0 + (p.x - cx) / span, H / 2.0 - (p.y - cy) / span);
    let _ = writeln!(
        s,
        "<svg id=\"map\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"Site map\">"
    );
    // streets
    s.push_str(
        "<g class=\"streets\" fill=\"none\" stroke-linecap=\"round\" stroke-linejoin=\"round\">\n",
    );
    for st in &plan.streets {
        let (colour, width, dash) = class_style(st.class);
        let d = points_attr(
            st.points
                .iter()
                .filter(|p| usable(p.lon, p.lat))
                .map(|p| px(p.to_xy())),
        );
        if d.len() < 2 {
            continue;
        }
        let _ = writeln!(
            s,
            "<polyline class=\"street\" data-id=\"{}\" points=\"{}\" stroke=\"{colour}\" stroke-width=\"{width}\"{dash}><title>{} ({})</title></polyline>",
            esc(&st.id),
            d.join(" "),
            esc(&st.name),
            st.class.map_or("unclassed", |c| c.name())
        );
    }
    s.push_str("</g>\n");
    // sections as bands
    s.push_str(
        "<g class=\"sections\" fill=\"none\" stroke-opacity=\"0.35\" stroke-linecap=\"butt\">\n",
    );
    for sec in &plan.sections {
        // Other vendors' sections are not drawn (their poles are, faintly).
        if !scope.sections.contains(sec.id.as_str()) {
            continue;
        }
        let Some(st) = plan.street(&sec.street) else {
            continue;
        };
        let line = crate::frame::Polyline::from_lonlat(&st.points);
        let d = points_attr(
            line.sub_line(sec.from_m, sec.to_m)
                .into_iter()
                .filter(|p| p.x.is_finite() && p.y.is_finite())
                .map(px),
        );
        if d.len() < 2 {
            continue;
        }
        let colour = plan
            .vendor(&sec.vendor)
            .map_or("#999999".to_string(), |v| rgb(v.color));
        let _ = writeln!(
            s,
            "<polyline class=\"section\" data-id=\"{}\" points=\"{}\" stroke=\"{colour}\" stroke-width=\"12\"><title>{} {}: {:.0}–{:.0} m</title></polyline>",
            esc(&sec.id),
            d.join(" "),
            esc(&sec.id),
            esc(&sec.vendor),
            sec.from_m,
            sec.to_m
        );
    }
    s.push_str("</g>\n");
    // other vendors' poles, faint; then the scope's, with their review status
    s.push_str("<g class=\"context\">\n");
    for p in plan
        .poles
        .iter()
        .filter(|p| !scope.poles.contains(p.id.as_str()) && usable(p.lon, p.lat))
    {
        let (x, y) = px(to_utm32(p.lon, p.lat));
        let _ = writeln!(
            s,
            "<circle class=\"other\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"2.5\" fill=\"#c4c4c4\"/>"
        );
    }
    s.push_str("</g>\n<g class=\"poles\" stroke=\"#222\" stroke-width=\"0.7\">\n");
    for p in plan
        .poles
        .iter()
        .filter(|p| scope.poles.contains(p.id.as_str()) && usable(p.lon, p.lat))
    {
        let (x, y) = px(to_utm32(p.lon, p.lat));
        let colour = plan
            .vendor(&p.vendor)
            .map_or("#808080".to_string(), |v| rgb(v.color));
        let review = plan.pole_reviews.get(p.id.as_str());
        if let Some(r) = review
            && r.status != ReviewStatus::Pending
        {
            let ring = if r.status == ReviewStatus::Approved {
                "#16a34a"
            } else {
                "#dc2626"
            };
            let _ = writeln!(
                s,
                "<circle class=\"status {}\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"7\" fill=\"none\" stroke=\"{ring}\" stroke-width=\"2\"/>",
                r.status.name()
            );
        }
        let status = review.map_or("", |r| r.status.name());
        let _ = writeln!(
            s,
            "<circle class=\"pole\" data-id=\"{}\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"4\" fill=\"{colour}\"><title>{} · {} · {} · {} m{}{}</title></circle>",
            esc(&p.id),
            esc(&p.id),
            esc(&p.vendor),
            esc(&p.luminaire),
            crate::finding::number(p.height_m),
            if status.is_empty() { "" } else { " · " },
            status
        );
    }
    s.push_str("</g>\n");
    // scale bar: a round length near a fifth of the width
    let target = W / 5.0 * span;
    let mag = 10f64.powf(target.log10().floor());
    let nice = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|k| k * mag)
        .rfind(|&v| v <= target)
        .unwrap_or(mag);
    let bar = nice / span;
    let label = if nice >= 1000.0 {
        format!("{} km", crate::finding::number(nice / 1000.0))
    } else {
        format!("{} m", crate::finding::number(nice))
    };
    let _ = writeln!(
        s,
        "<g class=\"scale\"><rect x=\"20\" y=\"{}\" width=\"{bar:.1}\" height=\"6\" fill=\"#222\"/><text x=\"20\" y=\"{}\" font-size=\"13\">{label}</text></g>",
        H - 26.0,
        H - 32.0
    );
    let _ = writeln!(
        s,
        "<g class=\"north\"><path d=\"M{0} 20 l9 26 l-9 -7 l-9 7 z\" fill=\"#222\"/><text x=\"{0}\" y=\"62\" font-size=\"13\" text-anchor=\"middle\">N</text></g>",
        W - 30.0
    );
    let _ = writeln!(
        s,
        "<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\" fill=\"#333\">© OpenStreetMap contributors</text>",
        W - 8.0,
        H - 8.0
    );
    s.push_str("</svg>\n<p class=\"legend\">");
    let vendors: BTreeSet<&str> = plan
        .poles
        .iter()
        .filter(|p| scope.poles.contains(p.id.as_str()))
        .map(|p| p.vendor.as_str())
        .collect();
    for v in vendors {
        let (name, colour) = plan
            .vendor(v)
            .map_or((v.to_string(), "#808080".to_string()), |x| {
                (x.name.clone(), rgb(x.color))
            });
        let _ = write!(
            s,
            "<span><i style=\"background:{colour}\"></i>{}</span>",
            esc(&name)
        );
    }
    s.push_str("<span><i style=\"border:2px solid #16a34a;width:8px;height:8px\"></i>approved</span><span><i style=\"border:2px solid #dc2626;width:8px;height:8px\"></i>rejected</span></p>\n");
}
