//! One controller per map tool. Each handles the pointer with *this* frame's
//! [`Projector`] (the controllers run as a walkers plugin, after the map has applied this
//! frame's pan and zoom) and returns what should happen as [`MapAction`]s; the app applies
//! them to the document after the map is drawn. Nothing here edits the plan.

use super::boxselect::{self, BoxSelect};
use super::panels::row::RowEnd;
use super::route::{self, Handle};
use super::state::{AppState, Tool};
use crate::edit::anchor::StreetAnchor;
use crate::frame::LonLat;
use egui::{Pos2, Response, Ui, Vec2};
use walkers::{MapMemory, Plugin, Projector, lon_lat};

/// Pointer travel, in points, before a press becomes a drag.
pub const DRAG_THRESHOLD: f32 = 3.0;

/// What a controller asks the app to do.
#[derive(Debug, Clone, PartialEq)]
pub enum MapAction {
    /// Select exactly these poles.
    Select(Vec<String>),
    /// Shift+click: add to or remove from the selection.
    Toggle(String),
    AddPole(LonLat),
    Measure(LonLat),
    /// Open an edit session (a drag begins) named so.
    Begin(String),
    MovePole {
        index: usize,
        to: LonLat,
        azimuth_deg: Option<f64>,
    },
    InsertVertex {
        street: usize,
        vertex: usize,
        at: LonLat,
    },
    MoveVertex {
        street: usize,
        vertex: usize,
        to: LonLat,
    },
    SelectVertex(usize),
    /// Close the edit session as one undo step; the status bar says so.
    Commit(String),
    SelectStreet(Option<String>),
    DraftAdd(LonLat),
    FinishDraft,
    DeleteVertex {
        street: String,
        vertex: usize,
    },
    PickRowEnd(RowEnd, LonLat),
    Status(String),
}

/// The pointer in one frame of the map.
#[derive(Debug, Clone, Copy, Default)]
pub struct Pointer {
    pub pressed_at: Option<Pos2>,
    pub down: bool,
    pub pos: Option<Pos2>,
    pub clicked_at: Option<Pos2>,
    pub double_clicked: bool,
    pub secondary_at: Option<Pos2>,
    pub shift: bool,
    pub alt: bool,
}

impl Pointer {
    fn read(ui: &Ui, response: &Response) -> Pointer {
        let (pressed, origin, down, shift, alt) = ui.input(|i| {
            (
                i.pointer.primary_pressed(),
                i.pointer.press_origin(),
                i.pointer.primary_down(),
                i.modifiers.shift,
                i.modifiers.alt,
            )
        });
        Pointer {
            pressed_at: origin.filter(|o| pressed && response.rect.contains(*o)),
            down,
            pos: response.interact_pointer_pos().or(response.hover_pos()),
            clicked_at: response
                .clicked()
                .then(|| response.interact_pointer_pos())
                .flatten(),
            double_clicked: response.double_clicked() || response.triple_clicked(),
            secondary_at: response
                .secondary_clicked()
                .then(|| response.interact_pointer_pos())
                .flatten(),
            shift,
            alt,
        }
    }
}

/// What a controller sees: the document (read-only), this frame's projection and pointer.
pub struct Cx<'a> {
    pub state: &'a AppState,
    pub projector: &'a Projector<'a>,
    pub pointer: Pointer,
}

impl Cx<'_> {
    fn lonlat(&self, p: Pos2) -> LonLat {
        let q = self.projector.unproject(p.to_vec2());
        LonLat::new(q.x(), q.y())
    }
    fn screen(&self, at: LonLat) -> Pos2 {
        self.projector.project(lon_lat(at.lon, at.lat)).to_pos2()
    }
}

/// A press that may become a drag of `T` (a pole, a vertex).
#[derive(Debug, Clone)]
pub struct Drag<T> {
    pub target: T,
    pub moved: bool,
    /// Item position minus press position on screen, so the item does not jump.
    grab_offset: Vec2,
    origin: Pos2,
}

