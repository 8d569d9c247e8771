//! Plain text of uploaded PDF documents for the full-text index.
//!
//! PDF parsing is untrusted work: a small file can inflate to gigabytes or
//! hold millions of content operators. So the server never parses a PDF in
//! its own address space. Poppler's `pdftotext` (Debian `poppler-utils`)
//! runs as a child process with hard kernel limits (`setrlimit`: address
//! space, CPU seconds, no files written, no core dumps, few descriptors) in
//! its own process group, is killed after a wall-clock deadline, and only a
//! bounded amount of its output is read. Whatever the file does, the worst
//! outcome is a killed child and the status "kein Text" with a reason.
//!
//! Extraction runs from a background job (`worker`), never in the request:
//! an upload stores the file with text status `pending` and a row in
//! `text_jobs`; the worker claims due jobs, runs the child and writes the
//! text (which the search index picks up in the same transaction).
//!
//! The text is normalised for indexing: runs of whitespace become one space
//! (or one newline), control and invisible characters are dropped,
//! typographic ligatures are expanded and the result is capped at
//! [`MAX_TEXT_CHARS`]. Fewer than [`MIN_TEXT_CHARS`] visible characters
//! count as a scan ([`Extracted::NoText`]).
//!
//! [`minimal_pdf`] and [`image_only_pdf`] write small valid PDFs for tests
//! and demo data.

pub mod generate;
pub mod worker;

use std::io::Read;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub use generate::{image_only_pdf, minimal_pdf};

/// Upper bound for the extracted text, in characters.
pub const MAX_TEXT_CHARS: usize = 2_000_000;
/// Minimum number of visible characters for a document to count as having
/// a text layer.
pub const MIN_TEXT_CHARS: usize = 20;
/// Bytes of the child's output that are read at most (UTF-8, so at least
/// [`MAX_TEXT_CHARS`] / 4 characters; the rest is cut).
const MAX_OUTPUT_BYTES: usize = 8 * 1024 * 1024;
/// The tool that extracts the text.
pub const TOOL: &str = "pdftotext";

pub const MSG_NOT_PDF: &str = "Die Datei ist kein PDF-Dokument.";
pub const MSG_DAMAGED: &str = "Die PDF-Datei ist beschädigt und kann nicht gelesen werden.";
pub const MSG_ENCRYPTED: &str = "Die PDF-Datei ist verschlüsselt.";
pub const MSG_TIMEOUT: &str =
    "Die Textauswertung der PDF-Datei hat zu lange gedauert und wurde abgebrochen.";
pub const MSG_MEMORY: &str =
    "Die Textauswertung der PDF-Datei brauchte zu viel Speicher und wurde abgebrochen.";
pub const MSG_READ_FILE: &str = "Die Datei konnte nicht gelesen werden.";
pub const MSG_INTERNAL: &str =
    "Bei der Textauswertung der PDF-Datei ist ein interner Fehler aufgetreten.";

/// Resource limits of one extraction.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Address space of the child, in MiB.
    pub memory_mb: u64,
    /// CPU seconds of the child; the wall-clock deadline is twice this.
    pub cpu_seconds: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            memory_mb: 512,
            cpu_seconds: 60,
        }
    }
}

/// Result of a text extraction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Extracted {
    /// Normalised plain text of the document.
    Text(String),
    /// The PDF is readable but has (almost) no text layer, e.g. a scan.
    NoText,
    /// The file could not be processed; a short German reason for users.
    Failed(String),
    /// The extraction tool is not installed: try again later.
    Unavailable,
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

