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

    /// The codes here of `other`'s ids, by `other`'s code (those new here numbered in
    /// `other`'s order): for joining the tables of consecutive parts of a run.
    pub(crate) fn recode(&mut self, other: IdCodes) -> Vec<u32> {
        other.names.iter().map(|id| self.code(id)).collect()
    }
}

/// The unit and indicator of each record of a columnar table by code into the table's
/// ids (crate-private): what the schedule and trend tables share.
#[derive(Debug, Clone, Default)]
pub(crate) struct RecordIds {
    /// The ids by code.
    pub(crate) names: Vec<Id>,
    unit: Vec<u32>,
    indicator: Vec<u32>,
}

impl RecordIds {
    /// Number of records.
    pub(crate) fn len(&self) -> usize {
        self.unit.len()
    }

    /// Unit id of record `k`.
    pub(crate) fn unit(&self, k: usize) -> &Id {
        &self.names[self.unit[k] as usize]
    }

    /// Indicator id of record `k`.
    pub(crate) fn indicator(&self, k: usize) -> &Id {
        &self.names[self.indicator[k] as usize]
    }

    /// The position of the record of `unit` and `indicator`: `at` when that record is
    /// there, else found by a search.
    pub(crate) fn find_at(&self, at: usize, unit: &str, indicator: &str) -> Option<usize> {
        let is = |k: usize| *self.unit(k) == *unit && *self.indicator(k) == *indicator;
        if at < self.len() && is(at) {
            return Some(at);
        }
        (0..self.len()).find(|&k| is(k))
    }

    /// Room for `n` more records, or an error naming `what` (the table).
    pub(crate) fn try_reserve(&mut self, what: &str, n: usize) -> crate::error::Result<()> {
        crate::alloc::try_reserve(&mut self.unit, what, n)?;
        crate::alloc::try_reserve(&mut self.indicator, what, n)
    }

    /// Appends a record's unit and indicator codes.
    pub(crate) fn push(&mut self, unit: u32, indicator: u32) {
        self.unit.push(unit);
        self.indicator.push(indicator);
    }

    /// Appends `other`'s records, their codes mapped by `codes`.
    pub(crate) fn extend_recoded(&mut self, other: &RecordIds, codes: &[u32]) {
        self.unit
            .extend(other.unit.iter().map(|&c| codes[c as usize]));
        self.indicator
            .extend(other.indicator.iter().map(|&c| codes[c as usize]));
    }
}

/// Texts numbered in the order they are first given (crate-private): a columnar table
/// holds each distinct note or basis text once and refers to it by this code. A fixed
/// text (`Cow::Borrowed`, a string literal) is looked up by its address in a small
/// direct-mapped cache first (a run's notes and bases are a few dozen literals, given
/// hundreds of thousands of times): no hashing of the text; a miss, or any other text, is
/// found by its content, so equal texts have one code however they come.
#[derive(Debug)]
pub(crate) struct TextCodes {
    texts: Vec<std::borrow::Cow<'static, str>>,
    codes: std::collections::HashMap<String, u32>,
    // (address, length, code) of fixed texts, by a hash of the address (a text's
    // address is never 0, not even an empty one's: an empty slot matches nothing)
    fixed: [(usize, usize, u32); FIXED_SLOTS],
}

/// Slots of [`TextCodes`]'s cache of fixed texts.
const FIXED_SLOTS: usize = 64;

impl Default for TextCodes {
    fn default() -> TextCodes {
        TextCodes {
            texts: Vec::new(),
            codes: std::collections::HashMap::new(),
            // (no text has address 0)
            fixed: [(0, 0, 0); FIXED_SLOTS],
        }
    }
}

impl TextCodes {
    /// The code of `text` (numbered when new).
    // (the `Cow` itself, not its text: whether it is borrowed is what is read)
    #[allow(clippy::ptr_arg)]
    #[inline]
    pub(crate) fn code(&mut self, text: &std::borrow::Cow<'static, str>) -> u32 {
        match text {
            std::borrow::Cow::Borrowed(s) => {
                let a = s.as_ptr() as usize;
                let k = (a ^ (a >> 6) ^ (a >> 12) ^ s.len()) % FIXED_SLOTS;
                let f = self.fixed[k];
                if f.0 == a && f.1 == s.len() {
                    return f.2;
                }
                let c = self.by_content(text);
                self.fixed[k] = (a, s.len(), c);
                c
            }
            std::borrow::Cow::Owned(_) => self.by_content(text),
        }
    }

    /// The code of `text` found by its content (numbered when new; a fixed text is kept
    /// borrowed).
    #[allow(clippy::ptr_arg)]
    #[inline(never)]
    fn by_content(&mut self, text: &std::borrow::Cow<'static, str>) -> u32 {
        if let Some(&c) = self.codes.get(text.as_ref()) {
            return c;
        }
        let c = self.texts.len() as u32;
        self.texts.push(text.clone());
        self.codes.insert(text.to_string(), c);
        c
    }

    /// The texts by code.
    pub(crate) fn into_texts(self) -> Vec<std::borrow::Cow<'static, str>> {
        self.texts
    }

    /// The codes here of `other`'s texts, by `other`'s code.
    pub(crate) fn recode(&mut self, other: TextCodes) -> Vec<u32> {
        other.texts.iter().map(|t| self.code(t)).collect()
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

    /// Equal texts have one code whether fixed or owned, in whichever order they come;
    /// different texts (even at one address with another length) have different codes.
    #[test]
    fn text_codes_are_by_content() {
        use std::borrow::Cow;
        let mut t = TextCodes::default();
        let lit: &'static str = "no data here";
        let a = t.code(&Cow::Borrowed("no data"));
        assert_eq!(t.code(&Cow::Owned("no data".to_string())), a);
        assert_eq!(t.code(&Cow::Borrowed("no data")), a);
        let b = t.code(&Cow::Owned("zero target".to_string()));
        assert_ne!(a, b);
        assert_eq!(t.code(&Cow::Borrowed("zero target")), b);
        // a prefix of a literal: the same address, another text
        let c = t.code(&Cow::Borrowed(lit));
        let d = t.code(&Cow::Borrowed(&lit[..7]));
        assert_ne!(c, d);
        assert_eq!(d, a);
        // more fixed texts than the cache has slots: found by content all the same
        let many: Vec<String> = (0..2 * FIXED_SLOTS).map(|k| format!("t{k}")).collect();
        let leaked: Vec<&'static str> = many
            .iter()
            .map(|s| &*Box::leak(s.clone().into_boxed_str()))
            .collect();
        let codes: Vec<u32> = leaked.iter().map(|s| t.code(&Cow::Borrowed(*s))).collect();
        for (s, &c) in many.iter().zip(&codes) {
            assert_eq!(t.code(&Cow::Owned(s.clone())), c);
        }
        for (s, &c) in leaked.iter().zip(&codes).rev() {
            assert_eq!(t.code(&Cow::Borrowed(*s)), c);
        }
        // the empty text, by content
        let e = t.code(&Cow::Borrowed(""));
        assert_eq!(t.code(&Cow::Owned(String::new())), e);
        let texts = t.into_texts();
        assert_eq!(texts[a as usize], "no data");
        assert_eq!(texts[c as usize], lit);
        assert_eq!(texts.len(), 4 + 2 * FIXED_SLOTS);
        assert_eq!(texts[e as usize], "");
    }
}
