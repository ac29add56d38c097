//! Where every subcommand's output goes: one helper so that no output path can lose a
//! file or hide a failed write.
//!
//! * A file is written by the library's [`cpindex::io::write_atomically`] (the same helper
//!   as `cpindex_run_json_to_file`): to a temporary file in the same directory, flushed to
//!   disk, then renamed over the target (rename within one directory is atomic on POSIX),
//!   so a write that fails part-way leaves the previous file whole and no truncated
//!   report. A symbolic link's target is replaced, not the link; a device, FIFO or socket
//!   (`--out /dev/stdout`, `--out /dev/null`, a named pipe) is written directly, never
//!   replaced by a regular file.
//! * An output path that is one of the command's input files is refused before anything
//!   is computed (`report d.csv --out d.csv` used to replace the data with the report).
//! * A failed write to standard output (`> /dev/full`, a full disk) is an error (exit 1,
//!   with the reason); only a closed pipe (`| head`) is quietly accepted, as every Unix
//!   filter does.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::{CliResult, Failure};

/// The path as the file system resolves it (the path itself when it does not exist yet,
/// with its directory resolved when that exists).
fn resolved(p: &Path) -> PathBuf {
    if let Ok(c) = p.canonicalize() {
        return c;
    }
    match (p.parent(), p.file_name()) {
        (Some(dir), Some(name)) => {
            let dir = if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            };
            dir.canonicalize()
                .map(|d| d.join(name))
                .unwrap_or_else(|_| p.to_path_buf())
        }
        _ => p.to_path_buf(),
    }
}

/// Refuses an output path that names one of the inputs (after resolving `.`, `..` and
/// symbolic links).
pub fn refuse_input(out: Option<&Path>, inputs: &[&Path]) -> CliResult {
    let Some(out) = out else { return Ok(()) };
    let target = resolved(out);
    for input in inputs {
        if resolved(input) == target {
            return Err(Failure(format!(
                "--out {}: that is an input file of this command; refusing to overwrite it \
                 (choose another output path)",
                out.display()
            )));
        }
    }
    Ok(())
}

/// Writes `text` to `path` atomically (module docs).
pub fn write_file(path: &Path, text: &str) -> CliResult {
    write_bytes(path, text.as_bytes())
}

/// Writes `bytes` to `path` atomically (module docs).
pub fn write_bytes(path: &Path, bytes: &[u8]) -> CliResult {
    write_file_with(path, |w| w.write_all(bytes))
}

/// Writes to `path` what `write` writes (buffered), atomically (module docs): a large
/// output (the national-scale report CSV is 170 MB) is streamed to the file, never held
/// whole in memory.
pub fn write_file_with(
    path: &Path,
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> CliResult {
    cpindex::io::write_atomically(path, write)
        .map_err(|e| Failure(format!("{}: {e}", path.display())))
}

/// Writes to standard output what `write` writes (buffered); a write error other than a
/// closed pipe is a failure.
pub fn write_stdout_with(
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> CliResult {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    match write(&mut out).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure(format!("cannot write to standard output: {e}"))),
    }
}

/// Writes what `write` writes to `path`, or to standard output when `path` is `None`.
pub fn write_out_with(
    path: Option<&Path>,
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> CliResult {
    match path {
        Some(p) => write_file_with(p, write),
        None => write_stdout_with(write),
    }
}

/// Writes `text` to standard output; a write error other than a closed pipe is a failure.
pub fn write_stdout(text: &str) -> CliResult {
    write_stdout_with(|w| w.write_all(text.as_bytes()))
}

/// Writes to `path`, or to standard output when `path` is `None`.
pub fn write_out(path: Option<&Path>, text: &str) -> CliResult {
    match path {
        Some(p) => write_file(p, text),
        None => write_stdout(text),
    }
}
