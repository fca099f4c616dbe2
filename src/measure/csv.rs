//! Reading surveys and energy readings from CSV (docs/formats.md "Surveys (CSV)" and
//! "Energy readings (CSV)").
//!
//! A header row is required. The separator is found from the header: a `;` in it makes
//! the file semicolon-separated with decimal commas (a Danish spreadsheet's export),
//! otherwise it is comma-separated with decimal points. Every error names the file,
//! the line and the column (1-based, in characters) and what to do; a file with an error
//! gives nothing.

use crate::error::{FileError, Location};
use crate::frame::{Polyline, Side, Xy, from_utm32};
use crate::plan::Plan;
use crate::plan::measured::{EnergyReading, MAX_E_H_LX, ReadingOf, Survey, SurveyPoint};
use crate::plan::review::sha256_hex;
use std::collections::HashMap;
use std::path::Path;

/// The largest CSV file read (a survey of a million points is far less).
pub const MAX_CSV_BYTES: usize = 64 << 20;

/// One CSV file being read: its rows as text with their places.
struct Table {
    path: std::path::PathBuf,
    /// Semicolon-separated with decimal commas.
    danish: bool,
    header: Vec<String>,
    /// The 1-based character column of each header field.
    header_cols: Vec<usize>,
    rows: Vec<Row>,
}

struct Row {
    line: usize,
    /// Per field: its text and its 1-based character column.
    fields: Vec<(String, usize)>,
}

impl Table {
    fn read(path: &Path, bytes: &[u8]) -> Result<Table, FileError> {
        let err = |loc: Location, m: String| FileError::new(path, loc, m);
        if bytes.len() > MAX_CSV_BYTES {
            return Err(err(
                Location::File,
                format!(
                    "{} bytes is too large (at most {} MB); split the file",
                    bytes.len(),
                    MAX_CSV_BYTES >> 20
                ),
            ));
        }
        let text = crate::error::text_of(path, bytes.to_vec())?;
        let first = text.lines().next().unwrap_or("");
        if first.trim().is_empty() {
            return Err(err(
                Location::Line(1),
                "no header row; the first line must name the columns (e.g. \
                 lon,lat,e_h_lx,measured_at)"
                    .into(),
            ));
        }
        let danish = first.contains(';');
        let delimiter = if danish { ';' } else { ',' };
        let mut rdr = csv::ReaderBuilder::new()
            .delimiter(delimiter as u8)
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let records = rdr.records();
        let mut rows = Vec::new();
        let mut header = Vec::new();
        let mut header_cols = Vec::new();
        let line_starts: Vec<usize> = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        let col_of = |byte: usize, line: usize| -> usize {
            let start = line_starts.get(line - 1).copied().unwrap_or(0);
            text.get(start..byte.max(start))
                .map_or(1, |s| s.chars().count() + 1)
        };
        for (n, rec) in records.enumerate() {
            let rec = rec.map_err(|e| {
                let (line, col) = e
                    .position()
                    .map(|p| {
                        (
                            p.line() as usize,
                            col_of(p.byte() as usize, p.line() as usize),
                        )
                    })
                    .unwrap_or((1, 1));
                err(
                    Location::LineCol { line, col },
                    format!("not readable as CSV ({e}); check the quoting there"),
                )
            })?;
            let pos = rec.position().cloned();
            let line = pos.as_ref().map_or(n + 1, |p| p.line() as usize);
            let start = pos.as_ref().map_or(0, |p| p.byte() as usize);
            let starts = field_starts(text.get(start..).unwrap_or(""), delimiter);
            let first_col = col_of(start, line);
            let fields: Vec<(String, usize)> = rec
                .iter()
                .enumerate()
                .map(|(i, f)| {
                    let at = starts.get(i).copied().unwrap_or(0);
                    (f.trim().to_string(), first_col + at)
                })
                .collect();
            if header.is_empty() {
                header = fields.iter().map(|(f, _)| f.to_ascii_lowercase()).collect();
                header_cols = fields.iter().map(|f| f.1).collect();
                continue;
            }
            if fields.iter().all(|(f, _)| f.is_empty()) {
                continue;
            }
            if fields.len() != header.len() {
                let col = fields.last().map_or(1, |f| f.1);
                return Err(err(
                    Location::LineCol { line, col },
                    format!(
                        "{} fields, but the header names {}; give every row one value per \
                         column{}",
                        fields.len(),
                        header.len(),
                        if danish {
                            " (separated by ';', decimals with a comma)"
                        } else {
                            " (separated by ',', decimals with a point; quote text with commas)"
                        }
                    ),
                ));
            }
            rows.push(Row { line, fields });
        }
        Ok(Table {
            path: path.to_path_buf(),
            danish,
            header,
            header_cols,
            rows,
        })
    }

