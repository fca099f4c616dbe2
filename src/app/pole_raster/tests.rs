//! Tests of the far-zoom pole layer.

use super::*;

fn style() -> DotStyle {
    DotStyle {
        radius: 2.5,
        outline: Color32::from_black_alpha(180),
        halo: Color32::from_rgba_unmultiplied(220, 30, 30, 110),
        ring: Color32::from_rgb(20, 110, 255),
    }
}

#[test]
fn blending_matches_the_formula() {
    let dst = Color32::from_rgba_premultiplied(200, 100, 50, 255);
    let src = Color32::from_rgba_premultiplied(10, 20, 30, 100);
    let k = 155.0 / 255.0;
    let want = |s: u8, d: u8| (f32::from(s) + f32::from(d) * k).round() as u8;
    assert_eq!(
        over(dst, src),
        Color32::from_rgba_premultiplied(
            want(10, 200),
            want(20, 100),
            want(30, 50),
            want(100, 255)
        )
    );
    assert_eq!(over(dst, Color32::RED), Color32::RED);
}

#[test]
fn a_dot_is_its_vendor_colour_in_the_middle_and_clear_far_away() {
    let red = Color32::from_rgb(200, 0, 0);
    let dots = [Dot {
        at: Vec2::new(10.5, 10.5),
        color: red,
        flagged: false,
        selected: false,
    }];
    let img = rasterise(Vec2::new(20.0, 20.0), 1.0, style(), &dots);
    assert_eq!(img.size, [20, 20]);
    assert_eq!(img.pixels[10 * 20 + 10], red);
    assert_eq!(img.pixels[0], Color32::TRANSPARENT);
    // The rim is darker than the fill.
    let rim = img.pixels[10 * 20 + 13];
    assert!(rim.a() > 0 && rim.r() < red.r(), "{rim:?}");
}

#[test]
fn flagged_poles_get_a_halo_and_dots_at_the_edge_do_not_panic() {
    let dots = [
        Dot {
            at: Vec2::new(10.5, 10.5),
            color: Color32::from_rgb(0, 0, 200),
            flagged: true,
            selected: true,
        },
        Dot {
            at: Vec2::new(-1.0, 19.5),
            color: Color32::GREEN,
            flagged: true,
            selected: false,
        },
    ];
    let img = rasterise(Vec2::new(20.0, 20.0), 1.0, style(), &dots);
    // 5.5 px from the centre: outside the disc, inside the halo.
    let p = img.pixels[10 * 20 + 16];
    assert!(p.a() > 0, "{p:?}");
    let plain = rasterise(
        Vec2::new(20.0, 20.0),
        1.0,
        style(),
        &[Dot {
            flagged: false,
            selected: false,
            ..dots[0]
        }],
    );
    assert_eq!(plain.pixels[10 * 20 + 16], Color32::TRANSPARENT);
}

fn view(x: f64, y: f64) -> Area {
    Area {
        origin: WorldPx::new(x, y),
        size: [400, 300],
    }
}

#[test]
fn the_image_is_the_view_grown_by_whole_pixels_and_at_most_the_texture_limit() {
    let a = view(1000.0, 2000.0).grown(0.25, 2.0, 8192);
    assert_eq!(a.size, [600, 450]);
    assert_eq!(a.origin, WorldPx::new(1000.0 - 50.0, 2000.0 - 37.5));
    assert_eq!(
        placement(&a, &view(1000.0, 2000.0), 2.0, true),
        Some([-100, -75])
    );
    // The margin shrinks to fit the texture size limit.
    let a = view(0.0, 0.0).grown(0.5, 1.0, 500);
    assert_eq!(a.size, [500, 500]);
}

#[test]
fn a_pan_inside_the_image_reuses_it_shifted_and_one_past_it_re_rasterises() {
    let image = view(1000.0, 2000.0).grown(0.25, 1.0, 8192);
    // The view moves 5 points east and 3 south: the image 5 left and 3 up.
    assert_eq!(
        placement(&image, &view(1005.0, 2003.0), 1.0, false),
        Some([-105, -78])
    );
    // Up to the image's edge, then not.
    assert_eq!(
        placement(&image, &view(1100.0, 2000.0), 1.0, false),
        Some([-200, -75])
    );
    assert_eq!(placement(&image, &view(1101.0, 2000.0), 1.0, false), None);
    assert_eq!(placement(&image, &view(899.0, 2000.0), 1.0, false), None);
    assert_eq!(placement(&image, &view(1000.0, 2076.0), 1.0, false), None);
}

