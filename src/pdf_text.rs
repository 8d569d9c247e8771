//! Plain-text extraction from uploaded PDF documents for the full-text index.
//!
//! The heavy lifting is done by the pure-Rust `pdf-extract` crate (built on
//! `lopdf`), so no system library or external tool is needed. `pdf-extract`
//! panics on many malformed inputs and recurses without bound on some, so
//! every extraction:
//!
//! * refuses inputs larger than [`MAX_PDF_BYTES`] and inputs without a
//!   `%PDF-` header;
//! * rebuilds a damaged cross-reference table by scanning for objects when
//!   the file cannot be opened as is (shifted offsets, missing trailer,
//!   truncated end);
//! * defuses the parsed document before extraction: image data is dropped,
//!   cycles in the page tree and self-invoking form XObjects (which would
//!   overflow the stack and abort the process) are cut, colour spaces
//!   unknown to `pdf-extract` are simplified;
//! * runs on a dedicated worker thread, each page inside
//!   [`std::panic::catch_unwind`], so a panic on one page only loses (the
//!   rest of) that page;
//! * is abandoned after [`EXTRACT_TIMEOUT`]; the worker notices this between
//!   pages and stops, and while too many abandoned workers are still busy new
//!   extractions are refused instead of piling up.
//!
//! Nothing in this module panics towards the caller. The functions block, so
//! async callers should run them via `actix_web::web::block` /
//! `tokio::task::spawn_blocking`.
//!
//! The extracted text is normalised for indexing: runs of whitespace become a
//! single space (or a single newline if the run contained a line break),
//! control and invisible formatting characters are dropped, typographic
//! ligatures are expanded and the result is capped at [`MAX_TEXT_CHARS`]
//! characters. Documents yielding fewer than [`MIN_TEXT_CHARS`] visible
//! characters are reported as [`Extracted::NoText`] (typically scans).
//!
//! [`minimal_pdf`] and [`image_only_pdf`] generate small valid PDFs for tests
//! and demo data.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::io::Read;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::rc::Rc;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Once};
use std::time::Duration;

use pdf_extract::content::Content;
use pdf_extract::{
    ConvertToFmt, Dictionary, Document, MediaBox, Object, ObjectId, OutputDev, OutputError,
    PlainTextOutput, Stream, Transform,
};

/// Largest PDF (in bytes) that is handed to the parser.
pub const MAX_PDF_BYTES: usize = 50 * 1024 * 1024;
/// Upper bound for the extracted text, in characters.
pub const MAX_TEXT_CHARS: usize = 2_000_000;
/// Minimum number of non-whitespace characters for a document to count as
/// having a text layer.
pub const MIN_TEXT_CHARS: usize = 20;
/// Wall-clock budget for one extraction.
pub const EXTRACT_TIMEOUT: Duration = Duration::from_secs(120);
/// While this many timed-out workers are still running, new extractions are
/// refused so that hostile uploads cannot occupy every CPU core.
const MAX_STRAY_WORKERS: usize = 2;
/// Thread name of the extraction workers.
const WORKER_NAME: &str = "pdf-text";
/// Stack size of the worker thread (the parser recurses on nested objects).
const WORKER_STACK_BYTES: usize = 32 * 1024 * 1024;

const MSG_TOO_LARGE: &str = "Die PDF-Datei ist zu groß (mehr als 50 MB).";
const MSG_NOT_PDF: &str = "Die Datei ist kein PDF-Dokument.";
const MSG_DAMAGED: &str = "Die PDF-Datei ist beschädigt und kann nicht gelesen werden.";
const MSG_ENCRYPTED: &str = "Die PDF-Datei ist verschlüsselt.";
const MSG_NO_PAGES: &str = "Die PDF-Datei enthält keine lesbaren Seiten.";
const MSG_UNREADABLE_TEXT: &str = "Der Text der PDF-Datei konnte nicht ausgelesen werden.";
const MSG_TIMEOUT: &str = "Die Textauswertung der PDF-Datei hat zu lange gedauert.";
const MSG_BUSY: &str = "Die Textauswertung ist derzeit ausgelastet, bitte später erneut versuchen.";
const MSG_INTERNAL: &str =
    "Bei der Textauswertung der PDF-Datei ist ein interner Fehler aufgetreten.";
const MSG_READ_FILE: &str = "Die Datei konnte nicht gelesen werden.";

/// Result of a text extraction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Extracted {
    /// Normalised plain text of the document.
    Text(String),
    /// The PDF is readable but has (almost) no text layer, e.g. a scan.
    NoText,
    /// The file could not be processed; the string is a short German reason
    /// suitable for showing to users.
    Failed(String),
}

impl Extracted {
    /// The extracted text, if any.
    pub fn text(&self) -> Option<&str> {
        match self {
            Extracted::Text(text) => Some(text),
            _ => None,
        }
    }
}

/// Extracts the plain text of a PDF given as bytes.
pub fn extract_pdf(bytes: &[u8]) -> Extracted {
    if bytes.len() > MAX_PDF_BYTES {
        return Extracted::Failed(MSG_TOO_LARGE.to_owned());
    }
    if !looks_like_pdf(bytes) {
        return Extracted::Failed(MSG_NOT_PDF.to_owned());
    }
    let data = bytes.to_vec();
    run_guarded(EXTRACT_TIMEOUT, move |cancel| {
        extract_checked(&data, cancel)
    })
}

/// Reads a file (at most [`MAX_PDF_BYTES`]) and extracts its text.
pub fn extract_file(path: &Path) -> Extracted {
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(err) => {
            tracing::warn!(path = %path.display(), error = %err, "cannot open PDF file");
            return Extracted::Failed(MSG_READ_FILE.to_owned());
        }
    };
    if let Ok(meta) = file.metadata() {
        if meta.len() > MAX_PDF_BYTES as u64 {
            return Extracted::Failed(MSG_TOO_LARGE.to_owned());
        }
    }
    let mut bytes = Vec::new();
    // Read one byte more than allowed so a file that grew meanwhile is still
    // detected as too large.
    if let Err(err) = file.take(MAX_PDF_BYTES as u64 + 1).read_to_end(&mut bytes) {
        tracing::warn!(path = %path.display(), error = %err, "cannot read PDF file");
        return Extracted::Failed(MSG_READ_FILE.to_owned());
    }
    extract_pdf(&bytes)
}

/// Accepts data whose `%PDF-` marker appears within the first KiB (the
/// specification allows leading garbage, and readers tolerate it).
fn looks_like_pdf(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    head.windows(5).any(|window| window == b"%PDF-")
}

// ---------------------------------------------------------------------------
// Worker thread, timeout and panic containment
// ---------------------------------------------------------------------------

/// Number of workers that were abandoned after a timeout and are still busy.
static STRAY_WORKERS: AtomicUsize = AtomicUsize::new(0);

const STATE_RUNNING: u8 = 0;
const STATE_DONE: u8 = 1;
const STATE_ABANDONED: u8 = 2;

/// Lets a worker check whether its caller has given up waiting.
struct Cancel(Arc<AtomicU8>);

impl Cancel {
    fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed) == STATE_ABANDONED
    }
}

/// `pdf-extract` panics routinely on malformed files. The panics are
/// contained, so instead of printing each one to stderr the standard panic
/// hook is skipped for extraction workers and the panic is logged at debug
/// level. Other threads keep the previously installed hook.
fn install_quiet_panic_hook() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if std::thread::current().name() == Some(WORKER_NAME) {
                tracing::debug!("contained panic during PDF text extraction: {info}");
            } else {
                previous(info);
            }
        }));
    });
}