    fn col(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// The header's columns must all be known, each once.
    fn known_columns(&self, known: &[&str]) -> Result<(), FileError> {
        for (i, h) in self.header.iter().enumerate() {
            let col = self.header_cols[i];
            if !known.contains(&h.as_str()) {
                return Err(FileError::new(
                    &self.path,
                    Location::LineCol { line: 1, col },
                    format!(
                        "column {} {h:?} is not a column Lysplan reads; the columns are {}",
                        i + 1,
                        known.join(", ")
                    ),
                ));
            }
            if self.header[..i].contains(h) {
                return Err(FileError::new(
                    &self.path,
                    Location::LineCol { line: 1, col },
                    format!("column {h:?} is named twice; keep one"),
                ));
            }
        }
        Ok(())
    }

    fn err(&self, row: &Row, col: usize, message: String) -> FileError {
        let c = row.fields.get(col).map_or(1, |f| f.1);
        FileError::new(
            &self.path,
            Location::LineCol {
                line: row.line,
                col: c,
            },
            format!("{}: {message}", self.header[col]),
        )
    }

    fn text<'r>(&self, row: &'r Row, col: usize) -> &'r str {
        &row.fields[col].0
    }

    fn required_text<'r>(&self, row: &'r Row, col: usize) -> Result<&'r str, FileError> {
        let t = self.text(row, col);
        if t.is_empty() {
            return Err(self.err(row, col, "is empty; every row needs it".into()));
        }
        Ok(t)
    }

    fn number(&self, row: &Row, col: usize) -> Result<f64, FileError> {
        let t = self.required_text(row, col)?;
        let parsed = if self.danish {
            if t.contains('.') {
                return Err(self.err(
                    row,
                    col,
                    format!(
                        "{t:?} has a point; a semicolon-separated file writes decimals with a \
                         comma (12,5) and no thousands separator"
                    ),
                ));
            }
            t.replace(',', ".").parse::<f64>()
        } else {
            t.parse::<f64>()
        };
        match parsed {
            Ok(v) if v.is_finite() => Ok(v),
            _ => Err(self.err(
                row,
                col,
                format!(
                    "{t:?} is not a number; write it as {}",
                    if self.danish { "12,5" } else { "12.5" }
                ),
            )),
        }
    }
}

/// The character offsets, from the record's start, where each field of the record at
/// the start of `rest` begins (quotes followed, so a quoted delimiter is no boundary).
fn field_starts(rest: &str, delimiter: char) -> Vec<usize> {
    let mut out = vec![0];
    let mut quoted = false;
    for (k, c) in rest.chars().enumerate() {
        match c {
            '"' => quoted = !quoted,
            '\n' | '\r' if !quoted => break,
            c if c == delimiter && !quoted => out.push(k + 1),
            _ => {}
        }
    }
    out
}

/// How the rows give their positions.
enum Position {
    LonLat(usize, usize),
    Utm(usize, usize),
    Street(usize, usize, usize),
}

const SURVEY_COLUMNS: [&str; 12] = [
    "lon",
    "lat",
    "e_25832_m",
    "n_25832_m",
    "street",
    "chainage_m",
    "offset_m",
    "e_h_lx",
    "measured_at",
    "survey",
    "instrument",
    "note",
];