#[test]
fn a_fractional_pan_rounds_while_moving_and_re_rasterises_at_rest() {
    let image = view(1000.0, 2000.0).grown(0.25, 1.0, 8192);
    let v = view(1004.7, 2000.0);
    assert_eq!(placement(&image, &v, 1.0, false), Some([-105, -75]));
    assert_eq!(placement(&image, &v, 1.0, true), None);
    // A whole-pixel pan at 1.5 pixels per point (pointer moves in physical pixels).
    let image = view(1000.0, 2000.0).grown(0.25, 1.5, 8192);
    let v = view(1000.0 + 3.0 / 1.5, 2000.0);
    assert_eq!(placement(&image, &v, 1.5, true), Some([-103, -75]));
}

#[test]
fn the_texture_is_drawn_at_the_offset_in_points() {
    let r = screen_rect(Pos2::new(300.0, 40.0), [-105, -78], [600, 450], 2.0);
    assert_eq!(r.min, Pos2::new(300.0 - 52.5, 40.0 - 39.0));
    assert_eq!(r.size(), Vec2::new(300.0, 225.0));
}

/// Runs one frame that shows the layer for a view whose top-left is world point `at`
/// (one red dot at world point 1050, 2030); returns what it did and where the
/// texture went on screen. `made` counts the collections of dots.
fn frame(ctx: &egui::Context, at: WorldPx, key: (u64, u64), made: &mut usize) -> (Shown, Rect) {
    frame_showing(ctx, at, key, made).0
}

/// As [`frame`], with the key of what the texture shows after the frame.
fn frame_showing(
    ctx: &egui::Context,
    at: WorldPx,
    key: (u64, u64),
    made: &mut usize,
) -> ((Shown, Rect), u64) {
    let clip = Rect::from_min_size(Pos2::new(100.0, 50.0), Vec2::new(200.0, 100.0));
    let mut did = None;
    let mut showing = 0;
    let mut out = ctx.run_ui(egui::RawInput::default(), |ui| {
        let painter = ui.painter().clone();
        let v = Area {
            origin: at,
            size: [200, 100],
        };
        let id = ui.scope_id().with("t");
        did = Some(show(
            &painter,
            id,
            clip,
            v,
            1.0,
            key,
            0.25,
            style(),
            |[lo, hi]| {
                *made += 1;
                let at = WorldPx::new(1050.0, 2030.0);
                let inside = (lo.x - 8.0..=hi.x + 8.0).contains(&at.x)
                    && (lo.y - 8.0..=hi.y + 8.0).contains(&at.y);
                inside
                    .then_some(WorldDot {
                        at,
                        color: Color32::RED,
                        flagged: false,
                        selected: false,
                    })
                    .into_iter()
                    .collect()
            },
        ));
        showing = ui
            .ctx()
            .data(|d| d.get_temp::<Layer>(id))
            .map_or(0, |l| l.shown_key);
    });
    let shown = out
        .shapes
        .iter()
        .find_map(|c| match &c.shape {
            egui::Shape::Mesh(m) if m.texture_id != egui::TextureId::default() => {
                assert_eq!(c.clip_rect, clip);
                Some(m.calc_bounds())
            }
            _ => None,
        })
        .expect("the layer was drawn");
    // No renderer takes the texture uploads.
    out.textures_delta.clear();
    ((did.expect("the frame ran"), shown), showing)
}

#[test]
fn a_panned_view_draws_the_cached_texture_shifted() {
    let ctx = egui::Context::default();
    let mut made = 0;
    let (did, first) = frame(&ctx, WorldPx::new(1000.0, 2000.0), (1, 1), &mut made);
    assert!(did.rasterised && !did.started_ahead);
    assert_eq!(made, 1);
    // The image is the view with 50 x 25 points more on each side.
    assert_eq!(first.min, Pos2::new(50.0, 25.0));
    assert_eq!(first.size(), Vec2::new(300.0, 150.0));
    // Pan 5 points east, 2 north: the same texture, 5 points left and 2 down.
    let (did, panned) = frame(&ctx, WorldPx::new(1005.0, 1998.0), (1, 1), &mut made);
    assert!(!did.rasterised && !did.started_ahead);
    assert_eq!(panned.min, Pos2::new(45.0, 27.0));
    // A jump out of the image: re-rasterised around the new view on this thread, from
    // the dots already collected (they cover a whole view around the first one).
    let (did, far) = frame(&ctx, WorldPx::new(1100.0, 2000.0), (1, 1), &mut made);
    assert!(did.rasterised);
    assert_eq!(made, 1);
    assert_eq!(far.min, Pos2::new(50.0, 25.0));
    // Past the collected dots: collected again.
    let (did, _) = frame(&ctx, WorldPx::new(1400.0, 2000.0), (1, 1), &mut made);
    assert!(did.rasterised);
    assert_eq!(made, 2);
    // Another look (zoom, dot size): re-rasterised even without a pan.
    let (did, _) = frame(&ctx, WorldPx::new(1400.0, 2000.0), (2, 2), &mut made);
    assert!(did.rasterised);
    assert_eq!(made, 3);
}

