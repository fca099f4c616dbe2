//! The command table: every user command with its label, shortcuts, help text and when it
//! is enabled. The menus, the keyboard handling, the F1 help and the command palette are
//! all made from it, so they cannot disagree.

use super::LysplanApp;
use super::state::Tool;
use egui::{Key, KeyboardShortcut, Modifiers};
use std::path::PathBuf;

/// A user command. Commands that carry a payload (the file to open) keep it while the
/// app asks "save the unsaved changes?", so the answer does what was asked.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    NewPlan,
    Open,
    OpenTyped,
    OpenBundled,
    OpenRecent(PathBuf),
    Save,
    SaveAs,
    SaveAsTyped,
    ExportGeoJson,
    /// File → Export GeoPackage… (layers and tables for QGIS).
    ExportGpkg,
    ExportGpkgTyped,
    /// File → Export pole schedule (CSV)… (for procurement).
    ExportSchedule,
    ExportScheduleTyped,
    /// The GeoPackage export in EPSG:4326 instead of EPSG:25832 (a remembered setting).
    ToggleGpkgWgs84,
    /// The pole schedule with a UTF-8 byte-order mark (a remembered setting).
    ToggleCsvBom,
    /// File → Export report… (the HTML report for vendors).
    ExportReport,
    ExportReportTyped,
    ImportStreets,
    ImportStreetsTyped,
    /// File → Import streets from OpenStreetMap… (the visible area, via Overpass).
    ImportOsm,
    /// File → Import survey… (illuminance measured on site, CSV; docs/formats.md).
    ImportSurvey,
    ImportSurveyTyped,
    /// File → Import energy readings… (kWh of the control systems and meters, CSV).
    ImportReadings,
    ImportReadingsTyped,
    /// View → Measurements (surveys and energy readings against the plan).
    Measurements,
    Quit,
    Undo,
    Redo,
    DeleteSelection,
    SelectAll,
    /// Esc: cancel the drag, the street being drawn, the measurement, or the tool.
    Cancel,
    FinishStreet,
    RemoveLastVertex,
    Tool(Tool),
    ToggleCoverageLayer,
    /// Tools → Design this stretch… (the row tool's stretch; the arrangement optimiser).
    DesignStretch,
    /// View → Measurements layer: the surveyed points coloured by measured / calculated.
    ToggleMeasurementsLayer,
    ToggleCoverageResults,
    ZoomIn,
    ZoomOut,
    ZoomToPlan,
    ZoomToSelection,
    Catalogue,
    ImportLuminaire,
    ImportSurface,
    PlanSettings,
    Energy,
    /// Review → Compare with a submission… (a vendor's copy of the plan).
    CompareSubmission,
    CompareSubmissionTyped,
    /// J / K / A / R while a review is open.
    ReviewNext,
    ReviewPrevious,
    ReviewAccept,
    ReviewReject,
    MergeAccepted,
    CloseReview,
    ApproveSelection,
    RejectSelection,
    ToggleReviewColours,
    TileSettings,
    Help,
    Palette,
    /// Help → About Lysplan (version, licence, attributions).
    About,
}

/// The menu a command is listed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Menu {
    File,
    Edit,
    View,
    Tools,
    Luminaires,
    Review,
    Settings,
    Help,
}

impl Menu {
    pub const ALL: [Menu; 8] = [
        Menu::File,
        Menu::Edit,
        Menu::View,
        Menu::Tools,
        Menu::Luminaires,
        Menu::Review,
        Menu::Settings,
        Menu::Help,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Menu::File => "File",
            Menu::Edit => "Edit",
            Menu::View => "View",
            Menu::Tools => "Tools",
            Menu::Luminaires => "Luminaires",
            Menu::Review => "Review",
            Menu::Settings => "Settings",
            Menu::Help => "Help",
        }
    }
}

const fn key(key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(Modifiers::NONE, key)
}
const fn cmd(key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(Modifiers::COMMAND, key)
}
const fn cmd_shift(key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(
        Modifiers {
            alt: false,
            ctrl: false,
            shift: true,
            mac_cmd: false,
            command: true,
        },
        key,
    )
}

