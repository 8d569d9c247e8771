//! Uploaded files on disk: content type from the bytes, sanitised names,
//! content-addressed storage under `<data_dir>/dateien/`.

use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// A recognised file type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kind {
    pub mime: &'static str,
    pub ext: &'static str,
    pub label: &'static str,
}

const PDF: Kind = Kind {
    mime: "application/pdf",
    ext: "pdf",
    label: "PDF",
};

/// Which types are accepted, decided from the first bytes. Office formats
/// inside a ZIP or OLE container are told apart by the name's extension,
/// but only if the bytes are such a container.
pub fn detect(head: &[u8], file_name: &str) -> Option<Kind> {
    let ext = Path::new(file_name)
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase())
        .unwrap_or_default();
    if head.starts_with(b"%PDF-") {
        return Some(PDF);
    }
    if head.starts_with(b"PK\x03\x04") {
        return match ext.as_str() {
            "docx" => Some(Kind {
                mime: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                ext: "docx",
                label: "Word",
            }),
            "xlsx" => Some(Kind {
                mime: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ext: "xlsx",
                label: "Excel",
            }),
            "pptx" => Some(Kind {
                mime: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                ext: "pptx",
                label: "PowerPoint",
            }),
            "odt" => Some(Kind {
                mime: "application/vnd.oasis.opendocument.text",
                ext: "odt",
                label: "OpenDocument-Text",
            }),
            "ods" => Some(Kind {
                mime: "application/vnd.oasis.opendocument.spreadsheet",
                ext: "ods",
                label: "OpenDocument-Tabelle",
            }),
            "odp" => Some(Kind {
                mime: "application/vnd.oasis.opendocument.presentation",
                ext: "odp",
                label: "OpenDocument-Präsentation",
            }),
            _ => None,
        };
    }
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return match ext.as_str() {
            "doc" => Some(Kind {
                mime: "application/msword",
                ext: "doc",
                label: "Word",
            }),
            "xls" => Some(Kind {
                mime: "application/vnd.ms-excel",
                ext: "xls",
                label: "Excel",
            }),
            "ppt" => Some(Kind {
                mime: "application/vnd.ms-powerpoint",
                ext: "ppt",
                label: "PowerPoint",
            }),
            _ => None,
        };
    }
    if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some(Kind {
            mime: "image/png",
            ext: "png",
            label: "PNG-Bild",
        });
    }
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some(Kind {
            mime: "image/jpeg",
            ext: "jpg",
            label: "JPEG-Bild",
        });
    }
    None
}

pub const ALLOWED_TEXT: &str = "PDF, Word (doc/docx), Excel (xls/xlsx), PowerPoint (ppt/pptx), OpenDocument (odt/ods/odp), PNG oder JPEG";

/// A safe file name: letters (incl. umlauts), digits, `.-_ ` kept, the
/// rest replaced; no path parts, no leading dots; the extension matches
/// the detected type.
pub fn sanitize_name(raw: &str, kind: Kind) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let stem = match base.rsplit_once('.') {
        Some((s, _)) => s,
        None => base,
    };
    let mut clean: String = stem
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | ' ' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    clean = clean
        .trim_matches(|c: char| c == '.' || c == ' ')
        .to_string();
    let clean: String = clean.chars().take(100).collect();
    let stem = if clean.is_empty() {
        "Anlage".to_string()
    } else {
        clean
    };
    format!("{stem}.{}", kind.ext)
}

/// Where a stored file lives, from its hash.
pub fn path_for(data_dir: &str, sha256: &str) -> PathBuf {
    let (a, b) = sha256.split_at(2.min(sha256.len()));
    Path::new(data_dir).join("dateien").join(a).join(b)
}

/// Collects an upload in a temporary file while hashing it.
pub struct Incoming {
    tmp: tempfile::NamedTempFile,
    hasher: Sha256,
    pub size: u64,
    pub head: Vec<u8>,
}

impl Incoming {
    pub fn new(data_dir: &str) -> std::io::Result<Incoming> {
        let dir = Path::new(data_dir).join("dateien").join("tmp");
        std::fs::create_dir_all(&dir)?;
        Ok(Incoming {
            tmp: tempfile::NamedTempFile::new_in(dir)?,
            hasher: Sha256::new(),
            size: 0,
            head: Vec::new(),
        })
    }

    pub fn write(&mut self, chunk: &[u8]) -> std::io::Result<()> {
        if self.head.len() < 16 {
            let take = (16 - self.head.len()).min(chunk.len());
            self.head.extend_from_slice(&chunk[..take]);
        }
        self.hasher.update(chunk);
        self.size += chunk.len() as u64;
        self.tmp.write_all(chunk)
    }

    /// Move into content-addressed storage; returns the hex hash.
    pub fn persist(self, data_dir: &str) -> std::io::Result<String> {
        let hash = hex::encode(self.hasher.finalize());
        let target = path_for(data_dir, &hash);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        if !target.exists() {
            self.tmp.persist(&target).map_err(|e| e.error)?;
        }
        Ok(hash)
    }
}

/// `Content-Disposition` value with an ASCII fallback and the UTF-8 name.
pub fn content_disposition(file_name: &str, inline: bool) -> String {
    let ascii: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = url::form_urlencoded::byte_serialize(file_name.as_bytes())
        .collect::<String>()
        .replace('+', "%20");
    format!(
        "{}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}",
        if inline { "inline" } else { "attachment" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_comes_from_the_bytes() {
        assert_eq!(detect(b"%PDF-1.7\n", "x.docx").map(|k| k.ext), Some("pdf"));
        assert_eq!(detect(b"MZ\x90\x00", "rechnung.pdf"), None);
        assert_eq!(
            detect(b"PK\x03\x04abc", "a.docx").map(|k| k.ext),
            Some("docx")
        );
        assert_eq!(detect(b"PK\x03\x04abc", "a.zip"), None);
    }

    #[test]
    fn names_are_sanitised() {
        assert_eq!(sanitize_name("../../etc/passwd", PDF), "passwd.pdf");
        assert_eq!(
            sanitize_name("C:\\Users\\x\\Vorlage 2026/0042.exe", PDF),
            "0042.pdf"
        );
        assert_eq!(
            sanitize_name("Übersicht <script>.pdf", PDF),
            "Übersicht _script_.pdf"
        );
        assert_eq!(sanitize_name("...", PDF), "Anlage.pdf");
    }
}
