"""Bytes → text for pages and feeds: BOM, then the declared charset (HTTP, then <meta> or the XML
declaration), checked against the bytes, then detection. Declarations on the web are often wrong:
a declaration the bytes contradict is not trusted, and the decision is reported."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
XML_DECL = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:-]+)["']""", re.IGNORECASE)
# What browsers actually use for these labels (WHATWG Encoding): supersets that decode more pages.
SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030", "iso-8859-1": "cp1252",
             "latin-1": "cp1252", "latin1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252", "iso-8859-9": "cp1254",
             "big5": "big5hkscs", "iso8859-1": "cp1252", "iso8859-9": "cp1254", "shift_jis": "cp932", "euc-kr": "cp949", "ks_c_5601-1987": "cp949", "tis-620": "cp874"}
KEEP_DETECTED = frozenset({"gb18030", "big5hkscs", "big5", "cp932", "shift_jis", "euc_jp", "cp949", "euc_kr", "iso2022_jp",
                           "cp1251", "koi8-r", "koi8-u", "iso8859-5", "cp1253", "iso8859-7", "cp1255", "iso8859-8", "cp1256",
                           "iso8859-6", "cp874", "utf-16", "utf-32"})
SINGLE_BYTE_LATIN = frozenset({"cp1252", "cp1254", "iso8859-15", "cp1250", "iso8859-2", "iso8859-1"})


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str  # the codec used
    declared: str | None  # what the page or server said, if anything
    note: str | None = None  # set when a declaration was overruled


def normalise(label: str | None) -> str | None:
    """A codec name Python knows for an encoding label, or None."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = SUPERSETS.get(label, label)
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return SUPERSETS.get(name, name)


def _decodes(data: bytes, enc: str) -> bool:
    try:
        data.decode(enc)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _prefer_utf8(data: bytes, enc: str) -> bool:
    """A single-byte Latin declaration on bytes that are valid UTF-8 with non-ASCII in them is a lie:
    random Latin-1 text is almost never valid UTF-8."""
    return enc in SINGLE_BYTE_LATIN and not data.isascii() and _decodes(data, "utf-8")


def decode(data: bytes, http_charset: str | None = None, *, xml: bool = False) -> Decoded:
    for bom, enc in BOMS:
        if data.startswith(bom):
            return Decoded(data[len(bom):].decode(enc, errors="replace"), enc, enc)
    head = data[:4096]
    m = (XML_DECL if xml else META_CHARSET).search(head)
    in_doc = m.group(1).decode("ascii", "replace") if m else None
    if not xml and in_doc is None:
        m = XML_DECL.search(head)  # XHTML served with only an XML declaration
        in_doc = m.group(1).decode("ascii", "replace") if m else None
    declared = http_charset or in_doc
    notes = []
    order = [http_charset, in_doc]
    h, d = normalise(http_charset), normalise(in_doc)
    if h in SINGLE_BYTE_LATIN and d and d != h and d not in SINGLE_BYTE_LATIN and _decodes(data, d):
        # servers default to Latin-1 in headers; a page that names a multi-byte charset its bytes satisfy knows better
        order = [in_doc, http_charset]
        notes.append(f"HTTP said {http_charset}, the document {in_doc}: used {d}")
    for label in order:
        enc = normalise(label)
        if enc is None:
            if label:
                notes.append(f"unknown charset {label!r}")
            continue
        if enc.startswith("utf-16") or enc.startswith("utf-32"):
            continue  # without a BOM these declarations are nearly always wrong (the bytes are ASCII-compatible)
        if _prefer_utf8(data, enc):
            notes.append(f"declared {label} but the bytes are UTF-8")
            return Decoded(data.decode("utf-8"), "utf-8", declared, "; ".join(notes))
        if _decodes(data, enc):
            return Decoded(data.decode(enc), enc, declared, "; ".join(notes) or None)
        notes.append(f"declared {label} but the bytes are not {enc}")
    if _decodes(data, "utf-8"):
        return Decoded(data.decode("utf-8"), "utf-8", declared, "; ".join(notes) or None)
    best = from_bytes(data[:200_000]).best()
    enc = normalise(best.encoding) if best is not None else None
    if enc is None or not _decodes(data, enc):
        enc = "cp1252"
    # Undeclared single-byte text: detectors confuse the Latin code pages with each other (cp1257 for
    # Portuguese); cp1252 is what browsers use and a superset of Latin-1. Kept: multi-byte CJK guesses
    # and scripts cp1252 cannot carry.
    if enc not in KEEP_DETECTED and _decodes(data, "cp1252"):
        enc = "cp1252"
    notes.append(f"charset detected as {enc}")
    return Decoded(data.decode(enc, errors="replace"), enc, declared, "; ".join(notes))


def decode_html(data: bytes, http_charset: str | None = None) -> str:
    return decode(data, http_charset).text


def to_utf8_xml(data: bytes, http_charset: str | None = None) -> tuple[bytes, Decoded]:
    """Feed bytes re-encoded as UTF-8 with the XML declaration saying so, for feedparser: the charset
    decision is ours (HTTP header, BOM, declaration, detection), made once."""
    d = decode(data, http_charset, xml=True)
    text = d.text.lstrip("\ufeff")
    text = re.sub(r"""^(\s*<\?xml[^>]*?encoding\s*=\s*["'])[^"']*(["'])""", r"\1utf-8\2", text, count=1)
    return text.encode("utf-8"), d