/// Runs `frame` (one frame, `Some` once what the test waits for has happened) every
/// 5 ms until it is `Some`, for at most 10 s (the other thread's raster).
fn frames_until<T>(mut frame: impl FnMut() -> Option<T>) -> Option<T> {
    for _ in 0..2000 {
        if let Some(v) = frame() {
            return Some(v);
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    None
}

#[test]
fn a_steady_pan_gets_the_next_image_stamped_ahead_and_never_waits() {
    let ctx = egui::Context::default();
    let mut made = 0;
    frame(&ctx, WorldPx::new(1000.0, 2000.0), (1, 1), &mut made);
    // 40 points east: 10 of the 50-point margin left, within half of it: the next
    // image is started on another thread, this frame shows the old one.
    let (did, r) = frame(&ctx, WorldPx::new(1040.0, 2000.0), (1, 1), &mut made);
    assert!(!did.rasterised && did.started_ahead);
    assert_eq!(r.min, Pos2::new(10.0, 25.0));
    // Frames go on showing the old image until the new one is ready, then swap it in.
    let swapped = frames_until(|| {
        let (did, r) = frame(&ctx, WorldPx::new(1040.0, 2000.0), (1, 1), &mut made);
        assert!(!did.rasterised && !did.started_ahead);
        did.swapped.then_some(r)
    });
    // The new image is centred on the view where the pan was when it was started.
    assert_eq!(swapped.expect("swapped in").min, Pos2::new(50.0, 25.0));
    // 60 points further than the first image reached: shown without a raster here.
    let (did, r) = frame(&ctx, WorldPx::new(1080.0, 2000.0), (1, 1), &mut made);
    assert!(!did.rasterised);
    assert_eq!(r.min, Pos2::new(10.0, 25.0));
    assert_eq!(made, 1);
}

#[test]
fn new_highlights_keep_the_old_image_up_until_the_new_one_is_stamped_elsewhere() {
    let ctx = egui::Context::default();
    let mut made = 0;
    frame(&ctx, WorldPx::new(1000.0, 2000.0), (1, 1), &mut made);
    // The findings or the selection change (same look): the dots are collected again
    // on this thread, the image is stamped on another, the old one shows meanwhile.
    let ((did, r), showing) = frame_showing(&ctx, WorldPx::new(1000.0, 2000.0), (2, 1), &mut made);
    assert!(did.restyled && did.started_ahead && !did.rasterised);
    assert_eq!(made, 2);
    assert_eq!(showing, 1);
    assert_eq!(r.min, Pos2::new(50.0, 25.0));
    // Three more changes in a row while that job runs (a pole dragged at far zoom):
    // each collects its dots; no frame waits for a raster.
    for key in 3..=5 {
        let ((did, _), _) = frame_showing(&ctx, WorldPx::new(1000.0, 2000.0), (key, 1), &mut made);
        assert!(did.restyled && !did.rasterised);
    }
    assert_eq!(made, 5);
    // In the end the texture shows the last change, without a raster on this thread.
    let last = frames_until(|| {
        let ((did, _), showing) =
            frame_showing(&ctx, WorldPx::new(1000.0, 2000.0), (5, 1), &mut made);
        assert!(!did.rasterised && !did.restyled);
        (showing == 5).then_some(showing)
    });
    assert_eq!(last, Some(5));
    assert_eq!(made, 5);
}

#[test]
fn a_dot_lands_on_the_same_screen_pixel_as_with_a_raster_of_the_view_alone() {
    // The old layer: an image of exactly the view, dots relative to its corner.
    let v = view(1000.0, 2000.0);
    let dot = |at: Vec2| Dot {
        at,
        color: Color32::RED,
        flagged: false,
        selected: false,
    };
    let world = WorldPx::new(1123.37, 2077.81);
    let old = rasterise(
        Vec2::new(400.0, 300.0),
        1.0,
        style(),
        &[dot(Vec2::new(
            (world.x - 1000.0) as f32,
            (world.y - 2000.0) as f32,
        ))],
    );
    let a = v.grown(0.25, 1.0, 8192);
    let new = rasterise_px(
        a.size,
        1.0,
        style(),
        &[dot(Vec2::new(
            (world.x - a.origin.x) as f32,
            (world.y - a.origin.y) as f32,
        ))],
    );
    let [ox, oy] = placement(&a, &v, 1.0, true).unwrap().map(|o| (-o) as usize);
    for y in 0..300 {
        for x in 0..400 {
            assert_eq!(
                old.pixels[y * 400 + x],
                new.pixels[(y + oy) * a.size[0] + x + ox],
                "pixel {x},{y}"
            );
        }
    }
}