/// Runs `job` on a worker thread, converting panics and timeouts into
/// [`Extracted::Failed`].
fn run_guarded<F>(timeout: Duration, job: F) -> Extracted
where
    F: FnOnce(&Cancel) -> Extracted + Send + 'static,
{
    if STRAY_WORKERS.load(Ordering::SeqCst) >= MAX_STRAY_WORKERS {
        tracing::warn!("refusing PDF extraction: too many timed-out workers still running");
        return Extracted::Failed(MSG_BUSY.to_owned());
    }
    install_quiet_panic_hook();
    let state = Arc::new(AtomicU8::new(STATE_RUNNING));
    let worker_state = Arc::clone(&state);
    let (sender, receiver) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name(WORKER_NAME.to_owned())
        .stack_size(WORKER_STACK_BYTES)
        .spawn(move || {
            let cancel = Cancel(worker_state);
            let result = catch_unwind(AssertUnwindSafe(|| job(&cancel)));
            if cancel.0.swap(STATE_DONE, Ordering::SeqCst) == STATE_ABANDONED {
                STRAY_WORKERS.fetch_sub(1, Ordering::SeqCst);
            }
            // The receiver is gone if the caller timed out; nothing to do then.
            let _ = sender.send(result);
        });
    if let Err(err) = spawned {
        tracing::error!(error = %err, "cannot spawn PDF extraction thread");
        return Extracted::Failed(MSG_INTERNAL.to_owned());
    }
    match receiver.recv_timeout(timeout) {
        Ok(Ok(result)) => result,
        Ok(Err(_)) | Err(mpsc::RecvTimeoutError::Disconnected) => {
            tracing::warn!("PDF extraction panicked");
            Extracted::Failed(MSG_INTERNAL.to_owned())
        }
        Err(mpsc::RecvTimeoutError::Timeout) => {
            // Count first so the worker's decrement can never underflow.
            STRAY_WORKERS.fetch_add(1, Ordering::SeqCst);
            if state
                .compare_exchange(
                    STATE_RUNNING,
                    STATE_ABANDONED,
                    Ordering::SeqCst,
                    Ordering::SeqCst,
                )
                .is_err()
            {
                // The worker finished just now after all.
                STRAY_WORKERS.fetch_sub(1, Ordering::SeqCst);
                if let Ok(Ok(result)) = receiver.recv_timeout(Duration::from_secs(1)) {
                    return result;
                }
            }
            tracing::warn!(?timeout, "PDF extraction timed out");
            Extracted::Failed(MSG_TIMEOUT.to_owned())
        }
    }
}

/// Parses the document and extracts the text page by page. Runs on the
/// worker thread.
fn extract_checked(data: &[u8], cancel: &Cancel) -> Extracted {
    let (mut doc, pages) = match load_document(data) {
        Ok(loaded) => loaded,
        Err(message) => return Extracted::Failed(message.to_owned()),
    };
    let page_ids: Vec<ObjectId> = pages.values().copied().collect();
    if catch_unwind(AssertUnwindSafe(|| sanitize_document(&mut doc, &page_ids))).is_err() {
        return Extracted::Failed(MSG_DAMAGED.to_owned());
    }

    let mut failed_pages = 0usize;
    for (&page_number, &page_id) in &pages {
        if cancel.is_cancelled() {
            return Extracted::Failed(MSG_TIMEOUT.to_owned());
        }
        let defused = catch_unwind(AssertUnwindSafe(|| defuse_forms(&mut doc, page_id)));
        if !matches!(defused, Ok(Ok(()))) {
            tracing::debug!(page_number, "PDF page skipped: too many form XObject calls");
            drop_page_content(&mut doc, page_id);
            failed_pages += 1;
        }
    }

    // `pdf-extract` runs over the whole document in one pass (its per-page
    // entry point walks the page tree for every page, which is quadratic).
    // If a page panics or fails, the pages up to and including it are
    // emptied and the pass is repeated for the remaining ones.
    let mut builder = TextBuilder::new(MAX_TEXT_CHARS);
    let mut previous_failure = None;
    for _attempt in 0..=pages.len() {
        let mut collector = PageCollector::new(&mut builder, cancel);
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            pdf_extract::output_doc(&doc, &mut collector)
        }));
        let progress = collector.finish();
        match outcome {
            Ok(Ok(())) => break,
            _ if progress.stopped => break,
            Ok(Err(err)) => tracing::debug!(error = %err, "PDF text extraction failed"),
            Err(_) => {}
        }
        // The failing page is the one in progress or, if the failure came
        // between pages, the one after the last completed page.
        let failing = progress.in_page.or_else(|| {
            pages
                .keys()
                .copied()
                .find(|&number| progress.last_completed.is_none_or(|done| number > done))
        });
        let Some(failing) = failing else {
            break;
        };
        if previous_failure == Some(failing) {
            // The page fails before its content is read, so emptying it
            // does not help: continue with the following pages one by one.
            let following = pages
                .range(failing.saturating_add(1)..)
                .map(|(&number, _)| number);
            failed_pages += extract_pages_individually(&doc, following, &mut builder, cancel);
            break;
        }
        tracing::debug!(page_number = failing, "PDF page text extraction failed");
        failed_pages += 1;
        previous_failure = Some(failing);
        for (_, &page_id) in pages.range(..=failing) {
            drop_page_content(&mut doc, page_id);
        }
    }
    if failed_pages > 0 {
        tracing::info!(
            failed_pages,
            total_pages = pages.len(),
            "some PDF pages could not be extracted"
        );
    }
    if builder.visible_chars() < MIN_TEXT_CHARS {
        if failed_pages >= pages.len() {
            return Extracted::Failed(MSG_UNREADABLE_TEXT.to_owned());
        }
        return Extracted::NoText;
    }
    Extracted::Text(builder.finish())
}

/// Parses and, if needed, decrypts the document and lists its pages. A file
/// whose cross-reference table is damaged (shifted offsets, CRLF
/// conversion, missing end) is retried with a table rebuilt by scanning for
/// objects, as other PDF readers do.
fn load_document(data: &[u8]) -> Result<(Document, BTreeMap<u32, ObjectId>), &'static str> {
    let first_error = match open_document(data) {
        Ok(loaded) => return Ok(loaded),
        Err(message) if message == MSG_ENCRYPTED => return Err(message),
        Err(message) => message,
    };
    let Some(repaired) = catch_unwind(|| rebuild_xref(data)).ok().flatten() else {
        return Err(first_error);
    };
    match open_document(&repaired) {
        Ok(loaded) => {
            tracing::info!("PDF cross-reference table was damaged and has been rebuilt");
            Ok(loaded)
        }
        Err(message) if message == MSG_ENCRYPTED => Err(message),
        Err(_) => Err(first_error),
    }
}

fn open_document(data: &[u8]) -> Result<(Document, BTreeMap<u32, ObjectId>), &'static str> {
    let mut doc = match catch_unwind(|| Document::load_mem(data)) {
        Ok(Ok(doc)) => doc,
        Ok(Err(pdf_extract::Error::Decryption(_))) => return Err(MSG_ENCRYPTED),
        Ok(Err(err)) => {
            tracing::info!(error = %err, "cannot parse PDF");
            return Err(MSG_DAMAGED);
        }
        Err(_) => return Err(MSG_DAMAGED),
    };
    if doc.is_encrypted() {
        // Documents that are only protected against editing open with the
        // empty user password.
        let decrypted = catch_unwind(AssertUnwindSafe(|| doc.decrypt("")));
        if !matches!(decrypted, Ok(Ok(()))) {
            return Err(MSG_ENCRYPTED);
        }
    }
    match catch_unwind(AssertUnwindSafe(|| doc.get_pages())) {
        Ok(pages) if !pages.is_empty() => Ok((doc, pages)),
        Ok(_) => Err(MSG_NO_PAGES),
        Err(_) => Err(MSG_DAMAGED),
    }
}