impl<T> Drag<T> {
    fn new(target: T, at: Pos2, origin: Pos2) -> Self {
        Drag {
            target,
            moved: false,
            grab_offset: at - origin,
            origin,
        }
    }
    /// Where the item goes this frame, once the pointer has travelled past the threshold.
    fn to(&self, cx: &Cx<'_>) -> Option<LonLat> {
        let p = cx.pointer.pos?;
        (self.moved || p.distance(self.origin) > DRAG_THRESHOLD)
            .then(|| cx.lonlat(p + self.grab_offset))
    }
}

/// The pole being dragged and its place on its street.
#[derive(Debug, Clone)]
pub struct PoleGrab {
    index: usize,
    anchor: Option<StreetAnchor>,
}

/// Select / move: click selects (Shift toggles), a drag on a pole moves it, Shift+drag on
/// empty map selects in a box.
#[derive(Default)]
pub struct SelectTool {
    pub drag: Option<Drag<PoleGrab>>,
    pub boxsel: Option<BoxSelect>,
}

impl SelectTool {
    fn pointer(&mut self, cx: &Cx<'_>, out: &mut Vec<MapAction>) {
        let ptr = cx.pointer;
        if let Some(origin) = ptr.pressed_at
            && self.drag.is_none()
            && self.boxsel.is_none()
        {
            if let Some(i) = hit_pole(cx.state, cx.projector, origin) {
                let p = &cx.state.plan().poles[i];
                let grab = PoleGrab {
                    index: i,
                    anchor: cx.state.street_anchor(i),
                };
                self.drag = Some(Drag::new(
                    grab,
                    cx.screen(LonLat::new(p.lon, p.lat)),
                    origin,
                ));
            } else if ptr.shift {
                self.boxsel = Some(BoxSelect {
                    origin,
                    current: origin,
                });
            }
        }
        if let Some(at) = ptr.clicked_at {
            let id = hit_pole(cx.state, cx.projector, at)
                .and_then(|i| cx.state.plan().poles.get(i))
                .map(|p| p.id.to_string());
            match id {
                Some(id) if ptr.shift => out.push(MapAction::Toggle(id)),
                Some(id) => out.push(MapAction::Select(vec![id])),
                None if !ptr.shift => out.push(MapAction::Select(Vec::new())),
                None => {}
            }
        }
        if let Some(b) = &mut self.boxsel {
            if let Some(p) = ptr.pos {
                b.current = p;
            }
            if !ptr.down {
                let b = *b;
                self.boxsel = None;
                if b.current.distance(b.origin) > DRAG_THRESHOLD {
                    let ids = boxselect::poles_in_screen_rect(cx.state, cx.projector, b.rect());
                    out.push(MapAction::Status(format!(
                        "Selected {} poles in the box",
                        ids.len()
                    )));
                    out.push(MapAction::Select(ids));
                }
            }
        }
        let Some(d) = &mut self.drag else { return };
        if ptr.down
            && let Some(to) = d.to(cx)
        {
            // Along the street at the pole's offset, unless Alt frees it.
            let (target, azimuth_deg) = match d.target.anchor.as_ref().filter(|_| !ptr.alt) {
                Some(a) => a.target(to).map_or((to, None), |(p, az)| (p, Some(az))),
                None => (to, None),
            };
            let moved_now = cx.state.plan().poles.get(d.target.index).is_some_and(|p| {
                (p.lon - target.lon).abs() > 1e-9 || (p.lat - target.lat).abs() > 1e-9
            });
            if moved_now {
                if !d.moved {
                    d.moved = true;
                    if let Some(p) = cx.state.plan().poles.get(d.target.index) {
                        out.push(MapAction::Begin(format!("Move pole {}", p.id)));
                        out.push(MapAction::Select(vec![p.id.to_string()]));
                    }
                }
                out.push(MapAction::MovePole {
                    index: d.target.index,
                    to: target,
                    azimuth_deg,
                });
            }
        }
        if !ptr.down {
            if d.moved {
                out.push(MapAction::Commit("Moved pole".into()));
            }
            self.drag = None;
        }
    }
}

/// The vertex being dragged, or the midpoint handle pressed (inserted on the first move).
#[derive(Debug, Clone)]
pub struct VertexGrab {
    street: usize,
    vertex: usize,
    insert: Option<LonLat>,
}

