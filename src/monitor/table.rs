//! [`AchievementTable`]: the achievement records of a monitoring run, held by column.
//!
//! Monitoring produces one achievement record per unit × indicator × year — 2.9 million
//! at national scale (2,844 county-level units × 102 indicators × 10 years). Held as
//! [`IndicatorAchievement`] structs each record would own copies of its unit and indicator
//! ids and weigh about 600 bytes. The table instead holds:
//!
//! * the ids once (`units`, `indicators`, `years`); a record is addressed by its positions
//!   `(unit, indicator, year)`, and its row is
//!   `(unit · n_indicators + indicator) · n_years + year` (unit-major, framework order,
//!   years ascending — the order the records have always been listed in);
//! * what is the same for every record of an indicator (kind, polarity, target year,
//!   aspiration) once per indicator, and the elapsed share once per indicator × year;
//! * one dense column per number every record has (observed, measured, the ratio and
//!   progress forms, the score, met, the progress case), missing = NaN;
//! * the baseline, its year and the target once per series (unit × indicator), since
//!   they are almost always the same in every year of a series; a series whose records
//!   differ in one of them (compared bitwise) keeps its per-record values in side columns
//!   (an "exception"), so every record reads back exactly as written. The dense baseline
//!   and target columns of [`AchievementTable::column`] are materialised on first request;
//! * the rarer parts (a multiple-of-baseline horizon, an "about" band, the pro-rata path,
//!   the annual counts, stretch, interim and relative targets, notes, survey verdicts)
//!   as sparse lists of (row, value) sorted by row; a note as a code into the run's
//!   distinct note texts (dictionary-encoded, like the ids).
//!
//! Every lookup by position is O(1) (a sparse part: O(log n)); nothing is allocated per
//! record. The serde form is unchanged: a list of [`IndicatorAchievement`] records,
//! produced on the fly when serialising and read back into columns when deserialising
//! (the list must then be dense in the order above, which is what monitoring writes).
//! The layout follows the "columnar" design of Apache Arrow's record batches (one
//! contiguous array per field, ids dictionary-encoded as integer positions).

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::alloc::{try_filled, try_with_capacity, try_zeroed};
use crate::error::Result;

use serde::de::Error as _;
use serde::ser::SerializeSeq;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::achievement::{
    Draft, Headline, HorizonTarget, IndicatorAchievement, InterimCheck, NoteKey, NoteSink,
    ProgressCase, RelativeAchievement, StretchAchievement,
};
use super::plain::PlainSeries;
use super::satisfaction::SurveyAssessment;
use crate::model::{Kind, Polarity};

/// The rarer parts of a record that only some indicators have (kept sparse). The annual
/// counts and the relative target, the common ones, have lists of their own so that a
/// row with one of them does not hold room for all the others (one list of every optional
/// part took ~280 bytes per such row: most of the table's memory at national scale).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct Extras {
    horizon: Option<HorizonTarget>,
    band: Option<[f64; 2]>,
    pro_rata_target: Option<f64>,
    pro_rata_ratio: Option<f64>,
    stretch: Option<StretchAchievement>,
    interim: Option<InterimCheck>,
}

/// An annual target's counts so far (sparse).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct Counts {
    years_met: Option<usize>,
    years_observed: Option<usize>,
    share_years_met: Option<f64>,
}

/// [`RelativeAchievement`] is `Clone` only; its fields are all `Copy`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct RelativeSlot {
    relation: crate::model::Relation,
    value: f64,
    reference: f64,
    margin: f64,
    gap: f64,
    basis: crate::model::RelativeBasis,
    met: bool,
}

impl Extras {
    fn of(a: &Draft) -> Option<Extras> {
        // most records have none: checked field by field before building the struct
        if a.horizon.is_none()
            && a.band.is_none()
            && a.pro_rata_target.is_none()
            && a.pro_rata_ratio.is_none()
            && a.stretch.is_none()
            && a.interim.is_none()
        {
            return None;
        }
        let e = Extras {
            horizon: a.horizon,
            band: a.band,
            pro_rata_target: a.pro_rata_target,
            pro_rata_ratio: a.pro_rata_ratio,
            stretch: a.stretch,
            interim: a.interim,
        };
        (e != Extras::default()).then_some(e)
    }
}

impl Counts {
    fn of(a: &Draft) -> Option<Counts> {
        let c = Counts {
            years_met: a.years_met,
            years_observed: a.years_observed,
            share_years_met: a.share_years_met,
        };
        (c != Counts::default()).then_some(c)
    }
}

impl RelativeSlot {
    fn of(a: &Draft) -> Option<RelativeSlot> {
        a.relative.as_ref().map(|r| RelativeSlot {
            relation: r.relation,
            value: r.value,
            reference: r.reference,
            margin: r.margin,
            gap: r.gap,
            basis: r.basis,
            met: r.met,
        })
    }
}

/// The numbers of an achievement record held as dense columns (see
/// [`AchievementTable::column`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AchievementColumn {
    /// The panel value in the record's year.
    Observed,
    /// The quantity compared with the target.
    Measured,
    /// The baseline of the measured quantity.
    Baseline,
    /// The numeric target.
    Target,
    /// Ratio form, uncapped.
    Ratio,
    /// Ratio form capped to [0, 1].
    RatioCapped,
    /// Progress form, uncapped.
    Progress,
    /// Headline score in [0, 1].
    Score,
}