/// Builds a copy of the file with a fresh cross-reference table and trailer
/// appended, listing every `N G obj` found in the file (later definitions
/// win, as with incremental updates). Returns `None` if no objects or no
/// document catalog reference can be found.
fn rebuild_xref(data: &[u8]) -> Option<Vec<u8>> {
    // Offsets count from the header, as lopdf skips leading garbage.
    let body = &data[find(data, b"%PDF-")?..];
    let mut objects: BTreeMap<u32, (usize, u16)> = BTreeMap::new();
    let mut position = 0;
    while let Some(found) = find(&body[position..], b"obj") {
        let keyword = position + found;
        position = keyword + 3;
        if body.get(position).is_some_and(|&b| !is_delimiter(b)) {
            continue;
        }
        if let Some((number, generation, start)) = object_header_before(body, keyword) {
            if number > 0 {
                objects.insert(number, (start, generation));
            }
        }
    }
    // Ignore implausibly high numbers (from binary data that happens to look
    // like an object header) so the table stays proportional to the file.
    let plausible = u32::try_from(objects.len().saturating_mul(4))
        .unwrap_or(u32::MAX)
        .saturating_add(1024);
    objects.retain(|&number, _| number <= plausible);
    let max_number = *objects.keys().next_back()?;
    let root = last_reference(body, b"/Root").or_else(|| catalog_reference(body, &objects))?;

    let mut out = body.to_vec();
    out.push(b'\n');
    let xref_offset = out.len();
    let mut xref = format!("xref\n0 {}\n0000000000 65535 f \n", max_number + 1);
    for number in 1..=max_number {
        match objects.get(&number) {
            Some((offset, generation)) => {
                let _ = writeln!(xref, "{offset:010} {generation:05} n ");
            }
            None => xref.push_str("0000000000 00000 f \n"),
        }
    }
    let _ = write!(xref, "trailer\n<< /Size {} /Root {root}", max_number + 1);
    if let Some(encrypt) = last_reference(body, b"/Encrypt") {
        let _ = write!(xref, " /Encrypt {encrypt}");
    }
    out.extend(xref.into_bytes());
    if let Some(id) = last_id_array(body) {
        out.extend_from_slice(b" /ID ");
        out.extend_from_slice(id);
    }
    out.extend(format!(" >>\nstartxref\n{xref_offset}\n%%EOF\n").into_bytes());
    Some(out)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// PDF whitespace or delimiter characters.
fn is_delimiter(byte: u8) -> bool {
    matches!(
        byte,
        b' ' | b'\t'
            | b'\r'
            | b'\n'
            | 0x0C
            | 0
            | b'<'
            | b'>'
            | b'['
            | b']'
            | b'('
            | b')'
            | b'/'
            | b'%'
    )
}

/// Parses `N G ` immediately before the `obj` keyword at `keyword`,
/// returning the object number, generation and offset of `N`.
fn object_header_before(body: &[u8], keyword: usize) -> Option<(u32, u16, usize)> {
    let space_end = keyword;
    let generation_end = skip_back(body, space_end, u8::is_ascii_whitespace);
    let generation_start = skip_back(body, generation_end, u8::is_ascii_digit);
    let number_end = skip_back(body, generation_start, u8::is_ascii_whitespace);
    let number_start = skip_back(body, number_end, u8::is_ascii_digit);
    let well_formed = generation_end < space_end
        && generation_start < generation_end
        && number_end < generation_start
        && number_start < number_end
        && (number_start == 0 || is_delimiter(body[number_start - 1]));
    if !well_formed || number_end - number_start > 10 || generation_end - generation_start > 5 {
        return None;
    }
    let number = std::str::from_utf8(&body[number_start..number_end])
        .ok()?
        .parse()
        .ok()?;
    let generation = std::str::from_utf8(&body[generation_start..generation_end])
        .ok()?
        .parse()
        .ok()?;
    Some((number, generation, number_start))
}

/// Moves back from `end` over bytes matching `predicate`.
fn skip_back(body: &[u8], end: usize, predicate: fn(&u8) -> bool) -> usize {
    let mut start = end;
    while start > 0 && predicate(&body[start - 1]) {
        start -= 1;
    }
    start
}

/// The last `key N G R` in the file, formatted as `N G R`.
fn last_reference(body: &[u8], key: &[u8]) -> Option<String> {
    let mut end = body.len();
    while let Some(at) = body[..end]
        .windows(key.len())
        .rposition(|window| window == key)
    {
        end = at;
        let rest = &body[at + key.len()..body.len().min(at + key.len() + 40)];
        let text = String::from_utf8_lossy(rest);
        let mut parts = text.split_ascii_whitespace();
        if let (Some(number), Some(generation), Some(r)) =
            (parts.next(), parts.next(), parts.next())
        {
            let is_number = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
            if is_number(number) && is_number(generation) && r.starts_with('R') {
                return Some(format!("{number} {generation} R"));
            }
        }
    }
    None
}

/// Without a trailer: the object that contains the last `/Catalog` name.
fn catalog_reference(body: &[u8], objects: &BTreeMap<u32, (usize, u16)>) -> Option<String> {
    let at = body.windows(8).rposition(|window| window == b"/Catalog")?;
    objects
        .iter()
        .filter(|(_, (start, _))| *start < at)
        .max_by_key(|(_, (start, _))| *start)
        .map(|(number, (_, generation))| format!("{number} {generation} R"))
}

/// The raw bytes of the last `/ID [...]` array (needed to decrypt).
fn last_id_array(body: &[u8]) -> Option<&[u8]> {
    let at = body.windows(3).rposition(|window| window == b"/ID")?;
    let rest = &body[at + 3..body.len().min(at + 300)];
    let open = rest.iter().position(|&b| !b.is_ascii_whitespace())?;
    if rest[open] != b'[' {
        return None;
    }
    let close = rest.iter().position(|&b| b == b']')?;
    Some(&rest[open..=close])
}

/// Extracts the given pages one at a time (slower, see above); returns the
/// number of pages that failed.
fn extract_pages_individually(
    doc: &Document,
    page_numbers: impl Iterator<Item = u32>,
    builder: &mut TextBuilder,
    cancel: &Cancel,
) -> usize {
    let mut failed = 0;
    for page_number in page_numbers {
        let mut collector = PageCollector::new(builder, cancel);
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            pdf_extract::output_doc_page(doc, &mut collector, page_number)
        }));
        let progress = collector.finish();
        if progress.stopped {
            break;
        }
        if !matches!(outcome, Ok(Ok(()))) {
            tracing::debug!(page_number, "PDF page text extraction failed");
            failed += 1;
        }
    }
    failed
}

/// Removes a page's content so that `pdf-extract` skips over it.
fn drop_page_content(doc: &mut Document, page_id: ObjectId) {
    if let Ok(Object::Dictionary(page)) = doc.get_object_mut(page_id) {
        page.remove(b"Contents");
    }
}

/// Text sink shared between `pdf-extract`'s plain-text layouter and the
/// [`PageCollector`] that drains it page by page.
#[derive(Clone, Default)]
struct SharedText(Rc<RefCell<String>>);

impl std::fmt::Write for SharedText {
    fn write_str(&mut self, text: &str) -> std::fmt::Result {
        self.0.borrow_mut().push_str(text);
        Ok(())
    }
}

impl ConvertToFmt for SharedText {
    type Writer = SharedText;

    fn convert(self) -> SharedText {
        self
    }
}

/// How far a pass of `pdf-extract` over the document got.
struct Progress {
    /// A page had begun but not ended when the pass stopped.
    in_page: Option<u32>,
    last_completed: Option<u32>,
    /// The pass was stopped on purpose (cancelled or text cap reached).
    stopped: bool,
}

/// Output device that lays text out like `pdf-extract`'s plain-text output,
/// feeds it page by page into the [`TextBuilder`] and stops the pass when
/// the caller has given up or the text cap is reached.
struct PageCollector<'a> {
    layout: PlainTextOutput<SharedText>,
    buffer: SharedText,
    builder: &'a mut TextBuilder,
    cancel: &'a Cancel,
    progress: Progress,
}

impl<'a> PageCollector<'a> {
    fn new(builder: &'a mut TextBuilder, cancel: &'a Cancel) -> Self {
        let buffer = SharedText::default();
        Self {
            layout: PlainTextOutput::new(buffer.clone()),
            buffer,
            builder,
            cancel,
            progress: Progress {
                in_page: None,
                last_completed: None,
                stopped: false,
            },
        }
    }

    /// Moves the buffered text into the builder.
    fn flush(&mut self) {
        let text = std::mem::take(&mut *self.buffer.0.borrow_mut());
        self.builder.push_str(&text);
        self.builder.line_break();
    }

    /// Flushes text of a page that failed halfway and reports the progress.
    fn finish(mut self) -> Progress {
        self.flush();
        self.progress
    }
}

impl OutputDev for PageCollector<'_> {
    fn begin_page(
        &mut self,
        page_num: u32,
        media_box: &MediaBox,
        art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        if self.cancel.is_cancelled() || self.builder.is_full() {
            self.progress.stopped = true;
            return Err(OutputError::FormatError(std::fmt::Error));
        }
        self.progress.in_page = Some(page_num);
        self.layout.begin_page(page_num, media_box, art_box)
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        self.layout.end_page()?;
        self.flush();
        self.progress.last_completed = self.progress.in_page.take();
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        spacing: f64,
        font_size: f64,
        char: &str,
    ) -> Result<(), OutputError> {
        self.layout
            .output_character(trm, width, spacing, font_size, char)
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        self.layout.begin_word()
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        self.layout.end_word()
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        self.layout.end_line()
    }
}

// ---------------------------------------------------------------------------
// Defusing inputs that would crash or hang `pdf-extract`
// ---------------------------------------------------------------------------

