//! Framework, methodology-spec and monitoring-spec JSON on arbitrary bytes: a value or an
//! error, never a panic or a hang (deep hierarchies are refused at validation).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(fw) = cpindex::model::Framework::from_json(text) {
        let w = fw.effective_weights();
        assert!(w.iter().all(|v| v.is_finite()), "{w:?}");
        let _ = fw.depth();
    }
    let _ = cpindex::method::Spec::from_json(text);
    let _ = cpindex::monitor::MonitorSpec::from_json(text);
});