/// The achievement records of a monitoring run by column (see the module documentation).
#[derive(Debug, Clone, Default)]
pub struct AchievementTable {
    units: Vec<String>,
    indicators: Vec<String>,
    years: Vec<i32>,
    // per indicator
    kind: Vec<Kind>,
    polarity: Vec<Polarity>,
    target_year: Vec<i32>,
    aspirational: Vec<bool>,
    // per indicator × year
    elapsed: Vec<f64>,
    // per record (NaN = missing): observed, measured, ratio, capped ratio, progress, its
    // case, score, met
    dense: DenseColumns,
    // per series (unit × indicator, row / n_years): the baseline, its year and the target
    // when every record of the series has the same ones (bitwise); otherwise
    // `series_exc[s]` is the offset of the series' per-record values in the `exc_*`
    // columns (and the series values are unused), else `NO_EXC`
    series_baseline: Vec<f64>,
    series_baseline_year: Vec<Option<i32>>,
    series_target: Vec<f64>,
    series_exc: Vec<u32>,
    exc_baseline: Vec<f64>,
    exc_baseline_year: Vec<Option<i32>>,
    exc_target: Vec<f64>,
    // the dense baseline and target columns, built on the first `column` request
    dense_baseline: OnceLock<Vec<f64>>,
    dense_target: OnceLock<Vec<f64>>,
    // sparse, sorted by row
    extras: Vec<(u32, Extras)>,
    counts: Vec<(u32, Counts)>,
    relative: Vec<(u32, RelativeSlot)>,
    // the notes one per entry, their rows alongside (ascending; a row with several notes
    // has several entries): no list allocated per noted row. A note is held as a code
    // into `note_text`, the distinct notes of the run (a series repeats its notes every
    // year, and "no observation in <year>", half of all notes, has one text per year: the
    // report bench's 100-unit panel has 51,036 notes with 2,123 texts)
    note_rows: Vec<u32>,
    note_codes: Vec<u32>,
    note_text: Vec<String>,
    survey: Vec<(u32, SurveyAssessment)>,
    // id → position, built once
    unit_pos: HashMap<String, u32>,
    indicator_pos: HashMap<String, u32>,
}

fn nan(v: Option<f64>) -> f64 {
    v.unwrap_or(f64::NAN)
}

fn some(v: f64) -> Option<f64> {
    (!v.is_nan()).then_some(v)
}

/// `series_exc` of a series whose baseline, baseline year and target are the same in
/// every record.
const NO_EXC: u32 = u32::MAX;

fn same_f64(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x == y || (x.is_nan() && y.is_nan()))
}

impl PartialEq for AchievementTable {
    /// Equal content; NaN (missing) equals NaN.
    fn eq(&self, o: &Self) -> bool {
        self.units == o.units
            && self.indicators == o.indicators
            && self.years == o.years
            && self.kind == o.kind
            && self.polarity == o.polarity
            && self.target_year == o.target_year
            && self.aspirational == o.aspirational
            && same_f64(&self.elapsed, &o.elapsed)
            && same_f64(&self.dense.observed, &o.dense.observed)
            && same_f64(&self.dense.measured, &o.dense.measured)
            && (0..self.len()).all(|r| {
                let (a, b) = (self.baseline_at(r), o.baseline_at(r));
                let (x, y) = (self.target_at(r), o.target_at(r));
                (a == b || (a.is_nan() && b.is_nan()))
                    && (x == y || (x.is_nan() && y.is_nan()))
                    && self.baseline_year_at(r) == o.baseline_year_at(r)
            })
            && same_f64(&self.dense.ratio, &o.dense.ratio)
            && same_f64(&self.dense.ratio_capped, &o.dense.ratio_capped)
            && same_f64(&self.dense.progress, &o.dense.progress)
            && self.dense.progress_case == o.dense.progress_case
            && same_f64(&self.dense.score, &o.dense.score)
            && self.dense.met == o.dense.met
            && self.extras == o.extras
            && self.counts == o.counts
            && self.relative == o.relative
            && self.note_rows == o.note_rows
            && self
                .note_codes
                .iter()
                .zip(&o.note_codes)
                .all(|(&a, &b)| self.note_text[a as usize] == o.note_text[b as usize])
            && self.survey == o.survey
    }
}

/// Builds an [`AchievementTable`] series by series (one unit × indicator at a time, in
/// row order). It is the [`NoteSink`] of the series being computed: a note becomes a code
/// as it is written, found by what it depends on (its [`NoteKey`]) without formatting
/// it again, or by its text.
#[derive(Debug)]
pub(crate) struct TableBuilder<'d> {
    t: AchievementTable,
    row: usize,
    /// Where the dense per-record columns go: the table's own columns (`None`), or this
    /// builder's rows of columns shared by the builders of a run split over threads
    /// (written in place: the join copies nothing of them).
    dense: Option<DenseRows<'d>>,
    // note text → code in `t.note_text`
    note_dict: HashMap<String, u32, BuildWordHasher>,
    // note key → code (a fixed text's key is its address)
    key_codes: HashMap<NoteKey, u32, BuildWordHasher>,
    // the key found last and its code: a series repeats its notes year after year (a
    // maintenance target's, "moved away from the target"), found here without hashing
    last_key: Option<(NoteKey, u32)>,
    // the notes of the series being computed: (record of the series, code)
    pending: Vec<(u32, u32)>,
    cur: u32,
}

