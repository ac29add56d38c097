//! Renders the HTML report layout (`cpindex demo-html`, fake numbers) in headless Chromium
//! when it is installed, and checks that a non-trivial PNG comes out. Skipped, with a
//! message, when no Chromium is found (a failure with CPINDEX_REQUIRE_CHROMIUM=1, as in
//! CI). The screenshot itself is checked by eye with `scripts/render-report.sh`.

use std::path::Path;
use std::process::Command;

mod common;

fn find_browser() -> Option<String> {
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        for dir in ["/usr/bin", "/usr/local/bin", "/snap/bin"] {
            let p = format!("{dir}/{name}");
            if Path::new(&p).exists() {
                return Some(p);
            }
        }
    }
    None
}

#[test]
fn demo_report_renders_in_headless_chromium() {
    render_check("demo", &["demo-html"]);
}

#[test]
fn sample_report_renders_in_headless_chromium() {
    // the real report on the shipped sample (README's second command)
    render_check(
        "sample",
        &[
            "report",
            concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data/quzhou.csv"),
            "--format",
            "html",
            "--out",
        ],
    );
}

fn render_check(tag: &str, args: &[&str]) {
    let dir = std::env::temp_dir().join(format!("cpindex-render-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let html = dir.join("report.html");
    let o = Command::new(env!("CARGO_BIN_EXE_cpindex"))
        .args(args)
        .arg(html.to_str().unwrap())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>") && page.contains("</html>"));
    assert!(!page.contains("<script") && !page.contains("https://"));

    let Some(browser) = find_browser() else {
        common::skip(
            "cli_render: screenshot check SKIPPED: chromium is not installed (apt install chromium)",
            Some("CPINDEX_REQUIRE_CHROMIUM"),
        );
        return;
    };
    let png = dir.join("report.png");
    let profile = dir.join("profile");
    let status = Command::new(&browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            &format!("--user-data-dir={}", profile.display()),
            &format!("--screenshot={}", png.display()),
            "--window-size=1280,2400",
            &format!("file://{}", html.display()),
        ])
        .output()
        .expect("chromium runs");
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let bytes = std::fs::read(&png).expect("a PNG was written");
    // PNG signature (RFC 2083 §3.1) and IHDR width/height (big-endian at bytes 16..24)
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let w = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    assert_eq!((w, h), (1280, 2400));
    // measured with Chromium (Debian bookworm): a blank 1280x2400 page is ~14 KB, the demo
    // report ~450 KB; 100 KB separates a rendered report from a blank or failed one
    assert!(
        bytes.len() > 100_000,
        "PNG only {} bytes: blank page?",
        bytes.len()
    );
    let _ = std::fs::remove_dir_all(&dir);
}