impl Command {
    /// Every command without a payload, in menu order (Open recent is listed per file).
    pub fn all() -> Vec<Command> {
        use Command::*;
        vec![
            NewPlan,
            Open,
            OpenTyped,
            OpenBundled,
            Save,
            SaveAs,
            SaveAsTyped,
            ExportGeoJson,
            ExportGpkg,
            ExportGpkgTyped,
            ExportSchedule,
            ExportScheduleTyped,
            ToggleGpkgWgs84,
            ToggleCsvBom,
            ExportReport,
            ExportReportTyped,
            ImportStreets,
            ImportStreetsTyped,
            ImportOsm,
            ImportSurvey,
            ImportSurveyTyped,
            ImportReadings,
            ImportReadingsTyped,
            Measurements,
            Quit,
            Undo,
            Redo,
            DeleteSelection,
            SelectAll,
            Cancel,
            PlanSettings,
            Energy,
            // Before the tools: while a review is open, A and R are the review's.
            CompareSubmission,
            CompareSubmissionTyped,
            ReviewNext,
            ReviewPrevious,
            ReviewAccept,
            ReviewReject,
            MergeAccepted,
            CloseReview,
            ApproveSelection,
            RejectSelection,
            ToggleReviewColours,
            ToggleCoverageLayer,
            ToggleCoverageResults,
            ToggleMeasurementsLayer,
            ZoomIn,
            ZoomOut,
            ZoomToPlan,
            ZoomToSelection,
            Tool(super::state::Tool::Select),
            Tool(super::state::Tool::AddPole),
            Tool(super::state::Tool::Measure),
            Tool(super::state::Tool::EditRoute),
            FinishStreet,
            RemoveLastVertex,
            DesignStretch,
            Catalogue,
            ImportLuminaire,
            ImportSurface,
            TileSettings,
            Palette,
            Help,
            About,
        ]
    }

    /// The name in menus and the palette.
    pub fn label(&self) -> String {
        use Command::*;
        match self {
            NewPlan => "New plan (keep streets and catalogue)".into(),
            Open => "Open…".into(),
            OpenTyped => "Open by typing a path…".into(),
            OpenBundled => "Open the bundled DOLL plan".into(),
            OpenRecent(p) => format!("Open recent: {}", p.display()),
            Save => "Save".into(),
            SaveAs => "Save as…".into(),
            SaveAsTyped => "Save as (type a path)…".into(),
            ExportGeoJson => "Export GeoJSON…".into(),
            ExportGpkg => "Export GeoPackage…".into(),
            ExportGpkgTyped => "Export GeoPackage (type a path)…".into(),
            ExportSchedule => "Export pole schedule (CSV)…".into(),
            ExportScheduleTyped => "Export pole schedule (type a path)…".into(),
            ToggleGpkgWgs84 => "GeoPackage in WGS84 (EPSG:4326, not UTM 32N)".into(),
            ToggleCsvBom => "Pole schedule with a UTF-8 BOM (for Excel)".into(),
            ExportReport => "Export report…".into(),
            ExportReportTyped => "Export report (type a path)…".into(),
            ImportStreets => "Import streets from GeoJSON…".into(),
            ImportStreetsTyped => "Import streets (type a path)…".into(),
            ImportOsm => "Import streets from OpenStreetMap…".into(),
            ImportSurvey => "Import survey (CSV)…".into(),
            ImportSurveyTyped => "Import survey (type a path)…".into(),
            ImportReadings => "Import energy readings (CSV)…".into(),
            ImportReadingsTyped => "Import energy readings (type a path)…".into(),
            Measurements => format!("{}…", super::measurements::TITLE),
            Quit => "Quit".into(),
            Undo => "Undo".into(),
            Redo => "Redo".into(),
            DeleteSelection => "Delete selection".into(),
            SelectAll => "Select all visible poles".into(),
            Cancel => "Cancel (drag, drawing, measurement, tool)".into(),
            FinishStreet => "Finish the street being drawn".into(),
            RemoveLastVertex => "Remove the last vertex drawn".into(),
            Tool(t) => format!("Tool: {}", t.label()),
            ToggleCoverageLayer => "Coverage layer".into(),
            ToggleMeasurementsLayer => "Measurements layer".into(),
            // The window's title (panels::design::TITLE; the panels name commands, so
            // the command does not name the panel).
            DesignStretch => "Design this stretch…".into(),
            ToggleCoverageResults => "Coverage results".into(),
            ZoomIn => "Zoom in".into(),
            ZoomOut => "Zoom out".into(),
            ZoomToPlan => "Zoom to plan".into(),
            ZoomToSelection => "Zoom to selection".into(),
            Catalogue => "Catalogue…".into(),
            ImportLuminaire => "Import .ldt/.ies…".into(),
            ImportSurface => "Import road surface r-table (.csv)…".into(),
            PlanSettings => "Plan settings (rules, maintenance, hours)…".into(),
            Energy => "Energy and CO2…".into(),
            CompareSubmission => "Compare with a submission…".into(),
            CompareSubmissionTyped => "Compare with a submission (type a path)…".into(),
            ReviewNext => "Next change".into(),
            ReviewPrevious => "Previous change".into(),
            ReviewAccept => "Accept the change".into(),
            ReviewReject => "Reject the change".into(),
            MergeAccepted => "Merge accepted changes".into(),
            CloseReview => "Close the review".into(),
            ApproveSelection => "Approve selection".into(),
            RejectSelection => "Reject selection…".into(),
            ToggleReviewColours => "Colour poles by review status".into(),
            TileSettings => "Tiles and cache…".into(),
            Help => "Keyboard shortcuts and commands".into(),
            Palette => "Command palette…".into(),
            About => format!("{}…", super::about::TITLE),
        }
    }

