//! Writing an output file so that a failed write never loses the file it replaces
//! (the standards: "output files written atomically"). One helper, used by the CLI's
//! `--out` and by `cpindex_run_json_to_file`, so both behave the same:
//!
//! * **A regular file, or a path that does not exist yet**, is written to a temporary
//!   file in the same directory (created new, never over an existing file), flushed to
//!   disk (`fsync`), then renamed over the target. `rename(2)` within one directory
//!   replaces the name atomically (POSIX.1-2017, `rename`): readers see the old file or
//!   the new one, never a truncated one, and a write that fails part-way (disk full,
//!   quota, file-size limit) leaves the old file whole and removes the temporary file.
//!   The replaced file's permission bits are kept.
//! * **A symbolic link** is followed: its target is replaced (or created, for a dangling
//!   link) and the link stays a link (`--out latest.html` pointing at this year's
//!   report updates the report, as a shell's `>` does).
//! * **An existing file that is not a regular file** (a character or block device such as
//!   `/dev/null` or `/dev/stdout`, a FIFO, a socket) is opened and written directly, as a
//!   shell's `>` does: a device or a pipe cannot be replaced by renaming, and replacing the
//!   device node would destroy it (and, for a root process, the system's `/dev/null`).
//! * A directory is refused.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The most symbolic links followed before giving up (Linux's own limit, `ELOOP`).
const MAX_LINKS: usize = 40;

/// Where a write to `path` goes.
enum Target {
    /// An existing file that is not a regular file: opened and written in place.
    Special(PathBuf),
    /// A regular file (existing or not), replaced by a rename from the directory's
    /// temporary file.
    Replace(PathBuf),
}

/// Follows a chain of symbolic links whose end does not exist (the kernel resolves every
/// other case itself); a relative link is read relative to the link's directory.
fn follow_dangling(path: &Path) -> io::Result<PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let t = fs::read_link(&p)?;
                p = if t.is_absolute() {
                    t
                } else {
                    p.parent().unwrap_or_else(|| Path::new("")).join(t)
                };
            }
            _ => return Ok(p),
        }
    }
    Err(io::Error::other(format!(
        "more than {MAX_LINKS} levels of symbolic links"
    )))
}

/// Decides how `path` is written (module docs).
fn target_of(path: &Path) -> io::Result<Target> {
    match fs::metadata(path) {
        // `metadata` follows links, magic ones (`/dev/stdout` → `/proc/self/fd/1` → a
        // pipe) included
        Ok(m) if m.is_dir() => Err(io::Error::other("is a directory")),
        Ok(m) if m.is_file() => Ok(Target::Replace(if path.is_symlink() {
            fs::canonicalize(path)?
        } else {
            path.to_path_buf()
        })),
        Ok(_) => Ok(Target::Special(path.to_path_buf())),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            Ok(Target::Replace(follow_dangling(path)?))
        }
        Err(e) => Err(e),
    }
}

