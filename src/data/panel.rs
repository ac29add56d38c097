//! The panel: units × periods × indicators of f64, column-major, NaN = missing.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::error::{Error, Result};

/// The default limit on the number of cells (units × periods × indicators) of one panel:
/// 2²⁷ = 134,217,728 cells, i.e. 1 GiB of `f64`. See [`set_max_panel_cells`].
pub const DEFAULT_MAX_PANEL_CELLS: usize = 1 << 27;

static MAX_PANEL_CELLS: AtomicUsize = AtomicUsize::new(DEFAULT_MAX_PANEL_CELLS);

/// The process-wide limit on the cells of one panel (see [`set_max_panel_cells`]).
pub fn max_panel_cells() -> usize {
    MAX_PANEL_CELLS.load(Ordering::Relaxed)
}

/// Sets the process-wide limit on the number of cells (units × periods × indicators) of
/// one panel; returns the previous limit. `0` restores [`DEFAULT_MAX_PANEL_CELLS`].
///
/// Every panel is built through [`Panel::new`] or [`Panel::from_values`], which check the
/// product (with overflow-checked arithmetic) against this limit *before* allocating, and
/// allocate fallibly, so a small file asking for a huge dense panel (every row a new unit
/// and a new period) is an error, never an abort of the host process. The limit applies
/// to every reader (CSV long and wide, JSON requests, the C ABI, the CLI), and to the
/// records of a monitoring run (units × framework indicators × evaluated years, and ×
/// dimensions), checked the same way before its tables are allocated: a framework of many
/// indicators over a panel of many units is refused, not an abort.
pub fn set_max_panel_cells(limit: usize) -> usize {
    let limit = if limit == 0 {
        DEFAULT_MAX_PANEL_CELLS
    } else {
        limit
    };
    MAX_PANEL_CELLS.swap(limit, Ordering::Relaxed)
}

/// The number of cells of a `nu × np × ni` panel, checked against overflow and against
/// [`max_panel_cells`].
pub fn checked_panel_cells(nu: usize, np: usize, ni: usize) -> Result<usize> {
    let limit = max_panel_cells();
    let too_big = || {
        Error::invalid_argument(
            "panel size",
            format!(
                "{nu} units × {np} periods × {ni} indicators is more than the limit of \
                 {limit} cells ({} MiB); check that the unit and period columns are the \
                 right ones, or raise the limit (cpindex_set_max_panel_cells, \
                 cpindex::data::set_max_panel_cells)",
                limit / (1 << 17)
            ),
        )
    };
    let n = nu
        .checked_mul(np)
        .and_then(|x| x.checked_mul(ni))
        .ok_or_else(too_big)?;
    if n > limit {
        return Err(too_big());
    }
    Ok(n)
}

/// Large value buffers kept for reuse after a panel (or a result cube, through the C ABI)
/// is dropped: a fresh multi-megabyte `Vec<f64>` is fresh pages from the kernel, and the
/// page faults of its first write cost more than the computation that fills it (issue 16:
/// ≈ 800 faults, about a millisecond, per 3,000 × 60 run). Only buffers of
/// [`BUFFER_CACHE_MIN_BYTES`] or more are kept, at most [`BUFFER_CACHE_MAX_BUFFERS`] of
/// them and [`BUFFER_CACHE_MAX_BYTES`] in all (the oldest go first);
/// [`release_cached_buffers`] frees them.
static BUFFER_CACHE: std::sync::Mutex<Vec<Vec<f64>>> = std::sync::Mutex::new(Vec::new());

/// The smallest buffer (in bytes of capacity) the buffer cache keeps: smaller ones come
/// cheaply from the allocator's own free lists.
pub const BUFFER_CACHE_MIN_BYTES: usize = 256 << 10;
/// The most buffers the buffer cache keeps.
pub const BUFFER_CACHE_MAX_BUFFERS: usize = 8;
/// The most bytes (of capacity) the buffer cache keeps in all.
pub const BUFFER_CACHE_MAX_BYTES: usize = 192 << 20;

fn cache_lock() -> std::sync::MutexGuard<'static, Vec<Vec<f64>>> {
    BUFFER_CACHE.lock().unwrap_or_else(|e| e.into_inner())
}

