//! Small valid PDFs for tests and demo data: text pages set in Helvetica
//! (`minimal_pdf`) and a scan without a text layer (`image_only_pdf`).

use std::fmt::Write as _;

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
    fn generated_pdfs_have_valid_cross_references() {
        assert_valid_xref(&minimal_pdf(&["Erste Seite", "Zweite Seite"]));
        assert_valid_xref(&minimal_pdf(&[]));
        assert_valid_xref(&image_only_pdf());
        let long: Vec<String> = (0..120).map(|i| format!("{i}: Zeile")).collect();
        let pdf = minimal_pdf(&[&long.join("\n")]);
        assert_valid_xref(&pdf);
        assert!(pdf.windows(8).any(|w| w == b"/Count 3"), "three pages");
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
