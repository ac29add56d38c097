//! An exact accumulator for sums of `f64` (a fixed-point "superaccumulator" in the spirit of
//! Kulisch & Miranker's long accumulator; cf. Neal 2015, "Fast exact summation using small
//! and large superaccumulators", arXiv:1505.05571, and Collange et al. 2015, ExBLAS).
//!
//! Every finite `f64` is `m·2^e` with an integer `m < 2⁵³` and `e ≥ −1074`, so it is an
//! integer multiple of `2^−1074`. The accumulator keeps that integer in 70 signed 64-bit
//! limbs of 32 significant bits each (limb `k` weighs `2^(32k − 1074)`): an addition splits
//! the 53-bit significand over three limbs and adds the pieces; carries are propagated only
//! every 2³⁰ additions and before reading, merging or serialising. The sum is therefore
//! **exact** (no rounding at all) whatever the number or order of the additions, and two
//! accumulators merge exactly. Reading rounds the exact sum once, to nearest (ties to
//! even), so the result is the correctly rounded sum and bit-for-bit independent of how the
//! terms were split into chunks and in which order the chunks were merged.

use crate::error::{Error, Result};

/// A running sum with Neumaier's compensation (Neumaier 1974, *ZAMM* 54; Higham 2002,
/// *Accuracy and Stability of Numerical Algorithms* §4.3): error ≤ 2ε|S| + O(nε²)Σ|x|,
/// i.e. independent of n to first order, where a plain running sum's bound is (n−1)ε Σ|x|.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Nsum {
    /// The running (rounded) sum.
    pub(crate) hi: f64,
    /// The accumulated rounding errors.
    pub(crate) lo: f64,
}

impl Nsum {
    pub(crate) fn new(x: f64) -> Self {
        Nsum { hi: x, lo: 0.0 }
    }
    #[inline]
    pub(crate) fn add(&mut self, x: f64) {
        let t = self.hi + x;
        if self.hi.abs() >= x.abs() {
            self.lo += (self.hi - t) + x;
        } else {
            self.lo += (x - t) + self.hi;
        }
        self.hi = t;
    }
    /// The compensated sum; an overflowed sum stays ±inf (the correction is then NaN).
    #[inline]
    pub(crate) fn value(&self) -> f64 {
        if self.hi.is_finite() {
            self.hi + self.lo
        } else {
            self.hi
        }
    }
}

/// Records per block of a [`BlockSum`] (and of the `Distribution`'s checkpoints).
pub(crate) const BLOCK: usize = 32;

/// A sum taken plainly inside blocks of [`BLOCK`] terms and with Neumaier's compensation
/// across blocks ([`Nsum`]): error ≤ (B − 1)ε Σ|xᵢ| + 2ε|S| + O(nε²/B)Σ|xᵢ| with B = 32,
/// independent of n to first order (a plain running sum: (n − 1)ε Σ|xᵢ|; Higham 2002 §4.2
/// and §4.3), at the cost of one plain addition per term and one compensated addition per
/// block — blocked summation as in Higham 2002 §4.2 ("Blocked summation") with a
/// compensated outer sum.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct BlockSum {
    total: Nsum,
    local: f64,
    k: usize,
}

impl BlockSum {
    #[inline(always)]
    pub(crate) fn add(&mut self, x: f64) {
        self.local += x;
        self.k += 1;
        if self.k == BLOCK {
            self.total.add(self.local);
            self.local = 0.0;
            self.k = 0;
        }
    }
    pub(crate) fn value(&self) -> f64 {
        let mut t = self.total;
        t.add(self.local);
        t.value()
    }
}

/// Number of 32-bit limbs: `⌈(1074 + 1024)/32⌉ = 66` for the range of `f64` plus 4 limbs of
/// headroom for the growth of a sum of up to 2⁶⁴ terms.
pub(crate) const LIMBS: usize = 70;
const MASK: i64 = 0xFFFF_FFFF;
/// Additions between two carry propagations: each addition adds < 2³² to a limb, so after
/// 2³⁰ additions a limb stays below 2⁶².
const FLUSH_EVERY: u32 = 1 << 30;

