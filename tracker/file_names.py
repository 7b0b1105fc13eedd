"""Names of the files the app offers for download: safe on Windows, macOS and Linux.

A plan's name (up to 200 characters, any letters, maybe a line break stored before the
single-line rule) becomes part of a file name. The name given to the browser keeps the
letters and accents people recognise, and never holds what a file system or a
``Content-Disposition`` header would refuse or misread: control characters, path separators,
Windows' reserved characters and device names, leading or trailing dots and spaces. Its
length is bounded in characters and in UTF-8 bytes (255 bytes is the limit of ext4, APFS and
NTFS alike; a browser adds " (1)" to a second download)."""

from __future__ import annotations

import re
import unicodedata

from tracker.rules import one_line

MAX_STEM = 120  # characters before the suffix
MAX_BYTES = 200  # UTF-8 bytes of the whole name, well under 255
_RESERVED = re.compile(r'[<>:"/\\|?*]')  # Windows refuses these; "/" and "\" separate paths
_DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
            *(f"LPT{i}" for i in range(1, 10))}


def download_name(stem: str, suffix: str, *, fallback: str = "download") -> str:
    """``stem`` made safe and bounded, then ``suffix`` (".pptx"; kept whole)."""
    text = unicodedata.normalize("NFC", one_line(stem))
    text = " ".join(_RESERVED.sub("-", text).split())
    limit = MAX_BYTES - len(suffix.encode())
    if len(text) > MAX_STEM or len(text.encode()) > limit:
        text = text[:MAX_STEM]
        while len(text.encode()) > limit - len("…".encode()):
            text = text[:-1]
        text = text.rstrip(" .-") + "…"
    text = text.strip(" .")
    if not text or text.split(".")[0].upper() in _DEVICES:
        text = f"{fallback} {text}".strip(" .")
    return text + suffix
