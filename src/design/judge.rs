//! A layout judged by the check itself: the plan with the stretch's own poles replaced by
//! the candidate's goes through [`crate::lighting::evaluate_street_alone`], the stretch's
//! rows are judged with the check's criteria, and the site's rules with the check's rule
//! functions. Every reported candidate is judged here (docs/architecture.md "Design
//! search").

use super::context::{Context, Spread};
use super::{Candidate, Geometry, STRETCH_SECTION, TRIAL_PREFIX, power_at_level};
use crate::check::rules::{PoleStation, spacing_max_street};
use crate::index::{SiteIndex, on_route, pole_stations};
use crate::lighting::luminance::LuminanceValues;
use crate::lighting::{
    Lighting, Requirement, StreetEvaluation, classes, evaluate_street_alone,
    evaluate_street_with_periods, requirement,
};
use crate::plan::{LuminaireType, Plan, Pole};
use std::sync::atomic::Ordering;

/// Evaluates one layout with the check (module docs).
pub(super) fn evaluate(
    ctx: &Context,
    t: &LuminaireType,
    g: &Geometry,
    spread: &Spread,
    n: usize,
    level: f64,
) -> Candidate {
    ctx.confirmed.fetch_add(1, Ordering::Relaxed);
    let trial_id = format!("{TRIAL_PREFIX}{}", t.id);
    let mut plan = ctx.base.clone();
    if let Some(l) = plan.luminaires.iter_mut().find(|l| l.id == trial_id) {
        l.output_level = level;
    }
    let first_new = plan.poles.len();
    let luminaire: crate::plan::Name = trial_id.as_str().into();
    plan.poles
        .extend(spread.poles.iter().enumerate().map(|(k, p)| Pole {
            id: format!("new-pole-{}", k + 1).into(),
            lon: p.lon,
            lat: p.lat,
            height_m: g.height_m,
            overhang_m: g.overhang_m,
            tilt_deg: g.tilt_deg,
            azimuth_deg: p.azimuth_deg,
            vendor: ctx.vendor.as_deref().unwrap_or_default().into(),
            luminaire: luminaire.clone(),
        }));
    let n_poles = spread.poles.len();
    let index = SiteIndex::build(&plan);
    let stations = pole_stations(&index);
    let lighting = Lighting::new(&plan, &ctx.photometry);
    let eval = if ctx.periods {
        evaluate_street_with_periods(
            &plan,
            &lighting,
            &index,
            &stations,
            ctx.si,
            ctx.lit.as_deref(),
        )
    } else {
        evaluate_street_alone(&plan, &lighting, &index, &stations, ctx.si)
    };
    let len_km = (ctx.to_m - ctx.from_m) / 1000.0;
    let installed_w = n_poles as f64 * power_at_level(t, level);
    let mut c = Candidate {
        luminaire: t.id.clone(),
        geometry: *g,
        level,
        spacing_m: if n > 1 {
            (spread.last_m - spread.first_m) / (n - 1) as f64
        } else {
            0.0
        },
        first_m: spread.first_m,
        last_m: spread.last_m,
        note: spread.note.clone(),
        stations: n,
        poles: n_poles,
        installed_w,
        w_per_km: installed_w / len_km,
        d_p_w_per_lx_m2: None,
        metrics: Vec::new(),
        margins: Vec::new(),
        rule_failures: rule_failures(ctx, &plan, &index, &stations, first_new),
        failures: Vec::new(),
        pass: false,
    };
    let Some(eval) = eval else {
        c.failures.push("the street cannot be evaluated".into());
        return c;
    };
    judge(ctx, &eval, &mut c);
    c.pass = c.failures.is_empty() && c.rule_failures.is_empty();
    if c.pass {
        // The check also judges each period of the night (the street's class schedule,
        // every vendor's dimming on top of its poles' level); the search designs to the
        // design class alone and says what the layout then misses.
        for p in night_misses(ctx, &eval) {
            add_note(&mut c, &p);
        }
    }
    if c.pass
        && let Some(misses) = street_misses(ctx, &eval)
    {
        // The stretch passes on its own rows; the street's overall values mix in the
        // rest of it, which the candidate does not change (a darker stretch beside
        // brighter ones lowers the street's U_o).
        let says = format!(
            "the whole street then misses {}: {}",
            ctx.class,
            misses.join(", ")
        );
        add_note(&mut c, &says);
    }
    c
}

/// The periods of the night the street misses in `eval` (not the design class with
/// every vendor at full, which is the design verdict), for people.
fn night_misses(ctx: &Context, eval: &StreetEvaluation) -> Vec<String> {
    eval.result
        .periods
        .iter()
        .filter(|p| {
            let design_at_full = p.class == ctx.class && p.levels.values().all(|&l| l == 1.0);
            !(p.pass || design_at_full)
        })
        .map(|p| {
            let levels: Vec<String> = p
                .levels
                .iter()
                .map(|(v, l)| format!("{v} at {:.0} %", l * 100.0))
                .collect();
            format!(
                "with the vendors' dimming the street then misses {}–{} (class {}): {} \
                 (with {})",
                p.from,
                p.to,
                p.class,
                p.verdict.failures.join(", "),
                levels.join(", ")
            )
        })
        .collect()
}

/// Adds `says` to `c`'s note.
fn add_note(c: &mut Candidate, says: &str) {
    c.note = Some(match c.note.take() {
        Some(n) => format!("{n}; {says}"),
        None => says.to_string(),
    });
}

