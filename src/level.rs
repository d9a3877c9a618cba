//! The three management levels, ordered from lowest to highest.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A management level. The order is the hierarchy the source articles describe:
/// the head runs day-to-day operations, the director sets direction for an area,
/// the VP owns the whole operational structure at executive level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Head,
    Director,
    Vp,
}

impl Level {
    /// All levels, lowest first; `Level::ALL[l.index()] == l`.
    pub const ALL: [Level; 3] = [Level::Head, Level::Director, Level::Vp];

    /// Position in [`Level::ALL`], used to index per-level arrays.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The lower-case name used in files and output: `head`, `director`, `vp`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Head => "head",
            Level::Director => "director",
            Level::Vp => "vp",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// Error for a string that names no level.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown level {0:?}: expected head, director or vp")]
pub struct UnknownLevel(pub String);

impl FromStr for Level {
    type Err = UnknownLevel;

    /// Accepts the output names and the common spellings found in label columns.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "head" => Ok(Level::Head),
            "director" => Ok(Level::Director),
            "vp" | "vice president" | "vice-president" => Ok(Level::Vp),
            _ => Err(UnknownLevel(s.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_ordered_head_director_vp() {
        assert!(Level::Head < Level::Director && Level::Director < Level::Vp);
    }

    #[test]
    fn level_names_round_trip() {
        for l in Level::ALL {
            assert_eq!(l.as_str().parse::<Level>(), Ok(l));
            assert_eq!(Level::ALL[l.index()], l);
        }
        assert!("manager".parse::<Level>().is_err());
    }
}