/// The [`NoteKey`] kind of a fixed text (keyed by its address and length).
const FIXED_NOTE: u64 = 0;

/// A hasher for the note dictionary: short strings hashed a machine word at a time by
/// rotate–xor–multiply (the scheme of rustc's `FxHasher`; written here). The keys are
/// the library's own note texts, not adversarial input, so SipHash's flooding
/// resistance is not needed, and at national scale (1.45 million notes) its cost was
/// 3.5 % of a report.
#[derive(Debug, Default, Clone, Copy)]
struct BuildWordHasher;

#[derive(Debug, Default)]
struct WordHasher(u64);

impl WordHasher {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    fn add(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(Self::K);
    }
}

impl std::hash::Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w));
        }
    }
    fn write_u8(&mut self, b: u8) {
        self.add(u64::from(b));
    }
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

impl std::hash::BuildHasher for BuildWordHasher {
    type Hasher = WordHasher;
    fn build_hasher(&self) -> WordHasher {
        WordHasher::default()
    }
}

/// The dense per-record columns of an [`AchievementTable`] (NaN = missing). A run on one
/// thread pushes a record at a time; a run split over threads allocates them once and
/// each share's builder writes its rows in place through its [`DenseRows`].
#[derive(Debug, Clone, Default)]
pub(crate) struct DenseColumns {
    observed: Vec<f64>,
    measured: Vec<f64>,
    ratio: Vec<f64>,
    ratio_capped: Vec<f64>,
    progress: Vec<f64>,
    progress_case: Vec<Option<ProgressCase>>,
    score: Vec<f64>,
    met: Vec<Option<bool>>,
}

/// Consecutive rows of [`DenseColumns`], written by one builder.
#[derive(Debug)]
pub(crate) struct DenseRows<'d> {
    observed: &'d mut [f64],
    measured: &'d mut [f64],
    ratio: &'d mut [f64],
    ratio_capped: &'d mut [f64],
    progress: &'d mut [f64],
    progress_case: &'d mut [Option<ProgressCase>],
    score: &'d mut [f64],
    met: &'d mut [Option<bool>],
}

impl DenseColumns {
    /// Empty columns with room for `n` records (allocated fallibly).
    fn with_capacity(n: usize) -> Result<DenseColumns> {
        const W: &str = "achievement table";
        Ok(DenseColumns {
            observed: try_with_capacity(W, n)?,
            measured: try_with_capacity(W, n)?,
            ratio: try_with_capacity(W, n)?,
            ratio_capped: try_with_capacity(W, n)?,
            progress: try_with_capacity(W, n)?,
            progress_case: try_with_capacity(W, n)?,
            score: try_with_capacity(W, n)?,
            met: try_with_capacity(W, n)?,
        })
    }

    /// Appends the records `rows` (a column at a time).
    fn extend_rows(&mut self, rows: &[Headline]) {
        self.observed.extend(rows.iter().map(|h| nan(h.observed)));
        self.measured.extend(rows.iter().map(|h| nan(h.measured)));
        self.ratio.extend(rows.iter().map(|h| nan(h.ratio)));
        self.ratio_capped
            .extend(rows.iter().map(|h| nan(h.ratio_capped)));
        self.progress.extend(rows.iter().map(|h| nan(h.progress)));
        self.progress_case
            .extend(rows.iter().map(|h| h.progress_case));
        self.score.extend(rows.iter().map(|h| nan(h.score)));
        self.met.extend(rows.iter().map(|h| h.met));
    }

    /// Appends the records of `o`.
    fn extend(&mut self, o: &DenseColumns) {
        self.observed.extend_from_slice(&o.observed);
        self.measured.extend_from_slice(&o.measured);
        self.ratio.extend_from_slice(&o.ratio);
        self.ratio_capped.extend_from_slice(&o.ratio_capped);
        self.progress.extend_from_slice(&o.progress);
        self.progress_case.extend_from_slice(&o.progress_case);
        self.score.extend_from_slice(&o.score);
        self.met.extend_from_slice(&o.met);
    }

    /// Columns of `n` records (the `f64` columns zeroed by the allocator: their pages are
    /// touched by the builder that writes them, on its thread).
    pub(crate) fn new(n: usize) -> Result<DenseColumns> {
        const W: &str = "achievement table";
        Ok(DenseColumns {
            observed: try_zeroed(W, n)?,
            measured: try_zeroed(W, n)?,
            ratio: try_zeroed(W, n)?,
            ratio_capped: try_zeroed(W, n)?,
            progress: try_zeroed(W, n)?,
            progress_case: try_filled(W, n, None)?,
            score: try_zeroed(W, n)?,
            met: try_filled(W, n, None)?,
        })
    }