/// An ISO 8601 date or date-time (with an offset, `Z`, or none); the text trimmed, or
/// why not.
fn iso_time(t: &str) -> Result<(), String> {
    if t.parse::<jiff::Timestamp>().is_ok()
        || t.parse::<jiff::civil::DateTime>().is_ok()
        || (t.len() == 10 && t.parse::<jiff::civil::Date>().is_ok())
    {
        Ok(())
    } else {
        Err(format!(
            "{t:?} is not an ISO 8601 date or date-time; write 2026-11-03 or \
             2026-11-03T21:15:00+01:00"
        ))
    }
}

/// The surveys in the CSV `bytes` read from `path`, positions resolved on `plan`'s
/// streets where the file gives them by chainage. Rows are grouped by their `survey`
/// column, else by date (named "<file name> <date>"); each survey records the file's
/// name and SHA-256.
pub fn read_surveys(plan: &Plan, path: &Path, bytes: &[u8]) -> Result<Vec<Survey>, FileError> {
    let t = Table::read(path, bytes)?;
    t.known_columns(&SURVEY_COLUMNS)?;
    let file_err = |m: String| FileError::new(path, Location::LineCol { line: 1, col: 1 }, m);
    let forms = [
        t.col("lon")
            .zip(t.col("lat"))
            .map(|(a, b)| Position::LonLat(a, b)),
        t.col("e_25832_m")
            .zip(t.col("n_25832_m"))
            .map(|(a, b)| Position::Utm(a, b)),
        match (t.col("street"), t.col("chainage_m"), t.col("offset_m")) {
            (Some(a), Some(b), Some(c)) => Some(Position::Street(a, b, c)),
            _ => None,
        },
    ];
    let given = forms.iter().filter(|f| f.is_some()).count();
    let partial = [
        "lon",
        "lat",
        "e_25832_m",
        "n_25832_m",
        "street",
        "chainage_m",
        "offset_m",
    ]
    .iter()
    .filter(|c| t.col(c).is_some())
    .count();
    let expected = match forms.iter().flatten().next() {
        Some(Position::LonLat(..)) | Some(Position::Utm(..)) => 2,
        Some(Position::Street(..)) => 3,
        None => 0,
    };
    if given != 1 || partial != expected {
        return Err(file_err(format!(
            "the header must give the position in one form: lon,lat or e_25832_m,n_25832_m \
             or street,chainage_m,offset_m (found {})",
            t.header.join(",")
        )));
    }
    let position = forms.into_iter().flatten().next().expect("one form");
    let (Some(e_col), Some(at_col)) = (t.col("e_h_lx"), t.col("measured_at")) else {
        return Err(file_err(format!(
            "the header must name e_h_lx and measured_at (found {})",
            t.header.join(",")
        )));
    };
    let (survey_col, instrument_col, note_col) =
        (t.col("survey"), t.col("instrument"), t.col("note"));
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let sha = sha256_hex(bytes);
    let mut lines: HashMap<&str, Polyline> = HashMap::new();
    let mut surveys: Vec<Survey> = Vec::new();
    for row in &t.rows {
        let (lon, lat) = match position {
            Position::LonLat(a, b) => {
                let (lon, lat) = (t.number(row, a)?, t.number(row, b)?);
                if !crate::frame::valid_lonlat(lon, lat) {
                    return Err(t.err(
                        row,
                        a,
                        format!(
                            "{lon}, {lat} is not a WGS84 position; give lon and lat in degrees \
                             (lon first)"
                        ),
                    ));
                }
                (lon, lat)
            }
            Position::Utm(a, b) => {
                let (e, n) = (t.number(row, a)?, t.number(row, b)?);
                let (lon, lat) = from_utm32(Xy::new(e, n));
                if !(100_000.0..=900_000.0).contains(&e)
                    || !(0.0..=9_400_000.0).contains(&n)
                    || !crate::frame::valid_lonlat(lon, lat)
                {
                    return Err(t.err(
                        row,
                        a,
                        format!(
                            "{e}, {n} is not an EPSG:25832 position; give the easting and \
                             northing in metres"
                        ),
                    ));
                }
                (lon, lat)
            }
            Position::Street(s, c, o) => {
                let id = t.required_text(row, s)?;
                let Some(street) = plan.streets.iter().find(|x| x.id == id) else {
                    return Err(t.err(
                        row,
                        s,
                        format!("{id:?} is not a street of the plan; use a street id"),
                    ));
                };
                let line = lines
                    .entry(street.id.as_str())
                    .or_insert_with(|| Polyline::from_lonlat(&street.points));
                let (ch, off) = (t.number(row, c)?, t.number(row, o)?);
                if ch < 0.0 || ch > line.length() + 1e-6 {
                    return Err(t.err(
                        row,
                        c,
                        format!(
                            "{ch} m is off the street; {id} runs from 0 to {:.2} m",
                            line.length()
                        ),
                    ));
                }
                if off.abs() > 100.0 {
                    return Err(t.err(
                        row,
                        o,
                        format!("{off} m is more than 100 m from the centreline"),
                    ));
                }
                let side = if off >= 0.0 { Side::Left } else { Side::Right };
                let Some(p) = line.offset_point(ch, off.abs(), side) else {
                    return Err(t.err(row, s, format!("{id:?} has fewer than two vertices")));
                };
                from_utm32(p)
            }
        };
        let e_h_lx = t.number(row, e_col)?;
        if !(0.0..=MAX_E_H_LX).contains(&e_h_lx) {
            return Err(t.err(
                row,
                e_col,
                format!("{e_h_lx} lx is not a street's illuminance; give 0 to {MAX_E_H_LX} lx"),
            ));
        }
        let measured_at = t.required_text(row, at_col)?;
        iso_time(measured_at).map_err(|m| t.err(row, at_col, m))?;
        let date = &measured_at[..10];
        let name = match survey_col.map(|c| t.text(row, c)) {
            Some(n) if !n.is_empty() => n.to_string(),
            _ => format!("{file_name} {date}"),
        };
        let instrument = instrument_col.map_or("", |c| t.text(row, c));
        let k = match surveys.iter().position(|s| s.name == name) {
            Some(k) => k,
            None => {
                surveys.push(Survey {
                    name,
                    source_file: file_name.clone(),
                    sha256: sha.clone(),
                    instrument: String::new(),
                    points: Vec::new(),
                });
                surveys.len() - 1
            }
        };
        let s = &mut surveys[k];
        if s.instrument.is_empty() {
            s.instrument = instrument.to_string();
        }
        s.points.push(SurveyPoint {
            lon,
            lat,
            measured_at: measured_at.to_string(),
            e_h_lx,
            note: note_col.map_or(String::new(), |c| t.text(row, c).to_string()),
        });
    }
    not_empty(
        surveys,
        path,
        "no measured points after the header; one row per point",
    )
}