    /// What the command does, for the F1 help and the palette.
    pub fn help(&self) -> &'static str {
        use Command::*;
        match self {
            NewPlan => "Start an empty plan on the same streets, vendors and luminaires",
            Open => "Open a plan (RON, GeoJSON or GeoPackage) with the file dialog",
            OpenTyped => "Open a plan by typing its path",
            OpenBundled => "Open the DOLL Living Lab plan that ships with Lysplan",
            OpenRecent(_) => "Open a plan opened or saved before",
            Save => "Save the plan (RON, atomically)",
            SaveAs => "Save the plan under another name",
            SaveAsTyped => "Save the plan by typing a path",
            ExportGeoJson => "Write the plan as GeoJSON for QGIS",
            ExportGpkg => {
                "Write the plan as a GeoPackage for QGIS: layers streets, poles and sections \
                 (EPSG:25832 unless \"GeoPackage in WGS84\" is ticked), tables vendors, \
                 luminaire_types and plan_settings; File > Open reads it back whole"
            }
            ExportGpkgTyped => "Export the GeoPackage by typing its path",
            ExportSchedule => {
                "Write the pole schedule for procurement: one CSV row per pole (luminaire, \
                 flux, power, height, position in WGS84 and EPSG:25832, street, chainage, \
                 side, review status)"
            }
            ExportScheduleTyped => "Export the pole schedule by typing its path",
            ToggleGpkgWgs84 => {
                "Write GeoPackages in EPSG:4326 (WGS 84 degrees) instead of EPSG:25832 \
                 (ETRS89 / UTM 32N metres); remembered"
            }
            ToggleCsvBom => {
                "Start the pole schedule with a UTF-8 byte-order mark, so that Excel reads \
                 æ, ø and å right; remembered"
            }
            ExportReport => {
                "Write the HTML report (map, findings, EN 13201, energy, review decisions) to \
                 send back; from the Review window, narrowed to the submitting vendor"
            }
            ExportReportTyped => "Export the HTML report by typing its path",
            ImportStreets => "Take street centrelines from a GeoJSON file (undoable)",
            ImportStreetsTyped => "Import streets by typing the path of a GeoJSON file",
            ImportSurvey => {
                "Bring in an illuminance survey measured on site (CSV: lon,lat or \
                 e_25832_m,n_25832_m or street,chainage_m,offset_m, with e_h_lx and \
                 measured_at); one undoable edit; lysplan survey compares it"
            }
            ImportSurveyTyped => "Import a survey by typing the path of its CSV file",
            ImportReadings => {
                "Bring in the energy the vendors' control systems and meters report (CSV: \
                 vendor or pole, from, to, kwh); one undoable edit"
            }
            ImportReadingsTyped => "Import energy readings by typing the path of the CSV file",
            Measurements => {
                "The surveys measured on site against the calculation, per vendor section, \
                 the dark or mis-aimed poles, and the energy readings against the model"
            }
            ImportOsm => {
                "Fetch the streets (and street lamps) in the visible area from OpenStreetMap, \
                 preview them and add the ones ticked (undoable)"
            }
            Quit => "Close Lysplan (asks to save unsaved changes)",
            Undo => "Take back the last edit",
            Redo => "Make the last undone edit again",
            DeleteSelection => "Delete the selected poles (Edit route: the selected vertex)",
            SelectAll => "Select every pole of the vendors shown",
            Cancel => {
                "Cancel a drag (the item goes back), the street being drawn, the measurement; else back to Select"
            }
            FinishStreet => "Finish the street being drawn (or double-click)",
            RemoveLastVertex => "Take back the last vertex of the street being drawn",
            Tool(super::state::Tool::Select) => {
                "Click selects (Shift adds), drag moves a pole along its street (Alt: freely), Shift+drag on empty map selects in a box"
            }
            Tool(super::state::Tool::AddPole) => "Click beside the road to add a pole facing it",
            Tool(super::state::Tool::Measure) => {
                "Two clicks: straight-line and along-street distance"
            }
            Tool(super::state::Tool::EditRoute) => {
                "Click a street; drag its vertices, click a midpoint to insert, right-click a vertex to delete; draw new streets"
            }
            ToggleCoverageLayer => "Colour the route by the computed illuminance",
            DesignStretch => {
                "The arrangement, height, tilt, level and number of poles that meet the class \
                 on the row tool's stretch at the least power"
            }
            ToggleMeasurementsLayer => {
                "Show the surveyed points, coloured by measured / calculated; hover one for \
                 its values and the poles that light it"
            }
            ToggleCoverageResults => "EN 13201 results per street and section, docked on the right",
            ZoomIn => "Zoom the map in (the wheel zooms about the cursor)",
            ZoomOut => "Zoom the map out",
            ZoomToPlan => "Fit the whole plan in the map",
            ZoomToSelection => "Fit the selected poles in the map",
            Catalogue => "Luminaire types: flux, power, self-check, polar diagram",
            ImportLuminaire => "Embed a vendor's EULUMDAT or IES file in the plan",
            ImportSurface => {
                "Add a road surface (R3, N2, a measured asphalt) for the luminance of M streets"
            }
            PlanSettings => "Edit the site rules, maintenance factor and burning hours (undoable)",
            Energy => {
                "Each vendor's kWh and CO2 a year against the old installation, one night's power \
                 curve, and the control profiles (dimming, presence) the vendors run"
            }
            CompareSubmission => {
                "Open a vendor's copy of the plan (RON or GeoJSON) and review its changes \
                 against this plan: grouped by vendor, each accepted or rejected with a comment"
            }
            CompareSubmissionTyped => "Compare with a submission by typing its path",
            ReviewNext => "The next change of the submission (J, while a review is open)",
            ReviewPrevious => "The previous change of the submission (K, while a review is open)",
            ReviewAccept => {
                "Accept the change in hand with its comment, and go on (A, while a review is open)"
            }
            ReviewReject => {
                "Reject the change in hand with its comment, and go on (R, while a review is open)"
            }
            MergeAccepted => {
                "Take the accepted changes into the plan as one undoable edit; rejected ones stay out"
            }
            CloseReview => "Close the Review window (its decisions are already in the plan)",
            ApproveSelection => "Mark the selected poles approved (undoable)",
            RejectSelection => "Mark the selected poles rejected, with a comment (undoable)",
            ToggleReviewColours => {
                "Draw poles green (approved), red (rejected) or grey (pending) instead of by vendor"
            }
            TileSettings => "Use another XYZ tile server",
            Help => "This list",
            Palette => "Find any command by typing part of its name",
            About => {
                "The version, the licence, and where the bundled map data and photometry come from"
            }
        }
    }

    /// The keyboard shortcuts; the first is shown in menus.
    pub fn shortcuts(&self) -> Vec<KeyboardShortcut> {
        use Command::*;
        match self {
            Open => vec![cmd(Key::O)],
            Save => vec![cmd(Key::S)],
            SaveAs => vec![cmd_shift(Key::S)],
            Undo => vec![cmd(Key::Z)],
            Redo => vec![cmd_shift(Key::Z), cmd(Key::Y)],
            DeleteSelection => vec![key(Key::Delete)],
            SelectAll => vec![cmd(Key::A)],
            Cancel => vec![key(Key::Escape)],
            FinishStreet => vec![key(Key::Enter)],
            RemoveLastVertex => vec![key(Key::Backspace)],
            Tool(super::state::Tool::Select) => vec![key(Key::S)],
            Tool(super::state::Tool::AddPole) => vec![key(Key::A)],
            Tool(super::state::Tool::Measure) => vec![key(Key::M)],
            Tool(super::state::Tool::EditRoute) => vec![key(Key::R)],
            ReviewNext => vec![key(Key::J)],
            ReviewPrevious => vec![key(Key::K)],
            ReviewAccept => vec![key(Key::A)],
            ReviewReject => vec![key(Key::R)],
            ZoomIn => vec![key(Key::Plus), key(Key::Equals)],
            ZoomOut => vec![key(Key::Minus)],
            ZoomToPlan => vec![key(Key::Home)],
            ZoomToSelection => vec![key(Key::Z)],
            Help => vec![key(Key::F1)],
            Palette => vec![cmd(Key::K)],
            _ => vec![],
        }
    }

    /// The shortcuts as text ("Ctrl+Shift+Z / Ctrl+Y").
    pub fn shortcut_text(&self) -> String {
        self.shortcuts()
            .iter()
            .map(shortcut_text)
            .collect::<Vec<_>>()
            .join(" / ")
    }

    /// The menu the command is in (`None`: keyboard, palette and help only).
    pub fn menu(&self) -> Option<Menu> {
        use Command::*;
        Some(match self {
            NewPlan | Open | OpenTyped | OpenBundled | OpenRecent(_) | Save | SaveAs
            | SaveAsTyped | ExportGeoJson | ExportGpkg | ExportGpkgTyped | ExportSchedule
            | ExportScheduleTyped | ToggleGpkgWgs84 | ToggleCsvBom | ExportReport
            | ExportReportTyped | ImportStreets | ImportStreetsTyped | ImportOsm | ImportSurvey
            | ImportSurveyTyped | ImportReadings | ImportReadingsTyped | Quit => Menu::File,
            Undo | Redo | DeleteSelection | SelectAll | PlanSettings => Menu::Edit,
            ToggleCoverageLayer
            | ToggleCoverageResults
            | ToggleMeasurementsLayer
            | ZoomIn
            | ZoomOut
            | ZoomToPlan
            | ZoomToSelection
            | Measurements
            | Energy => Menu::View,
            Tool(_) | FinishStreet | RemoveLastVertex | Cancel | DesignStretch => Menu::Tools,
            Catalogue | ImportLuminaire | ImportSurface => Menu::Luminaires,
            CompareSubmission
            | CompareSubmissionTyped
            | ReviewNext
            | ReviewPrevious
            | ReviewAccept
            | ReviewReject
            | MergeAccepted
            | CloseReview
            | ApproveSelection
            | RejectSelection
            | ToggleReviewColours => Menu::Review,
            TileSettings => Menu::Settings,
            Help | Palette | About => Menu::Help,
        })
    }

    /// A separator goes before this command in its menu.
    pub fn separated(&self) -> bool {
        use Command::*;
        matches!(
            self,
            Save | ExportGeoJson
                | ToggleGpkgWgs84
                | ExportReport
                | Quit
                | DeleteSelection
                | PlanSettings
                | ZoomIn
                | FinishStreet
                | DesignStretch
                | ReviewNext
                | MergeAccepted
                | ApproveSelection
                | About
        )
    }

    /// Whether the command does anything now.
    pub fn enabled(&self, app: &LysplanApp) -> bool {
        use Command::*;
        let s = &app.state;
        let drawing = s.route.draft.is_some();
        match self {
            Undo => s.can_undo(),
            Redo => s.can_redo(),
            DeleteSelection => {
                !s.selection.is_empty()
                    || (s.tool == super::state::Tool::EditRoute && s.route.vertex.is_some())
            }
            SelectAll => !s.plan().poles.is_empty(),
            ImportOsm => !app.osm.busy(),
            FinishStreet | RemoveLastVertex => drawing,
            ZoomToSelection => !s.selection.is_empty(),
            ZoomToPlan => s.extent().is_some(),
            ReviewNext | ReviewPrevious | ReviewAccept | ReviewReject => app
                .review
                .session
                .as_ref()
                .is_some_and(|r| !r.changes.is_empty()),
            MergeAccepted | CloseReview => app.review.session.is_some(),
            ApproveSelection | RejectSelection => !s.selection.is_empty(),
            _ => true,
        }
    }

    /// Whether the command is on now (for checkable menu items).
    pub fn checked(&self, app: &LysplanApp) -> Option<bool> {
        match self {
            Command::ToggleCoverageLayer => Some(app.coverage.layer),
            Command::ToggleMeasurementsLayer => Some(app.measurements.layer),
            Command::ToggleCoverageResults => Some(app.coverage.window_open),
            Command::Tool(t) => Some(app.state.tool == *t),
            Command::ToggleReviewColours => Some(app.review.colour_by_status),
            Command::ToggleGpkgWgs84 => Some(app.exports.gpkg_wgs84),
            Command::ToggleCsvBom => Some(app.exports.csv_bom),
            _ => None,
        }
    }

    /// Keys that belong to the review while one is open (and to the tools otherwise).
    pub fn modal(&self) -> bool {
        use Command::*;
        matches!(
            self,
            ReviewNext | ReviewPrevious | ReviewAccept | ReviewReject
        )
    }

    /// Whether a plain key (no Ctrl/Cmd) triggers it.
    fn single_key(sc: &KeyboardShortcut) -> bool {
        !sc.modifiers.command
            && !sc.modifiers.ctrl
            && !sc.modifiers.mac_cmd
            && sc.logical_key != Key::F1
    }

    /// Whether the shortcut belongs to the text field while one has the keyboard: plain
    /// keys, and Ctrl+A/C/V/X/Z/Y (select all, copy, paste, cut, undo and redo there).
    fn yields_to_text(sc: &KeyboardShortcut) -> bool {
        Self::single_key(sc)
            || matches!(
                sc.logical_key,
                Key::A | Key::C | Key::V | Key::X | Key::Z | Key::Y
            )
    }
}