    /// The rows, cut in consecutive parts of `lens` rows (which add up to the length).
    pub(crate) fn split(&mut self, lens: &[usize]) -> Vec<DenseRows<'_>> {
        debug_assert_eq!(lens.iter().sum::<usize>(), self.observed.len());
        let mut rest = DenseRows {
            observed: &mut self.observed,
            measured: &mut self.measured,
            ratio: &mut self.ratio,
            ratio_capped: &mut self.ratio_capped,
            progress: &mut self.progress,
            progress_case: &mut self.progress_case,
            score: &mut self.score,
            met: &mut self.met,
        };
        let mut parts = Vec::with_capacity(lens.len());
        for &n in lens {
            let (a, b) = rest.split_at(n);
            parts.push(a);
            rest = b;
        }
        parts
    }
}

impl<'d> DenseRows<'d> {
    fn len(&self) -> usize {
        self.observed.len()
    }

    /// Writes the records `rows` from row `k` of these rows (a column at a time; nothing
    /// past them).
    fn write_rows(&mut self, k: usize, rows: &[Headline]) {
        let n = rows.len().min(self.len().saturating_sub(k));
        if n == 0 {
            return;
        }
        let rows = &rows[..n];
        let put = |col: &mut [f64], f: fn(&Headline) -> Option<f64>| {
            for (c, h) in col[k..k + n].iter_mut().zip(rows) {
                *c = nan(f(h));
            }
        };
        put(self.observed, |h| h.observed);
        put(self.measured, |h| h.measured);
        put(self.ratio, |h| h.ratio);
        put(self.ratio_capped, |h| h.ratio_capped);
        put(self.progress, |h| h.progress);
        put(self.score, |h| h.score);
        for (c, h) in self.progress_case[k..k + n].iter_mut().zip(rows) {
            *c = h.progress_case;
        }
        for (c, h) in self.met[k..k + n].iter_mut().zip(rows) {
            *c = h.met;
        }
    }

    fn split_at(self, n: usize) -> (DenseRows<'d>, DenseRows<'d>) {
        let (o1, o2) = self.observed.split_at_mut(n);
        let (m1, m2) = self.measured.split_at_mut(n);
        let (r1, r2) = self.ratio.split_at_mut(n);
        let (c1, c2) = self.ratio_capped.split_at_mut(n);
        let (p1, p2) = self.progress.split_at_mut(n);
        let (k1, k2) = self.progress_case.split_at_mut(n);
        let (s1, s2) = self.score.split_at_mut(n);
        let (e1, e2) = self.met.split_at_mut(n);
        (
            DenseRows {
                observed: o1,
                measured: m1,
                ratio: r1,
                ratio_capped: c1,
                progress: p1,
                progress_case: k1,
                score: s1,
                met: e1,
            },
            DenseRows {
                observed: o2,
                measured: m2,
                ratio: r2,
                ratio_capped: c2,
                progress: p2,
                progress_case: k2,
                score: s2,
                met: e2,
            },
        )
    }
}

impl AchievementTable {
    /// Puts the dense columns a split run wrote in place into the joined table (whose
    /// builders wrote none of their own).
    pub(crate) fn set_dense(&mut self, d: DenseColumns) {
        debug_assert!(self.dense.observed.is_empty() && self.dense.score.is_empty());
        self.dense = d;
    }
}

