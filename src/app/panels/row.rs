//! The "Add a row along the route" panel and its map preview: pick a street and side,
//! from/to chainage, spacing or count, height, offset, vendor and luminaire; "Preview"
//! draws the poles as hollow circles; "Add" commits them as one undoable edit.

use crate::app::edits::commit_row;
use crate::app::state::AppState;
use crate::edit::row::{RowSpacing, RowSpec, plan_row, vendor_sections};
use crate::frame::{LonLat, Side};
use crate::plan::Pole;
use egui::{Color32, Response, Stroke, Ui};
use walkers::{MapMemory, Plugin, Projector, lon_lat};

/// The row tool's settings and its current preview.
#[derive(Debug, Clone)]
pub struct RowTool {
    pub spec: RowSpec,
    /// Count mode (true) or spacing mode (false); both values are kept.
    pub by_count: bool,
    pub spacing_m: f64,
    pub count: usize,
    /// Whether the preview is shown (recomputed every frame while on).
    pub previewing: bool,
    /// The poles that "Add" would add, or why there are none.
    pub preview: Result<Vec<Pole>, String>,
    /// Waiting for a click on the map that sets this end of the row.
    pub picking: Option<RowEnd>,
    /// The spec and plan revision/generation `preview` was computed for: planning a row looks up
    /// fresh ids among all poles, so it is redone only when either changes.
    synced: Option<(RowSpec, u64)>,
}

/// An end of the row, picked by a click on the map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowEnd {
    From,
    To,
}

/// How far from a street centreline a click may be to pick a row end, metres.
pub const PICK_RADIUS_M: f64 = 50.0;

impl RowTool {
    /// Defaults from the plan: its first street, vendor and luminaire.
    pub fn new(state: &AppState) -> Self {
        let plan = &state.plan();
        let street = plan.streets.first();
        let len = street
            .map(|s| crate::frame::Polyline::from_lonlat(&s.points).length())
            .unwrap_or(0.0);
        RowTool {
            spec: RowSpec {
                street: street.map(|s| s.id.clone()).unwrap_or_default(),
                side: Side::Right,
                from_m: 0.0,
                to_m: (len * 10.0).floor() / 10.0,
                spacing: RowSpacing::Every(30.0),
                height_m: state.template.height_m,
                offset_m: street.map(|s| s.width_m / 2.0 + 1.0).unwrap_or(4.5),
                overhang_m: state.template.overhang_m,
                tilt_deg: state.template.tilt_deg,
                vendor: state.template.vendor.clone(),
                luminaire: state.template.luminaire.clone(),
            },
            by_count: false,
            spacing_m: 30.0,
            count: 10,
            previewing: false,
            preview: Ok(Vec::new()),
            picking: None,
            synced: None,
        }
    }

    /// The poles to draw on the map (empty unless previewing).
    /// The row's stretch, with its vendor, for "Design this stretch…".
    pub fn stretch(&self) -> crate::design::Stretch {
        crate::design::Stretch {
            street: self.spec.street.clone(),
            from_m: self.spec.from_m.min(self.spec.to_m),
            to_m: self.spec.from_m.max(self.spec.to_m),
            vendor: (!self.spec.vendor.is_empty()).then(|| self.spec.vendor.clone()),
        }
    }

    pub fn preview_poles(&self) -> &[Pole] {
        match (&self.preview, self.previewing) {
            (Ok(p), true) => p,
            _ => &[],
        }
    }

    fn sync(&mut self, state: &AppState) {
        self.spec.spacing = if self.by_count {
            RowSpacing::Count(self.count)
        } else {
            RowSpacing::Every(self.spacing_m)
        };
        // While previewing, follow every change (a dragged vertex moves the row);
        // otherwise finished edits are enough (the count and any error).
        let rev = if self.previewing {
            state.revision()
        } else {
            state.settled_revision()
        };
        let key = (self.spec.clone(), rev);
        if self.synced.as_ref() != Some(&key) {
            self.preview = plan_row(state.plan(), &self.spec);
            self.synced = Some(key);
        }
    }

