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

    fn floats(&mut self, xs: &[f64]) {
        let mut buf = Vec::with_capacity(8 * xs.len());
        for &x in xs {
            let x = if x.is_nan() { f64::NAN } else { x };
            buf.extend_from_slice(&x.to_bits().to_le_bytes());
        }
        self.part(&buf);
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