impl<'d> TableBuilder<'d> {
    /// A builder for `units` × the indicators (with their per-indicator facts) × `years`,
    /// with room for `room` units (more than `units` when others are appended later).
    pub(crate) fn new(
        units: &[String],
        room: usize,
        indicators: &[crate::model::Indicator],
        framework_target_year: i32,
        base_year: i32,
        years: &[i32],
        dense: Option<DenseRows<'d>>,
    ) -> Result<TableBuilder<'d>> {
        let n_series = room.max(units.len()).saturating_mul(indicators.len());
        // no room for the dense columns when they are written in place
        let n = if dense.is_some() {
            0
        } else {
            n_series.saturating_mul(years.len())
        };
        let target_year: Vec<i32> = indicators
            .iter()
            .map(|i| i.target_year_or(framework_target_year))
            .collect();
        let elapsed = target_year
            .iter()
            .flat_map(|&ty| {
                years
                    .iter()
                    .map(move |&y| super::achievement::elapsed_share(y, base_year, ty))
            })
            .collect();
        let t = AchievementTable {
            units: units.to_vec(),
            indicators: indicators.iter().map(|i| i.id.clone()).collect(),
            years: years.to_vec(),
            kind: indicators.iter().map(|i| i.kind).collect(),
            polarity: indicators.iter().map(|i| i.polarity).collect(),
            target_year,
            aspirational: indicators.iter().map(|i| i.aspirational).collect(),
            elapsed,
            dense: DenseColumns::with_capacity(n)?,
            series_baseline: try_with_capacity("achievement table", n_series)?,
            series_baseline_year: try_with_capacity("achievement table", n_series)?,
            series_target: try_with_capacity("achievement table", n_series)?,
            series_exc: try_with_capacity("achievement table", n_series)?,
            exc_baseline: Vec::new(),
            exc_baseline_year: Vec::new(),
            exc_target: Vec::new(),
            dense_baseline: OnceLock::new(),
            dense_target: OnceLock::new(),
            extras: Vec::new(),
            counts: Vec::new(),
            relative: Vec::new(),
            note_rows: Vec::new(),
            note_codes: Vec::new(),
            note_text: Vec::new(),
            survey: Vec::new(),
            unit_pos: HashMap::new(),
            indicator_pos: HashMap::new(),
        };
        let mut b = TableBuilder::of(t);
        b.dense = dense;
        Ok(b)
    }

    fn of(t: AchievementTable) -> TableBuilder<'d> {
        TableBuilder {
            t,
            row: 0,
            dense: None,
            note_dict: HashMap::default(),
            key_codes: HashMap::default(),
            last_key: None,
            pending: Vec::new(),
            cur: 0,
        }
    }

    /// Appends the records of the next series (must be one per year, years ascending)
    /// with the notes written to the builder since the previous series.
    pub(crate) fn push_series(&mut self, records: &[Draft]) {
        let start = self.row as u32;
        for a in records {
            self.push(a);
        }
        if let Some(f) = records.first() {
            let t = &mut self.t;
            let key = |a: &Draft| {
                (
                    nan(a.baseline).to_bits(),
                    a.baseline_year,
                    nan(a.target).to_bits(),
                )
            };
            let k0 = key(f);
            if records.iter().all(|a| key(a) == k0) {
                t.series_baseline.push(nan(f.baseline));
                t.series_baseline_year.push(f.baseline_year);
                t.series_target.push(nan(f.target));
                t.series_exc.push(NO_EXC);
            } else {
                t.series_baseline.push(f64::NAN);
                t.series_baseline_year.push(None);
                t.series_target.push(f64::NAN);
                t.series_exc.push(t.exc_baseline.len() as u32);
                for a in records {
                    t.exc_baseline.push(nan(a.baseline));
                    t.exc_baseline_year.push(a.baseline_year);
                    t.exc_target.push(nan(a.target));
                }
            }
        }
        self.flush_notes(start);
    }

    /// Appends the records of the next series computed by the plain rule
    /// ([`super::plain`]): their headline numbers, the series' baseline and target (the
    /// same for every record), and the notes written since the previous series.
    pub(crate) fn push_plain_series(&mut self, s: &PlainSeries) {
        let start = self.row as u32;
        self.write_headlines(&s.rows);
        self.row += s.rows.len();
        if !s.rows.is_empty() {
            let t = &mut self.t;
            t.series_baseline
                .push(s.baseline.map_or(f64::NAN, |b| b.value));
            t.series_baseline_year.push(s.baseline.map(|b| b.year));
            t.series_target.push(s.target);
            t.series_exc.push(NO_EXC);
        }
        self.flush_notes(start);
    }

    /// Files the notes written since the previous series, whose first record is row
    /// `start`.
    fn flush_notes(&mut self, start: u32) {
        // a record's notes in the order written (a later step, the survey assessment,
        // may add notes to earlier records: a stable sort keeps each record's order)
        if self.pending.windows(2).any(|w| w[0].0 > w[1].0) {
            self.pending.sort_by_key(|p| p.0);
        }
        for &(k, code) in &self.pending {
            self.t.note_rows.push(start + k);
            self.t.note_codes.push(code);
        }
        self.pending.clear();
        self.cur = 0;
    }

    /// Writes the headline numbers of the next records (their rows' dense columns; the
    /// caller moves the row on).
    fn write_headlines(&mut self, rows: &[Headline]) {
        match &mut self.dense {
            None => self.t.dense.extend_rows(rows),
            // this builder's rows of the shared columns (a row past them is not written:
            // `written_in_place` then refuses the share)
            Some(d) => d.write_rows(self.row, rows),
        }
    }

    fn push(&mut self, a: &Draft) {
        self.write_headlines(std::slice::from_ref(&a.h));
        let t = &mut self.t;
        let row = self.row as u32;
        if let Some(e) = Extras::of(a) {
            t.extras.push((row, e));
        }
        if let Some(c) = Counts::of(a) {
            t.counts.push((row, c));
        }
        if let Some(r) = RelativeSlot::of(a) {
            t.relative.push((row, r));
        }
        if let Some(s) = a.survey.as_deref() {
            t.survey.push((row, *s));
        }
        self.row += 1;
    }

    /// The code of a note text (kept when new).
    fn code_of_text(&mut self, text: String) -> u32 {
        if let Some(&c) = self.note_dict.get(text.as_str()) {
            return c;
        }
        let c = self.t.note_text.len() as u32;
        self.t.note_text.push(text.clone());
        self.note_dict.insert(text, c);
        c
    }

    fn code_of_key(&mut self, key: NoteKey, make: impl FnOnce() -> String) -> u32 {
        if let Some((k, c)) = self.last_key {
            if k == key {
                return c;
            }
        }
        let c = match self.key_codes.get(&key) {
            Some(&c) => c,
            None => {
                let c = self.code_of_text(make());
                self.key_codes.insert(key, c);
                c
            }
        };
        self.last_key = Some((key, c));
        c
    }

    /// Appends the series of `other`, a builder of the same indicators and years over the
    /// units that follow this one's (a run split over threads by units): the table is the
    /// one a single builder would have written for both unit lists in turn. Rows and
    /// series positions are moved on by this table's counts; a note keeps its text, and a
    /// text new to this table gets the next code in `other`'s order, as when written here.
    pub(crate) fn append(&mut self, other: TableBuilder<'_>) {
        debug_assert!(self.pending.is_empty() && other.pending.is_empty());
        let o = other.t;
        let t = &mut self.t;
        let rows = self.row as u32;
        let exc = t.exc_baseline.len() as u32;
        t.units.extend(o.units);
        t.dense.extend(&o.dense);
        t.series_baseline.extend_from_slice(&o.series_baseline);
        t.series_baseline_year
            .extend_from_slice(&o.series_baseline_year);
        t.series_target.extend_from_slice(&o.series_target);
        t.series_exc.extend(
            o.series_exc
                .iter()
                .map(|&x| if x == NO_EXC { NO_EXC } else { x + exc }),
        );
        t.exc_baseline.extend_from_slice(&o.exc_baseline);
        t.exc_baseline_year.extend_from_slice(&o.exc_baseline_year);
        t.exc_target.extend_from_slice(&o.exc_target);
        t.extras
            .extend(o.extras.into_iter().map(|(r, v)| (r + rows, v)));
        t.counts
            .extend(o.counts.into_iter().map(|(r, v)| (r + rows, v)));
        t.relative
            .extend(o.relative.into_iter().map(|(r, v)| (r + rows, v)));
        t.survey
            .extend(o.survey.into_iter().map(|(r, v)| (r + rows, v)));
        t.note_rows.extend(o.note_rows.iter().map(|&r| r + rows));
        // `other`'s codes in its order of first use: the texts new here are numbered in
        // that order, as they would have been had its series been written here
        let codes: Vec<u32> = o
            .note_text
            .into_iter()
            .map(|text| self.code_of_text(text))
            .collect();
        self.t
            .note_codes
            .extend(o.note_codes.iter().map(|&c| codes[c as usize]));
        self.row += other.row;
    }

    /// The number of records written.
    pub(crate) fn rows(&self) -> usize {
        self.row
    }

    /// Whether the dense columns were written in place and this builder wrote exactly
    /// its rows of them (a share that wrote fewer or more records than its units call for
    /// is an error of the run, never a table with rows left unwritten).
    pub(crate) fn written_in_place(&self) -> bool {
        self.dense.as_ref().is_some_and(|d| d.len() == self.row)
    }

    /// The finished table.
    pub(crate) fn finish(mut self) -> AchievementTable {
        self.t.index_units();
        self.t
    }
}