/// Edit route: click a street, drag its vertex handles, click or drag a midpoint handle
/// to insert, right-click a vertex to delete it; while drawing, each click adds a vertex.
#[derive(Default)]
pub struct RouteTool {
    pub drag: Option<Drag<VertexGrab>>,
}

impl RouteTool {
    fn handles(cx: &Cx<'_>, si: usize) -> Vec<Pos2> {
        cx.state.plan().streets[si]
            .points
            .iter()
            .map(|p| cx.screen(*p))
            .collect()
    }

    fn pointer(&mut self, cx: &Cx<'_>, out: &mut Vec<MapAction>) {
        let ptr = cx.pointer;
        let drawing = cx.state.route.draft.is_some();
        let street = cx.state.route_street_index();
        if let (Some(origin), Some(si), false, None) = (ptr.pressed_at, street, drawing, &self.drag)
        {
            let pts = &cx.state.plan().streets[si].points;
            let screen = Self::handles(cx, si);
            let grab = match route::hit_handle(&screen, origin) {
                Some(Handle::Vertex(v)) => Some((v, None, screen[v])),
                Some(Handle::Mid(i)) => route::segment_midpoint(pts, i)
                    .map(|m| (i + 1, Some(m), screen[i].lerp(screen[i + 1], 0.5))),
                None => None,
            };
            if let Some((vertex, insert, at)) = grab {
                if insert.is_none() {
                    out.push(MapAction::SelectVertex(vertex));
                }
                let g = VertexGrab {
                    street: si,
                    vertex,
                    insert,
                };
                self.drag = Some(Drag::new(g, at, origin));
            }
        }
        if let Some(at) = ptr.clicked_at {
            if drawing {
                out.push(MapAction::DraftAdd(cx.lonlat(at)));
                if ptr.double_clicked {
                    out.push(MapAction::FinishDraft);
                }
            } else if self.drag.is_none() {
                let id = hit_street(cx.state, cx.projector, at)
                    .and_then(|i| cx.state.plan().streets.get(i))
                    .map(|s| s.id.clone());
                out.push(MapAction::SelectStreet(id));
            }
        }
        if let (Some(at), Some(si), false) = (ptr.secondary_at, street, drawing)
            && let Some(Handle::Vertex(v)) = route::hit_handle(&Self::handles(cx, si), at)
        {
            out.push(MapAction::DeleteVertex {
                street: cx.state.plan().streets[si].id.clone(),
                vertex: v,
            });
        }
        self.drag_step(cx, out);
    }

    fn drag_step(&mut self, cx: &Cx<'_>, out: &mut Vec<MapAction>) {
        let Some(d) = &mut self.drag else { return };
        let g = d.target.clone();
        let name = cx
            .state
            .plan()
            .streets
            .get(g.street)
            .map(|s| s.name.clone())
            .unwrap_or_default();
        if cx.pointer.down {
            if let Some(to) = d.to(cx) {
                if !d.moved {
                    d.moved = true;
                    out.push(MapAction::Begin(match g.insert {
                        Some(_) => format!("Insert a vertex in {name}"),
                        None => format!("Move vertex {} of {name}", g.vertex + 1),
                    }));
                    if let Some(at) = g.insert {
                        out.push(MapAction::InsertVertex {
                            street: g.street,
                            vertex: g.vertex,
                            at,
                        });
                    }
                }
                out.push(MapAction::MoveVertex {
                    street: g.street,
                    vertex: g.vertex,
                    to,
                });
            }
            return;
        }
        let moved = d.moved;
        self.drag = None;
        if moved {
            out.push(MapAction::Commit(format!(
                "Moved vertex {} of {name}",
                g.vertex + 1
            )));
        } else if let Some(at) = g.insert {
            out.push(MapAction::Begin(format!("Insert a vertex in {name}")));
            out.push(MapAction::InsertVertex {
                street: g.street,
                vertex: g.vertex,
                at,
            });
            out.push(MapAction::Commit(format!(
                "Inserted vertex {} in {name}",
                g.vertex + 1
            )));
        }
        out.push(MapAction::SelectVertex(g.vertex));
    }
}

/// The map's controllers; the active one gets the pointer.
#[derive(Default)]
pub struct MapTools {
    pub select: SelectTool,
    pub route: RouteTool,
    /// The lon/lat under the pointer this frame.
    pub hover: Option<LonLat>,
    actions: Vec<MapAction>,
}