/// Longest `/Parent` chain followed from a page.
const MAX_TREE_DEPTH: usize = 64;
/// Deepest nesting of form XObjects that is processed.
const MAX_FORM_DEPTH: usize = 12;
/// Maximum number of form invocations per page (counting nested ones);
/// pages above it are skipped as too complex.
const MAX_FORM_CALLS: usize = 50_000;

/// Rewrites the parsed document so that inputs on which `pdf-extract` would
/// recurse without bound (overflowing the stack aborts the whole process,
/// which `catch_unwind` cannot prevent) or misinterpret data are defused:
///
/// * image XObjects are emptied: `pdf-extract` runs their pixel data through
///   the content-stream parser on `Do`, which wastes time and can panic;
/// * cycles in the `/Parent` chain of pages are cut and missing or malformed
///   media boxes are replaced by A4;
/// * colour spaces are simplified (see [`simplify_color_spaces`]).
///
/// Self-invoking form XObjects are handled per page by [`defuse_forms`].
fn sanitize_document(doc: &mut Document, page_ids: &[ObjectId]) {
    for object in doc.objects.values_mut() {
        if let Object::Stream(stream) = object {
            if is_image(stream) {
                stream.set_plain_content(Vec::new());
            }
        }
    }
    for &page_id in page_ids {
        repair_page_tree(doc, page_id);
    }
    simplify_color_spaces(doc);
}

/// `pdf-extract` panics on colour spaces it does not know (`Indexed`,
/// resources naming `DeviceCMYK`, …) when a content stream selects them with
/// `cs`/`CS`, losing the rest of the page. Colours do not matter for text, so
/// every named colour space in resource dictionaries is replaced by
/// `DeviceGray`, or by `[/Pattern]` for pattern spaces (whose `scn` operands
/// include a name and must stay recognisable as patterns).
fn simplify_color_spaces(doc: &mut Document) {
    let pattern_ids: HashSet<ObjectId> = doc
        .objects
        .iter()
        .filter(|(_, object)| is_pattern_space(object))
        .map(|(&id, _)| id)
        .collect();
    let mut referenced = HashSet::new();
    for object in doc.objects.values_mut() {
        let dict = match object {
            Object::Dictionary(dict) => dict,
            Object::Stream(stream) => &mut stream.dict,
            _ => continue,
        };
        match dict.get_mut(b"Resources") {
            Ok(Object::Dictionary(resources)) => {
                rewrite_color_space_entry(resources, &pattern_ids, &mut referenced);
            }
            _ => rewrite_color_space_entry(dict, &pattern_ids, &mut referenced),
        }
    }
    for id in referenced {
        if let Some(Object::Dictionary(spaces)) = doc.objects.get_mut(&id) {
            simplify_color_space_dict(spaces, &pattern_ids);
        }
    }
}

/// Rewrites `dict`'s `/ColorSpace` entry if it is an inline dictionary, or
/// records its object id if it is a reference.
fn rewrite_color_space_entry(
    dict: &mut Dictionary,
    pattern_ids: &HashSet<ObjectId>,
    referenced: &mut HashSet<ObjectId>,
) {
    match dict.get_mut(b"ColorSpace") {
        Ok(Object::Dictionary(spaces)) => simplify_color_space_dict(spaces, pattern_ids),
        Ok(Object::Reference(id)) => {
            referenced.insert(*id);
        }
        _ => {}
    }
}

fn simplify_color_space_dict(spaces: &mut Dictionary, pattern_ids: &HashSet<ObjectId>) {
    for (_, space) in spaces.iter_mut() {
        let is_pattern = match &*space {
            Object::Reference(id) => pattern_ids.contains(id),
            other => is_pattern_space(other),
        };
        // pdf-extract accepts only `DeviceGray`/`DeviceRGB` as plain names
        // here, and patterns only in array form.
        *space = if is_pattern {
            Object::Array(vec![Object::Name(b"Pattern".to_vec())])
        } else {
            Object::Name(b"DeviceGray".to_vec())
        };
    }
}

/// Whether `object` is the colour space `/Pattern` or `[/Pattern …]`.
fn is_pattern_space(object: &Object) -> bool {
    match object {
        Object::Name(name) => name == b"Pattern",
        Object::Array(items) => items
            .first()
            .and_then(|first| first.as_name().ok())
            .is_some_and(|name| name == b"Pattern"),
        _ => false,
    }
}

fn is_image(stream: &Stream) -> bool {
    stream
        .dict
        .get(b"Subtype")
        .and_then(Object::as_name)
        .is_ok_and(|name| name == b"Image")
}

/// Empties form XObjects reachable from the page that (indirectly) invoke
/// themselves or nest deeper than [`MAX_FORM_DEPTH`], as `pdf-extract`
/// would recurse into them until the stack overflows.
fn defuse_forms(doc: &mut Document, page_id: ObjectId) -> Result<(), TooComplex> {
    let resources = inherited_resources(doc, page_id);
    if !has_forms(doc, resources) {
        // Forms can only be reached through the page's XObject resources.
        return Ok(());
    }
    let Ok(content) = doc.get_page_content(page_id) else {
        return Ok(());
    };
    let mut to_empty = HashSet::new();
    let mut walk = FormWalk {
        doc,
        stack: Vec::new(),
        budget: MAX_FORM_CALLS,
        to_empty: &mut to_empty,
    };
    let result = walk.visit(&content, resources);
    for id in to_empty {
        if let Some(Object::Stream(stream)) = doc.objects.get_mut(&id) {
            stream.set_plain_content(Vec::new());
        }
    }
    result
}

/// Whether the resources list an XObject other than an image.
fn has_forms(doc: &Document, resources: Option<&Dictionary>) -> bool {
    let Some(xobjects) = resources
        .and_then(|resources| resources.get(b"XObject").ok())
        .and_then(|object| doc.dereference(object).ok())
        .and_then(|(_, object)| object.as_dict().ok())
    else {
        return false;
    };
    xobjects.iter().any(|(_, object)| {
        doc.dereference(object)
            .ok()
            .and_then(|(_, object)| object.as_stream().ok())
            .is_some_and(|stream| !is_image(stream))
    })
}

/// Cuts a cyclic or overly long `/Parent` chain above `page_id` and makes
/// sure the page has a usable media box.
fn repair_page_tree(doc: &mut Document, page_id: ObjectId) {
    let mut visited = HashSet::from([page_id]);
    let mut current = page_id;
    let mut media_box_ok = None;
    let mut cut_at = None;
    for depth in 0.. {
        let Ok(dict) = doc.get_dictionary(current) else {
            break;
        };
        if media_box_ok.is_none() {
            if let Ok(media_box) = dict.get(b"MediaBox") {
                media_box_ok = Some(is_valid_rectangle(doc, media_box));
            }
        }
        let Ok(parent) = dict.get(b"Parent").and_then(Object::as_reference) else {
            break;
        };
        if depth >= MAX_TREE_DEPTH || !visited.insert(parent) {
            cut_at = Some(current);
            break;
        }
        current = parent;
    }
    if let Some(id) = cut_at {
        if let Ok(Object::Dictionary(dict)) = doc.get_object_mut(id) {
            dict.remove(b"Parent");
        }
    }
    if media_box_ok != Some(true) {
        if let Ok(Object::Dictionary(page)) = doc.get_object_mut(page_id) {
            let a4 = [0, 0, 595, 842].map(Object::Integer).to_vec();
            page.set("MediaBox", Object::Array(a4));
        }
    }
}

/// Whether `object` is (a reference to) an array of at least four numbers.
fn is_valid_rectangle(doc: &Document, object: &Object) -> bool {
    match doc.dereference(object) {
        Ok((_, Object::Array(values))) => {
            values.len() >= 4
                && values
                    .iter()
                    .all(|value| matches!(value, Object::Integer(_) | Object::Real(_)))
        }
        _ => false,
    }
}

/// The `/Resources` dictionary in effect for a page.
fn inherited_resources(doc: &Document, page_id: ObjectId) -> Option<&Dictionary> {
    let mut current = doc.get_dictionary(page_id).ok()?;
    for _ in 0..=MAX_TREE_DEPTH {
        if let Ok(resources) = current.get(b"Resources") {
            return doc.dereference(resources).ok()?.1.as_dict().ok();
        }
        let parent = current.get(b"Parent").and_then(Object::as_reference).ok()?;
        current = doc.get_dictionary(parent).ok()?;
    }
    None
}