/// A buffer of exactly `n` values whose contents are unspecified (stale values of a
/// recycled buffer, or zeros): the caller overwrites every cell. Taken from the buffer
/// cache when a cached buffer holds `n` to `4n` values, else allocated fallibly (an
/// allocation failure is an [`Error::InvalidArgument`] naming `what`).
pub(crate) fn take_buffer(what: &str, n: usize) -> Result<Vec<f64>> {
    if n.saturating_mul(8) >= BUFFER_CACHE_MIN_BYTES {
        if let Some(v) = take_cached(n) {
            return Ok(poison(v));
        }
    }
    crate::alloc::try_filled(what, n, 0.0).map(poison)
}

/// [`take_buffer`] for a buffer the caller may not fail to get (a results cube): a cached
/// buffer, else zeroed memory from the allocator (`calloc`: fresh pages are zero already, so
/// nothing is written before the caller writes every cell).
pub(crate) fn take_buffer_or_zeroed(n: usize) -> Vec<f64> {
    if n.saturating_mul(8) >= BUFFER_CACHE_MIN_BYTES {
        if let Some(v) = take_cached(n) {
            return poison(v);
        }
    }
    poison(vec![0.0; n])
}

/// The value every buffer handed out by [`take_buffer`] / [`take_buffer_or_zeroed`] holds in
/// debug builds (the test suite): a finite, absurd number, so that a cell a caller forgot
/// to write shows up as a wrong result in the reference tests instead of passing as a zero,
/// a stale value of an earlier run or a "missing" NaN.
#[cfg(debug_assertions)]
pub(crate) const UNWRITTEN_POISON: f64 = -7.0e300;

/// Debug builds only: fills a buffer just handed out with [`UNWRITTEN_POISON`].
#[inline]
fn poison(v: Vec<f64>) -> Vec<f64> {
    #[cfg(debug_assertions)]
    {
        let mut v = v;
        v.fill(UNWRITTEN_POISON);
        v
    }
    #[cfg(not(debug_assertions))]
    v
}

/// A cached buffer of `n` to `4n` values (the smallest), truncated to `n`.
fn take_cached(n: usize) -> Option<Vec<f64>> {
    let mut cache = cache_lock();
    let best = cache
        .iter()
        .enumerate()
        .filter(|(_, b)| b.len() >= n && b.len() / 4 <= n)
        .min_by_key(|(_, b)| b.len())
        .map(|(k, _)| k)?;
    let mut v = cache.remove(best);
    drop(cache);
    v.truncate(n);
    Some(v)
}

/// Gives a buffer back for reuse by [`take_buffer`] (see [`BUFFER_CACHE_MAX_BYTES`]);
/// small or huge buffers are simply freed.
pub(crate) fn recycle_buffer(v: Vec<f64>) {
    let bytes = v.capacity().saturating_mul(8);
    if !(BUFFER_CACHE_MIN_BYTES..=BUFFER_CACHE_MAX_BYTES).contains(&bytes) {
        return;
    }
    let mut evicted = Vec::new();
    {
        let mut cache = cache_lock();
        let mut total: usize = cache.iter().map(|b| b.capacity() * 8).sum();
        while !cache.is_empty()
            && (cache.len() >= BUFFER_CACHE_MAX_BUFFERS || total + bytes > BUFFER_CACHE_MAX_BYTES)
        {
            let old = cache.remove(0);
            total -= old.capacity() * 8;
            evicted.push(old);
        }
        cache.push(v);
    }
    drop(evicted); // freed outside the lock
}

/// Frees every buffer the library keeps for reuse (see [`BUFFER_CACHE_MAX_BYTES`]) and
/// returns the number of bytes released. Panels and results keep working; the next large
/// allocations are fresh again.
pub fn release_cached_buffers() -> usize {
    let all = std::mem::take(&mut *cache_lock());
    all.iter().map(|b| b.capacity() * 8).sum()
}

/// Source and note attached to one observation (kept from CSV `source`/`note` columns).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
pub struct CellProvenance {
    /// Where the value comes from (a yearbook, a bulletin, "illustrative").
    pub source: String,
    /// Free-text note.
    pub note: String,
}

/// The provenance of a panel's cells, interned: each distinct source/note pair is kept
/// once, and a cell holds a small code (`0` = none, `c` = `texts[c - 1]`). Real files
/// repeat one source on every row, so this replaces a `String` pair and a hash-map entry
/// per cell by four bytes.
///
/// The codes live in a dense column (one `u32` per cell, flat order) once the annotated
/// cells are a noticeable share of the panel (or a reader asks for it); before that, and
/// whenever the column cannot be allocated, in a sparse map. Equality is by content
/// (which cell carries which text), never by the codes' numbering.
#[derive(Debug, Clone, Default)]
pub(crate) struct ProvenanceStore {
    texts: Vec<CellProvenance>,
    index: HashMap<CellProvenance, u32>,
    codes: ProvenanceCodes,
    count: usize,
}

