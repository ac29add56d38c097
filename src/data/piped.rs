//! Reading a CSV file on two threads: one reads and tokenises it ([`ChunkRows`]'s window
//! and [`Scanner`]), the other interprets the records ([`PipedRows`], a [`Rows`] for the
//! panel readers). Issue 16: reading and tokenising were half of reading a national-scale
//! long file, and the reading was the largest step of `cpindex report` left on one
//! thread. (Parsing the value column on the reading thread as well was tried: with the
//! numbers of 16–17 digits of the scale test it left that thread the slower one, 0.28–0.31
//! against 0.26–0.27 s for 2,844 units × 10 years.)
//!
//! The records, their lines and fields, every error and the stop on bytes that are not
//! UTF-8 are those of [`ChunkRows`] — the reading thread drives the same tokenizer over
//! the same windows — so the panel, warnings and errors are those of one thread. It is a
//! producer/consumer pipeline over a bounded channel (the design of a double-buffered
//! reader, as in the `csv` crate's `ByteRecord` reuse or Spark's `LineRecordReader`
//! feeding a parser: the reading of the next block overlaps the interpretation of this
//! one; no code taken from either).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};

use super::csv::Rows;
use super::text::{Abort, ChunkRows, Step};
use crate::error::{Error, Result};

/// Blocks in flight between the threads (each a window of about `chunk` bytes, 256 KiB
/// for a file): bounds the memory the reading thread may run ahead by.
const IN_FLIGHT: usize = 8;

/// The largest window text handed back for reuse: a window grown to hold a long record
/// is freed instead, so the batches waiting for reuse hold at most `IN_FLIGHT + 2` such
/// windows (10 MiB) beside those in flight.
const REUSED_TEXT: usize = 4 * super::text::STREAM_CHUNK;

/// Records of one window, handed from the reading thread to the interpreting one, and
/// back when interpreted: the reading thread refills a returned batch (its window text
/// and lists keep their room), so it allocates nothing while reading and the window's
/// pages are written once, not fresh pages for every window.
#[derive(Default)]
struct Batch {
    /// The window's text: the records' fields are spans of it.
    text: String,
    /// Per record: its line and the position of its first field in `fields` (its
    /// fields run to the next record's first, or to the end).
    records: Vec<(u64, usize)>,
    /// The fields: `(start, end)` in `text`, or `(usize::MAX, k)` for `owned[k]` (a quoted
    /// field holding an escaped quote).
    fields: Vec<(usize, usize)>,
    owned: Vec<String>,
    /// What follows the records (`None`: more batches).
    end: Option<Ending>,
}

/// How the records of the input end.
enum Ending {
    /// At the end of the input.
    End,
    /// At a tokenizer error (as [`ChunkRows::advance`] returns it).
    Error(Error),
    /// Reading stopped (bytes not UTF-8, a failed read): the reason comes with
    /// [`Msg::Finished`].
    Stopped,
}

enum Msg {
    Batch(Box<Batch>),
    /// The reading thread is done: the result of [`ChunkRows::finish`] (whether every
    /// byte was UTF-8 and could be read).
    Finished(std::result::Result<(), Abort>),
}

/// The reading thread: tokenises `rows`' input window by window into batches until the
/// end, an error or `stop` (set by the interpreting thread when it stops reading
/// records), then checks the rest of the input ([`ChunkRows::finish`]).
fn produce<R: std::io::Read>(
    mut rows: ChunkRows<'_, R>,
    tx: SyncSender<Msg>,
    back: Receiver<Box<Batch>>,
    stop: &AtomicBool,
) {
    let mut batch = Box::<Batch>::default();
    let ending = loop {
        if stop.load(Ordering::Relaxed) {
            break None;
        }
        match rows.scan() {
            Ok(Step::Record) => {
                let b = &mut *batch;
                b.records.push((rows.scanner.line, b.fields.len()));
                for &(s, e) in &rows.scanner.fields {
                    if s == usize::MAX {
                        b.owned.push(rows.scanner.owned[e].clone());
                        b.fields.push((usize::MAX, b.owned.len() - 1));
                    } else {
                        b.fields.push((s, e));
                    }
                }
            }
            Ok(Step::More) => {
                // hand over the window's complete records; the unfinished one starts the
                // next window, in the text of a batch handed back when there is one
                let mut next = back.try_recv().unwrap_or_default();
                let mut window = std::mem::take(&mut next.text);
                window.clear();
                window.push_str(&rows.text[rows.scanner.pos..]);
                rows.scanner.pos = 0;
                let text = std::mem::replace(&mut rows.text, window);
                if !batch.records.is_empty() {
                    batch.text = text;
                    next.records.clear();
                    next.fields.clear();
                    next.owned.clear();
                    next.end = None;
                    let full = std::mem::replace(&mut batch, next);
                    if tx.send(Msg::Batch(full)).is_err() {
                        return;
                    }
                }
                if let Err(a) = rows.fill() {
                    rows.abort = Some(a);
                    break Some(Ending::Stopped);
                }
            }
            Ok(Step::End) => break Some(Ending::End),
            Err(e) => break Some(Ending::Error(e)),
        }
    };
    if let Some(end) = ending {
        // the last records (their text is the window) and how the input ends
        batch.text = std::mem::take(&mut rows.text);
        batch.end = Some(end);
        if tx.send(Msg::Batch(batch)).is_err() {
            return;
        }
    }
    let _ = tx.send(Msg::Finished(rows.finish()));
}

