//! The reproducibility fingerprint of an evaluation.
//!
//! SHA-256 (FIPS 180-4, via the `sha2` crate) over a length-prefixed byte stream:
//!
//! 1. the tag `cpindex-fingerprint-v1`;
//! 2. the library version (`CARGO_PKG_VERSION`);
//! 3. the framework as compact JSON ([`Framework`] serialised by serde_json, every field
//!    written out, defaults included);
//! 4. the panel: unit ids, periods, series ids, then every value as its IEEE-754 bit
//!    pattern (little-endian; NaN = missing is written as one canonical NaN), then every
//!    source/note annotation sorted by cell;
//! 5. the survey microdata as compact JSON, or the byte `0` when there is none;
//! 6. the household microdata (incomes, sizes, weights as bit patterns), or `0`;
//! 7. the evaluation spec as compact JSON *with every default written out* (so `{}` and
//!    a spec spelling out the defaults give the same fingerprint).
//!
//! Every part is preceded by its length as a little-endian `u64`, so no two different
//! inputs share a stream. Two offices that get the same fingerprint ran the same
//! framework on the same data with the same spec and library version.

use sha2::{Digest, Sha256};

use super::{EvaluationSpec, Households};
use crate::data::Panel;
use crate::model::Framework;
use crate::monitor::Survey;

/// The name of the hash function, as reported beside the fingerprint.
pub const ALGORITHM: &str = "sha256";

struct Stream(Sha256);

impl Stream {
    fn part(&mut self, bytes: &[u8]) {
        self.0.update((bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
    }

    /// The floats as one part (NaN canonical): the same bytes as [`Stream::part`] of their
    /// little-endian encoding, hashed 8 KiB at a time from a buffer on the stack (a copy
    /// of the whole panel was 19 MB of fresh pages at national scale).
    fn floats(&mut self, xs: &[f64]) {
        self.0.update(((8 * xs.len()) as u64).to_le_bytes());
        let mut buf = [0u8; 8192];
        for chunk in xs.chunks(buf.len() / 8) {
            for (b, &x) in buf.chunks_exact_mut(8).zip(chunk) {
                let x = if x.is_nan() { f64::NAN } else { x };
                b.copy_from_slice(&x.to_bits().to_le_bytes());
            }
            self.0.update(&buf[..8 * chunk.len()]);
        }
    }

    fn strings(&mut self, xs: &[String]) {
        self.0.update((xs.len() as u64).to_le_bytes());
        for s in xs {
            self.part(s.as_bytes());
        }
    }
}

/// The SHA-256 fingerprint (lower-case hex) of `version`, the framework, the data and
/// the spec, as the module docs describe.
pub fn fingerprint(
    version: &str,
    framework: &Framework,
    panel: &Panel,
    survey: Option<&Survey>,
    households: Option<&Households>,
    spec: &EvaluationSpec,
) -> String {
    let mut s = Stream(Sha256::new());
    s.part(b"cpindex-fingerprint-v1");
    s.part(version.as_bytes());
    s.part(
        serde_json::to_string(framework)
            .expect("a framework always serialises")
            .as_bytes(),
    );
    s.strings(panel.units());
    let periods: Vec<u8> = panel
        .periods()
        .iter()
        .flat_map(|p| p.to_le_bytes())
        .collect();
    s.part(&periods);
    s.strings(panel.indicators());
    s.floats(panel.values());
    let mut prov: Vec<(usize, usize, usize, &str, &str)> = panel
        .provenance_iter()
        .map(|(u, p, i, c)| (u, p, i, c.source.as_str(), c.note.as_str()))
        .collect();
    prov.sort_unstable();
    s.0.update((prov.len() as u64).to_le_bytes());
    for (u, p, i, src, note) in prov {
        for k in [u, p, i] {
            s.0.update((k as u64).to_le_bytes());
        }
        s.part(src.as_bytes());
        s.part(note.as_bytes());
    }
    match survey {
        Some(sv) => s.part(
            serde_json::to_string(sv)
                .expect("a survey always serialises")
                .as_bytes(),
        ),
        None => s.part(&[0]),
    }
    match households {
        Some(h) => {
            s.part(&[1]);
            s.floats(&h.income);
            s.floats(&h.size);
            s.floats(&h.weight);
        }
        None => s.part(&[0]),
    }
    s.part(
        serde_json::to_string(spec)
            .expect("a spec always serialises")
            .as_bytes(),
    );
    let digest = s.0.finalize();
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `floats` hashes exactly the bytes its definition names — the length, then each
    /// value's little-endian bits with every NaN canonical — whatever the chunking.
    #[test]
    fn floats_hash_the_defined_bytes_across_chunk_edges() {
        for n in [0usize, 1, 7, 1023, 1024, 1025, 2048, 3001] {
            let xs: Vec<f64> = (0..n)
                .map(|i| match i % 5 {
                    0 => f64::from_bits(0x7ff8_0000_0000_0000 | i as u64), // a NaN payload
                    1 => -0.0,
                    _ => i as f64 * 0.1 - 3.0,
                })
                .collect();
            let mut a = Stream(Sha256::new());
            a.floats(&xs);
            let mut bytes = Vec::new();
            for &x in &xs {
                let x = if x.is_nan() { f64::NAN } else { x };
                bytes.extend_from_slice(&x.to_bits().to_le_bytes());
            }
            let mut b = Stream(Sha256::new());
            b.part(&bytes);
            assert_eq!(a.0.finalize(), b.0.finalize(), "n = {n}");
        }
    }
}