    /// A click on the map while picking the row's ends: the first sets the street, the
    /// side (the side of the street clicked on) and the from chainage, the second the to
    /// chainage on the same street, then the preview is shown. A click too far from
    /// every street, or on another street for the second end, is refused in the status
    /// bar and picking continues.
    pub fn pick_on_map(&mut self, state: &mut AppState, end: RowEnd, at: LonLat) {
        let xy = at.to_xy();
        let Some((si, st)) = state
            .checker()
            .index()
            .nearest_street(xy)
            .filter(|(_, st)| st.offset_m <= PICK_RADIUS_M)
        else {
            state.status = format!(
                "No street within {PICK_RADIUS_M:.0} m of that point: click on or beside a street"
            );
            return;
        };
        let Some(street) = state.plan().streets.get(si) else {
            return;
        };
        let chainage = (st.chainage_m * 10.0).round() / 10.0;
        match end {
            RowEnd::From => {
                self.spec.street = street.id.clone();
                self.spec.side = st.side;
                self.spec.from_m = chainage;
                self.picking = Some(RowEnd::To);
                state.status = format!(
                    "Row starts on {} at {chainage:.1} m ({:?} side): now click its other end",
                    street.name, st.side
                );
            }
            RowEnd::To if street.id != self.spec.street => {
                let want = state
                    .plan()
                    .street(&self.spec.street)
                    .map_or("the same street", |s| s.name.as_str());
                state.status = format!(
                    "That is {}: the row's other end must be on {want}",
                    street.name
                );
            }
            RowEnd::To => {
                self.spec.to_m = chainage;
                self.picking = None;
                self.previewing = true;
                state.status = format!(
                    "Row on {} from {:.1} to {chainage:.1} m: check the preview, then Add",
                    street.name, self.spec.from_m
                );
            }
        }
    }

    /// Adds the previewed row to the plan (one edit) and ends the preview.
    pub fn commit(&mut self, state: &mut AppState) -> Result<usize, crate::edit::EditError> {
        self.sync(state);
        let r = commit_row(state, &self.spec);
        if r.is_ok() {
            self.previewing = false;
        }
        r
    }
}

