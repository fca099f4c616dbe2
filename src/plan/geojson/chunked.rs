//! The fast reader on a file, in pieces and on every core: the file is read in blocks,
//! the `features` array is cut into runs of whole features, and each run is parsed by
//! the fast reader on a worker thread while the next is read. Memory stays at the plan
//! plus a few runs in flight, not the file's whole text.
//!
//! # Why a cut is safe
//!
//! Runs are cut at a comma between a `}` and a `{` (blanks aside), found by looking at a
//! few bytes only, which may be wrong: that comma may sit inside a string or inside a
//! feature. But each run is parsed as the JSON array `[` run `]`, and a run starts where
//! a feature starts (the first after the array's `[`, each later one after a cut the
//! run before it proved). A run that ends inside a string or inside a feature leaves a
//! string or a bracket open, and its array does not parse. So when every run parses,
//! every cut was a comma between two features, and the features are exactly those of
//! the whole file, in order. When one does not (or the file is not laid out as this
//! reader expects), the caller reads the file whole, on the paths that name what is
//! wrong.

use super::Collected;
use super::fast;
use std::io::Read;
use std::path::Path;
use std::sync::mpsc;

/// How many bytes of features a run holds, about, before it is cut. Up to five runs
/// are in flight (one filling, two queued, two parsing), so this sets most of the
/// reader's memory beyond the plan; larger runs raised the peak without saving time
/// (figures in docs/performance.md).
pub(super) const RUN_BYTES: usize = 1 << 18;
/// How much of the file is read at a time.
const BLOCK_BYTES: usize = 1 << 18;
/// How far into the file the `features` array must start (a larger `lysplan` member
/// first: the file is read whole).
const HEAD_LIMIT: usize = 64 << 20;