#[derive(Debug, Clone)]
enum ProvenanceCodes {
    Sparse(HashMap<usize, u32>),
    Dense(Vec<u32>),
}

impl Default for ProvenanceCodes {
    fn default() -> Self {
        ProvenanceCodes::Sparse(HashMap::new())
    }
}

impl ProvenanceStore {
    /// The code of `p`, adding it to the texts when new.
    pub(crate) fn intern(&mut self, p: CellProvenance) -> u32 {
        if let Some(&c) = self.index.get(&p) {
            return c;
        }
        let c = u32::try_from(self.texts.len() + 1).expect("fewer than 2^32 distinct texts");
        self.texts.push(p.clone());
        self.index.insert(p, c);
        c
    }

    /// Switches to the dense column of `n_cells` codes, if it can be allocated.
    fn densify(&mut self, n_cells: usize) {
        if let ProvenanceCodes::Sparse(map) = &self.codes {
            let mut col: Vec<u32> = Vec::new();
            if col.try_reserve_exact(n_cells).is_err() {
                return;
            }
            col.resize(n_cells, 0);
            for (&k, &c) in map {
                col[k] = c;
            }
            self.codes = ProvenanceCodes::Dense(col);
        }
    }

    /// Sets cell `k`'s code (`code` from [`ProvenanceStore::intern`], non-zero).
    /// A cell outside the panel (`k >= n_cells`, coordinates out of range) is ignored.
    fn set(&mut self, k: usize, code: u32, n_cells: usize) {
        debug_assert!(code != 0);
        if k >= n_cells {
            return;
        }
        let prev = match &mut self.codes {
            ProvenanceCodes::Dense(col) => std::mem::replace(&mut col[k], code),
            ProvenanceCodes::Sparse(map) => map.insert(k, code).unwrap_or(0),
        };
        if prev == 0 {
            self.count += 1;
            // dense once one cell in eight is annotated: 4 bytes a cell beats a map entry
            if self.count >= n_cells / 8 {
                self.densify(n_cells);
            }
        }
    }

    fn code(&self, k: usize) -> u32 {
        match &self.codes {
            ProvenanceCodes::Dense(col) => col.get(k).copied().unwrap_or(0),
            ProvenanceCodes::Sparse(map) => map.get(&k).copied().unwrap_or(0),
        }
    }

    fn get(&self, k: usize) -> Option<&CellProvenance> {
        match self.code(k) {
            0 => None,
            c => Some(&self.texts[c as usize - 1]),
        }
    }

    /// `(flat index, provenance)` of every annotated cell (flat order when dense).
    fn iter(&self) -> Box<dyn Iterator<Item = (usize, &CellProvenance)> + '_> {
        let text = move |c: u32| &self.texts[c as usize - 1];
        match &self.codes {
            ProvenanceCodes::Dense(col) => Box::new(
                col.iter()
                    .enumerate()
                    .filter(|(_, &c)| c != 0)
                    .map(move |(k, &c)| (k, text(c))),
            ),
            ProvenanceCodes::Sparse(map) => Box::new(map.iter().map(move |(&k, &c)| (k, text(c)))),
        }
    }
}

impl PartialEq for ProvenanceStore {
    fn eq(&self, other: &Self) -> bool {
        self.count == other.count && self.iter().all(|(k, p)| other.get(k) == Some(p))
    }
}

/// A panel of observations: units (regions) × periods (years) × indicators.
///
/// Storage is column-major: a *column* is one indicator in one period over all units and
/// is contiguous, so per-indicator steps (normalisation, weighting, distribution of a
/// unit-level indicator) walk memory in order. The flat index of
/// `(unit u, period p, indicator i)` is `(i · n_periods + p) · n_units + u`.
///
/// `NaN` means missing. `±inf` is rejected at every entry point. Periods are kept sorted
/// ascending and unique; unit and indicator ids are unique.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    units: Vec<String>,
    groups: Vec<Option<String>>,
    periods: Vec<i32>,
    indicators: Vec<String>,
    values: Vec<f64>,
    provenance: ProvenanceStore,
    unit_pos: IdIndex,
    indicator_pos: IdIndex,
}

impl Drop for Panel {
    fn drop(&mut self) {
        recycle_buffer(std::mem::take(&mut self.values));
    }
}

