//! The EULUMDAT and IES readers on arbitrary text, then the intensity lookups and the
//! flux integral on whatever they accept.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text: String = data.iter().map(|&b| b as char).collect();
    for name in ["fuzz.ldt", "fuzz.ies"] {
        if let Ok(p) = lysplan::photometry::parse(&text, std::path::Path::new(name)) {
            let _ = p.table.flux_lm();
            let _ = p.nonsense();
            for (c, g) in [(0.0, 0.0), (90.0, 45.0), (271.3, 89.9), (360.0, 180.0)] {
                let _ = p.table.intensity(c, g);
            }
        }
    }
});
