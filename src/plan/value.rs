//! A refused value as data, and the limits values are judged by: [`ValueError`] (the
//! field, the value found and what is allowed, with its unit) and [`Limit`] (a finite
//! number's bounds and the band beyond which it is implausible). Below both the
//! validator ([`super::validate`]) and the energy settings ([`super::energy`]), which
//! state their limits with these.

use crate::finding::number;

/// A refused value: where it is, what it is and what is allowed, as data; `Display`
/// makes the sentence of files and the CLI (`height_m = 0: must be a finite number >
/// 0`), [`ValueError::explain`] the one a user reads at a field.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{path} = {value}: must be {allowed}")]
pub struct ValueError {
    /// The field, relative to the object checked (`"height_m"`) or, from [`plan`], from
    /// the plan's root (`"poles[3] (P017).height_m"`).
    pub path: String,
    /// The value as found: a number, or text shown as found (`"\"\""`, `"23 values"`).
    pub value: Found,
    /// What the field allows.
    pub allowed: Allowed,
}

/// A refused value as found.
#[derive(Debug, Clone)]
pub enum Found {
    /// A number; shown as [`number`] writes it (`NaN`, `-3`, `1.000e308`).
    Number(f64),
    /// Anything else, already in the words it is shown in (`"\"\""`, `"23 values"`).
    Text(String),
}

impl std::fmt::Display for Found {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Found::Number(v) => f.write_str(&number(*v)),
            Found::Text(t) => f.write_str(t),
        }
    }
}

/// Equal when shown alike, so that a NaN equals itself (an error compares equal to its
/// clone).
impl PartialEq for Found {
    fn eq(&self, other: &Found) -> bool {
        match (self, other) {
            (Found::Number(a), Found::Number(b)) => a.to_bits() == b.to_bits(),
            (Found::Text(a), Found::Text(b)) => a == b,
            _ => false,
        }
    }
}

/// Compares the value as shown: `e.value == "NaN"`.
impl PartialEq<&str> for Found {
    fn eq(&self, other: &&str) -> bool {
        match self {
            Found::Number(v) => number(*v) == *other,
            Found::Text(t) => t == other,
        }
    }
}

impl From<f64> for Found {
    fn from(v: f64) -> Self {
        Found::Number(v)
    }
}

impl From<String> for Found {
    fn from(t: String) -> Self {
        Found::Text(t)
    }
}

impl From<&str> for Found {
    fn from(t: &str) -> Self {
        Found::Text(t.to_string())
    }
}

/// What a field allows.
#[derive(Debug, Clone, PartialEq)]
pub enum Allowed {
    /// A finite number within the bounds given (either may be open): "a finite number",
    /// "a finite number > 0", "a finite number in (0, 1]".
    Number {
        min: Option<Bound>,
        max: Option<Bound>,
    },
    /// A whole number in `min..=max`: "a whole number in 1..12".
    Whole { min: i64, max: i64 },
    /// A finite number at least another field's value, for the reason `why`: "a finite
    /// number >= from_m (20); a section runs ...".
    AtLeastField {
        field: &'static str,
        value: f64,
        why: &'static str,
    },
    /// At most another field's value (in that field's unit), for the reason `why`: "at
    /// most power_w (3 W): standby is ...".
    AtMostField {
        field: &'static str,
        value: f64,
        why: &'static str,
    },
    /// A non-blank id, like `example`.
    Id { example: &'static str },
    /// Anything else, in words: "an IANA time zone name such as ...".
    Described(String),
}

impl Allowed {
    /// The range of an [`Allowed::Number`] after "a finite number" (`" > 0"`, `" in (0,
    /// 1]"`; empty for any finite number); `None` for the other kinds.
    fn number_range(&self) -> Option<String> {
        let Allowed::Number { min, max } = *self else {
            return None;
        };
        Some(match (min, max) {
            (None, None) => String::new(),
            (Some(Bound::Incl(a)), None) => format!(" >= {a}"),
            (Some(Bound::Excl(a)), None) => format!(" > {a}"),
            (None, Some(Bound::Incl(b))) => format!(" <= {b}"),
            (None, Some(Bound::Excl(b))) => format!(" < {b}"),
            (Some(Bound::Incl(a)), Some(Bound::Incl(b))) => format!(" in {a}..{b}"),
            (Some(Bound::Incl(a)), Some(Bound::Excl(b))) => format!(" in {a}..{b}, {b} excluded"),
            (Some(Bound::Excl(a)), Some(Bound::Incl(b))) => format!(" in ({a}, {b}]"),
            (Some(Bound::Excl(a)), Some(Bound::Excl(b))) => format!(" in ({a}, {b})"),
        })
    }
}

impl std::fmt::Display for Allowed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Allowed::Number { .. } => {
                write!(
                    f,
                    "a finite number{}",
                    self.number_range().unwrap_or_default()
                )
            }
            Allowed::Whole { min, max } => write!(f, "a whole number in {min}..{max}"),
            Allowed::AtLeastField { field, value, why } => {
                write!(f, "a finite number >= {field} ({}){why}", number(*value))
            }
            Allowed::AtMostField { field, value, why } => write!(
                f,
                "at most {field} ({}{}){why}",
                number(*value),
                Unit::of_field(field).1.suffix()
            ),
            Allowed::Id { example } => write!(f, "a non-blank id such as \"{example}\""),
            Allowed::Described(text) => f.write_str(text),
        }
    }
}

/// The unit of a field, from the suffix of its name (`height_m`, `tilt_deg`, `flux_lm`,
/// `power_w`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// No unit suffix (`lanes`, `maintenance_factor`).
    None,
    Metre,
    Degree,
    Lumen,
    Watt,
}