/// Shows the panel.
pub fn ui(ui: &mut Ui, state: &mut AppState, tool: &mut RowTool) {
    match tool.picking {
        None => {
            if ui
                .button("Pick ends on the map")
                .on_hover_text(
                    "Click the row's start, then its end, beside a street: sets the street, \
                     the side and the from/to chainage",
                )
                .clicked()
            {
                tool.picking = Some(RowEnd::From);
            }
        }
        Some(end) => {
            ui.horizontal(|ui| {
                ui.label(match end {
                    RowEnd::From => "Click the row's start on the map…",
                    RowEnd::To => "Click the row's end on the same street…",
                });
                if ui.button("Cancel picking").clicked() {
                    tool.picking = None;
                }
            });
        }
    }
    let spec = &mut tool.spec;
    let plan = &state.plan();
    let street_name = plan
        .street(&spec.street)
        .map(|s| s.name.clone())
        .unwrap_or_else(|| "(choose)".into());
    let street_before = spec.street.clone();
    egui::ComboBox::new("row_street", "Street")
        .width(180.0)
        .selected_text(street_name)
        .show_ui(ui, |ui| {
            for s in &plan.streets {
                ui.selectable_value(&mut spec.street, s.id.clone(), &s.name);
            }
        });
    let length_m = plan
        .street(&spec.street)
        .map(|s| crate::frame::Polyline::from_lonlat(&s.points).length())
        .unwrap_or(0.0);
    if spec.street != street_before {
        // Another street: the row spans it whole (the old street's ends mean nothing here).
        spec.from_m = 0.0;
        spec.to_m = (length_m * 10.0).floor() / 10.0;
    }
    ui.horizontal(|ui| {
        ui.label("Side");
        ui.selectable_value(&mut spec.side, Side::Left, "Left");
        ui.selectable_value(&mut spec.side, Side::Right, "Right");
        ui.label(format!("(street {length_m:.0} m)"));
    });
    ui.horizontal(|ui| {
        ui.label("From");
        ui.add(
            egui::DragValue::new(&mut spec.from_m)
                .range(0.0..=length_m)
                .speed(1.0)
                .suffix(" m"),
        );
        ui.label("to");
        ui.add(
            egui::DragValue::new(&mut spec.to_m)
                .range(0.0..=length_m)
                .speed(1.0)
                .suffix(" m"),
        );
    });
    ui.horizontal(|ui| {
        ui.selectable_value(&mut tool.by_count, false, "Spacing");
        ui.selectable_value(&mut tool.by_count, true, "Count");
        if tool.by_count {
            ui.add(egui::DragValue::new(&mut tool.count).range(1..=2000));
        } else {
            ui.add(
                egui::DragValue::new(&mut tool.spacing_m)
                    .range(0.5..=500.0)
                    .speed(0.5)
                    .suffix(" m"),
            );
        }
    });
    ui.horizontal(|ui| {
        ui.label("Height");
        ui.add(
            egui::DragValue::new(&mut spec.height_m)
                .range(1.0..=30.0)
                .speed(0.1)
                .suffix(" m"),
        );
        ui.label("Offset");
        ui.add(
            egui::DragValue::new(&mut spec.offset_m)
                .range(0.0..=50.0)
                .speed(0.1)
                .suffix(" m"),
        )
        .on_hover_text("Distance of the poles from the street centreline");
    });
    let vendor_name = plan
        .vendor(&spec.vendor)
        .map(|v| v.name.clone())
        .unwrap_or_else(|| "(choose)".into());
    egui::ComboBox::new("row_vendor", "Vendor")
        .width(180.0)
        .selected_text(vendor_name)
        .show_ui(ui, |ui| {
            for v in &plan.vendors {
                ui.selectable_value(&mut spec.vendor, v.id.clone(), &v.name);
            }
        });
    let lum_name: String = plan
        .luminaire(&spec.luminaire)
        .map(|l| l.name.clone())
        .unwrap_or_else(|| "(choose)".into());
    // A long name is cut with "…" and shown whole on hover and in the list.
    egui::ComboBox::new("row_luminaire", "Luminaire")
        .width(180.0)
        .selected_text(super::shorten(&lum_name, 24))
        .show_ui(ui, |ui| {
            for l in &plan.luminaires {
                ui.selectable_value(&mut spec.luminaire, l.id.clone(), &l.name);
            }
        })
        .response
        .on_hover_text(lum_name);
    let mut fill = None;
    for s in vendor_sections(plan, &spec.vendor, &spec.street) {
        if ui
            .button(format!(
                "Fill this vendor's section {} ({:.0}–{:.0} m)",
                s.id, s.from_m, s.to_m
            ))
            .clicked()
        {
            fill = Some((s.from_m, s.to_m));
        }
    }
    if let Some((a, b)) = fill {
        spec.from_m = a.clamp(0.0, length_m);
        spec.to_m = b.clamp(0.0, length_m);
        tool.previewing = true;
    }
    tool.sync(state);
    let n = match &tool.preview {
        Ok(p) => p.len(),
        Err(_) => 0,
    };
    ui.horizontal(|ui| {
        let label = if tool.previewing {
            "Hide preview"
        } else {
            "Preview row"
        };
        if ui.button(label).clicked() {
            tool.previewing = !tool.previewing;
        }
        if ui
            .add_enabled(n > 0, egui::Button::new(format!("Add {n} poles")))
            .clicked()
        {
            match tool.commit(state) {
                Ok(_) => {}
                Err(e) => state.status = format!("Row not added: {e}"),
            }
        }
    });
    if let Err(e) = &tool.preview {
        ui.colored_label(Color32::from_rgb(200, 30, 30), e);
    }
    if ui
        .button(format!("{}…", super::design::TITLE))
        .on_hover_text(
            "Search the arrangement, height, tilt, level and number of poles that meet the \
             street's class on this stretch at the least power",
        )
        .clicked()
    {
        super::design::request(ui.ctx(), tool.stretch());
    }
}

/// Draws the previewed poles as hollow circles, with a line joining them.
pub struct RowPreviewPlugin<'a> {
    pub poles: &'a [Pole],
}

impl Plugin for RowPreviewPlugin<'_> {
    fn run(self: Box<Self>, ui: &mut Ui, _r: &Response, projector: &Projector, _m: &MapMemory) {
        let painter = ui.painter();
        let color = Color32::from_rgb(230, 90, 0);
        let pts: Vec<egui::Pos2> = self
            .poles
            .iter()
            .map(|p| projector.project(lon_lat(p.lon, p.lat)).to_pos2())
            .collect();
        if pts.len() > 1 {
            painter.add(egui::Shape::dashed_line(
                &pts,
                Stroke::new(1.0, color),
                6.0,
                4.0,
            ));
        }
        for at in pts {
            painter.circle_stroke(at, 6.0, Stroke::new(2.0, color));
        }
    }
}
