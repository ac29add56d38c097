//! [`Id`]: a shared, immutable id (unit, indicator, dimension) or fixed label.
//!
//! Monitoring writes the same few thousand ids into millions of records (schedule, trend,
//! targets, dashboards, aggregates, dynamic-index contributions). An `Id` is a
//! reference-counted string: each distinct id is allocated once and every record shares
//! it (copying one is a reference-count increment, not an allocation) — string interning.
//! It compares equal to `str`/`String`, dereferences to `str`, and serialises as a plain
//! JSON string, so the serde form of every record is unchanged.

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A shared immutable string (see the module documentation).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Id(Arc<str>);

impl Id {
    /// A new id (allocates once; clone it to share it).
    pub fn new(s: &str) -> Id {
        Id(Arc::from(s))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for Id {
    fn default() -> Id {
        Id::new("")
    }
}

impl Deref for Id {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Id {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Id {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&*self.0, f)
    }
}

impl From<&str> for Id {
    fn from(s: &str) -> Id {
        Id::new(s)
    }
}

impl From<String> for Id {
    fn from(s: String) -> Id {
        Id(Arc::from(s))
    }
}

impl From<&String> for Id {
    fn from(s: &String) -> Id {
        Id::new(s)
    }
}

impl From<Id> for String {
    fn from(s: Id) -> String {
        s.0.to_string()
    }
}

impl From<&Id> for String {
    fn from(s: &Id) -> String {
        s.0.to_string()
    }
}

impl PartialEq<str> for Id {
    fn eq(&self, o: &str) -> bool {
        &*self.0 == o
    }
}

impl PartialEq<&str> for Id {
    fn eq(&self, o: &&str) -> bool {
        &*self.0 == *o
    }
}

impl PartialEq<String> for Id {
    fn eq(&self, o: &String) -> bool {
        *self.0 == **o
    }
}

impl PartialEq<Id> for str {
    fn eq(&self, o: &Id) -> bool {
        self == &*o.0
    }
}

impl PartialEq<Id> for &str {
    fn eq(&self, o: &Id) -> bool {
        *self == &*o.0
    }
}

impl PartialEq<Id> for String {
    fn eq(&self, o: &Id) -> bool {
        **self == *o.0
    }
}

impl Serialize for Id {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Id, D::Error> {
        String::deserialize(d).map(Id::from)
    }
}

/// Ids numbered in the order they are first given (crate-private): the columnar monitoring
/// tables hold each id once and refer to it by this code.
#[derive(Debug, Default)]
pub(crate) struct IdCodes {
    names: Vec<Id>,
    codes: std::collections::HashMap<Id, u32>,
}

impl IdCodes {
    /// The framework's indicator ids of `h` with codes `0..n_ind`, then its dimension ids
    /// with codes `n_ind..n_ind + n_dim` (the position of an indicator or dimension is its
    /// code).
    pub(crate) fn of_framework(
        h: &super::aggregate::Hierarchy,
        n_ind: usize,
        n_dim: usize,
    ) -> IdCodes {
        let mut ids = IdCodes::default();
        for id in (0..n_ind)
            .map(|j| h.indicator_id(j))
            .chain((0..n_dim).map(|k| h.dimension_id(k)))
        {
            // by position, even for an id given twice (the code found by name is the first)
            ids.codes
                .entry(id.clone())
                .or_insert(ids.names.len() as u32);
            ids.names.push(id.clone());
        }
        ids
    }

    /// The code of `id` (numbered when new).
    pub(crate) fn code(&mut self, id: &Id) -> u32 {
        let names = &mut self.names;
        *self.codes.entry(id.clone()).or_insert_with(|| {
            names.push(id.clone());
            (names.len() - 1) as u32
        })
    }

    /// The ids by code.
    pub(crate) fn into_names(self) -> Vec<Id> {
        self.names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_compares_and_serialises_as_a_string() {
        let a = Id::new("county_a");
        let b = a.clone();
        // one allocation shared: the same pointer
        assert!(std::ptr::eq(a.as_str().as_ptr(), b.as_str().as_ptr()));
        assert_eq!(a, "county_a");
        assert_eq!("county_a", a);
        assert_eq!(a, String::from("county_a"));
        assert_ne!(a, "county_b");
        assert_eq!(serde_json::to_string(&a).unwrap(), "\"county_a\"");
        let back: Id = serde_json::from_str("\"甲市\"").unwrap();
        assert_eq!(back, "甲市");
    }
}