/// "Ctrl+Shift+S", "Del", "F1".
pub fn shortcut_text(sc: &KeyboardShortcut) -> String {
    let names = egui::ModifierNames::NAMES;
    sc.format(&names, cfg!(target_os = "macos"))
}

/// The commands whose shortcut was pressed this frame, consumed from the input so no
/// widget acts on them too. While a text field has the keyboard, the keys that edit
/// text are left to it.
/// The review's keys ([`Command::modal`]) take part only while `reviewing`.
pub fn pressed(ctx: &egui::Context, reviewing: bool) -> Vec<Command> {
    // Most frames have no key press: nothing to look up.
    if !ctx.input(|i| {
        i.events
            .iter()
            .any(|e| matches!(e, egui::Event::Key { pressed: true, .. }))
    }) {
        return Vec::new();
    }
    let typing = ctx.memory(|m| m.focused().is_some());
    ctx.input_mut(|i| {
        let mut out: Vec<Command> = Vec::new();
        for (c, sc) in SHORTCUT_TABLE.iter() {
            if (typing && Command::yields_to_text(sc)) || (c.modal() && !reviewing) {
                continue;
            }
            let hit = if Command::single_key(sc) {
                // Exact: "S" must not fire on Shift+S or Alt+S.
                i.modifiers.is_none() && i.consume_key(Modifiers::NONE, sc.logical_key)
            } else {
                i.consume_shortcut(sc)
            };
            if hit && !out.contains(c) {
                out.push(c.clone());
            }
        }
        out
    })
}

