#!/usr/bin/env python3
"""Write hostile PDF files for the upload tests.

usage: hostile_pdf.py KIND OUT.pdf

  bomb       one page whose content stream inflates to 1 GiB (3.4 MB → 1 GB
             was what killed the server before)
  operators  a small file whose content stream holds millions of operators
             (save-state `q` without restore: parser state grows with each)
  recursion  a form XObject that draws itself (endless recursion)
  nesting    an object nested 100,000 arrays deep
  textbomb   text-show operators that inflate to hundreds of millions of
             glyphs (CPU time)
"""
import sys
import zlib


def pdf(objects):
    """objects: list of bytes (bodies of objects 1..n); returns the file."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def stream(data, extra=b""):
    return b"<< /Length %d /Filter /FlateDecode %s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def deflate_repeated(chunk, total, head=b""):
    """zlib of head + chunk repeated until `total` bytes, without holding it."""
    c = zlib.compressobj(9)
    parts = [c.compress(head)]
    block = chunk * max(1, (1 << 20) // len(chunk))
    written = 0
    while written < total:
        parts.append(c.compress(block))
        written += len(block)
    parts.append(c.flush())
    return b"".join(parts)


FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def page_doc(content, resources=b"<< /Font << /F1 4 0 R >> >>", extra_objects=()):
    return pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources "
            + resources
            + b" /Contents 5 0 R >>",
            FONT,
            content,
            *extra_objects,
        ]
    )


def main():
    kind, out = sys.argv[1], sys.argv[2]
    if kind == "bomb":
        data = deflate_repeated(b" " * 64, 1 << 30, b"BT /F1 12 Tf 72 720 Td (Bombe) Tj ET\n")
        doc = page_doc(stream(data))
    elif kind == "operators":
        data = deflate_repeated(b"q 1 0 0 1 0 0 cm ", 400 << 20)
        doc = page_doc(stream(data))
    elif kind == "recursion":
        form = b"<< /Type /XObject /Subtype /Form /BBox [0 0 100 100] /Resources << /XObject << /X1 6 0 R >> >> /Length 8 >>\nstream\n/X1 Do\n\nendstream"
        doc = page_doc(
            b"<< /Length 8 >>\nstream\n/X1 Do\n\nendstream",
            resources=b"<< /XObject << /X1 6 0 R >> /Font << /F1 4 0 R >> >>",
            extra_objects=[form],
        )
    elif kind == "nesting":
        deep = b"[" * 100000 + b"]" * 100000
        doc = page_doc(b"<< /Length 0 /Deep " + deep + b" >>\nstream\n\nendstream")
    elif kind == "textbomb":
        data = deflate_repeated(b"(Wahlperiode Ausschuss Sitzung ) Tj ", 600 << 20, b"BT /F1 1 Tf 0 0 Td ")
        doc = page_doc(stream(data))
    else:
        sys.exit(f"unknown kind {kind}")
    with open(out, "wb") as f:
        f.write(doc)


if __name__ == "__main__":
    main()