impl NoteSink for TableBuilder<'_> {
    fn record(&mut self, k: usize) {
        self.cur = k as u32;
    }
    fn fixed(&mut self, text: &'static str) {
        let key = (FIXED_NOTE, text.as_ptr() as u64, text.len() as u64, 0);
        let c = self.code_of_key(key, || text.to_string());
        self.pending.push((self.cur, c));
    }
    fn keyed(&mut self, key: NoteKey, make: impl FnOnce() -> String) {
        let c = self.code_of_key(key, make);
        self.pending.push((self.cur, c));
    }
    fn owned(&mut self, text: String) {
        let c = self.code_of_text(text);
        self.pending.push((self.cur, c));
    }
}

/// The notes of one achievement record (see [`AchievementTable::notes`]): codes into the
/// table's distinct note texts, read as `&str`.
#[derive(Clone, Copy)]
pub struct Notes<'a> {
    codes: &'a [u32],
    text: &'a [String],
}

impl<'a> Notes<'a> {
    /// Number of notes.
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    /// Whether the record has no note.
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// The `k`-th note.
    pub fn get(&self, k: usize) -> Option<&'a str> {
        self.codes.get(k).map(|&c| self.text[c as usize].as_str())
    }

    /// The notes in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &'a str> + 'a {
        let text = self.text;
        self.codes.iter().map(move |&c| text[c as usize].as_str())
    }

    /// The notes as owned strings (the record form).
    pub fn to_vec(&self) -> Vec<String> {
        self.iter().map(str::to_owned).collect()
    }
}

impl std::fmt::Debug for Notes<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

fn sparse<T>(list: &[(u32, T)], row: usize) -> Option<&T> {
    list.binary_search_by_key(&(row as u32), |e| e.0)
        .ok()
        .map(|k| &list[k].1)
}

impl AchievementTable {
    fn index_units(&mut self) {
        self.unit_pos = self
            .units
            .iter()
            .enumerate()
            .map(|(k, u)| (u.clone(), k as u32))
            .collect();
        // the first position of an id (framework ids are unique; `position` answered so)
        let mut pos = HashMap::with_capacity(self.indicators.len());
        for (k, i) in self.indicators.iter().enumerate() {
            pos.entry(i.clone()).or_insert(k as u32);
        }
        self.indicator_pos = pos;
    }

    /// The baseline of a row (NaN = missing).
    fn baseline_at(&self, row: usize) -> f64 {
        let ny = self.years.len();
        let s = row / ny;
        match self.series_exc[s] {
            NO_EXC => self.series_baseline[s],
            o => self.exc_baseline[o as usize + row % ny],
        }
    }

    /// The baseline year of a row.
    fn baseline_year_at(&self, row: usize) -> Option<i32> {
        let ny = self.years.len();
        let s = row / ny;
        match self.series_exc[s] {
            NO_EXC => self.series_baseline_year[s],
            o => self.exc_baseline_year[o as usize + row % ny],
        }
    }

    /// The target of a row (NaN = missing).
    fn target_at(&self, row: usize) -> f64 {
        let ny = self.years.len();
        let s = row / ny;
        match self.series_exc[s] {
            NO_EXC => self.series_target[s],
            o => self.exc_target[o as usize + row % ny],
        }
    }