/// Every (command, shortcut), longer chords first so Ctrl+Shift+Z is not taken for
/// Ctrl+Z; built once.
static SHORTCUT_TABLE: std::sync::LazyLock<Vec<(Command, KeyboardShortcut)>> =
    std::sync::LazyLock::new(|| {
        let mut table: Vec<(Command, KeyboardShortcut)> = Command::all()
            .into_iter()
            .flat_map(|c| c.shortcuts().into_iter().map(move |s| (c.clone(), s)))
            .collect();
        table.sort_by_key(|(_, s)| std::cmp::Reverse(modifier_count(s.modifiers)));
        table
    });

fn modifier_count(m: Modifiers) -> u8 {
    u8::from(m.shift) + u8::from(m.alt) + u8::from(m.command || m.ctrl || m.mac_cmd)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_two_commands_share_a_shortcut() {
        let mut seen = std::collections::HashMap::new();
        // The review's keys share A and R with the tools: they are only live in a review.
        for c in Command::all().into_iter().filter(|c| !c.modal()) {
            for s in c.shortcuts() {
                if let Some(other) = seen.insert(shortcut_text(&s), c.clone()) {
                    panic!("{} is bound to {other:?} and {c:?}", shortcut_text(&s));
                }
            }
        }
    }

    #[test]
    fn every_command_is_somewhere_and_explained() {
        for c in Command::all() {
            assert!(c.menu().is_some() || !c.shortcuts().is_empty(), "{c:?}");
            assert!(!c.help().is_empty() && !c.label().is_empty(), "{c:?}");
        }
    }

    #[test]
    fn backspace_only_takes_back_a_vertex() {
        let bound: Vec<Command> = Command::all()
            .into_iter()
            .filter(|c| {
                c.shortcuts()
                    .iter()
                    .any(|s| s.logical_key == Key::Backspace)
            })
            .collect();
        assert_eq!(bound, vec![Command::RemoveLastVertex]);
    }
}