/// An exact sum of `f64` values (see the module documentation).
#[derive(Clone)]
pub(crate) struct ExactSum {
    limbs: [i64; LIMBS],
    pending: u32,
}

impl Default for ExactSum {
    fn default() -> Self {
        ExactSum {
            limbs: [0; LIMBS],
            pending: 0,
        }
    }
}

/// Equal when the exact sums are equal (whatever carries are pending).
impl PartialEq for ExactSum {
    fn eq(&self, other: &Self) -> bool {
        let (mut a, mut b) = (self.clone(), other.clone());
        a.normalise();
        b.normalise();
        a.limbs == b.limbs
    }
}

impl std::fmt::Debug for ExactSum {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ExactSum({:e})", self.value())
    }
}

/// `2^e` as an `f64` for `−1074 ≤ e ≤ 1023` (subnormal powers included).
fn pow2(e: i32) -> f64 {
    if e >= -1022 {
        f64::from_bits(((e + 1023) as u64) << 52)
    } else {
        f64::from_bits(1u64 << (e + 1074))
    }
}

impl ExactSum {
    /// Adds a finite `x` exactly. (A non-finite `x` must be refused by the caller; it is
    /// ignored here in release builds.)
    #[inline]
    pub(crate) fn add(&mut self, x: f64) {
        debug_assert!(x.is_finite());
        let bits = x.to_bits();
        let exp = ((bits >> 52) & 0x7FF) as u32;
        let frac = bits & ((1u64 << 52) - 1);
        if exp == 0x7FF || (exp == 0 && frac == 0) {
            return;
        }
        let (m, pos) = if exp == 0 {
            (frac, 0u32)
        } else {
            (frac | (1u64 << 52), exp - 1)
        };
        let k = (pos / 32) as usize;
        let wide = (m as u128) << (pos % 32);
        let p0 = (wide as u64 & 0xFFFF_FFFF) as i64;
        let p1 = ((wide >> 32) as u64 & 0xFFFF_FFFF) as i64;
        let p2 = (wide >> 64) as i64;
        if bits >> 63 == 0 {
            self.limbs[k] += p0;
            self.limbs[k + 1] += p1;
            self.limbs[k + 2] += p2;
        } else {
            self.limbs[k] -= p0;
            self.limbs[k + 1] -= p1;
            self.limbs[k + 2] -= p2;
        }
        self.pending += 1;
        if self.pending >= FLUSH_EVERY {
            self.normalise();
        }
    }

    /// Propagates the carries: afterwards limbs `0..LIMBS−1` are in `[0, 2³²)` and the top
    /// limb carries the sign. This representation is unique for a given exact value.
    pub(crate) fn normalise(&mut self) {
        let mut carry = 0i64;
        for l in self.limbs.iter_mut().take(LIMBS - 1) {
            let v = *l + carry;
            *l = v & MASK;
            carry = v >> 32;
        }
        self.limbs[LIMBS - 1] += carry;
        self.pending = 0;
    }

    /// Adds another accumulator exactly.
    pub(crate) fn merge(&mut self, other: &ExactSum) {
        self.normalise();
        let mut o = other.clone();
        o.normalise();
        for (a, b) in self.limbs.iter_mut().zip(o.limbs.iter()) {
            *a += *b;
        }
        self.normalise();
    }

    /// The exact sum rounded once to the nearest `f64` (ties to even); ±inf if it exceeds
    /// the `f64` range.
    pub(crate) fn value(&self) -> f64 {
        let mut s = self.clone();
        s.normalise();
        let neg = s.limbs[LIMBS - 1] < 0;
        if neg {
            // two's complement over the limbs: negate each, then renormalise
            for l in s.limbs.iter_mut() {
                *l = -*l;
            }
            s.normalise();
        }
        let Some(top) = s.limbs.iter().rposition(|&l| l != 0) else {
            return 0.0;
        };
        // The top three limbs as one integer (up to 32·2 + 63 bits), with a sticky bit for
        // anything below them, rounds correctly in one conversion (≥ 64 bits kept > 53 + 2).
        let lo = top.saturating_sub(2);
        let mut acc: u128 = 0;
        for k in (lo..=top).rev() {
            acc = (acc << 32) | (s.limbs[k] as u128);
        }
        if s.limbs[..lo].iter().any(|&l| l != 0) {
            acc |= 1;
        }
        // acc < 2^127: the top limb is < 2^63 after normalisation
        let scale = 32 * lo as i32 - 1074;
        let v = scaled(acc, scale);
        if neg {
            -v
        } else {
            v
        }
    }