/// The interpreting side: a [`Rows`] over the batches of the reading thread.
pub(crate) struct PipedRows<'c> {
    rx: Receiver<Msg>,
    /// Interpreted batches back to the reading thread (dropped when it has enough).
    back: SyncSender<Box<Batch>>,
    /// Tells the reading thread to stop tokenising.
    stop: &'c AtomicBool,
    batch: Box<Batch>,
    /// The current record in `batch` (`usize::MAX` before the first).
    at: usize,
    /// The first and one-past-last field of the current record in `batch.fields`.
    span: (usize, usize),
    source: String,
    /// The reading thread's final word, once received.
    finished: Option<std::result::Result<(), Abort>>,
}

impl PipedRows<'_> {
    fn stopped(&self) -> Error {
        Error::Empty {
            context: format!("{}: reading stopped", self.source),
        }
    }

    /// Stops the reading thread and waits for its final word: `Ok` when every byte was
    /// UTF-8 and could be read (so what was interpreted is what one thread would have
    /// read), as [`ChunkRows::finish`].
    fn finish(mut self) -> std::result::Result<(), Abort> {
        self.stop.store(true, Ordering::Relaxed);
        loop {
            if let Some(f) = self.finished.take() {
                return f;
            }
            match self.rx.recv() {
                Ok(Msg::Batch(_)) => {}
                Ok(Msg::Finished(f)) => return f,
                Err(_) => return Err(Abort::Io(reader_gone())),
            }
        }
    }
}

/// The reading thread ended without its final word (it panicked).
fn reader_gone() -> std::io::Error {
    std::io::Error::other("the reading thread stopped unexpectedly")
}

impl Rows for PipedRows<'_> {
    fn advance(&mut self) -> Result<bool> {
        loop {
            let next = self.at.wrapping_add(1);
            if next < self.batch.records.len() {
                self.at = next;
                let first = self.batch.records[next].1;
                let end = self
                    .batch
                    .records
                    .get(next + 1)
                    .map_or(self.batch.fields.len(), |r| r.1);
                self.span = (first, end);
                return Ok(true);
            }
            match self.batch.end.take() {
                Some(Ending::End) => {
                    self.batch.end = Some(Ending::End);
                    return Ok(false);
                }
                Some(Ending::Error(e)) => return Err(e),
                Some(Ending::Stopped) => return Err(self.stopped()),
                None => {}
            }
            if self.finished.is_some() {
                return Err(self.stopped());
            }
            match self.rx.recv() {
                Ok(Msg::Batch(b)) => {
                    let done = std::mem::replace(&mut self.batch, b);
                    if done.text.capacity() <= REUSED_TEXT {
                        let _ = self.back.try_send(done);
                    }
                    self.at = usize::MAX;
                    self.span = (0, 0);
                }
                Ok(Msg::Finished(f)) => {
                    self.finished = Some(f);
                    return Err(self.stopped());
                }
                Err(_) => {
                    self.finished = Some(Err(Abort::Io(reader_gone())));
                    return Err(self.stopped());
                }
            }
        }
    }

    #[inline]
    fn width(&self) -> usize {
        self.span.1 - self.span.0
    }

    #[inline]
    fn cell(&self, k: usize) -> &str {
        let b = &*self.batch;
        match b.fields[self.span.0..self.span.1].get(k) {
            Some(&(usize::MAX, o)) => &b.owned[o],
            Some(&(s, e)) => &b.text[s..e],
            None => "",
        }
    }

    fn line(&self) -> u64 {
        self.batch.records.get(self.at).map_or(0, |r| r.0)
    }

    fn at(&self, _k: Option<usize>, name: &str) -> (u64, String) {
        (self.line(), name.to_string())
    }

    #[inline]
    fn is_blank(&self) -> bool {
        let b = &*self.batch;
        b.fields[self.span.0..self.span.1].iter().all(|&(s, e)| {
            if s == usize::MAX {
                b.owned[e].is_empty()
            } else {
                s == e
            }
        })
    }
}

/// Runs `interpret` over the records of `rows` tokenised on a second thread. Returns what
/// `interpret` returned and whether every byte of the input was UTF-8 and could be read
/// ([`ChunkRows::finish`]); `None` when the system refused the thread (`rows` is then
/// gone: the caller reads the input again on one thread).
pub(crate) fn interpret_piped<R, T>(
    rows: ChunkRows<'_, R>,
    interpret: impl FnOnce(&mut PipedRows<'_>) -> T,
) -> Option<(T, std::result::Result<(), Abort>)>
where
    R: std::io::Read + Send,
{
    let stop = AtomicBool::new(false);
    let source = rows.source().to_string();
    std::thread::scope(|s| {
        let (tx, rx) = sync_channel(IN_FLIGHT);
        let (back, returned) = sync_channel(IN_FLIGHT + 2);
        let stop = &stop;
        let reader =
            crate::spawn::scoped(s, "cpindex-read", move || produce(rows, tx, returned, stop));
        let reader = reader.ok()?;
        let mut piped = PipedRows {
            rx,
            back,
            stop,
            batch: Box::default(),
            at: usize::MAX,
            span: (0, 0),
            source,
            finished: None,
        };
        let out = interpret(&mut piped);
        let fin = piped.finish();
        if let Err(p) = reader.join() {
            std::panic::resume_unwind(p);
        }
        Some((out, fin))
    })
}