/// What the street as a whole misses of its class in `eval` (a stretch's search; `None`
/// for a whole street, whose verdict is the stretch's, or when it passes).
fn street_misses(ctx: &Context, eval: &StreetEvaluation) -> Option<Vec<String>> {
    if ctx.whole {
        return None;
    }
    let r = &eval.result;
    let v = if ctx.class.is_luminance() {
        classes::luminance_verdict(
            ctx.class,
            eval.luminance.as_ref().and_then(|l| l.values.as_ref()),
        )
    } else {
        classes::verdict(ctx.class, r.e_avg_lx, r.e_min_lx, r.u_o.unwrap_or(f64::NAN))
    };
    (!v.failures.is_empty()).then_some(v.failures)
}

/// The class's metrics, margins and failures of the stretch in `eval` (module docs).
pub(super) fn judge(ctx: &Context, eval: &StreetEvaluation, c: &mut Candidate) {
    let class = ctx.class;
    let section = eval.sections.iter().find(|s| s.id == STRETCH_SECTION);
    let (e_avg, e_min, u_o_ill) = match (ctx.whole, section) {
        (false, Some(s)) => (s.e_avg_lx, s.e_min_lx, s.u_o),
        _ => (
            eval.result.e_avg_lx,
            eval.result.e_min_lx,
            eval.result.u_o.unwrap_or(f64::NAN),
        ),
    };
    let area = (ctx.to_m - ctx.from_m) * ctx.width_m;
    c.d_p_w_per_lx_m2 = (e_avg * area > 0.0).then(|| c.installed_w / (e_avg * area));
    let margin = |v: f64, limit: f64| (v - limit) / limit;
    match requirement(class) {
        Requirement::P { e_avg_lx, e_min_lx } => {
            c.metrics = vec![("e_avg_lx", e_avg), ("e_min_lx", e_min)];
            c.margins = vec![
                ("e_avg_lx", margin(e_avg, e_avg_lx)),
                ("e_min_lx", margin(e_min, e_min_lx)),
            ];
            c.failures = classes::verdict(class, e_avg, e_min, u_o_ill).failures;
        }
        Requirement::C { e_avg_lx, u_o } => {
            c.metrics = vec![("e_avg_lx", e_avg), ("u_o", u_o_ill)];
            c.margins = vec![
                ("e_avg_lx", margin(e_avg, e_avg_lx)),
                ("u_o", margin(u_o_ill, u_o)),
            ];
            c.failures = classes::verdict(class, e_avg, e_min, u_o_ill).failures;
        }
        Requirement::M(req) => {
            let all = eval.luminance.as_ref().and_then(|l| l.values.clone());
            let values: Option<LuminanceValues> = if ctx.whole {
                all
            } else {
                let part = eval
                    .luminance
                    .as_ref()
                    .and_then(|l| l.between(ctx.from_m, ctx.to_m));
                part.zip(all).map(|((a, u), all)| LuminanceValues {
                    l_avg_cd_m2: a,
                    u_o: u,
                    ..all
                })
            };
            let v = classes::luminance_verdict(class, values.as_ref());
            c.failures = v.failures;
            if let Some(v) = values {
                c.metrics = vec![
                    ("l_avg_cd_m2", v.l_avg_cd_m2),
                    ("u_o", v.u_o),
                    ("u_l", v.u_l),
                    ("ti_pct", v.ti_pct),
                    ("rei", v.rei),
                ];
                c.margins = vec![
                    ("l_avg_cd_m2", margin(v.l_avg_cd_m2, req.l_avg_cd_m2)),
                    ("u_o", margin(v.u_o, req.u_o)),
                    ("u_l", margin(v.u_l, req.u_l)),
                    ("ti_pct", (req.ti_max_pct - v.ti_pct) / req.ti_max_pct),
                    ("rei", margin(v.rei, req.rei)),
                ];
            }
        }
    }
    for m in &mut c.margins {
        if m.1.is_nan() {
            m.1 = -1.0;
        }
    }
}

/// The site rules broken by the candidate's poles (indices `first_new..` of `plan`):
/// `spacing.min` against every pole, `spacing.max` along the street, and
/// `placement.off_route`, with the check's messages.
fn rule_failures(
    ctx: &Context,
    plan: &Plan,
    index: &SiteIndex,
    stations: &[Option<PoleStation>],
    first_new: usize,
) -> Vec<String> {
    let r = &plan.rules;
    let mut out = Vec::new();
    for (i, st) in stations.iter().enumerate().skip(first_new) {
        let xy = index.pole_xy[i];
        for j in index.poles_within(xy, r.min_spacing_m) {
            if j == i || (j >= first_new && j < i) {
                continue;
            }
            let d = xy.dist(index.pole_xy[j]);
            if let Some(f) = crate::check::rules::spacing_min_pair(plan, i, j, d) {
                out.push(f.message);
            }
        }
        // placement.off_route (a pole nearer another street, at a junction, belongs to
        // that street for the check, which the evaluation already follows).
        if !on_route(st.as_ref(), r.max_offset_m)
            && let Some(f) = crate::check::rules::off_route(plan, i, st.as_ref())
        {
            out.push(f.message);
        }
    }
    let mut on_street: Vec<(f64, usize)> = stations
        .iter()
        .enumerate()
        .filter_map(|(pi, st)| {
            let s = st.as_ref()?;
            (on_route(Some(s), r.max_offset_m) && s.street() == ctx.si)
                .then_some((s.chainage_m, pi))
        })
        .collect();
    on_street.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    for f in spacing_max_street(plan, index, ctx.si, &on_street) {
        let involves_new = plan.poles[first_new..]
            .iter()
            .any(|p| f.poles.iter().any(|id| id == p.id.as_str()));
        if involves_new {
            out.push(f.message);
        }
    }
    out
}