/// Distinguishes the temporary files of concurrent writers in one process.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Writes to `path` what `write` writes, through a buffer, so that a failure never leaves
/// a truncated file or loses the previous one (module docs: a regular file is replaced by
/// a rename from a temporary file in its directory; a symbolic link's target is written;
/// a device, FIFO or socket is written directly). Large outputs are streamed, never held
/// whole in memory.
///
/// Errors: the `io::Error` of whatever failed (creating the temporary file, `write`
/// itself, `fsync`, the rename; "is a directory"); the caller names the path. After an
/// error the previous regular file is unchanged and no temporary file is left.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let target = match target_of(path)? {
        Target::Special(p) => {
            let f = OpenOptions::new().write(true).open(p)?;
            let mut w = io::BufWriter::with_capacity(1 << 16, f);
            write(&mut w)?;
            return w.flush();
        }
        Target::Replace(p) => p,
    };
    let name = target
        .file_name()
        .ok_or_else(|| io::Error::other("not a file name"))?;
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let tmp = dir.join(format!(
        ".{}.cpindex-{}-{}.tmp",
        name.to_string_lossy(),
        std::process::id(),
        TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let old_permissions = fs::metadata(&target).ok().map(|m| m.permissions());
    let file = OpenOptions::new().write(true).create_new(true).open(&tmp)?;
    let result = (|| {
        let mut w = io::BufWriter::with_capacity(1 << 16, file);
        write(&mut w)?;
        let f: File = w.into_inner().map_err(|e| e.into_error())?;
        if let Some(p) = old_permissions {
            f.set_permissions(p)?;
        }
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, &target)
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    // the rename itself reaches the disk with the directory; a directory that cannot be
    // opened or synced (some network file systems) does not undo the write
    if let Ok(d) = File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh scratch directory under the system's temporary directory.
    fn scratch(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!(
            "cpindex-io-{name}-{}-{}",
            std::process::id(),
            TEMP_COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&d);
        fs::create_dir_all(&d).unwrap();
        d
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_failed_write_leaves_the_old_file_whole_and_no_temporary_file() {
        let d = scratch("fail");
        let p = d.join("out.json");
        fs::write(&p, "old results").unwrap();
        let e = write_atomically(&p, |w| {
            w.write_all(&[b'x'; 100_000])?;
            Err(io::Error::other("disk full (test)"))
        })
        .unwrap_err();
        assert!(e.to_string().contains("disk full"), "{e}");
        assert_eq!(fs::read_to_string(&p).unwrap(), "old results");
        assert_eq!(entries(&d), ["out.json"], "the temporary file is removed");
        write_atomically(&p, |w| w.write_all(b"new")).unwrap();
        assert_eq!(fs::read_to_string(&p).unwrap(), "new");
        assert_eq!(entries(&d), ["out.json"]);
        // a new file in the current directory's sense: a bare relative name works too
        let fresh = d.join("sub");
        fs::create_dir(&fresh).unwrap();
        write_atomically(&fresh.join("new.txt"), |w| w.write_all(b"a")).unwrap();
        assert_eq!(fs::read_to_string(fresh.join("new.txt")).unwrap(), "a");
        let e = write_atomically(&fresh, |w| w.write_all(b"a")).unwrap_err();
        assert!(e.to_string().contains("is a directory"), "{e}");
        fs::remove_dir_all(&d).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn permissions_of_the_replaced_file_are_kept() {
        use std::os::unix::fs::PermissionsExt;
        let d = scratch("perm");
        let p = d.join("report.csv");
        fs::write(&p, "old").unwrap();
        fs::set_permissions(&p, fs::Permissions::from_mode(0o640)).unwrap();
        write_atomically(&p, |w| w.write_all(b"new")).unwrap();
        assert_eq!(
            fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o640
        );
        fs::remove_dir_all(&d).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_is_followed_and_stays_a_link() {
        use std::os::unix::fs::symlink;
        let d = scratch("link");
        fs::create_dir(d.join("2025")).unwrap();
        let real = d.join("2025").join("report.html");
        fs::write(&real, "old").unwrap();
        let link = d.join("latest.html");
        symlink("2025/report.html", &link).unwrap(); // relative to the link's directory
        write_atomically(&link, |w| w.write_all(b"new")).unwrap();
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read_to_string(&real).unwrap(), "new");
        assert_eq!(entries(&d.join("2025")), ["report.html"]);
        // a link to a link to a file not there yet: the final target is created
        let dangling = d.join("next.html");
        symlink("chain.html", &dangling).unwrap();
        symlink("2025/next-real.html", d.join("chain.html")).unwrap();
        write_atomically(&dangling, |w| w.write_all(b"created")).unwrap();
        assert!(fs::symlink_metadata(&dangling)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(
            fs::read_to_string(d.join("2025").join("next-real.html")).unwrap(),
            "created"
        );
        // a link loop is an error, not a hang
        symlink("loop-b", d.join("loop-a")).unwrap();
        symlink("loop-a", d.join("loop-b")).unwrap();
        assert!(write_atomically(&d.join("loop-a"), |w| w.write_all(b"x")).is_err());
        fs::remove_dir_all(&d).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_fifos_are_written_in_place_never_replaced() {
        use std::os::unix::fs::FileTypeExt;
        let null = Path::new("/dev/null");
        write_atomically(null, |w| w.write_all(b"discarded")).unwrap();
        assert!(fs::metadata(null).unwrap().file_type().is_char_device());
        // /dev/full is a device whose writes fail with ENOSPC: the error comes back and
        // the device stays a device
        let full = Path::new("/dev/full");
        if full.exists() {
            assert!(write_atomically(full, |w| w.write_all(b"x")).is_err());
            assert!(fs::metadata(full).unwrap().file_type().is_char_device());
        }
        let d = scratch("fifo");
        let fifo = d.join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            let _ = writeln!(io::stderr(), "SKIPPED the FIFO case: mkfifo failed");
            return;
        }
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || fs::read(fifo).unwrap())
        };
        write_atomically(&fifo, |w| w.write_all(b"through the pipe")).unwrap();
        assert_eq!(reader.join().unwrap(), b"through the pipe");
        assert!(fs::metadata(&fifo).unwrap().file_type().is_fifo());
        assert_eq!(entries(&d), ["pipe"]);
        fs::remove_dir_all(&d).unwrap();
    }
}