/// Whether the extraction tool can be started.
pub fn tool_available() -> bool {
    Command::new(TOOL)
        .arg("-v")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// Extracts the text of the PDF file at `path` in a limited child process.
/// Blocks up to twice `limits.cpu_seconds`; call it from a blocking thread.
pub fn extract_file(path: &Path, limits: Limits) -> Extracted {
    let mut head = [0u8; 1024];
    let n = match std::fs::File::open(path).and_then(|mut f| f.read(&mut head)) {
        Ok(n) => n,
        Err(err) => {
            tracing::warn!(path = %path.display(), error = %err, "PDF-Datei nicht lesbar");
            return Extracted::Failed(MSG_READ_FILE.to_owned());
        }
    };
    if !looks_like_pdf(&head[..n]) {
        return Extracted::Failed(MSG_NOT_PDF.to_owned());
    }
    let path = match path.canonicalize() {
        Ok(p) => p,
        Err(_) => return Extracted::Failed(MSG_READ_FILE.to_owned()),
    };
    match run_tool(&path, limits) {
        Ok(run) => interpret(run),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Extracted::Unavailable,
        Err(err) => {
            tracing::warn!(error = %err, "pdftotext nicht startbar");
            Extracted::Failed(MSG_INTERNAL.to_owned())
        }
    }
}

/// `%PDF-` within the first kilobyte (some generators put junk before it).
fn looks_like_pdf(head: &[u8]) -> bool {
    head.windows(5).any(|w| w == b"%PDF-")
}

struct Run {
    status: std::process::ExitStatus,
    output: Vec<u8>,
    timed_out: bool,
    elapsed: Duration,
}

fn run_tool(path: &Path, limits: Limits) -> std::io::Result<Run> {
    let mut cmd = Command::new(TOOL);
    cmd.arg("-enc")
        .arg("UTF-8")
        .arg("-q")
        .arg(path)
        .arg("-")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("LANG", "C.UTF-8")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let memory = limits.memory_mb.max(16) * 1024 * 1024;
    let cpu = limits.cpu_seconds.max(1);
    // SAFETY: the closure runs in the forked child before exec and calls
    // only async-signal-safe functions (setsid, setrlimit, nice).
    unsafe {
        cmd.pre_exec(move || {
            libc::setsid();
            limit(libc::RLIMIT_AS, memory)?;
            limit(libc::RLIMIT_CPU, cpu)?;
            limit(libc::RLIMIT_FSIZE, 0)?;
            limit(libc::RLIMIT_CORE, 0)?;
            limit(libc::RLIMIT_NOFILE, 64)?;
            libc::nice(10);
            Ok(())
        });
    }
    let started = Instant::now();
    let mut child = cmd.spawn()?;
    let pid = child.id() as libc::pid_t;
    let Some(mut stdout) = child.stdout.take() else {
        kill_group(pid);
        let _ = child.wait();
        return Err(std::io::Error::other("no stdout"));
    };
    // the reader stops after MAX_OUTPUT_BYTES and drops the pipe: the child
    // then ends with SIGPIPE instead of writing on forever
    let reader = std::thread::Builder::new()
        .name("pdf-text-read".into())
        .spawn(move || {
            let mut out = Vec::new();
            let _ = (&mut stdout)
                .take(MAX_OUTPUT_BYTES as u64)
                .read_to_end(&mut out);
            out
        })?;
    let deadline = Duration::from_secs(cpu * 2 + 5);
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if started.elapsed() > deadline {
            timed_out = true;
            kill_group(pid);
            break child.wait()?;
        }
        std::thread::sleep(Duration::from_millis(25));
    };
    // grandchildren (there should be none) go with the group
    kill_group(pid);
    let output = reader.join().unwrap_or_default();
    Ok(Run {
        status,
        output,
        timed_out,
        elapsed: started.elapsed(),
    })
}