/// `items`, or an error at line 2 of `path` when the file had none.
fn not_empty<T>(items: Vec<T>, path: &Path, message: &str) -> Result<Vec<T>, FileError> {
    if items.is_empty() {
        return Err(FileError::new(path, Location::Line(2), message));
    }
    Ok(items)
}

const READING_COLUMNS: [&str; 5] = ["vendor", "pole", "from", "to", "kwh"];

/// A reading's time: with an offset (or `Z`), or a civil date-time or date in `tz`.
fn reading_time(t: &str, tz: &jiff::tz::TimeZone) -> Result<jiff::Timestamp, String> {
    if let Ok(ts) = t.parse::<jiff::Timestamp>() {
        return Ok(ts);
    }
    let civil = t
        .parse::<jiff::civil::DateTime>()
        .ok()
        .or_else(|| {
            (t.len() == 10)
                .then(|| t.parse::<jiff::civil::Date>().ok())
                .flatten()
                .map(|d| d.to_datetime(jiff::civil::Time::midnight()))
        })
        .ok_or_else(|| {
            format!(
                "{t:?} is not an ISO 8601 date-time; write 2026-11-01T00:00:00+01:00, or \
                 2026-11-01T00:00 in the plan's time zone"
            )
        })?;
    tz.to_timestamp(civil)
        .map_err(|e| format!("{t:?} in the plan's time zone: {e}"))
}

