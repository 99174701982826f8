"""Small attachments for the demo, made in code: a PNG picture and a one-page PDF."""

from __future__ import annotations

import struct
import zlib


def png_picture(width: int = 96, height: int = 64) -> bytes:
    """A PNG of a garage sketch: a grey house shape on a light sky, drawn pixel by pixel."""
    rows = []
    for y in range(height):
        row = bytearray([0])  # filter type: none
        for x in range(width):
            roof = y >= 14 and abs(x - width // 2) <= (y - 14) * 1.4 and y < 30
            wall = 30 <= y < height - 6 and width // 4 <= x < 3 * width // 4
            door = 40 <= y < height - 6 and 42 <= x < 54
            if door:
                pixel = (120, 72, 40)
            elif roof:
                pixel = (150, 40, 40)
            elif wall:
                pixel = (200, 200, 190)
            elif y >= height - 6:
                pixel = (90, 140, 70)
            else:
                pixel = (200, 225, 245)
            row.extend(pixel)
        rows.append(bytes(row))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + _chunk(b"IEND", b"")
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def pdf_document(title: str, lines: list[str]) -> bytes:
    """A one-page A4 PDF with a title and a few lines of text (Latin-1, Helvetica)."""
    text = ["BT", "/F1 16 Tf", "72 770 Td", f"({_escaped(title)}) Tj", "/F1 11 Tf"]
    for line in lines:
        text += ["0 -20 Td", f"({_escaped(line)}) Tj"]
    text.append("ET")
    stream = "\n".join(text).encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