/// Reads the plan file at `path` in runs of about `run_bytes`; `None`: read it whole.
pub(super) fn read(path: &Path, run_bytes: usize) -> Option<Collected> {
    let mut file = std::fs::File::open(path).ok()?;
    let run_bytes = run_bytes.max(1);
    // A file of fewer than two runs gains nothing from the workers (on a 1,000-pole
    // file, starting them cost more than they saved).
    if file.metadata().ok()?.len() < 2 * run_bytes as u64 {
        return None;
    }
    // The head: everything up to and including the `[` of the features array.
    let mut buf: Vec<u8> = Vec::new();
    let open = loop {
        match features_open(&buf) {
            Head::At(at) => break at,
            Head::No => return None,
            Head::More => {}
        }
        if buf.len() >= HEAD_LIMIT || fill(&mut file, &mut buf, BLOCK_BYTES).ok()? == 0 {
            return None;
        }
    };
    let mut skeleton = buf[..open].to_vec();
    // Each run is framed in place: `[` before it, and its cut comma becomes `]`.
    let mut run = Vec::with_capacity(run_bytes.min(HEAD_LIMIT) + BLOCK_BYTES + 1);
    run.push(b'[');
    run.extend_from_slice(&buf[open..]);
    drop(buf);

    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(1, 8));
    let (send_run, take_run) = mpsc::sync_channel::<(usize, Vec<u8>)>(workers);
    let take_run = std::sync::Mutex::new(take_run);
    let (send_part, parts) = mpsc::channel::<(usize, Option<Collected>)>();

    let merged = std::thread::scope(|s| {
        for _ in 0..workers {
            let send_part = send_part.clone();
            let take_run = &take_run;
            s.spawn(move || {
                loop {
                    let next = take_run.lock().ok().and_then(|r| r.recv().ok());
                    let Some((k, bytes)) = next else { break };
                    if send_part.send((k, fast::read_run(&bytes))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(send_part);

        let mut merged = Merge::default();
        let mut sent = 0usize;
        // Read, cut, hand out; merge what has come back on the way.
        let read_all = loop {
            while let Ok((k, part)) = parts.try_recv() {
                if !merged.take(k, part) {
                    return None;
                }
            }
            if run.len() > run_bytes
                && let Some((comma, next)) = last_cut(&run)
            {
                let mut rest = Vec::with_capacity(run_bytes.min(HEAD_LIMIT) + BLOCK_BYTES + 1);
                rest.push(b'[');
                rest.extend_from_slice(&run[next..]);
                run.truncate(comma + 1);
                run[comma] = b']';
                let full = std::mem::replace(&mut run, rest);
                if send_run.send((sent, full)).is_err() {
                    break false;
                }
                sent += 1;
                continue;
            }
            match fill(&mut file, &mut run, BLOCK_BYTES) {
                Ok(0) => break true,
                Ok(_) => {}
                Err(_) => break false,
            }
        };
        // The last run holds the end of the array, and after it the rest of the
        // collection, which joins the head.
        let close = read_all.then(|| array_close(&run)).flatten()?;
        skeleton.push(b']');
        skeleton.extend_from_slice(&run[close + 1..]);
        run.truncate(close + 1);
        send_run.send((sent, run)).ok()?;
        sent += 1;
        drop(send_run);
        // Every part, in order (the workers stop when the runs do).
        for (k, part) in parts.iter() {
            if !merged.take(k, part) {
                return None;
            }
        }
        (merged.next == sent).then_some(merged.c)
    })?;
    // The collection without its features: its type, the `lysplan` member, and no
    // second `features` (the fast reader gives up on a key given twice).
    let head = fast::read(std::str::from_utf8(&skeleton).ok()?).ok()?;
    Some(Collected {
        kind: head.kind,
        meta: head.meta,
        features_seen: true,
        ..merged
    })
}

/// Appends up to `n` bytes of `file` to `buf`; the count read (0 at the end).
fn fill(file: &mut std::fs::File, buf: &mut Vec<u8>, n: usize) -> std::io::Result<usize> {
    let start = buf.len();
    buf.resize(start + n, 0);
    let mut got = 0;
    let result = loop {
        if got == n {
            break Ok(got);
        }
        match file.read(&mut buf[start + got..]) {
            Ok(0) => break Ok(got),
            Ok(k) => got += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => break Err(e),
        }
    };
    buf.truncate(start + got);
    result
}

/// The parts, merged in order as they come back.
#[derive(Default)]
struct Merge {
    c: Collected,
    /// The next part to merge, and those that came back ahead of it.
    next: usize,
    waiting: std::collections::BTreeMap<usize, Collected>,
}

impl Merge {
    /// Takes part `k` (`None`: its run did not parse); `false` when it failed.
    fn take(&mut self, k: usize, part: Option<Collected>) -> bool {
        let Some(part) = part else { return false };
        self.waiting.insert(k, part);
        while let Some(p) = self.waiting.remove(&self.next) {
            if self.c.append(p).is_none() {
                return false;
            }
            self.next += 1;
        }
        true
    }
}

/// What the head of a file says so far.
#[derive(Debug, PartialEq)]
enum Head {
    /// The features array's elements start at this index (just after its `[`).
    At(usize),
    /// Read more to tell.
    More,
    /// Not a collection this reader splits (or not JSON): read the file whole.
    No,
}

/// Where the `features` array of the root object starts in `b`, a file's first bytes.
fn features_open(b: &[u8]) -> Head {
    let mut i = skip_blank(b, 0);
    match b.get(i) {
        None => return Head::More,
        Some(b'{') => i += 1,
        Some(_) => return Head::No,
    }
    loop {
        i = skip_blank(b, i);
        match b.get(i) {
            None => return Head::More,
            Some(b'"') => {}
            // The end of the root (no features), or not JSON.
            Some(_) => return Head::No,
        }
        let Some(end) = string_end(b, i) else {
            return Head::More;
        };
        let key = &b[i + 1..end];
        i = skip_blank(b, end + 1);
        match b.get(i) {
            None => return Head::More,
            Some(b':') => i = skip_blank(b, i + 1),
            Some(_) => return Head::No,
        }
        let Some(&first) = b.get(i) else {
            return Head::More;
        };
        if key == b"features" {
            return if first == b'[' {
                Head::At(i + 1)
            } else {
                Head::No
            };
        }
        let Some(after) = value_end(b, i) else {
            return Head::More;
        };
        i = skip_blank(b, after);
        match b.get(i) {
            None => return Head::More,
            Some(b',') => i += 1,
            Some(_) => return Head::No,
        }
    }
}

/// JSON's blanks.
fn is_blank(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r')
}

fn skip_blank(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(|&c| is_blank(c)) {
        i += 1;
    }
    i
}

/// The index of the quote closing the string that opens at `b[i]`.
fn string_end(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    while let Some(&c) = b.get(j) {
        match c {
            b'\\' => j += 2,
            b'"' => return Some(j),
            _ => j += 1,
        }
    }
    None
}

/// The index just after the value that starts at `b[i]` (brackets balanced, strings
/// skipped; the parser judges the rest).
fn value_end(b: &[u8], i: usize) -> Option<usize> {
    match b.get(i)? {
        b'"' => string_end(b, i).map(|e| e + 1),
        b'{' | b'[' => close_of(b, i),
        _ => (i..b.len()).find(|&j| matches!(b[j], b',' | b'}' | b']') || is_blank(b[j])),
    }
}

/// The index just after the bracket that closes the one at `b[i]`.
fn close_of(b: &[u8], i: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut j = i;
    while let Some(&c) = b.get(j) {
        match c {
            b'"' => j = string_end(b, j)?,
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(j + 1);
                }
            }
            _ => {}
        }
        j += 1;
    }
    None
}

/// The index of the `]` that closes a run's opening `[` (the features array's end).
fn array_close(run: &[u8]) -> Option<usize> {
    (run.first() == Some(&b'['))
        .then(|| close_of(run, 0))
        .flatten()
        .map(|e| e - 1)
}

/// How far back from a run's end a cut is looked for (beyond, the next block's end is
/// tried: a long feature is read on).
const CUT_SEARCH: usize = 1 << 16;

/// The last place to cut `run`: a `,` between a `}` and a `{` (blanks aside), as
/// (index of the comma, index of the `{`). Possibly wrong: see the module docs.
fn last_cut(run: &[u8]) -> Option<(usize, usize)> {
    let low = run.len().saturating_sub(CUT_SEARCH).max(1);
    let mut i = run.len();
    while i > low {
        i -= 1;
        if run[i] != b'{' {
            continue;
        }
        let comma = back_blank(run, i)?;
        if run[comma] != b',' {
            continue;
        }
        let brace = back_blank(run, comma)?;
        if brace >= 1 && run[brace] == b'}' {
            return Some((comma, i));
        }
    }
    None
}

/// The index of the last non-blank byte before `i`.
fn back_blank(b: &[u8], mut i: usize) -> Option<usize> {
    loop {
        i = i.checked_sub(1)?;
        if !is_blank(b[i]) {
            return Some(i);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_head_is_read_up_to_the_features_array() {
        let text = br#" {"type" : "FeatureCollection", "lysplan": {"a": [1, "]}"], "b": null},
            "x": -1.5e3, "features" : [ {"type": "Feature"} ] }"#;
        let Head::At(at) = features_open(text) else {
            panic!("not found");
        };
        assert_eq!(&text[at..at + 2], b" {");
        // Cut short anywhere before it: read more.
        for n in 0..at - 1 {
            assert_eq!(features_open(&text[..n]), Head::More, "at {n}");
        }
        assert_eq!(features_open(br#"[1, 2]"#), Head::No);
        assert_eq!(features_open(br#"{"features": null}"#), Head::No);
        assert_eq!(features_open(br#"{"type": "x"}"#), Head::No);
        assert_eq!(features_open(br#"{"type" "x"}"#), Head::No);
    }

    #[test]
    fn a_cut_is_looked_for_between_two_objects_and_the_array_end_past_strings() {
        let run = br#"[{"a": 1}, {"b": "},{"}  ,
            {"c": [2]}"#;
        let (comma, next) = last_cut(run).expect("a cut");
        assert_eq!(run[comma], b',');
        assert_eq!(&run[next..next + 4], br#"{"c""#);
        // The one inside the string is a candidate too (the parse rules it out).
        let (c2, _) = last_cut(&run[..comma]).expect("another");
        assert_eq!(&run[c2 - 1..c2 + 2], b"},{");
        assert_eq!(last_cut(br#"[{"a": [1, {"b": 2}]}"#), None);
        let tail = br#"[{"a": "]"}, {"b": [1]}] , "x": 1}"#;
        assert_eq!(array_close(tail), Some(23));
        assert_eq!(array_close(br#"[{"a": 1}"#), None);
    }
}
