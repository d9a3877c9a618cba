//! The ladder: five levels, ordered from lowest to highest.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A rung of the ladder. The middle three are the hierarchy the source articles describe:
/// the head runs day-to-day operations, the director sets direction for an area, the VP
/// owns the whole operational structure at executive level. The outer two say "none of the
/// three, and on which side": individual contributors and front-line staff below (nobody
/// reports to them as their manager), the C-suite and an organisation's chief above.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Individual,
    Head,
    Director,
    Vp,
    Executive,
}

/// One value per level, indexed by [`Level::index`].
pub type PerLevel<T> = [T; Level::COUNT];

impl Level {
    /// The number of rungs.
    pub const COUNT: usize = 5;

    /// All levels, lowest first; `Level::ALL[l.index()] == l`.
    pub const ALL: PerLevel<Level> = [
        Level::Individual,
        Level::Head,
        Level::Director,
        Level::Vp,
        Level::Executive,
    ];

    /// The three levels the source articles describe, lowest first.
    pub const MANAGEMENT: [Level; 3] = [Level::Head, Level::Director, Level::Vp];

    /// Position in [`Level::ALL`], used to index per-level arrays.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The lower-case name used in files and output: `individual`, `head`, `director`, `vp`,
    /// `executive`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Individual => "individual",
            Level::Head => "head",
            Level::Director => "director",
            Level::Vp => "vp",
            Level::Executive => "executive",
        }
    }

    /// True for head, director and vp: the three levels the articles describe.
    pub fn is_management(self) -> bool {
        matches!(self, Level::Head | Level::Director | Level::Vp)
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// Error for a string that names no level.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown level {0:?}: expected individual, head, director, vp or executive")]
pub struct UnknownLevel(pub String);

impl FromStr for Level {
    type Err = UnknownLevel;

    /// Accepts the output names and the common spellings found in label columns.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "individual" | "ic" | "individual contributor" => Ok(Level::Individual),
            "head" => Ok(Level::Head),
            "director" => Ok(Level::Director),
            "vp" | "vice president" | "vice-president" => Ok(Level::Vp),
            "executive" | "c-level" | "c-suite" => Ok(Level::Executive),
            _ => Err(UnknownLevel(s.to_string())),
        }
    }
}

/// Which rungs an answer may take: all five, or only the three the articles describe (for
/// files that hold only leadership postings, and to compare with figures from before the
/// ladder had five rungs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Rungs {
    /// individual, head, director, vp, executive.
    #[default]
    Five,
    /// head, director, vp: the described level is forced among the three.
    Three,
}

impl Rungs {
    /// Whether `level` is one of these rungs.
    pub fn allows(self, level: Level) -> bool {
        match self {
            Rungs::Five => true,
            Rungs::Three => level.is_management(),
        }
    }

    /// The rungs as a per-level mask.
    pub fn mask(self) -> PerLevel<bool> {
        Level::ALL.map(|l| self.allows(l))
    }

    /// The lower-case name: `five` or `three`.
    pub fn as_str(self) -> &'static str {
        match self {
            Rungs::Five => "five",
            Rungs::Three => "three",
        }
    }
}

impl fmt::Display for Rungs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_ordered_lowest_first() {
        assert!(Level::ALL.windows(2).all(|w| w[0] < w[1]));
        assert!(Level::Individual < Level::Head && Level::Vp < Level::Executive);
    }

    #[test]
    fn level_names_round_trip() {
        for l in Level::ALL {
            assert_eq!(l.as_str().parse::<Level>(), Ok(l));
            assert_eq!(Level::ALL[l.index()], l);
        }
        assert!("manager".parse::<Level>().is_err());
    }

    #[test]
    fn three_rungs_are_the_management_levels() {
        let kept: Vec<Level> = Level::ALL
            .into_iter()
            .filter(|&l| Rungs::Three.allows(l))
            .collect();
        assert_eq!(kept, Level::MANAGEMENT);
        assert!(Level::ALL.iter().all(|&l| Rungs::Five.allows(l)));
    }
}