/// Follows `Do` operators through form XObjects the way `pdf-extract`
/// does, collecting forms that would recurse without bound.
struct FormWalk<'a, 'b> {
    doc: &'a Document,
    stack: Vec<ObjectId>,
    budget: usize,
    to_empty: &'b mut HashSet<ObjectId>,
}

/// The page invokes more forms than [`MAX_FORM_CALLS`].
struct TooComplex;

impl<'a> FormWalk<'a, '_> {
    fn visit(
        &mut self,
        content: &[u8],
        resources: Option<&'a Dictionary>,
    ) -> Result<(), TooComplex> {
        if !content.windows(2).any(|window| window == b"Do") {
            return Ok(());
        }
        // Undecodable content makes `pdf-extract` fail on its own (caught).
        let Ok(decoded) = Content::decode(content) else {
            return Ok(());
        };
        for operation in decoded.operations.iter().filter(|op| op.operator == "Do") {
            let Some(name) = operation.operands.first().and_then(|o| o.as_name().ok()) else {
                continue;
            };
            let Some((id, form)) = self.lookup_xobject(resources, name) else {
                continue;
            };
            if is_image(form) || self.to_empty.contains(&id) {
                continue;
            }
            self.budget = self.budget.checked_sub(1).ok_or(TooComplex)?;
            if self.stack.contains(&id) || self.stack.len() >= MAX_FORM_DEPTH {
                self.to_empty.insert(id);
                continue;
            }
            let form_resources = form
                .dict
                .get(b"Resources")
                .ok()
                .and_then(|object| self.doc.dereference(object).ok())
                .and_then(|(_, object)| object.as_dict().ok())
                .or(resources);
            let form_content = form
                .decompressed_content()
                .unwrap_or_else(|_| form.content.clone());
            self.stack.push(id);
            let result = self.visit(&form_content, form_resources);
            self.stack.pop();
            result?;
        }
        Ok(())
    }

    /// Resolves an XObject name to the referenced stream.
    fn lookup_xobject(
        &self,
        resources: Option<&'a Dictionary>,
        name: &[u8],
    ) -> Option<(ObjectId, &'a Stream)> {
        let doc = self.doc;
        let xobjects = doc.dereference(resources?.get(b"XObject").ok()?).ok()?.1;
        let (id, object) = doc
            .dereference(xobjects.as_dict().ok()?.get(name).ok()?)
            .ok()?;
        Some((id?, object.as_stream().ok()?))
    }
}

// ---------------------------------------------------------------------------
// Text normalisation
// ---------------------------------------------------------------------------

/// Accumulates normalised text: whitespace runs collapse to one space or
/// newline, invisible characters are dropped, output is capped.
struct TextBuilder {
    out: String,
    chars: usize,
    visible: usize,
    max_chars: usize,
    pending_space: Option<char>,
    full: bool,
}

impl TextBuilder {
    fn new(max_chars: usize) -> Self {
        Self {
            out: String::new(),
            chars: 0,
            visible: 0,
            max_chars,
            pending_space: None,
            full: false,
        }
    }

    fn is_full(&self) -> bool {
        self.full
    }

    fn visible_chars(&self) -> usize {
        self.visible
    }

    /// Forces a line break before the next visible character.
    fn line_break(&mut self) {
        self.pending_space = Some('\n');
    }

    fn push_str(&mut self, text: &str) {
        for c in text.chars() {
            if self.full {
                return;
            }
            if is_line_break(c) {
                self.pending_space = Some('\n');
            } else if c.is_whitespace() {
                self.pending_space.get_or_insert(' ');
            } else if is_invisible(c) {
                // Dropped without separating the surrounding characters.
            } else if let Some(expansion) = expand_ligature(c) {
                expansion.chars().for_each(|part| self.push_visible(part));
            } else {
                self.push_visible(c);
            }
        }
    }

    fn push_visible(&mut self, c: char) {
        if let Some(space) = self.pending_space.take() {
            if !self.out.is_empty() {
                if self.chars + 1 >= self.max_chars {
                    self.full = true;
                    return;
                }
                self.out.push(space);
                self.chars += 1;
            }
        }
        if self.chars >= self.max_chars {
            self.full = true;
            return;
        }
        self.out.push(c);
        self.chars += 1;
        self.visible += 1;
    }

    fn finish(self) -> String {
        self.out
    }
}

fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// Control characters, the replacement character and invisible formatting
/// characters (soft hyphen, zero-width characters, byte-order mark).
fn is_invisible(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{AD}' | '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{FFFD}'
        )
}

fn expand_ligature(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{FB00}' => "ff",
        '\u{FB01}' => "fi",
        '\u{FB02}' => "fl",
        '\u{FB03}' => "ffi",
        '\u{FB04}' => "ffl",
        '\u{FB05}' | '\u{FB06}' => "st",
        _ => return None,
    })
}

// ---------------------------------------------------------------------------
// PDF generation for tests and demo data
// ---------------------------------------------------------------------------

const PAGE_WIDTH: u32 = 595;
const PAGE_HEIGHT: u32 = 842;
const FONT_SIZE: u32 = 11;
const LINE_HEIGHT: u32 = 14;
const MARGIN_LEFT: u32 = 56;
const MARGIN_TOP: u32 = 60;
const LINES_PER_PAGE: usize = 50;
const CHARS_PER_LINE: usize = 90;

/// Builds a small valid text PDF; used by tests and demo data.
///
/// Each entry of `pages` becomes (at least) one A4 page set in Helvetica with
/// `WinAnsiEncoding`. Lines are split at `\n`, long lines are wrapped at word
/// boundaries and a page whose text does not fit continues on further pages.
/// Characters outside WinAnsi (Latin-1 plus typographic quotes, dashes, €, …)
/// are written as `?`. An empty slice yields one blank page.
pub fn minimal_pdf(pages: &[&str]) -> Vec<u8> {
    let mut physical_pages: Vec<Vec<String>> = Vec::new();
    for page in pages {
        let lines: Vec<String> = page.lines().flat_map(wrap_line).collect();
        if lines.is_empty() {
            physical_pages.push(Vec::new());
        } else {
            physical_pages.extend(lines.chunks(LINES_PER_PAGE).map(<[String]>::to_vec));
        }
    }
    if physical_pages.is_empty() {
        physical_pages.push(Vec::new());
    }

    // Objects: 1 catalog, 2 page tree, 3 font, then page + content per page.
    let page_ids: Vec<usize> = (0..physical_pages.len()).map(|i| 4 + 2 * i).collect();
    let kids = page_ids
        .iter()
        .map(|id| format!("{id} 0 R"))
        .collect::<Vec<_>>()
        .join(" ");
    let mut objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        format!(
            "<< /Type /Pages /Kids [{kids}] /Count {} >>",
            physical_pages.len()
        )
        .into_bytes(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_vec(),
    ];
    for (lines, page_id) in physical_pages.iter().zip(&page_ids) {
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] \
                 /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
                page_id + 1
            )
            .into_bytes(),
        );
        let mut content = format!(
            "BT\n/F1 {FONT_SIZE} Tf\n{LINE_HEIGHT} TL\n{MARGIN_LEFT} {} Td\n",
            PAGE_HEIGHT - MARGIN_TOP
        )
        .into_bytes();
        for (index, line) in lines.iter().enumerate() {
            if index > 0 {
                content.extend_from_slice(b"T* ");
            }
            content.push(b'(');
            content.extend(pdf_string_literal(line));
            content.extend_from_slice(b") Tj\n");
        }
        content.extend_from_slice(b"ET\n");
        objects.push(stream_object("", &content));
    }
    assemble_pdf(&objects)
}

/// Builds a valid one-page PDF that only shows a small greyscale image and
/// contains no text, i.e. what a scanner without OCR produces.
pub fn image_only_pdf() -> Vec<u8> {
    const SIZE: usize = 32;
    // Grey "text lines" on a white sheet.
    let pixels: Vec<u8> = (0..SIZE * SIZE)
        .map(|i| {
            let (row, column) = (i / SIZE, i % SIZE);
            if row % 4 == 1 && (2..SIZE - 2 - (row % 7)).contains(&column) {
                0x40
            } else {
                0xF8
            }
        })
        .collect();
    let objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH} {PAGE_HEIGHT}] \
             /Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>"
        )
        .into_bytes(),
        stream_object("", b"q\n483 0 0 722 56 60 cm\n/Im1 Do\nQ\n"),
        stream_object(
            &format!(
                "/Type /XObject /Subtype /Image /Width {SIZE} /Height {SIZE} \
                 /ColorSpace /DeviceGray /BitsPerComponent 8"
            ),
            &pixels,
        ),
    ];
    assemble_pdf(&objects)
}