/// Positions of ids (a panel's units or indicators) by id, without a copy of the ids: an
/// open-addressing table (linear probing, load ≤ ½) of positions into the panel's own id
/// list, keyed by a multiplicative word-at-a-time hash of the id's bytes (in the style of
/// FxHash; fixed, so equal id lists give equal tables). Building it allocates one `u32`
/// array instead of a `String` and a SipHash per id.
#[derive(Debug, Clone, PartialEq, Default)]
struct IdIndex {
    /// Per slot: the id's hash in the high 32 bits (compared before the id itself, so a
    /// probe rarely reads another id's bytes) and its position + 1 in the low 32 bits;
    /// 0 = empty.
    slots: Vec<u64>,
}

const ID_HASH_K: u64 = 0x9E37_79B9_7F4A_7C15;

fn id_hash(id: &str) -> u64 {
    let b = id.as_bytes();
    let mut h = (b.len() as u64).wrapping_mul(ID_HASH_K);
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = (h.rotate_left(26) ^ u64::from_le_bytes(w)).wrapping_mul(ID_HASH_K);
    }
    let r = chunks.remainder();
    if !r.is_empty() {
        let mut w = [0u8; 8];
        w[..r.len()].copy_from_slice(r);
        h = (h.rotate_left(26) ^ u64::from_le_bytes(w)).wrapping_mul(ID_HASH_K);
    }
    // fold the well-mixed high bits down: the slot is taken from the low bits
    h ^ (h >> 29) ^ (h >> 47)
}

/// Whether `id` is empty or only whitespace (`id.trim().is_empty()`, with a fast path for
/// an id starting with a visible ASCII character).
fn blank(id: &str) -> bool {
    match id.as_bytes().first() {
        None => true,
        Some(b) if b.is_ascii_graphic() => false,
        Some(_) => id.trim().is_empty(),
    }
}

impl IdIndex {
    /// The index of `ids`; errors name the first empty or repeated id.
    fn build(kind: &str, ids: &[String]) -> Result<IdIndex> {
        let size = (ids.len() * 2).next_power_of_two().max(8);
        let mask = size - 1;
        let mut slots = vec![0u64; size];
        for (k, id) in ids.iter().enumerate() {
            if blank(id) {
                return Err(Error::invalid_argument(
                    format!("{kind}s"),
                    format!("{kind} id at position {k} is empty"),
                ));
            }
            // ids are at most the cell limit (2^27 with the default), < u32::MAX
            let pos = u32::try_from(k + 1)
                .map_err(|_| Error::invalid_argument(format!("{kind}s"), "too many ids"))?;
            let h = id_hash(id);
            let tag = h & !u64::from(u32::MAX);
            let mut s = h as usize & mask;
            loop {
                let slot = slots[s];
                if slot == 0 {
                    slots[s] = tag | u64::from(pos);
                    break;
                }
                if slot & !u64::from(u32::MAX) == tag
                    && ids[(slot & u64::from(u32::MAX)) as usize - 1] == *id
                {
                    return Err(Error::invalid_argument(
                        format!("{kind}s"),
                        format!("duplicate {kind} id `{id}`"),
                    ));
                }
                s = (s + 1) & mask;
            }
        }
        Ok(IdIndex { slots })
    }

    /// The position of `id` in `ids` (the list the index was built from).
    fn get(&self, ids: &[String], id: &str) -> Option<usize> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let h = id_hash(id);
        let tag = h & !u64::from(u32::MAX);
        let mut s = h as usize & mask;
        loop {
            let slot = self.slots[s];
            if slot == 0 {
                return None;
            }
            let j = (slot & u64::from(u32::MAX)) as usize - 1;
            if slot & !u64::from(u32::MAX) == tag && ids[j] == id {
                return Some(j);
            }
            s = (s + 1) & mask;
        }
    }
}

impl Panel {
    /// An empty panel (every cell missing) with the given ids.
    ///
    /// Errors: duplicate or empty ids, duplicate periods; more cells than
    /// [`max_panel_cells`] (checked before allocating), or an allocation failure.
    pub fn new(units: Vec<String>, periods: Vec<i32>, indicators: Vec<String>) -> Result<Panel> {
        let n = checked_panel_cells(units.len(), periods.len(), indicators.len())?;
        let values = crate::alloc::try_filled("panel size", n, f64::NAN)?;
        Panel::from_values(units, periods, indicators, values)
    }

    /// A panel from a flat column-major buffer (see the type's docs for the layout).
    ///
    /// Periods may come in any order; they are sorted and the values moved with them.
    /// Errors: more cells than [`max_panel_cells`] (or a product that overflows), length
    /// mismatch, duplicate ids or periods, ±inf (naming the cell).
    pub fn from_values(
        units: Vec<String>,
        periods: Vec<i32>,
        indicators: Vec<String>,
        values: Vec<f64>,
    ) -> Result<Panel> {
        Panel::build(units, periods, indicators, values, true)
    }