fn limit(resource: libc::__rlimit_resource_t, value: u64) -> std::io::Result<()> {
    let lim = libc::rlimit {
        rlim_cur: value,
        rlim_max: value,
    };
    // SAFETY: plain system call with a valid pointer to a local struct.
    if unsafe { libc::setrlimit(resource, &lim) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    Ok(())
}

fn kill_group(pid: libc::pid_t) {
    // SAFETY: signals the process group the child created with setsid.
    unsafe {
        libc::kill(-pid, libc::SIGKILL);
    }
}

fn interpret(run: Run) -> Extracted {
    let text = || {
        let mut b = TextBuilder::new(MAX_TEXT_CHARS);
        b.push_str(&String::from_utf8_lossy(&run.output));
        if b.visible_chars() < MIN_TEXT_CHARS {
            Extracted::NoText
        } else {
            Extracted::Text(b.finish())
        }
    };
    if run.timed_out {
        tracing::warn!(
            seconds = run.elapsed.as_secs(),
            "pdftotext: Zeit überschritten"
        );
        return Extracted::Failed(MSG_TIMEOUT.to_owned());
    }
    if let Some(signal) = run.status.signal() {
        return match signal {
            // output cut by us: what was read is the text
            libc::SIGPIPE if run.output.len() >= MAX_OUTPUT_BYTES => text(),
            libc::SIGXCPU | libc::SIGKILL => Extracted::Failed(MSG_TIMEOUT.to_owned()),
            // allocation failures under RLIMIT_AS end in abort()
            libc::SIGABRT | libc::SIGSEGV | libc::SIGBUS => {
                Extracted::Failed(MSG_MEMORY.to_owned())
            }
            _ => Extracted::Failed(MSG_DAMAGED.to_owned()),
        };
    }
    match run.status.code() {
        Some(0) => text(),
        // poppler: 1 cannot open/parse, 3 permissions (encrypted)
        Some(3) => Extracted::Failed(MSG_ENCRYPTED.to_owned()),
        Some(1) | Some(2) => Extracted::Failed(MSG_DAMAGED.to_owned()),
        _ => Extracted::Failed(MSG_DAMAGED.to_owned()),
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

    fn visible_chars(&self) -> usize {
        self.visible
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
                // dropped without separating the surrounding characters
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

#[cfg(test)]
mod tests {
    use super::*;

    fn normalise(s: &str) -> String {
        let mut b = TextBuilder::new(MAX_TEXT_CHARS);
        b.push_str(s);
        b.finish()
    }

    #[test]
    fn whitespace_ligatures_and_invisibles_are_normalised() {
        assert_eq!(normalise("  a \t b\r\n\n c "), "a b\nc");
        assert_eq!(
            normalise("\u{FB01}nanzen Ma\u{AD}ßnahme\u{200B}n"),
            "finanzen Maßnahmen"
        );
        assert_eq!(normalise("\u{0C}Seite 2"), "Seite 2");
    }

    #[test]
    fn text_is_capped() {
        let mut b = TextBuilder::new(10);
        b.push_str("abcdefghijklmnop");
        assert_eq!(b.finish().chars().count(), 10);
    }

    fn write_tmp(bytes: &[u8]) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().expect("temp file");
        std::io::Write::write_all(&mut f, bytes).expect("write");
        f
    }

    fn require_tool() {
        assert!(
            tool_available(),
            "pdftotext fehlt: scripts/setup.sh installiert poppler-utils"
        );
    }

    #[test]
    fn a_text_pdf_gives_its_text() {
        require_tool();
        let f = write_tmp(&minimal_pdf(&[
            "Integrationskonzept der Stadt Kamen",
            "Zweite Seite: Handlungsfelder und Maßnahmen",
        ]));
        let got = extract_file(f.path(), Limits::default());
        let text = got.text().expect("text");
        assert!(
            text.contains("Integrationskonzept der Stadt Kamen"),
            "{text}"
        );
        assert!(text.contains("Maßnahmen"), "{text}");
    }

    #[test]
    fn a_scan_has_no_text_and_garbage_is_refused() {
        require_tool();
        let f = write_tmp(&image_only_pdf());
        assert_eq!(extract_file(f.path(), Limits::default()), Extracted::NoText);
        let g = write_tmp(b"GIF89a not a pdf at all");
        assert_eq!(
            extract_file(g.path(), Limits::default()),
            Extracted::Failed(MSG_NOT_PDF.into())
        );
        let h = write_tmp(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF");
        assert!(matches!(
            extract_file(h.path(), Limits::default()),
            Extracted::Failed(_) | Extracted::NoText
        ));
    }
}