    /// Number of records (units × indicators × years).
    pub fn len(&self) -> usize {
        self.dense.observed.len()
    }

    /// Whether there is no record.
    pub fn is_empty(&self) -> bool {
        self.dense.observed.is_empty()
    }

    /// Unit ids (the unit positions).
    pub fn units(&self) -> &[String] {
        &self.units
    }

    /// Indicator ids in framework order (the indicator positions).
    pub fn indicators(&self) -> &[String] {
        &self.indicators
    }

    /// Years ascending from the base year (the year positions).
    pub fn years(&self) -> &[i32] {
        &self.years
    }

    /// The position of a unit id (O(1)).
    pub fn unit_position(&self, unit: &str) -> Option<usize> {
        self.unit_pos.get(unit).map(|&k| k as usize)
    }

    /// The position of an indicator id (framework order; O(1)).
    pub fn indicator_position(&self, indicator: &str) -> Option<usize> {
        self.indicator_pos.get(indicator).map(|&k| k as usize)
    }

    /// The position of a year.
    pub fn year_position(&self, year: i32) -> Option<usize> {
        self.years.binary_search(&year).ok()
    }

    /// The row of (unit, indicator, year) positions; `None` when a position is past the end.
    pub fn row(&self, unit: usize, indicator: usize, year: usize) -> Option<usize> {
        let (ni, ny) = (self.indicators.len(), self.years.len());
        (unit < self.units.len() && indicator < ni && year < ny)
            .then(|| (unit * ni + indicator) * ny + year)
    }

    /// The row of (unit id, indicator id, year).
    pub fn find(&self, unit: &str, indicator: &str, year: i32) -> Option<usize> {
        self.row(
            self.unit_position(unit)?,
            self.indicator_position(indicator)?,
            self.year_position(year)?,
        )
    }

    /// The (unit, indicator, year) positions of a row.
    pub fn positions(&self, row: usize) -> (usize, usize, usize) {
        let (ni, ny) = (self.indicators.len(), self.years.len());
        (row / (ni * ny), (row / ny) % ni, row % ny)
    }

    /// One dense column, one value per row (NaN = missing). The baseline and target
    /// columns are held once per series and materialised (once) on the first request.
    pub fn column(&self, c: AchievementColumn) -> &[f64] {
        match c {
            AchievementColumn::Observed => &self.dense.observed,
            AchievementColumn::Measured => &self.dense.measured,
            AchievementColumn::Baseline => self
                .dense_baseline
                .get_or_init(|| (0..self.len()).map(|r| self.baseline_at(r)).collect()),
            AchievementColumn::Target => self
                .dense_target
                .get_or_init(|| (0..self.len()).map(|r| self.target_at(r)).collect()),
            AchievementColumn::Ratio => &self.dense.ratio,
            AchievementColumn::RatioCapped => &self.dense.ratio_capped,
            AchievementColumn::Progress => &self.dense.progress,
            AchievementColumn::Score => &self.dense.score,
        }
    }

    /// The headline score of a row.
    pub fn score(&self, row: usize) -> Option<f64> {
        some(self.dense.score[row])
    }

    /// Whether the target is met, by row.
    pub fn met(&self, row: usize) -> Option<bool> {
        self.dense.met[row]
    }

    /// The measured quantity of a row.
    pub fn measured(&self, row: usize) -> Option<f64> {
        some(self.dense.measured[row])
    }

    /// The numeric target of a row.
    pub fn target(&self, row: usize) -> Option<f64> {
        some(self.target_at(row))
    }

    /// The indicator kind of a row.
    pub fn kind(&self, row: usize) -> Kind {
        self.kind[self.positions(row).1]
    }

    /// The year the baseline of a row comes from.
    pub fn baseline_year(&self, row: usize) -> Option<i32> {
        self.baseline_year_at(row)
    }

    /// Annual targets: (years met, years observed) so far, by row.
    pub fn annual_counts(&self, row: usize) -> (Option<usize>, Option<usize>) {
        sparse(&self.counts, row).map_or((None, None), |c| (c.years_met, c.years_observed))
    }

    /// The elapsed share of a row.
    pub fn elapsed_share(&self, row: usize) -> f64 {
        let (_, j, y) = self.positions(row);
        self.elapsed[j * self.years.len() + y]
    }

    /// The survey assessment of a row, if any.
    pub fn survey(&self, row: usize) -> Option<&SurveyAssessment> {
        sparse(&self.survey, row)
    }