impl MapTools {
    /// A press has grabbed something: the map must not pan under it.
    pub fn grabbing(&self) -> bool {
        self.select.drag.is_some() || self.select.boxsel.is_some() || self.route.drag.is_some()
    }

    /// Whether a drag has moved something (an edit session is open for it).
    pub fn dragging(&self) -> bool {
        self.select.drag.as_ref().is_some_and(|d| d.moved)
            || self.route.drag.as_ref().is_some_and(|d| d.moved)
    }

    /// Drops any press or drag in progress (Esc; a new document).
    pub fn cancel(&mut self) {
        self.select = SelectTool::default();
        self.route = RouteTool::default();
    }

    /// The actions of the last frame, to apply.
    pub fn take_actions(&mut self) -> Vec<MapAction> {
        std::mem::take(&mut self.actions)
    }

    /// The plugin that runs the active controller in this frame.
    pub fn plugin<'a>(
        &'a mut self,
        state: &'a AppState,
        picking: Option<RowEnd>,
    ) -> ToolsPlugin<'a> {
        ToolsPlugin {
            tools: self,
            state,
            picking,
        }
    }
}

/// Runs the active controller inside the map, with this frame's projector.
pub struct ToolsPlugin<'a> {
    tools: &'a mut MapTools,
    state: &'a AppState,
    picking: Option<RowEnd>,
}

impl Plugin for ToolsPlugin<'_> {
    fn run(
        self: Box<Self>,
        ui: &mut Ui,
        response: &Response,
        projector: &Projector,
        _m: &MapMemory,
    ) {
        let cx = Cx {
            state: self.state,
            projector,
            pointer: Pointer::read(ui, response),
        };
        let t = self.tools;
        t.hover = response.hover_pos().map(|p| cx.lonlat(p));
        let out = &mut t.actions;
        if let Some(end) = self.picking {
            // Row tool "Pick ends on the map": clicks set the row's ends.
            if let Some(at) = cx.pointer.clicked_at {
                out.push(MapAction::PickRowEnd(end, cx.lonlat(at)));
            }
            return;
        }
        match self.state.tool {
            Tool::Select => t.select.pointer(&cx, out),
            Tool::EditRoute => t.route.pointer(&cx, out),
            Tool::AddPole => {
                if let Some(at) = cx.pointer.clicked_at {
                    out.push(MapAction::AddPole(cx.lonlat(at)));
                }
            }
            Tool::Measure => {
                if let Some(at) = cx.pointer.clicked_at {
                    out.push(MapAction::Measure(cx.lonlat(at)));
                }
            }
        }
    }
}

/// The pole under screen point `at` (within 8 px), nearest first, via the R-tree.
pub fn hit_pole(state: &AppState, projector: &Projector, at: Pos2) -> Option<usize> {
    let q = projector.unproject(at.to_vec2());
    let xy = crate::frame::to_utm32(q.x(), q.y());
    let px_per_m = f64::from(projector.scale_pixel_per_meter(q).max(1e-6));
    let index = state.checker().index();
    index
        .poles_within(xy, 8.0 / px_per_m)
        .filter(|&i| {
            state
                .plan()
                .poles
                .get(i)
                .is_some_and(|p| !state.hidden_vendors.contains(p.vendor.as_str()))
        })
        .min_by(|&a, &b| {
            index.pole_xy[a]
                .dist(xy)
                .total_cmp(&index.pole_xy[b].dist(xy))
        })
}

/// The street under screen point `at`: its centreline within 8 px or within half its
/// width, via the R-tree of street segments.
pub fn hit_street(state: &AppState, projector: &Projector, at: Pos2) -> Option<usize> {
    let q = projector.unproject(at.to_vec2());
    let xy = crate::frame::to_utm32(q.x(), q.y());
    let px_per_m = f64::from(projector.scale_pixel_per_meter(q).max(1e-6));
    let (si, st) = state.checker().index().nearest_street(xy)?;
    let half = state.plan().streets.get(si)?.width_m / 2.0;
    (st.offset_m <= (8.0 / px_per_m).max(half)).then_some(si)
}