    /// Little-endian serialisation: the index of the first non-zero limb (u16), the number
    /// of limbs that follow (u16), then those limbs (i64 each), normalised.
    pub(crate) fn write_to(&self, out: &mut Vec<u8>) {
        let mut s = self.clone();
        s.normalise();
        let first = s.limbs.iter().position(|&l| l != 0).unwrap_or(0);
        let last = s.limbs.iter().rposition(|&l| l != 0).map_or(0, |k| k + 1);
        let count = last.saturating_sub(first);
        out.extend_from_slice(&(first as u16).to_le_bytes());
        out.extend_from_slice(&(count as u16).to_le_bytes());
        for l in &s.limbs[first..first + count] {
            out.extend_from_slice(&l.to_le_bytes());
        }
    }

    /// Reads what [`write_to`](Self::write_to) wrote; checks the limb range and that the
    /// limbs are normalised (a foreign or corrupt buffer is an error).
    pub(crate) fn read_from(r: &mut Reader<'_>) -> Result<ExactSum> {
        let first = r.u16()? as usize;
        let count = r.u16()? as usize;
        if first + count > LIMBS {
            return Err(r.corrupt("an exact sum's limb range is out of bounds"));
        }
        let mut s = ExactSum::default();
        for k in first..first + count {
            let l = r.i64()?;
            if k < LIMBS - 1 && !(0..=MASK).contains(&l) {
                return Err(r.corrupt("an exact sum's limb is not normalised"));
            }
            if k == LIMBS - 1 && l.unsigned_abs() >= 1 << 40 {
                return Err(r.corrupt("an exact sum's top limb is out of range"));
            }
            s.limbs[k] = l;
        }
        Ok(s)
    }
}

/// `acc · 2^scale` rounded to nearest (ties to even) for `acc < 2¹²⁷`, `scale ≥ −1074`.
fn scaled(acc: u128, scale: i32) -> f64 {
    if acc == 0 {
        return 0.0;
    }
    let bitlen = 128 - acc.leading_zeros() as i32;
    // exponent of the leading bit of the result
    let lead = bitlen - 1 + scale;
    if lead > 1023 {
        return f64::INFINITY;
    }
    if lead >= -1022 {
        // normal result: u128 → f64 rounds to 53 bits correctly (ties to even), and the
        // scaling by a power of two, done in two steps so each factor is in range, is exact
        let m = acc as f64;
        let half = scale / 2;
        return m * pow2(half) * pow2(scale - half);
    }
    // subnormal result: scale ≥ −1074 and the leading bit below 2^−1022 mean acc < 2^53,
    // so acc converts exactly and the product is an exact multiple of 2^−1074
    (acc as f64) * pow2(scale)
}

/// A little-endian byte reader that turns every short read into an error.
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    what: &'static str,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(buf: &'a [u8], what: &'static str) -> Self {
        Reader { buf, pos: 0, what }
    }
    pub(crate) fn corrupt(&self, why: &str) -> Error {
        Error::invalid_argument(
            "bytes",
            format!(
                "not a valid serialised {} (at byte {}: {why})",
                self.what, self.pos
            ),
        )
    }
    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if self.buf.len() - self.pos < n {
            return Err(self.corrupt("the buffer is truncated"));
        }
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }
    pub(crate) fn u8(&mut self) -> Result<u8> {
        Ok(self.take(1)?[0])
    }
    pub(crate) fn u16(&mut self) -> Result<u16> {
        Ok(u16::from_le_bytes(self.take(2)?.try_into().expect("2")))
    }
    pub(crate) fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_le_bytes(self.take(4)?.try_into().expect("4")))
    }
    pub(crate) fn u64(&mut self) -> Result<u64> {
        Ok(u64::from_le_bytes(self.take(8)?.try_into().expect("8")))
    }
    pub(crate) fn i64(&mut self) -> Result<i64> {
        Ok(i64::from_le_bytes(self.take(8)?.try_into().expect("8")))
    }
    pub(crate) fn f64(&mut self) -> Result<f64> {
        Ok(f64::from_bits(self.u64()?))
    }
    pub(crate) fn done(&self) -> bool {
        self.pos == self.buf.len()
    }
}