    /// [`Panel::from_values`] for a caller that has just checked, while copying `values`,
    /// that none is ±inf (`values_finite`): the separate scan is left out. With
    /// `values_finite` false the values are scanned (and an infinite one named) as by
    /// [`Panel::from_values`].
    pub(crate) fn from_checked_values(
        units: Vec<String>,
        periods: Vec<i32>,
        indicators: Vec<String>,
        values: Vec<f64>,
        values_finite: bool,
    ) -> Result<Panel> {
        Panel::build(units, periods, indicators, values, !values_finite)
    }

    fn build(
        units: Vec<String>,
        periods: Vec<i32>,
        indicators: Vec<String>,
        values: Vec<f64>,
        scan_inf: bool,
    ) -> Result<Panel> {
        let (nu, np, ni) = (units.len(), periods.len(), indicators.len());
        let n = checked_panel_cells(nu, np, ni)?;
        if values.len() != n {
            return Err(Error::length_mismatch(
                format!("panel values ({nu} units × {np} periods × {ni} indicators)"),
                n,
                values.len(),
            ));
        }
        let unit_pos = IdIndex::build("unit", &units)?;
        let indicator_pos = IdIndex::build("indicator", &indicators)?;
        let mut order: Vec<usize> = (0..np).collect();
        order.sort_by_key(|&k| periods[k]);
        for w in order.windows(2) {
            if periods[w[0]] == periods[w[1]] {
                return Err(Error::invalid_argument(
                    "periods",
                    format!("duplicate period {}", periods[w[0]]),
                ));
            }
        }
        let sorted_periods: Vec<i32> = order.iter().map(|&k| periods[k]).collect();
        let mut panel = Panel {
            groups: vec![None; nu],
            units,
            periods: sorted_periods,
            indicators,
            values: Vec::new(),
            provenance: ProvenanceStore::default(),
            unit_pos,
            indicator_pos,
        };
        let identity = order.iter().enumerate().all(|(a, &b)| a == b);
        panel.values = if identity {
            values
        } else {
            let mut v = take_buffer("panel size", values.len())?;
            for i in 0..ni {
                for (new_p, &old_p) in order.iter().enumerate() {
                    let src = (i * np + old_p) * nu;
                    let dst = (i * np + new_p) * nu;
                    v[dst..dst + nu].copy_from_slice(&values[src..src + nu]);
                }
            }
            recycle_buffer(values);
            v
        };
        if !scan_inf {
            return Ok(panel);
        }
        if let Some(pos) = panel.values.iter().position(|v| v.is_infinite()) {
            let (u, p, i) = panel.coords(pos);
            return Err(Error::invalid_value(
                format!(
                    "unit `{}`, period {}, indicator `{}`",
                    panel.units[u], panel.periods[p], panel.indicators[i]
                ),
                panel.values[pos],
                "(infinite values are rejected; use NaN for missing)",
            ));
        }
        Ok(panel)
    }

    fn coords(&self, flat: usize) -> (usize, usize, usize) {
        let nu = self.units.len().max(1);
        let np = self.periods.len().max(1);
        (flat % nu, (flat / nu) % np, flat / (nu * np))
    }

    /// The flat index of a cell.
    #[inline]
    pub fn flat_index(&self, unit: usize, period: usize, indicator: usize) -> usize {
        (indicator * self.periods.len() + period) * self.units.len() + unit
    }

    /// Unit ids in order.
    pub fn units(&self) -> &[String] {
        &self.units
    }
    /// Periods, ascending.
    pub fn periods(&self) -> &[i32] {
        &self.periods
    }
    /// Indicator ids in order.
    pub fn indicators(&self) -> &[String] {
        &self.indicators
    }
    /// Number of units.
    pub fn n_units(&self) -> usize {
        self.units.len()
    }
    /// Number of periods.
    pub fn n_periods(&self) -> usize {
        self.periods.len()
    }
    /// Number of indicators.
    pub fn n_indicators(&self) -> usize {
        self.indicators.len()
    }
    /// The whole column-major buffer.
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// Position of a unit id.
    pub fn unit_index(&self, id: &str) -> Option<usize> {
        self.unit_pos.get(&self.units, id)
    }
    /// Position of a period.
    pub fn period_index(&self, period: i32) -> Option<usize> {
        self.periods.binary_search(&period).ok()
    }
    /// Position of an indicator id.
    pub fn indicator_index(&self, id: &str) -> Option<usize> {
        self.indicator_pos.get(&self.indicators, id)
    }