    /// The notes of a row (empty when none), in the order they were given.
    pub fn notes(&self, row: usize) -> Notes<'_> {
        let r = row as u32;
        let a = self.note_rows.partition_point(|&x| x < r);
        let b = a + self.note_rows[a..].partition_point(|&x| x == r);
        Notes {
            codes: &self.note_codes[a..b],
            text: &self.note_text,
        }
    }

    /// Number of notes in the table (all rows), and of distinct note texts.
    pub fn note_counts(&self) -> (usize, usize) {
        (self.note_codes.len(), self.note_text.len())
    }

    /// The whole record of a row (allocates its ids: for display and serialisation).
    pub fn record(&self, row: usize) -> IndicatorAchievement {
        let (u, j, y) = self.positions(row);
        let e = sparse(&self.extras, row).copied().unwrap_or_default();
        let c = sparse(&self.counts, row).copied().unwrap_or_default();
        IndicatorAchievement {
            indicator: self.indicators[j].clone(),
            unit: self.units[u].clone(),
            year: self.years[y],
            kind: self.kind[j],
            polarity: self.polarity[j],
            observed: some(self.dense.observed[row]),
            measured: some(self.dense.measured[row]),
            baseline: some(self.baseline_at(row)),
            baseline_year: self.baseline_year_at(row),
            target: some(self.target_at(row)),
            horizon: e.horizon,
            band: e.band,
            target_year: self.target_year[j],
            elapsed_share: self.elapsed[j * self.years.len() + y],
            ratio: some(self.dense.ratio[row]),
            ratio_capped: some(self.dense.ratio_capped[row]),
            progress: some(self.dense.progress[row]),
            progress_case: self.dense.progress_case[row],
            score: some(self.dense.score[row]),
            met: self.dense.met[row],
            pro_rata_target: e.pro_rata_target,
            pro_rata_ratio: e.pro_rata_ratio,
            years_met: c.years_met,
            years_observed: c.years_observed,
            share_years_met: c.share_years_met,
            stretch: e.stretch,
            interim: e.interim,
            relative: sparse(&self.relative, row).map(|r| RelativeAchievement {
                relation: r.relation,
                value: r.value,
                reference: r.reference,
                margin: r.margin,
                gap: r.gap,
                basis: r.basis,
                met: r.met,
            }),
            aspirational: self.aspirational[j],
            notes: self.notes(row).to_vec(),
            survey: self.survey(row).copied(),
        }
    }

    /// Every record in row order (each allocated on the fly).
    pub fn records(&self) -> impl Iterator<Item = IndicatorAchievement> + '_ {
        (0..self.len()).map(|r| self.record(r))
    }

    /// Rebuilds the table from records listed densely in row order (unit-major, then
    /// framework order, then years ascending). Errors name the first record out of place.
    pub fn from_records(records: Vec<IndicatorAchievement>) -> Result<Self, String> {
        let mut units: Vec<String> = Vec::new();
        let mut indicators: Vec<String> = Vec::new();
        let mut years: Vec<i32> = Vec::new();
        // the ids in order of first appearance
        if let Some(first) = records.first() {
            for a in &records {
                if a.unit != first.unit || a.indicator != first.indicator {
                    break;
                }
                years.push(a.year);
            }
            for a in records.iter().step_by(years.len().max(1)) {
                if a.unit != first.unit {
                    break;
                }
                indicators.push(a.indicator.clone());
            }
            for a in records
                .iter()
                .step_by((years.len() * indicators.len()).max(1))
            {
                units.push(a.unit.clone());
            }
        }
        let (ni, ny) = (indicators.len(), years.len());
        if years.windows(2).any(|w| w[0] >= w[1]) {
            return Err(format!(
                "achievement records: the years of the first series {years:?} are not ascending"
            ));
        }
        if units.len() * ni * ny != records.len() {
            return Err(format!(
                "achievement records: {} records are not {} units × {ni} indicators × {ny} years in order",
                records.len(),
                units.len()
            ));
        }
        let mut inds = Vec::with_capacity(ni);
        for j in 0..ni {
            let a = &records[j * ny];
            inds.push((a.kind, a.polarity, a.target_year, a.aspirational));
        }
        let mut t = AchievementTable {
            kind: inds.iter().map(|i| i.0).collect(),
            polarity: inds.iter().map(|i| i.1).collect(),
            target_year: inds.iter().map(|i| i.2).collect(),
            aspirational: inds.iter().map(|i| i.3).collect(),
            elapsed: (0..ni * ny).map(|k| records[k].elapsed_share).collect(),
            ..AchievementTable::default()
        };
        let mut b = TableBuilder::of(t);
        // a series (one unit × indicator, every year) at a time, as monitoring writes it
        let mut series: Vec<Draft> = Vec::with_capacity(ny);
        for (row, mut a) in records.into_iter().enumerate() {
            let (u, j, y) = (row / (ni * ny), (row / ny) % ni, row % ny);
            if a.unit != units[u] || a.indicator != indicators[j] || a.year != years[y] {
                return Err(format!(
                    "achievement record {row} (`{}`, `{}`, {}) is out of order: expected (`{}`, `{}`, {})",
                    a.unit, a.indicator, a.year, units[u], indicators[j], years[y]
                ));
            }
            b.record(y);
            for note in std::mem::take(&mut a.notes) {
                b.owned(note);
            }
            series.push(Draft::of(&a));
            if y + 1 == ny {
                b.push_series(&series);
                series.clear();
            }
        }
        t = b.t;
        t.units = units;
        t.indicators = indicators;
        t.years = years;
        t.index_units();
        Ok(t)
    }
}

impl Serialize for AchievementTable {
    /// The record form: a list of [`IndicatorAchievement`].
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.len()))?;
        for r in 0..self.len() {
            seq.serialize_element(&self.record(r))?;
        }
        seq.end()
    }
}

impl<'de> Deserialize<'de> for AchievementTable {
    /// From the record form (see [`AchievementTable::from_records`]).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let records = Vec::<IndicatorAchievement>::deserialize(d)?;
        AchievementTable::from_records(records).map_err(D::Error::custom)
    }
}
