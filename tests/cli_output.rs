//! The CLI never loses a file and never hides a failed write (issue 13): output files are
//! written through a temporary file and a rename, an input is never overwritten, and a
//! failed write to standard output exits 1 with the reason.

use std::path::PathBuf;
use std::process::{Command, Stdio};
mod common;
use common::cli::cpindex;

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("cpindex-out-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

const DATA: &str = "unit,period,indicator,value\n\
quzhou,2020,gdp,1600\nquzhou,2021,gdp,1800\nkaihua,2020,gdp,150\nkaihua,2021,gdp,170\n";

#[test]
fn report_refuses_to_overwrite_its_input() {
    let d = dir("self");
    let data = d.join("d.csv");
    std::fs::write(&data, DATA).unwrap();
    let p = data.display().to_string();
    // the same file by another spelling is refused too
    let other = d.join(".").join("d.csv").display().to_string();
    for out in [p.clone(), other] {
        let o = cpindex(&["report", &p, "--no-auto", "--out", &out]);
        assert_eq!(o.status.code(), Some(1));
        let e = String::from_utf8_lossy(&o.stderr);
        assert!(
            e.contains("input file") && e.contains("refusing to overwrite"),
            "{e}"
        );
        assert_eq!(
            std::fs::read_to_string(&data).unwrap(),
            DATA,
            "the data is intact"
        );
    }
}

/// The files `report` finds beside the data file (households.csv, survey.csv) and the
/// survey's item description (survey_items.json beside the survey) are inputs of the run
/// as much as those given by flag: `--out` naming one of them is refused and the file is
/// left as it was (finding 1 of the CLI review).
#[test]
fn report_refuses_to_overwrite_an_input_it_found_by_itself() {
    let d = dir("auto");
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data");
    for f in [
        "quzhou.csv",
        "households.csv",
        "survey.csv",
        "survey_items.json",
    ] {
        std::fs::copy(src.join(f), d.join(f)).unwrap();
    }
    let data = d.join("quzhou.csv").display().to_string();
    for name in ["households.csv", "survey.csv", "survey_items.json"] {
        let target = d.join(name);
        let before = std::fs::read(&target).unwrap();
        let out = target.display().to_string();
        let o = cpindex(&["report", &data, "--format", "json", "--out", &out]);
        let e = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{name}: {e}");
        assert!(
            e.contains("input file") && e.contains("refusing to overwrite"),
            "{name}: {e}"
        );
        assert_eq!(std::fs::read(&target).unwrap(), before, "{name} is intact");
    }
    // with --no-auto the files beside the data are not read, so they may be written
    let out = d.join("households.csv").display().to_string();
    let o = cpindex(&[
        "report",
        &data,
        "--no-auto",
        "--format",
        "json",
        "--out",
        &out,
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn report_files_are_written_whole_through_a_rename() {
    let d = dir("rename");
    let data = d.join("d.csv");
    std::fs::write(&data, DATA).unwrap();
    let out = d.join("r.csv");
    std::fs::write(&out, "previous report").unwrap();
    let o = cpindex(&[
        "report",
        &data.display().to_string(),
        "--no-auto",
        "--format",
        "csv",
        "--out",
        &out.display().to_string(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("quzhou") && !text.contains("previous report"));
    // nothing but the data and the report: no temporary file left behind
    let mut names: Vec<String> = std::fs::read_dir(&d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["d.csv", "r.csv"]);
    // a write that cannot happen (the target is a directory) fails and leaves it alone
    let o = cpindex(&[
        "report",
        &data.display().to_string(),
        "--no-auto",
        "--out",
        &d.display().to_string(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("is a directory"));
}

#[test]
fn a_failed_write_to_stdout_exits_1_with_the_reason() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        common::skip("SKIPPED: /dev/full is not available on this system", None);
        return;
    };
    let o = Command::new(env!("CARGO_BIN_EXE_cpindex"))
        .args(["indicators"])
        .stdout(Stdio::from(full))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains("cannot write to standard output") && e.contains("space"),
        "{e}"
    );
}

#[test]
fn a_negative_weight_names_the_column_and_the_line() {
    let d = dir("weight");
    let f = d.join("hh.csv");
    std::fs::write(&f, "income,w\n100,1\n200,-2\n300,1\n").unwrap();
    let o = cpindex(&[
        "inequality",
        &f.display().to_string(),
        "--value",
        "income",
        "--weight",
        "w",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let e = String::from_utf8_lossy(&o.stderr);
    // file line 3 (the header is line 1) = data row 2
    assert!(
        e.contains("line 3, column `w`") && e.contains("`-2` is a negative weight (data row 2)"),
        "{e}"
    );
}

/// The report's large formats are streamed into the output (issue 16): the same bytes
/// to standard output and to `--out`, written through a rename; a write that fails
/// part-way is an error; a reader that stops early (`| head`) is not.
#[test]
fn streamed_report_formats_write_the_same_bytes_everywhere_and_fail_loudly() {
    let d = dir("streamed");
    let data = "examples/data/quzhou.csv";
    for format in ["csv", "json", "evaluation", "table"] {
        let o = cpindex(&["report", data, "--format", format]);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{format}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(
            o.stdout.len() > 10_000,
            "{format}: {} bytes",
            o.stdout.len()
        );
        let out = d.join(format!("r.{format}"));
        std::fs::write(&out, "previous").unwrap();
        let f = cpindex(&[
            "report",
            data,
            "--format",
            format,
            "--out",
            &out.display().to_string(),
        ]);
        assert_eq!(f.status.code(), Some(0), "{format}");
        assert!(
            std::fs::read(&out).unwrap() == o.stdout,
            "{format}: the file differs from standard output"
        );
        // the JSON forms parse whole
        if format == "json" || format == "evaluation" {
            let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect(format);
            assert!(v.is_object(), "{format}");
        }
        // an output directory that does not exist: an error, nothing written
        let missing = d.join("no-such-dir").join("r.out");
        let m = cpindex(&[
            "report",
            data,
            "--format",
            format,
            "--out",
            &missing.display().to_string(),
        ]);
        assert_eq!(m.status.code(), Some(1), "{format}");
        assert!(String::from_utf8_lossy(&m.stderr).contains("no-such-dir"));
        // a full disk part-way through: exit 1 with the reason
        if let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") {
            let o = Command::new(env!("CARGO_BIN_EXE_cpindex"))
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .args(["report", data, "--format", format])
                .stdout(Stdio::from(full))
                .output()
                .unwrap();
            assert_eq!(o.status.code(), Some(1), "{format}");
            let e = String::from_utf8_lossy(&o.stderr);
            assert!(
                e.contains("cannot write to standard output"),
                "{format}: {e}"
            );
        } else {
            common::skip(
                "SKIPPED (/dev/full part): /dev/full is not available on this system",
                None,
            );
        }
        // a reader that reads 100 bytes and goes away: quietly accepted
        let mut child = Command::new(env!("CARGO_BIN_EXE_cpindex"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["report", data, "--format", format])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut head = [0u8; 100];
        std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut head).unwrap();
        drop(child.stdout.take());
        let done = child.wait_with_output().unwrap();
        assert_eq!(
            done.status.code(),
            Some(0),
            "{format}: {}",
            String::from_utf8_lossy(&done.stderr)
        );
        assert_eq!(&head[..], &o.stdout[..100], "{format}");
    }
    let mut names: Vec<String> = std::fs::read_dir(&d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["r.csv", "r.evaluation", "r.json", "r.table"],
        "no temporary file left behind"
    );
}

/// The workbook keeps its rows in temporary files (rust_xlsxwriter's low-memory mode):
/// a temporary directory that cannot be written is an error that says so — not a panic —
/// and no workbook, whole or partial, is left.
#[test]
fn an_unwritable_temporary_directory_is_a_clear_xlsx_error() {
    let d = dir("xlsx-tmp");
    let out = d.join("r.xlsx");
    let report_with_tmpdir = |tmp: PathBuf| {
        Command::new(env!("CARGO_BIN_EXE_cpindex"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("TMPDIR", tmp)
            .args([
                "report",
                "examples/data/quzhou.csv",
                "--format",
                "xlsx",
                "--out",
            ])
            .arg(&out)
            .output()
            .unwrap()
    };
    let o = report_with_tmpdir(d.join("no-such-dir"));
    assert_eq!(o.status.code(), Some(1));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains("TMPDIR") && e.contains("no-such-dir") && !e.contains("panicked"),
        "{e}"
    );
    assert!(!out.exists());
    // and with a writable one, the workbook is written
    let o = report_with_tmpdir(d.clone());
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"PK"), "a zip file");
}

/// `cpindex report d.csv --no-auto --format csv --out <out>`.
fn report_to(data: &std::path::Path, out: &str) -> std::process::Output {
    cpindex(&[
        "report",
        &data.display().to_string(),
        "--no-auto",
        "--format",
        "csv",
        "--out",
        out,
    ])
}

#[cfg(unix)]
#[test]
fn out_follows_symlinks_and_writes_devices_and_fifos_in_place() {
    use std::os::unix::fs::{symlink, FileTypeExt};
    let d = dir("special");
    let data = d.join("d.csv");
    std::fs::write(&data, DATA).unwrap();
    // a link to this year's report: the report is replaced, the link stays a link
    let real = d.join("real.csv");
    std::fs::write(&real, "old").unwrap();
    let link = d.join("latest.csv");
    symlink("real.csv", &link).unwrap();
    let o = report_to(&data, &link.display().to_string());
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(std::fs::read_to_string(&real).unwrap().contains("quzhou"));
    // a link to the input is the input: refused, the data intact
    let to_input = d.join("to-input.csv");
    symlink("d.csv", &to_input).unwrap();
    let o = report_to(&data, &to_input.display().to_string());
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("refusing to overwrite"));
    assert_eq!(std::fs::read_to_string(&data).unwrap(), DATA);
    // /dev/null: written (to nowhere), still the device
    let o = report_to(&data, "/dev/null");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(std::fs::metadata("/dev/null")
        .unwrap()
        .file_type()
        .is_char_device());
    // /dev/stdout: the report arrives on standard output (a pipe here)
    let o = report_to(&data, "/dev/stdout");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("quzhou"), "{stdout}");
    // a named pipe: a reader gets the report, the pipe stays a pipe
    let fifo = d.join("pipe");
    if !Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success())
    {
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), "SKIPPED the FIFO case: mkfifo failed");
        return;
    }
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let o = report_to(&data, &fifo.display().to_string());
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(reader.join().unwrap().contains("quzhou"));
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
}

#[cfg(target_os = "linux")]
#[test]
fn a_write_cut_by_a_file_size_limit_leaves_the_old_file_whole() {
    use std::os::unix::process::CommandExt;
    let d = dir("fsize");
    let data = d.join("d.csv");
    std::fs::write(&data, DATA).unwrap();
    let out = d.join("r.csv");
    std::fs::write(&out, "previous report").unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cpindex"));
    cmd.args([
        "report",
        &data.display().to_string(),
        "--no-auto",
        "--format",
        "csv",
    ])
    .arg("--out")
    .arg(&out);
    // in the child only: files may grow to 100 bytes (the report is larger), and a write
    // past that fails with EFBIG instead of killing the process with SIGXFSZ
    unsafe {
        cmd.pre_exec(|| {
            let lim = libc::rlimit {
                rlim_cur: 100,
                rlim_max: 100,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &lim) != 0
                || libc::signal(libc::SIGXFSZ, libc::SIG_IGN) == libc::SIG_ERR
            {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let o = cmd.output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("r.csv") && e.contains("too large"), "{e}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "previous report");
    let mut names: Vec<String> = std::fs::read_dir(&d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["d.csv", "r.csv"], "no temporary file left");
}