    /// Position of a unit id, or [`Error::UnknownId`].
    pub fn require_unit(&self, id: &str) -> Result<usize> {
        self.unit_index(id)
            .ok_or_else(|| Error::unknown_id("unit", id))
    }
    /// Position of a period, or [`Error::UnknownId`].
    pub fn require_period(&self, period: i32) -> Result<usize> {
        self.period_index(period)
            .ok_or_else(|| Error::unknown_id("period", period.to_string()))
    }
    /// Position of an indicator id, or [`Error::UnknownId`].
    pub fn require_indicator(&self, id: &str) -> Result<usize> {
        self.indicator_index(id)
            .ok_or_else(|| Error::unknown_id("indicator", id))
    }

    /// One value (NaN when missing).
    #[inline]
    pub fn get(&self, unit: usize, period: usize, indicator: usize) -> f64 {
        self.values[self.flat_index(unit, period, indicator)]
    }

    /// One value by ids; `None` when an id or the period is unknown.
    pub fn get_by_id(&self, unit: &str, period: i32, indicator: &str) -> Option<f64> {
        Some(self.get(
            self.unit_index(unit)?,
            self.period_index(period)?,
            self.indicator_index(indicator)?,
        ))
    }

    /// Sets one value. NaN marks it missing; ±inf is rejected.
    pub fn set(&mut self, unit: usize, period: usize, indicator: usize, value: f64) -> Result<()> {
        if value.is_infinite() {
            return Err(Error::invalid_value(
                format!(
                    "unit `{}`, period {}, indicator `{}`",
                    self.units[unit], self.periods[period], self.indicators[indicator]
                ),
                value,
                "(infinite values are rejected; use NaN for missing)",
            ));
        }
        let k = self.flat_index(unit, period, indicator);
        self.values[k] = value;
        Ok(())
    }

    /// Sets one value by ids.
    pub fn set_by_id(
        &mut self,
        unit: &str,
        period: i32,
        indicator: &str,
        value: f64,
    ) -> Result<()> {
        let (u, p, i) = (
            self.require_unit(unit)?,
            self.require_period(period)?,
            self.require_indicator(indicator)?,
        );
        self.set(u, p, i, value)
    }

    /// The column of one indicator in one period, over all units (contiguous).
    #[inline]
    pub fn column(&self, period: usize, indicator: usize) -> &[f64] {
        let s = self.flat_index(0, period, indicator);
        &self.values[s..s + self.units.len()]
    }

    /// The mutable column of one indicator in one period.
    ///
    /// The caller must not write ±inf into it; [`Panel::check_finite`] re-checks.
    #[inline]
    pub fn column_mut(&mut self, period: usize, indicator: usize) -> &mut [f64] {
        let s = self.flat_index(0, period, indicator);
        let n = self.units.len();
        &mut self.values[s..s + n]
    }

    /// All periods of one indicator (`n_periods` columns back to back).
    pub fn indicator_block(&self, indicator: usize) -> &[f64] {
        let n = self.units.len() * self.periods.len();
        &self.values[indicator * n..(indicator + 1) * n]
    }

    /// The time series of one unit and indicator, one value per period (allocates).
    pub fn series(&self, unit: usize, indicator: usize) -> Vec<f64> {
        (0..self.periods.len())
            .map(|p| self.get(unit, p, indicator))
            .collect()
    }

    /// Re-checks that no cell is ±inf.
    pub fn check_finite(&self) -> Result<()> {
        match self.values.iter().position(|v| v.is_infinite()) {
            None => Ok(()),
            Some(pos) => {
                let (u, p, i) = self.coords(pos);
                Err(Error::invalid_value(
                    format!(
                        "unit `{}`, period {}, indicator `{}`",
                        self.units[u], self.periods[p], self.indicators[i]
                    ),
                    self.values[pos],
                    "(infinite values are rejected; use NaN for missing)",
                ))
            }
        }
    }

    /// Assigns units to groups (e.g. urban/rural, prefecture); `None` = no group.
    pub fn set_groups(&mut self, groups: Vec<Option<String>>) -> Result<()> {
        if groups.len() != self.units.len() {
            return Err(Error::length_mismatch(
                "unit groups vs units",
                self.units.len(),
                groups.len(),
            ));
        }
        self.groups = groups;
        Ok(())
    }

