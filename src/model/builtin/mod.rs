//! Built-in frameworks, shipped as JSON data inside the crate and parsed and validated
//! once, at first use.
//!
//! `quzhou-2021-2025` is the indicator model of《衢州高质量发展建设四省边际共同富裕示范区
//! 行动计划(2021-2025年)》 (CPC Quzhou Municipal Committee and Quzhou Municipal People's
//! Government, 22 August 2021): every quantified target of its development goals and
//! items 1–46 (102 indicators in eight dimensions; public services has eight
//! sub-dimensions), each with the plan section and the exact phrase it is taken from. The
//! JSON format and the modelling conventions are described in `docs/indicator-model.md`;
//! `tests/builtin_quzhou.rs` checks every phrase and every number against the plan text.

use once_cell::sync::Lazy;

use super::Framework;
use crate::error::{Error, Result};

/// The id of the built-in Quzhou framework.
pub const QUZHOU_2021_2025: &str = "quzhou-2021-2025";

/// The id of the built-in framework the command line and the bindings use when none is
/// named.
pub const DEFAULT: &str = QUZHOU_2021_2025;

/// The JSON text of the built-in Quzhou framework, as shipped.
pub const QUZHOU_2021_2025_JSON: &str = include_str!("quzhou-2021-2025.json");

static QUZHOU: Lazy<Result<Framework>> = Lazy::new(|| Framework::from_json(QUZHOU_2021_2025_JSON));

/// The ids of every built-in framework.
pub fn names() -> &'static [&'static str] {
    &[QUZHOU_2021_2025]
}

/// The built-in framework with this id, parsed and validated once per process.
///
/// Errors: [`Error::UnknownId`] listing the known ids.
pub fn get(id: &str) -> Result<&'static Framework> {
    let cell = match id {
        QUZHOU_2021_2025 => &QUZHOU,
        _ => {
            return Err(Error::UnknownId {
                kind: "built-in framework".into(),
                id: id.into(),
                hint: format!(" (known: {})", names().join(", ")),
            })
        }
    };
    cell.as_ref().map_err(Clone::clone)
}

/// The built-in Quzhou framework.
///
/// # Panics
/// Never in a released build: the shipped JSON is validated by the test suite.
pub fn quzhou() -> &'static Framework {
    get(QUZHOU_2021_2025).expect("the shipped quzhou-2021-2025 framework is valid")
}

/// The default built-in framework ([`DEFAULT`]).
///
/// # Panics
/// Never in a released build: the shipped JSON is validated by the test suite.
pub fn default_framework() -> &'static Framework {
    get(DEFAULT).expect("the shipped default framework is valid")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quzhou_loads_and_validates() {
        let fw = get(QUZHOU_2021_2025).unwrap();
        assert_eq!(fw.base_year, 2020);
        assert_eq!(fw.target_year, 2025);
        assert!(fw.indicator("gdp").is_some());
    }

    #[test]
    fn unknown_builtin_names_the_known_ones() {
        let e = get("hangzhou").unwrap_err().to_string();
        assert!(
            e.contains("hangzhou") && e.contains(QUZHOU_2021_2025),
            "{e}"
        );
    }
}
