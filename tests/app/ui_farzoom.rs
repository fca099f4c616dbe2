//! The far-zoom pole layer in the app: with thousands of poles in view they are drawn as
//! one raster image (`lysplan::app::pole_raster`), which must still show each pole in
//! its vendor's colour where the pole is. Headless, wgpu, tiles off.

use egui::vec2;
use egui_kittest::Harness;
use lysplan::app::LysplanApp;

#[test]
fn thousands_of_poles_show_in_their_vendor_colours() {
    let plan = lysplan::check::synth::plan(3_000);
    let colors: Vec<(String, [u8; 3])> = plan
        .vendors
        .iter()
        .map(|v| (v.id.clone(), v.color))
        .collect();
    let app = LysplanApp::new(&egui::Context::default(), plan, None, false);
    let mut h = Harness::builder()
        .with_size(vec2(1280.0, 800.0))
        .build_ui_state(|ui, app: &mut LysplanApp| app.show(ui), app);
    h.run_steps(4);
    let img = h.render().expect("rendered");
    let ppp = h.ctx.pixels_per_point();
    let app = h.state();
    let rect = app.map_rect().expect("map drawn").shrink(10.0);
    let (mut seen, mut matched) = (0, 0);
    for p in &app.state.plan().poles {
        let Some(at) = app.screen_pos(p.lon, p.lat).filter(|a| rect.contains(*a)) else {
            continue;
        };
        seen += 1;
        let want = colors
            .iter()
            .find(|(id, _)| *id == p.vendor)
            .map(|c| c.1)
            .expect("vendor exists");
        let got = img.get_pixel((at.x * ppp) as u32, (at.y * ppp) as u32).0;
        if (0..3).all(|k| got[k].abs_diff(want[k]) <= 40) {
            matched += 1;
        }
    }
    assert!(
        seen > 2_000,
        "the far-zoom layer is in use: {seen} poles in view"
    );
    // Neighbours' red halos (flagged poles) may tint a few centres.
    assert!(
        matched * 10 >= seen * 9,
        "{matched} of {seen} poles in their colour"
    );
}