    /// The group of each unit.
    pub fn groups(&self) -> &[Option<String>] {
        &self.groups
    }

    /// Reserves room for `additional` more provenance entries (readers that know how
    /// many cells carry a source or note call it once instead of growing the storage).
    pub fn reserve_provenance(&mut self, additional: usize) {
        let n = self.values.len();
        if self.provenance.count + additional >= n / 8 {
            self.provenance.densify(n);
        } else if let ProvenanceCodes::Sparse(map) = &mut self.provenance.codes {
            map.reserve(additional);
        }
    }

    /// Attaches a source/note to one observation.
    pub fn set_provenance(
        &mut self,
        unit: usize,
        period: usize,
        indicator: usize,
        provenance: CellProvenance,
    ) {
        let code = self.provenance.intern(provenance);
        self.set_provenance_code(unit, period, indicator, code);
    }

    /// The code of a source/note for [`Panel::set_provenance_code`]: readers intern each
    /// distinct text once and then set cells by code.
    pub(crate) fn intern_provenance(&mut self, provenance: CellProvenance) -> u32 {
        self.provenance.intern(provenance)
    }

    /// Attaches the source/note of `code` (from [`Panel::intern_provenance`]) to one
    /// observation.
    pub(crate) fn set_provenance_code(
        &mut self,
        unit: usize,
        period: usize,
        indicator: usize,
        code: u32,
    ) {
        let k = self.flat_index(unit, period, indicator);
        let n = self.values.len();
        self.provenance.set(k, code, n);
    }

    /// The source/note of one observation, if any was given.
    pub fn provenance(
        &self,
        unit: usize,
        period: usize,
        indicator: usize,
    ) -> Option<&CellProvenance> {
        self.provenance
            .get(self.flat_index(unit, period, indicator))
    }

    /// Number of observations with a source/note attached.
    pub fn provenance_count(&self) -> usize {
        self.provenance.count
    }

    /// Iterates over `(unit, period, indicator, provenance)` of every annotated cell
    /// (in no particular order).
    pub fn provenance_iter(&self) -> impl Iterator<Item = (usize, usize, usize, &CellProvenance)> {
        self.provenance.iter().map(|(k, v)| {
            let (u, p, i) = self.coords(k);
            (u, p, i, v)
        })
    }