impl Unit {
    /// The field's plain name and its unit: `"height_m"` gives `("height", Metre)`.
    pub fn of_field(field: &str) -> (&str, Unit) {
        [
            ("_m", Unit::Metre),
            ("_deg", Unit::Degree),
            ("_lm", Unit::Lumen),
            ("_w", Unit::Watt),
        ]
        .into_iter()
        .find_map(|(suffix, unit)| field.strip_suffix(suffix).map(|p| (p, unit)))
        .unwrap_or((field, Unit::None))
    }

    /// As written after a number: `" m"`, `"°"`, `" lm"`, `" W"`, or nothing.
    pub fn suffix(self) -> &'static str {
        match self {
            Unit::None => "",
            Unit::Metre => " m",
            Unit::Degree => "°",
            Unit::Lumen => " lm",
            Unit::Watt => " W",
        }
    }
}

impl ValueError {
    /// A refusal of `value` at `path`.
    pub fn new(path: impl Into<String>, value: impl Into<Found>, allowed: Allowed) -> Self {
        ValueError {
            path: path.into(),
            value: value.into(),
            allowed,
        }
    }

    /// The field's name: the last part of the path (`"height_m"`).
    pub fn field(&self) -> &str {
        self.path.rsplit('.').next().unwrap_or(&self.path)
    }

    /// The field's unit, from the suffix of its name.
    pub fn unit(&self) -> Unit {
        Unit::of_field(self.field()).1
    }

    /// The refusal in words a user reads at a field: the field's plain name and unit,
    /// the allowed range, and the exact field of the file, e.g. `height 0 m: allowed is
    /// height > 0 m (height_m must be a finite number > 0)`.
    pub fn explain(&self) -> String {
        let (plain, unit) = Unit::of_field(self.field());
        let (plain, unit) = (plain.replace('_', " "), unit.suffix());
        let (value, path, allowed) = (&self.value, &self.path, &self.allowed);
        // The range after "a finite number", where there is one.
        let range = match allowed {
            Allowed::AtLeastField { .. } => {
                let text = allowed.to_string();
                Some(text["a finite number".len()..].to_string())
            }
            _ => allowed.number_range().filter(|r| !r.is_empty()),
        };
        match range {
            Some(range) => format!(
                "{plain} {value}{unit}: allowed is {plain}{range}{unit} ({path} must be \
                 {allowed})"
            ),
            None => format!("{plain} {value}{unit}: {path} must be {allowed}"),
        }
    }

    /// The same error with `prefix` put before its path (`"poles[3] (P017)"` + `"."`).
    pub fn within(mut self, prefix: &str) -> Self {
        self.path = if prefix.is_empty() {
            self.path
        } else {
            format!("{prefix}.{}", self.path)
        };
        self
    }
}

/// One end of an allowed range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bound {
    /// The value itself is allowed (`>=` / `<=`).
    Incl(f64),
    /// The value itself is refused (`>` / `<`).
    Excl(f64),
}

/// The limits of one numeric field: the range outside which it is refused, and the
/// thresholds beyond which it is allowed but implausible.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limit {
    /// The field name as written in files.
    pub field: &'static str,
    /// Refused below this (non-finite values are always refused).
    pub min: Option<Bound>,
    /// Refused above this.
    pub max: Option<Bound>,
    /// A warning above this.
    pub warn_above: Option<f64>,
    /// A warning below this.
    pub warn_below: Option<f64>,
}

impl Limit {
    pub(crate) const fn any(field: &'static str) -> Self {
        Limit {
            field,
            min: None,
            max: None,
            warn_above: None,
            warn_below: None,
        }
    }
    pub(crate) const fn min(self, b: Bound) -> Self {
        Limit {
            min: Some(b),
            ..self
        }
    }
    pub(crate) const fn max(self, b: Bound) -> Self {
        Limit {
            max: Some(b),
            ..self
        }
    }
    pub(crate) const fn warn_above(self, v: f64) -> Self {
        Limit {
            warn_above: Some(v),
            ..self
        }
    }
    pub(crate) const fn warn_below(self, v: f64) -> Self {
        Limit {
            warn_below: Some(v),
            ..self
        }
    }

    /// Whether `v` is allowed (finite and within the range).
    pub fn allows(&self, v: f64) -> bool {
        let lo = match self.min {
            None => true,
            Some(Bound::Incl(m)) => v >= m,
            Some(Bound::Excl(m)) => v > m,
        };
        let hi = match self.max {
            None => true,
            Some(Bound::Incl(m)) => v <= m,
            Some(Bound::Excl(m)) => v < m,
        };
        v.is_finite() && lo && hi
    }

    /// What the field allows, for people: "a finite number > 0", "a finite number in
    /// (0, 1]", "a finite number in 0..90, 90 excluded".
    pub fn allowed(&self) -> String {
        self.range().to_string()
    }

    /// What the field allows, as data.
    pub fn range(&self) -> Allowed {
        Allowed::Number {
            min: self.min,
            max: self.max,
        }
    }

    /// `Err` naming the field when `v` is refused.
    pub fn check(&self, v: f64) -> Result<(), ValueError> {
        if self.allows(v) {
            Ok(())
        } else {
            Err(ValueError::new(self.field, v, self.range()))
        }
    }

    /// The threshold `v` lies beyond, as text ("above 60"), when it is allowed but
    /// implausible.
    pub fn implausible(&self, v: f64) -> Option<String> {
        if !self.allows(v) {
            return None;
        }
        match (self.warn_above, self.warn_below) {
            (Some(t), _) if v > t => Some(format!("above {t}")),
            (_, Some(t)) if v < t => Some(format!("below {t}")),
            _ => None,
        }
    }
}