/// CRC-32 (IEEE 802.3 polynomial, reflected, as in zlib/PNG), bitwise: the buffers are small.
pub(crate) fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= b as u32;
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

/// The envelope of every serialised summary: magic `CPXD`, format version (u16), kind
/// (u16), payload length (u64), payload, CRC-32 of everything before it (u32), all
/// little-endian.
pub(crate) const MAGIC: &[u8; 4] = b"CPXD";
/// Version of the serialisation format.
pub(crate) const FORMAT_VERSION: u16 = 1;

pub(crate) fn seal(kind: u16, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + 20);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&kind.to_le_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(payload);
    let c = crc32(&out);
    out.extend_from_slice(&c.to_le_bytes());
    out
}

/// Checks the envelope and returns the payload.
pub(crate) fn unseal<'a>(bytes: &'a [u8], kind: u16, what: &'static str) -> Result<&'a [u8]> {
    let bad = |why: String| {
        Error::invalid_argument("bytes", format!("not a valid serialised {what}: {why}"))
    };
    if bytes.len() < 20 {
        return Err(bad(format!(
            "{} bytes is shorter than the 20-byte envelope",
            bytes.len()
        )));
    }
    if &bytes[..4] != MAGIC {
        return Err(bad("the magic bytes are not `CPXD`".into()));
    }
    let version = u16::from_le_bytes([bytes[4], bytes[5]]);
    if version != FORMAT_VERSION {
        return Err(bad(format!(
            "format version {version}, this library reads version {FORMAT_VERSION}"
        )));
    }
    let k = u16::from_le_bytes([bytes[6], bytes[7]]);
    if k != kind {
        return Err(bad(format!("kind {k}, expected kind {kind}")));
    }
    let len = u64::from_le_bytes(bytes[8..16].try_into().expect("8"));
    if len != (bytes.len() - 20) as u64 {
        return Err(bad(format!(
            "the payload length says {len} bytes, the buffer holds {}",
            bytes.len() - 20
        )));
    }
    let body_end = bytes.len() - 4;
    let stored = u32::from_le_bytes(bytes[body_end..].try_into().expect("4"));
    if crc32(&bytes[..body_end]) != stored {
        return Err(bad(
            "the CRC-32 checksum does not match (corrupt data)".into()
        ));
    }
    Ok(&bytes[16..body_end])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exact(xs: &[f64]) -> f64 {
        let mut s = ExactSum::default();
        for &x in xs {
            s.add(x);
        }
        s.value()
    }

    #[test]
    fn sums_exactly() {
        // 1e16 + 1 − 1e16: naive f64 gives 0 (1e16 + 1 rounds to 1e16); exact is 1.
        assert_eq!(exact(&[1e16, 1.0, -1e16]), 1.0);
        // 0.1 + 0.2: the exact sum of the two doubles rounds to 0.30000000000000004
        assert_eq!(exact(&[0.1, 0.2]), 0.1 + 0.2);
        // 2^-1074 (smallest subnormal) survives next to 1 and −1
        assert_eq!(exact(&[1.0, f64::from_bits(1), -1.0]), f64::from_bits(1));
        assert_eq!(exact(&[-3.5, 1.25]), -2.25);
        assert_eq!(exact(&[f64::MAX, f64::MAX, -f64::MAX]), f64::MAX);
        assert_eq!(exact(&[f64::MAX, f64::MAX]), f64::INFINITY);
        assert_eq!(exact(&[]), 0.0);
        // Ties to even: 2^53 + 1 is halfway between 2^53 and 2^53 + 2 → 2^53.
        assert_eq!(exact(&[9007199254740992.0, 1.0]), 9007199254740992.0);
        assert_eq!(
            exact(&[9007199254740992.0, 1.0, 1e-300]),
            9007199254740994.0
        );
    }

    #[test]
    fn crc_matches_the_standard_check_value() {
        // The CRC-32/ISO-HDLC check value of "123456789" is 0xCBF43926.
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }
}