    /// Checks that every series id in the panel is an indicator or an auxiliary series of
    /// `framework` (auxiliary series are carried, not scored).
    pub fn check_indicators(&self, framework: &crate::model::Framework) -> Result<()> {
        let series = framework.series_index();
        for id in &self.indicators {
            if !series.knows_series(id) {
                framework.require_indicator(id)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn layout_is_column_major_and_periods_are_sorted() {
        // 2 units, periods given as [2021, 2020], 1 indicator.
        // Buffer order: (ind0, 2021): [u0, u1] = [3, 4]; (ind0, 2020): [1, 2].
        let p = Panel::from_values(
            ids(&["a", "b"]),
            vec![2021, 2020],
            ids(&["x"]),
            vec![3.0, 4.0, 1.0, 2.0],
        )
        .unwrap();
        assert_eq!(p.periods(), &[2020, 2021]);
        assert_eq!(p.column(0, 0), &[1.0, 2.0]);
        assert_eq!(p.get_by_id("b", 2021, "x"), Some(4.0));
        assert_eq!(p.series(0, 0), vec![1.0, 3.0]);
    }

    #[test]
    fn id_index_finds_every_id_and_only_those() {
        // many ids, sharing prefixes and lengths, so that slots collide and probe
        let units: Vec<String> = (0..5000).map(|k| format!("unit-{k}")).collect();
        let p = Panel::new(units.clone(), vec![2020], ids(&["x", "y"])).unwrap();
        for (k, u) in units.iter().enumerate() {
            assert_eq!(p.unit_index(u), Some(k));
        }
        assert_eq!(p.unit_index("unit-5000"), None);
        assert_eq!(p.unit_index(""), None);
        assert_eq!(p.indicator_index("y"), Some(1));
        assert_eq!(p.indicator_index("z"), None);
        let mut dup = units;
        dup.push("unit-4321".into());
        let e = Panel::new(dup, vec![2020], ids(&["x"]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("duplicate unit id `unit-4321`"), "{e}");
        let e = Panel::new(ids(&["a", " \t"]), vec![2020], ids(&["x"]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("position 1 is empty"), "{e}");
        assert!(Panel::new(ids(&["a", "é"]), vec![2020], ids(&["x"])).is_ok());
    }

    #[test]
    fn rejects_bad_shapes_and_values() {
        assert!(matches!(
            Panel::from_values(ids(&["a"]), vec![2020], ids(&["x"]), vec![]),
            Err(Error::LengthMismatch { .. })
        ));
        let e = Panel::from_values(ids(&["a"]), vec![2020], ids(&["x"]), vec![f64::INFINITY])
            .unwrap_err()
            .to_string();
        assert!(e.contains("unit `a`") && e.contains("indicator `x`"), "{e}");
        assert!(Panel::new(ids(&["a", "a"]), vec![2020], ids(&["x"])).is_err());
        assert!(Panel::new(ids(&["a"]), vec![2020, 2020], ids(&["x"])).is_err());
        let mut p = Panel::new(ids(&["a"]), vec![2020], ids(&["x"])).unwrap();
        assert!(p.set_by_id("a", 2020, "y", 1.0).is_err());
        assert!(p.set_by_id("a", 2020, "x", f64::NEG_INFINITY).is_err());
        p.set_by_id("a", 2020, "x", 5.0).unwrap();
        assert_eq!(p.get(0, 0, 0), 5.0);
    }

    /// The interned provenance behaves as a map from cell to text: random sets (new
    /// cells, overwrites, repeated and new texts) checked after every step against a plain
    /// `HashMap` model, across the switch from the sparse map to the dense column, and
    /// equality is by content, not by the order the texts were first seen.
    #[test]
    fn provenance_store_matches_a_map_model() {
        use crate::sensitivity::rng::split_mix64;
        let (nu, np, ni) = (7, 3, 5);
        let names = |n: usize, c: char| (0..n).map(|k| format!("{c}{k}")).collect::<Vec<_>>();
        // values 0, not NaN: panels with NaN never compare equal
        let mut p = Panel::from_values(
            names(nu, 'u'),
            (0..np as i32).collect(),
            names(ni, 'i'),
            vec![0.0; nu * np * ni],
        )
        .unwrap();
        let mut q = p.clone();
        let mut model: HashMap<(usize, usize, usize), CellProvenance> = HashMap::new();
        let mut state = 42u64;
        let mut ops = Vec::new();
        let mut was_sparse = false;
        for step in 0..200 {
            let r = split_mix64(&mut state);
            let (u, t, i) = (
                (r % 7) as usize,
                ((r >> 8) % 3) as usize,
                ((r >> 16) % 5) as usize,
            );
            let text = CellProvenance {
                source: format!("s{}", (r >> 24) % 4),
                note: if (r >> 32) % 3 == 0 {
                    String::new()
                } else {
                    format!("n{}", (r >> 40) % 2)
                },
            };
            p.set_provenance(u, t, i, text.clone());
            model.insert((u, t, i), text.clone());
            ops.push((u, t, i, text));
            was_sparse |= matches!(p.provenance.codes, ProvenanceCodes::Sparse(_));
            assert_eq!(p.provenance_count(), model.len(), "step {step}");
            for uu in 0..nu {
                for tt in 0..np {
                    for ii in 0..ni {
                        assert_eq!(p.provenance(uu, tt, ii), model.get(&(uu, tt, ii)));
                    }
                }
            }
            let mut got: Vec<_> = p
                .provenance_iter()
                .map(|(a, b, c, d)| ((a, b, c), d.clone()))
                .collect();
            got.sort_by_key(|x| x.0);
            let mut want: Vec<_> = model.iter().map(|(k, v)| (*k, v.clone())).collect();
            want.sort_by_key(|x| x.0);
            assert_eq!(got, want, "step {step}");
        }
        assert!(was_sparse && matches!(p.provenance.codes, ProvenanceCodes::Dense(_)));
        // the same final content set in another order (other codes) is equal
        for (u, t, i, text) in ops.iter().rev() {
            if model.get(&(*u, *t, *i)) == Some(text) && q.provenance(*u, *t, *i).is_none() {
                q.set_provenance(*u, *t, *i, text.clone());
            }
        }
        assert_eq!(p, q);
        assert_eq!(p.clone(), p);
        // a differing text is not equal
        let (u, t, i) = *model.keys().next().unwrap();
        q.set_provenance(
            u,
            t,
            i,
            CellProvenance {
                source: "other".into(),
                note: String::new(),
            },
        );
        assert_ne!(p, q);
        // a cell outside the panel is ignored, not a panic
        p.set_provenance(nu * 10, 0, ni * 10, CellProvenance::default());
        assert_eq!(p.provenance_count(), model.len());
    }
}