/// The energy readings in the CSV `bytes` read from `path`: `vendor` or `pole` (one per
/// row, naming one of the plan's), `from`, `to` (ISO 8601, with an offset or in the
/// plan's time zone; stored with their offset), `kwh`.
pub fn read_readings(
    plan: &Plan,
    path: &Path,
    bytes: &[u8],
) -> Result<Vec<EnergyReading>, FileError> {
    let t = Table::read(path, bytes)?;
    t.known_columns(&READING_COLUMNS)?;
    let file_err = |m: String| FileError::new(path, Location::LineCol { line: 1, col: 1 }, m);
    let (vendor_col, pole_col) = (t.col("vendor"), t.col("pole"));
    if vendor_col.is_none() && pole_col.is_none() {
        return Err(file_err(
            "the header must name vendor or pole (what each reading is of)".into(),
        ));
    }
    let (Some(from_col), Some(to_col), Some(kwh_col)) = (t.col("from"), t.col("to"), t.col("kwh"))
    else {
        return Err(file_err(format!(
            "the header must name from, to and kwh (found {})",
            t.header.join(",")
        )));
    };
    let tz = jiff::tz::TimeZone::get(&plan.energy.time_zone)
        .map_err(|e| file_err(format!("the plan's time zone: {e}")))?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let sha = sha256_hex(bytes);
    let mut out = Vec::with_capacity(t.rows.len());
    for row in &t.rows {
        let vendor = vendor_col.map(|c| t.text(row, c)).filter(|s| !s.is_empty());
        let pole = pole_col.map(|c| t.text(row, c)).filter(|s| !s.is_empty());
        let of = match (vendor, pole) {
            (Some(v), None) => {
                if plan.vendor(v).is_none() {
                    return Err(t.err(
                        row,
                        vendor_col.unwrap_or(0),
                        format!("{v:?} is not a vendor of the plan; use a vendor id"),
                    ));
                }
                ReadingOf::Vendor(v.to_string())
            }
            (None, Some(p)) => {
                if plan.pole(p).is_none() {
                    return Err(t.err(
                        row,
                        pole_col.unwrap_or(0),
                        format!("{p:?} is not a pole of the plan; use a pole id"),
                    ));
                }
                ReadingOf::Pole(p.to_string())
            }
            _ => {
                return Err(t.err(
                    row,
                    vendor_col.or(pole_col).unwrap_or(0),
                    "give either a vendor or a pole on each row, not both nor neither".into(),
                ));
            }
        };
        let from = reading_time(t.required_text(row, from_col)?, &tz)
            .map_err(|m| t.err(row, from_col, m))?;
        let to =
            reading_time(t.required_text(row, to_col)?, &tz).map_err(|m| t.err(row, to_col, m))?;
        let span = to.as_second() - from.as_second();
        if span <= 0 || span > 400 * 86_400 {
            return Err(t.err(
                row,
                to_col,
                "must be after from, and at most 400 days after it".into(),
            ));
        }
        let kwh = t.number(row, kwh_col)?;
        if kwh < 0.0 {
            return Err(t.err(
                row,
                kwh_col,
                format!("{kwh} is negative; give the kWh used"),
            ));
        }
        out.push(EnergyReading {
            of,
            from: rfc3339(from, &tz),
            to: rfc3339(to, &tz),
            kwh,
            source_file: file_name.clone(),
            sha256: sha.clone(),
        });
    }
    not_empty(
        out,
        path,
        "no readings after the header; one row per reading",
    )
}

/// `2026-11-01T00:00:00+01:00`.
/// `2026-11-01T00:00:00+01:00`: the instant `ts` on the clock of `tz`, with its offset.
fn rfc3339(ts: jiff::Timestamp, tz: &jiff::tz::TimeZone) -> String {
    let dt = tz.to_datetime(ts);
    let off = tz.to_offset(ts).seconds();
    let (sign, a) = if off < 0 { ('-', -off) } else { ('+', off) };
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
        dt.year(),
        dt.month(),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second(),
        a / 3600,
        a % 3600 / 60
    )
}

/// Unix seconds of a stored reading time (RFC 3339 with an offset).
pub fn unix_seconds(t: &str) -> Option<i64> {
    t.parse::<jiff::Timestamp>().ok().map(|t| t.as_second())
}