/// Splits a line into chunks of at most [`CHARS_PER_LINE`] characters,
/// preferring to break at spaces.
fn wrap_line(line: &str) -> Vec<String> {
    let mut result = Vec::new();
    let mut current = String::new();
    let mut current_len = 0usize;
    for word in line.split(' ') {
        let word_len = word.chars().count();
        if current_len > 0 && current_len + 1 + word_len > CHARS_PER_LINE {
            result.push(std::mem::take(&mut current));
            current_len = 0;
        }
        if current_len > 0 {
            current.push(' ');
            current_len += 1;
        }
        for c in word.chars() {
            if current_len == CHARS_PER_LINE {
                result.push(std::mem::take(&mut current));
                current_len = 0;
            }
            current.push(c);
            current_len += 1;
        }
    }
    result.push(current);
    result
}

/// Encodes text as the body of a PDF literal string in WinAnsiEncoding.
fn pdf_string_literal(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        match winansi_byte(c) {
            b @ (b'(' | b')' | b'\\') => {
                out.push(b'\\');
                out.push(b);
            }
            b @ 0x20..=0x7E => out.push(b),
            b => out.extend(format!("\\{b:03o}").into_bytes()),
        }
    }
    out
}

/// Maps a character to its WinAnsiEncoding code (`?` if unmappable).
fn winansi_byte(c: char) -> u8 {
    let code = u32::from(c);
    if (0x20..=0x7E).contains(&code) || (0xA0..=0xFF).contains(&code) {
        // ASCII and the upper Latin-1 half coincide with WinAnsi.
        return u8::try_from(code).unwrap_or(b'?');
    }
    match c {
        '\t' => b' ',
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8A,
        '‹' => 0x8B,
        'Œ' => 0x8C,
        'Ž' => 0x8E,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9A,
        '›' => 0x9B,
        'œ' => 0x9C,
        'ž' => 0x9E,
        'Ÿ' => 0x9F,
        _ => b'?',
    }
}

/// Serialises a stream object with an optional extra dictionary part.
fn stream_object(extra_dict: &str, data: &[u8]) -> Vec<u8> {
    let separator = if extra_dict.is_empty() { "" } else { " " };
    let mut object = format!(
        "<< /Length {}{separator}{extra_dict} >>\nstream\n",
        data.len()
    )
    .into_bytes();
    object.extend_from_slice(data);
    object.extend_from_slice(b"\nendstream");
    object
}

/// Writes a complete PDF whose object `n` (1-based) is `objects[n - 1]` and
/// whose catalog is object 1, with a correct cross-reference table.
fn assemble_pdf(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut pdf = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (index, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend(format!("{} 0 obj\n", index + 1).into_bytes());
        pdf.extend_from_slice(body);
        pdf.extend_from_slice(b"\nendobj\n");
    }
    let xref_offset = pdf.len();
    let mut xref = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for offset in offsets {
        // Each entry is exactly 20 bytes including the two-byte line end.
        let _ = writeln!(xref, "{offset:010} 00000 n ");
    }
    let _ = write!(
        xref,
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref_offset}\n%%EOF\n",
        objects.len() + 1
    );
    pdf.extend(xref.into_bytes());
    pdf
}

#[cfg(test)]
mod tests {
    use super::*;

    const KAMEN: &str = "Integrationskonzept der Stadt Kamen \u{2013} Handlungsfeld Sprache und \
                         Bildung, \u{dc}berg\u{e4}nge, Ma\u{df}nahmen";

    /// Hand-written PDF generator, independent of [`minimal_pdf`]: every
    /// entry of `contents` is the raw content stream of one page.
    fn raw_pdf(contents: &[&[u8]]) -> Vec<u8> {
        let mut objects: Vec<Vec<u8>> = Vec::new();
        objects.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
        let kids: Vec<String> = (0..contents.len())
            .map(|i| format!("{} 0 R", 4 + 2 * i))
            .collect();
        objects.push(
            format!(
                "<< /Type /Pages /Kids [{}] /Count {} >>",
                kids.join(" "),
                contents.len()
            )
            .into_bytes(),
        );
        objects.push(
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
                .to_vec(),
        );
        for (i, content) in contents.iter().enumerate() {
            objects.push(
                format!(
                    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
                     /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
                    5 + 2 * i
                )
                .into_bytes(),
            );
            let mut stream = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
            stream.extend_from_slice(content);
            stream.extend_from_slice(b"\nendstream");
            objects.push(stream);
        }
        let mut pdf = b"%PDF-1.4\n".to_vec();
        let mut offsets = Vec::new();
        for (i, body) in objects.iter().enumerate() {
            offsets.push(pdf.len());
            pdf.extend(format!("{} 0 obj\n", i + 1).bytes());
            pdf.extend_from_slice(body);
            pdf.extend_from_slice(b"\nendobj\n");
        }
        let xref = pdf.len();
        pdf.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).bytes());
        for offset in offsets {
            pdf.extend(format!("{offset:010} 00000 n \n").bytes());
        }
        pdf.extend(
            format!(
                "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
                objects.len() + 1
            )
            .bytes(),
        );
        pdf
    }

    /// Unwraps extracted text, joining lines (the generator wraps long lines).
    fn expect_text(result: Extracted) -> String {
        match result {
            Extracted::Text(text) => text.replace('\n', " "),
            other => panic!("expected text, got {other:?}"),
        }
    }

    /// Checks that the xref offsets of a generated PDF point at the objects.
    fn assert_valid_xref(pdf: &[u8]) {
        fn rfind(haystack: &[u8], needle: &[u8]) -> usize {
            haystack
                .windows(needle.len())
                .rposition(|window| window == needle)
                .expect("marker present")
        }
        // The xref section and trailer are plain ASCII.
        let tail = std::str::from_utf8(&pdf[rfind(pdf, b"startxref\n")..]).expect("ascii");
        let offset: usize = tail
            .lines()
            .nth(1)
            .and_then(|line| line.parse().ok())
            .expect("xref offset");
        let table = std::str::from_utf8(&pdf[offset..]).expect("ascii xref");
        let mut lines = table.lines();
        assert_eq!(lines.next(), Some("xref"));
        let count: usize = lines
            .next()
            .and_then(|line| line.split(' ').nth(1))
            .and_then(|n| n.parse().ok())
            .expect("xref count");
        assert_eq!(lines.next(), Some("0000000000 65535 f "));
        for object in 1..count {
            let entry = lines.next().expect("xref entry");
            assert_eq!(
                entry.len(),
                19,
                "xref entries are 20 bytes with the line end"
            );
            let at: usize = entry[..10].parse().expect("offset");
            assert!(
                pdf[at..].starts_with(format!("{object} 0 obj").as_bytes()),
                "xref entry of object {object} is wrong"
            );
        }
        assert_eq!(lines.next(), Some("trailer"));
    }

    #[test]
    fn extracts_umlauts_from_hand_written_winansi_pdf() {
        let content: &[u8] = b"BT /F1 12 Tf 56 780 Td (Integrationskonzept der Stadt Kamen \\226 \
              Handlungsfeld Sprache und Bildung, \\334berg\\344nge, Ma\\337nahmen) Tj \
              0 -16 Td (\\326ffentliche Sitzung des Rates: Gr\\374nfl\\344chen, Stra\\337e, \
              \\304nderung \\(Entwurf\\)) Tj ET";
        let pdf = raw_pdf(&[content]);
        assert_valid_xref(&pdf);
        let text = expect_text(extract_pdf(&pdf));
        assert!(text.contains(KAMEN), "got {text:?}");
        for word in [
            "Öffentliche",
            "Grünflächen",
            "Straße",
            "Änderung",
            "(Entwurf)",
        ] {
            assert!(text.contains(word), "{word} missing in {text:?}");
        }
    }

    #[test]
    fn minimal_pdf_round_trips_umlauts_and_special_characters() {
        let line = "Kosten: 12 € – „Übergänge“ (Entwurf) C:\\Pfad\\Datei; Fußgängerzone, ÄÖÜ äöü ß";
        let pdf = minimal_pdf(&[&format!("{KAMEN}\n{line}")]);
        assert_valid_xref(&pdf);
        assert!(pdf.windows(4).any(|w| w == b"\\344"), "ä not octal-escaped");
        let text = expect_text(extract_pdf(&pdf));
        assert!(text.contains(KAMEN), "got {text:?}");
        assert!(text.contains(line), "got {text:?}");
    }

    #[test]
    fn extracts_all_pages_in_order() {
        let pdf = minimal_pdf(&[
            "Erste Seite: Tagesordnung der Ratssitzung",
            "Zweite Seite: Beschlussvorlage zur Haushaltssatzung",
        ]);
        assert_valid_xref(&pdf);
        let text = expect_text(extract_pdf(&pdf));
        let first = text.find("Erste Seite: Tagesordnung der Ratssitzung");
        let second = text.find("Zweite Seite: Beschlussvorlage zur Haushaltssatzung");
        assert!(
            matches!((first, second), (Some(a), Some(b)) if a < b),
            "got {text:?}"
        );
    }

    #[test]
    fn hand_written_two_page_pdf() {
        let pdf = raw_pdf(&[
            b"BT /F1 12 Tf 56 780 Td (Seite eins mit dem Wort Gr\\374nfl\\344che) Tj ET",
            b"BT /F1 12 Tf 56 780 Td (Seite zwei mit dem Wort Fu\\337g\\344nger) Tj ET",
        ]);
        let text = expect_text(extract_pdf(&pdf));
        assert!(
            text.contains("Seite eins mit dem Wort Grünfläche"),
            "{text:?}"
        );
        assert!(
            text.contains("Seite zwei mit dem Wort Fußgänger"),
            "{text:?}"
        );
        assert!(text.find("eins") < text.find("zwei"));
    }

    #[test]
    fn long_text_is_wrapped_and_paginated() {
        let sentence = "Der Ausschuss für Stadtentwicklung empfiehlt dem Rat die Annahme.";
        let long: Vec<String> = (0..120).map(|i| format!("{i}: {sentence}")).collect();
        let long = long.join(" ");
        let pdf = minimal_pdf(&[&long]);
        assert_valid_xref(&pdf);
        let text = expect_text(extract_pdf(&pdf));
        assert!(text.contains(&format!("0: {sentence}")));
        assert!(text.contains(&format!("119: {sentence}")));
    }

    #[test]
    fn image_only_pdf_has_no_text() {
        let pdf = image_only_pdf();
        assert_valid_xref(&pdf);
        assert_eq!(extract_pdf(&pdf), Extracted::NoText);
    }

    #[test]
    fn blank_and_tiny_text_pdfs_count_as_no_text() {
        assert_eq!(extract_pdf(&minimal_pdf(&[])), Extracted::NoText);
        assert_eq!(extract_pdf(&minimal_pdf(&["Seite 1"])), Extracted::NoText);
    }

    #[test]
    fn random_bytes_fail() {
        // Deterministic xorshift noise.
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        let noise: Vec<u8> = (0..4096)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state.to_le_bytes()[0]
            })
            .collect();
        assert!(matches!(extract_pdf(&noise), Extracted::Failed(_)));
        assert!(matches!(extract_pdf(b""), Extracted::Failed(_)));
        assert_eq!(
            extract_pdf(b"Hallo, das ist eine Textdatei."),
            Extracted::Failed(MSG_NOT_PDF.to_owned())
        );
        // A PDF header followed by noise.
        let mut fake = b"%PDF-1.7\n".to_vec();
        fake.extend_from_slice(&noise);
        assert!(matches!(extract_pdf(&fake), Extracted::Failed(_)));
    }

    #[test]
    fn truncated_pdfs_do_not_panic() {
        let second = "Zweite Seite mit weiterem Text für den Suchindex";
        let pdf = minimal_pdf(&[KAMEN, second]);
        let position = |needle: &[u8]| find(&pdf, needle).expect("marker in generated PDF");
        // Cut inside the first content stream, and right before it.
        for cut in [10, position(b"5 0 obj") + 40, position(b"5 0 obj")] {
            let result = extract_pdf(&pdf[..cut]);
            assert!(
                matches!(result, Extracted::Failed(_) | Extracted::NoText),
                "cut at {cut}: {result:?}"
            );
        }
        // Cut inside the second page's content stream, and in the xref table:
        // the rebuilt cross-reference table recovers the complete pages.
        let partial = expect_text(extract_pdf(&pdf[..position(b"7 0 obj") + 40]));
        assert_eq!(partial, KAMEN);
        let nearly = expect_text(extract_pdf(&pdf[..position(b"xref") + 30]));
        assert_eq!(nearly, format!("{KAMEN} {second}"));
        // Every other cut position at least returns.
        for cut in (0..pdf.len()).step_by(13) {
            let _ = extract_pdf(&pdf[..cut]);
        }
    }

    #[test]
    fn damaged_cross_reference_tables_are_rebuilt() {
        let pdf = minimal_pdf(&[KAMEN]);
        // Leading garbage plus bytes inserted after the header shift every
        // object away from its recorded offset.
        let mut shifted = b"Kopfzeile des Mailprogramms\n".to_vec();
        shifted.extend_from_slice(&pdf[..9]);
        shifted.extend_from_slice(b"\n\n\n");
        shifted.extend_from_slice(&pdf[9..]);
        assert_eq!(expect_text(extract_pdf(&shifted)), KAMEN);
        // No xref table and no trailer at all: the catalog is found by type.
        let without_xref = &pdf[..find(&pdf, b"xref\n").expect("xref")];
        assert_eq!(expect_text(extract_pdf(without_xref)), KAMEN);
    }

    #[test]
    fn corrupted_pdfs_never_panic() {
        let pdf = minimal_pdf(&[KAMEN, "Zweite Seite"]);
        for position in (0..pdf.len()).step_by(7) {
            let mut broken = pdf.clone();
            broken[position] ^= 0x5A;
            // Any outcome is fine as long as it is returned, not panicked.
            let _ = extract_pdf(&broken);
        }
    }

    #[test]
    fn oversized_input_is_refused() {
        let mut big = b"%PDF-1.4\n".to_vec();
        big.resize(MAX_PDF_BYTES + 1, b' ');
        assert_eq!(
            extract_pdf(&big),
            Extracted::Failed(MSG_TOO_LARGE.to_owned())
        );
    }

    #[test]
    fn extract_file_reads_pdf_and_reports_missing_files() {
        let path = std::env::temp_dir().join(format!("pdf_text_test_{}.pdf", std::process::id()));
        std::fs::write(&path, minimal_pdf(&[KAMEN])).expect("write temp file");
        let result = extract_file(&path);
        let _ = std::fs::remove_file(&path);
        assert!(expect_text(result).contains(KAMEN));
        assert_eq!(
            extract_file(Path::new("/nonexistent/gremium/datei.pdf")),
            Extracted::Failed(MSG_READ_FILE.to_owned())
        );
    }

    const CATALOG: &[u8] = b"<< /Type /Catalog /Pages 2 0 R >>";
    const HELVETICA: &[u8] =
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>";
    const PAGE_TEXT: &[u8] =
        b"BT /F1 12 Tf 56 780 Td (Tagesordnung der Sitzung: Gr\\374nfl\\344chen) Tj ET";

    #[test]
    fn text_around_an_embedded_image_survives() {
        // Junk "JPEG" data that pdf-extract would otherwise parse as content.
        let jpeg: Vec<u8> = [0xFF, 0xD8, 0xFF, 0xE0]
            .into_iter()
            .chain((0..3000u32).map(|i| (i * 37 % 251) as u8))
            .collect();
        let mut content = PAGE_TEXT.to_vec();
        content.extend_from_slice(
            b" q 100 0 0 50 400 780 cm /Logo Do Q BT /F1 12 Tf 56 700 Td (Nach dem Logo) Tj ET",
        );
        let pdf = assemble_pdf(&[
            CATALOG.to_vec(),
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font \
              << /F1 4 0 R >> /XObject << /Logo 6 0 R >> >> /Contents 5 0 R >>"
                .to_vec(),
            HELVETICA.to_vec(),
            stream_object("", &content),
            stream_object(
                "/Type /XObject /Subtype /Image /Width 10 /Height 10 /ColorSpace /DeviceRGB \
                 /BitsPerComponent 8 /Filter /DCTDecode",
                &jpeg,
            ),
        ]);
        let text = expect_text(extract_pdf(&pdf));
        assert!(
            text.contains("Tagesordnung der Sitzung: Grünflächen"),
            "{text:?}"
        );
        assert!(text.contains("Nach dem Logo"), "{text:?}");
    }

    #[test]
    fn self_invoking_forms_do_not_overflow_the_stack() {
        // /Fx calls itself; /A and /B call each other.
        let mut content = PAGE_TEXT.to_vec();
        content.extend_from_slice(b" /Fx Do /A Do");
        let pdf = assemble_pdf(&[
            CATALOG.to_vec(),
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources 6 0 R \
              /Contents 4 0 R >>"
                .to_vec(),
            stream_object("", &content),
            stream_object(
                "/Type /XObject /Subtype /Form /BBox [0 0 595 842]",
                b"BT /F1 12 Tf 56 600 Td (Formular) Tj ET /Fx Do",
            ),
            b"<< /Font << /F1 7 0 R >> /XObject << /Fx 5 0 R /A 8 0 R >> >>".to_vec(),
            HELVETICA.to_vec(),
            stream_object(
                "/Type /XObject /Subtype /Form /BBox [0 0 595 842] \
                 /Resources << /XObject << /B 9 0 R >> >>",
                b"/B Do",
            ),
            stream_object(
                "/Type /XObject /Subtype /Form /BBox [0 0 595 842] \
                 /Resources << /XObject << /A 8 0 R >> >>",
                b"/A Do",
            ),
        ]);
        let text = expect_text(extract_pdf(&pdf));
        assert!(
            text.contains("Tagesordnung der Sitzung: Grünflächen"),
            "{text:?}"
        );
    }

    #[test]
    fn exponential_form_fan_out_is_bounded() {
        // Eight levels of forms, each invoking the next one ten times.
        let mut objects = vec![
            CATALOG.to_vec(),
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font \
              << /F1 4 0 R >> /XObject << /X 6 0 R >> >> /Contents 5 0 R >>"
                .to_vec(),
            HELVETICA.to_vec(),
            stream_object("", b"/X Do"),
        ];
        for level in 0..8 {
            let id = 6 + level;
            let next = if level < 7 {
                format!("/XObject << /X {} 0 R >>", id + 1)
            } else {
                String::new()
            };
            let body: &[u8] = if level < 7 {
                b"/X Do /X Do /X Do /X Do /X Do /X Do /X Do /X Do /X Do /X Do"
            } else {
                b"BT /F1 12 Tf 56 600 Td (x) Tj ET"
            };
            objects.push(stream_object(
                &format!(
                    "/Type /XObject /Subtype /Form /BBox [0 0 595 842] \
                     /Resources << /Font << /F1 4 0 R >> {next} >>"
                ),
                body,
            ));
        }
        let started = std::time::Instant::now();
        let result = extract_pdf(&assemble_pdf(&objects));
        assert_eq!(result, Extracted::Failed(MSG_UNREADABLE_TEXT.to_owned()));
        assert!(started.elapsed() < Duration::from_secs(20));
    }

    #[test]
    fn parent_cycle_and_missing_media_box_are_repaired() {
        let pdf = assemble_pdf(&[
            CATALOG.to_vec(),
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 /Parent 3 0 R >>".to_vec(),
            b"<< /Type /Page /Parent 2 0 R /Resources << /Font << /F1 5 0 R >> >> \
              /Contents 4 0 R >>"
                .to_vec(),
            stream_object("", PAGE_TEXT),
            HELVETICA.to_vec(),
        ]);
        let text = expect_text(extract_pdf(&pdf));
        assert!(
            text.contains("Tagesordnung der Sitzung: Grünflächen"),
            "{text:?}"
        );
    }

    #[test]
    fn broken_pages_do_not_lose_the_other_pages() {
        // Showing text without a font, or with a font missing from the
        // resources, panics in pdf-extract; text before it on the same page
        // has been emitted already and is kept.
        let pdf = raw_pdf(&[
            b"BT 56 780 Td (kaputt) Tj ET",
            b"BT /F1 12 Tf 56 780 Td (Zweite Seite mit Gr\\374nfl\\344chen und Stra\\337en) Tj ET",
            b"BT /F1 12 Tf 56 780 Td (Dritte Seite, Anfang) Tj ET \
              BT /F9 12 Tf 56 700 Td (kaputt) Tj ET",
            b"BT /F1 12 Tf 56 780 Td (Vierte Seite ohne Fehler) Tj ET",
        ]);
        let text = expect_text(extract_pdf(&pdf));
        assert_eq!(
            text,
            "Zweite Seite mit Grünflächen und Straßen Dritte Seite, Anfang Vierte Seite ohne Fehler"
        );
    }

    #[test]
    fn many_pages_are_extracted_in_order() {
        let pages: Vec<String> = (1..=300)
            .map(|i| format!("Seite {i} der Niederschrift"))
            .collect();
        let pages: Vec<&str> = pages.iter().map(String::as_str).collect();
        let text = extract_pdf(&minimal_pdf(&pages));
        let expected: Vec<String> = (1..=300)
            .map(|i| format!("Seite {i} der Niederschrift"))
            .collect();
        assert_eq!(text, Extracted::Text(expected.join("\n")));
    }

    #[test]
    fn unsupported_color_spaces_do_not_lose_text() {
        let content: &[u8] = b"/CS1 cs 0 sc /CS2 CS 0 0 0 1 SC /P0 cs 0.5 0.5 0.5 /Pat scn \
              BT /F1 12 Tf 56 780 Td (Farbiger Text: Gr\\374nfl\\344chen und Stra\\337en) Tj ET";
        let pdf = assemble_pdf(&[
            CATALOG.to_vec(),
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font \
              << /F1 4 0 R >> /ColorSpace 6 0 R >> /Contents 5 0 R >>"
                .to_vec(),
            HELVETICA.to_vec(),
            stream_object("", content),
            b"<< /CS1 [/Indexed /DeviceRGB 1 <000000FFFFFF>] /CS2 /DeviceCMYK /P0 7 0 R >>"
                .to_vec(),
            b"[/Pattern /DeviceRGB]".to_vec(),
        ]);
        let text = expect_text(extract_pdf(&pdf));
        assert!(
            text.contains("Farbiger Text: Grünflächen und Straßen"),
            "{text:?}"
        );
    }

    #[test]
    fn panics_and_timeouts_are_contained() {
        let panicked = run_guarded(Duration::from_secs(5), |_| panic!("simulated parser bug"));
        assert_eq!(panicked, Extracted::Failed(MSG_INTERNAL.to_owned()));

        let slow = run_guarded(Duration::from_millis(50), |cancel| {
            for _ in 0..200 {
                if cancel.is_cancelled() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            Extracted::NoText
        });
        assert_eq!(slow, Extracted::Failed(MSG_TIMEOUT.to_owned()));

        let quick = run_guarded(Duration::from_secs(5), |_| Extracted::Text("ok".into()));
        assert_eq!(quick, Extracted::Text("ok".into()));
    }

    #[test]
    fn normalises_whitespace_and_control_characters() {
        let mut builder = TextBuilder::new(1000);
        builder
            .push_str("  Erste \t\t Zeile\u{0}\u{7}  \r\n\r\n\n   zweite\u{A0}\u{A0}Zeile\u{AD}n ");
        builder.line_break();
        builder.push_str("\u{FB01}nanzierung \u{FFFD}\u{200B}Ende\n\n");
        builder.line_break();
        assert_eq!(
            builder.finish(),
            "Erste Zeile\nzweite Zeilen\nfinanzierung Ende"
        );
    }

    #[test]
    fn text_cap_respects_char_boundaries() {
        let mut builder = TextBuilder::new(5);
        builder.push_str("äöü ßÄÖÜ");
        assert!(builder.is_full());
        assert_eq!(builder.finish(), "äöü ß");

        let mut builder = TextBuilder::new(4);
        builder.push_str("äöü ßÄÖÜ");
        assert_eq!(builder.finish(), "äöü");
    }

    #[test]
    fn winansi_encoding_and_escaping() {
        assert_eq!(
            pdf_string_literal("a(b)c\\ä€–ẞ"),
            b"a\\(b\\)c\\\\\\344\\200\\226?".to_vec()
        );
        assert_eq!(wrap_line(""), vec![String::new()]);
        let wrapped = wrap_line(&"x".repeat(200));
        assert_eq!(wrapped.len(), 3);
        assert!(wrapped.iter().all(|l| l.chars().count() <= CHARS_PER_LINE));
    }
}
