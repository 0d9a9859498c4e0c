"""Bytes in, text out: decode one source file whatever encoding a Vietnamese newsroom used.

Why this exists: corpora arrive as UTF-8 (with or without a BOM), UTF-16 exported from
Word or Excel, Windows-1258 from old Windows tools, and the pre-Unicode Vietnamese font
encodings TCVN3 (ABC) and VNI.  The extractor reports character offsets into the decoded
text, so UTF-8 and UTF-16 text is returned exactly as decoded (no Unicode normalisation, no
newline translation); only the legacy encodings, which produce new text anyway, are
converted to NFC.

Every failure is a :class:`~graphbuild.domain.skipped.SkippedInput` that names the source, says
what is wrong and what to do about it, so a command-line front end can print it and carry on with
the next file.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from graphbuild.domain.skipped import SkippedInput
from graphbuild.read.opening import read_input

__all__ = [
    "decode", "decode_noting", "detect_encoding", "read_bytes", "read_text", "iter_files", "iter_files_with_root",
    "looks_vietnamese", "printable",
]

_DATA = Path(__file__).resolve().parent.parent / "data"


# --- Vietnamese plausibility -------------------------------------------------------------

# Tone marks (a syllable carries at most one) and the vowel-shape marks (circumflex, breve, horn).
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_SHAPES = {"\u0302", "\u0306", "\u031b"}
_SYLLABLE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?"
    r"[aăâeêioôơuưy]{1,3}"
    r"(?:ch|ng|nh|[cmnpt])?"
)
_WORD = re.compile(r"[^\W\d_]+")


def _syllable_ok(word: str) -> bool:
    """True if ``word`` (NFC) is spelled like one Vietnamese syllable."""
    tones = 0
    skeleton = []
    for ch in unicodedata.normalize("NFD", word.lower()):
        if ch in _TONES:
            tones += 1
        elif ch in _SHAPES:
            if not skeleton:
                return False
            skeleton[-1] = unicodedata.normalize("NFC", skeleton[-1] + ch)
        elif ch == "\u0111":  # đ does not decompose
            skeleton.append(ch)
        elif "a" <= ch <= "z":
            skeleton.append(ch)
        else:
            return False
    return tones <= 1 and _SYLLABLE.fullmatch("".join(skeleton)) is not None


def _vietnamese_score(text: str) -> tuple[int, int]:
    """(good, bad): words with non-ASCII letters that are / are not Vietnamese syllables.

    Stray non-letter symbols from the Latin-1 block (what a wrong 8-bit guess produces:
    ``¸``, ``µ``, ``Ö``...) count as bad too.
    """
    good = bad = 0
    for m in _WORD.finditer(text):
        w = m.group()
        if w.isascii():
            continue
        if _syllable_ok(w):
            good += 1
        else:
            bad += 1
    for ch in text:
        if "\u00a1" <= ch <= "\u00bf" and ch not in "«»°·§":
            bad += 1
    return good, bad


def looks_vietnamese(text: str) -> bool:
    """True if the non-ASCII words of ``text`` are overwhelmingly Vietnamese syllables."""
    good, bad = _vietnamese_score(text)
    return good >= 1 and good >= 4 * bad


# --- legacy 8-bit encodings ------------------------------------------------------------


@lru_cache(maxsize=1)
def _legacy_tables() -> tuple[dict[int, str], dict[str, str], re.Pattern[str]]:
    """The TCVN3 byte table and the VNI sequence table from data/legacy_vn.json."""
    with open(_DATA / "legacy_vn.json", encoding="utf-8") as fh:
        raw = json.load(fh)
    tcvn3 = {int(k, 16): v for k, v in raw["tcvn3"].items()}
    vni: dict[str, str] = raw["vni"]
    # Longest keys first so "ôù" (ớ) wins over "ô" (ơ).
    keys = sorted(vni, key=lambda k: (-len(k), k))
    pattern = re.compile("|".join(re.escape(k) for k in keys))
    return tcvn3, vni, pattern


def _decode_tcvn3(data: bytes) -> str:
    """TCVN3 (ABC) bytes to NFC text; bytes outside the table read as Windows-1252."""
    tcvn3, _, _ = _legacy_tables()
    out = []
    for b in data:
        ch = tcvn3.get(b)
        if ch is None:
            ch = bytes([b]).decode("cp1252", errors="replace")
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


def _decode_vni(data: bytes) -> str:
    """VNI Windows bytes to NFC text (base letter + mark byte → one precomposed letter)."""
    _, vni, pattern = _legacy_tables()
    text = data.decode("latin-1")
    return unicodedata.normalize("NFC", pattern.sub(lambda m: vni[m.group()], text))


def _decode_cp1258(data: bytes) -> str:
    """Windows-1258 puts tones as combining marks; NFC makes them ordinary letters."""
    return unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))


_GUESS_SAMPLE = 65536
_LEGACY = (("windows-1258", _decode_cp1258), ("TCVN3", _decode_tcvn3), ("VNI", _decode_vni))


def _guess_legacy(data: bytes) -> tuple[str, str] | None:
    """(encoding name, text) of the legacy encoding under which ``data`` reads best, or None.

    Each candidate decoding is scored by how many of its non-ASCII words are real Vietnamese
    syllables; a wrong guess yields symbols and impossible letter combinations.
    """
    sample = data[:_GUESS_SAMPLE]  # scoring is per character: judge a sample, decode the whole once
    best: tuple[int, str] | None = None
    for enc, fn in _LEGACY:
        good, bad = _vietnamese_score(fn(sample))
        if good < 1 or good < 4 * bad:
            continue
        score = good - 3 * bad
        if best is None or score > best[0]:
            best = (score, enc)
    if best is None:
        return None
    enc = best[1]
    return enc, dict(_LEGACY)[enc](data)


# --- UTF-16 without a BOM ------------------------------------------------------------------


def _utf16_guess(data: bytes) -> str | None:
    """'utf-16-le' / 'utf-16-be' if the NUL bytes sit on one side of each 2-byte unit.

    Vietnamese letters live in U+00xx, U+01xx and U+1Exx, so in UTF-16 the high byte of most
    units is 0x00 (ASCII), 0x01 or 0x1E: NULs pile up on one parity and almost never on the
    other, which binary data does not do.
    """
    sample = data[:65536]
    sample = sample[: len(sample) - len(sample) % 2]
    n = len(sample) // 2
    if n < 2:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    if odd >= 0.3 * n and even <= 0.02 * n:
        return "utf-16-le"
    if even >= 0.3 * n and odd <= 0.02 * n:
        return "utf-16-be"
    return None


def _mostly_text(text: str) -> bool:
    """True if ``text`` has (almost) no control or unassigned characters."""
    sample = text[:20000]
    if not sample:
        return True
    bad = sum(
        1 for ch in sample
        if ch not in "\t\n\r\f\v" and unicodedata.category(ch) in ("Cc", "Cn", "Co", "Cs")
    )
    return bad <= 0.01 * len(sample)


# --- public API ---------------------------------------------------------------------------

_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def decode(data: bytes, name: str) -> str:
    """Decode the bytes of source ``name`` to text, or raise :class:`~graphbuild.domain.skipped.SkippedInput`.

    The text of :func:`decode_noting`, without its note on repaired bytes.
    """
    return decode_noting(data, name)[0]


def decode_noting(data: bytes, name: str) -> tuple[str, SkippedInput | None]:
    """(text, note) of the bytes of source ``name``, or raise :class:`~graphbuild.domain.skipped.SkippedInput`.

    Order of tests: empty → ``""``; a BOM decides (and is stripped); NUL bytes mean UTF-16
    without BOM, a binary file, or (a few of them in text) damage; valid UTF-8 is returned
    untouched (not even normalised, because extractor offsets index this very string); UTF-8
    with a few invalid bytes is read with each replaced by U+FFFD; otherwise Windows-1258,
    TCVN3 and VNI are tried and the one that reads as Vietnamese wins, converted to NFC.
    ``note`` (severity ``"repaired"``) says which bytes were replaced, or is None.
    """
    if not data:
        return "", None
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(enc), None
            except UnicodeDecodeError as e:
                raise SkippedInput(
                    name, None,
                    f"starts with a {enc.upper()} byte-order mark but is not valid {enc.upper()} "
                    f"(byte {e.start + len(bom)}); re-save the file as UTF-8",
                ) from e
    nuls = data.count(0)
    if nuls:
        enc = _utf16_guess(data)
        if enc is not None:
            try:
                text = data[: len(data) - len(data) % 2].decode(enc)
            except UnicodeDecodeError:
                text = None
            if text is not None and _mostly_text(text):
                return text, None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        bad_at = e.start
    else:
        if not nuls:
            return text, None
        if _mostly_text(text):  # a few NUL bytes in text: damage, each replaced
            return text.replace("\x00", "\ufffd"), repair_note(name, data, _nul_offsets(data), nuls, "NUL byte")
    repaired = replace_invalid(data)
    if repaired is not None and (not nuls or _mostly_text(repaired[0])):
        text, bad = repaired
        return text.replace("\x00", "\ufffd"), repair_note(name, data, bad, len(bad), "invalid UTF-8 byte")
    if nuls:
        raise SkippedInput(name, None, "binary file, not text (contains NUL bytes); skipped — give a text, HTML, "
                                       "JSON Lines or CSV file")
    guess = _guess_legacy(data)
    if guess is not None:
        return guess[1], None
    raise SkippedInput(
        name, None,
        f"not UTF-8 (invalid byte 0x{data[bad_at]:02X} at offset {bad_at}) and not recognisable as "
        "Windows-1258, TCVN3 (ABC) or VNI Vietnamese text; re-encode the file as UTF-8",
    )


_ASCII = bytes(range(128))
REPAIR_RATIO = 40  # bytes of valid non-ASCII UTF-8 needed for each invalid byte replaced (1 in ~20 letters)


def replace_invalid(data: bytes, ratio: int | None = REPAIR_RATIO) -> tuple[str, list[int]] | None:
    """(text, offsets of the invalid bytes) of UTF-8 ``data`` with each invalid sequence replaced by U+FFFD
    (as ``errors="replace"`` does), or None when the invalid bytes are too many for damaged UTF-8
    (more than one for each ``ratio`` bytes of valid non-ASCII UTF-8; ``ratio`` None: no limit).

    Why a ratio: a Vietnamese UTF-8 text has a multi-byte letter in most words, so one stray
    byte among them is damage; a file whose high bytes are mostly invalid is another encoding.
    """
    allowed = len(data) if ratio is None else len(data.translate(None, _ASCII)) // ratio
    view = memoryview(data)
    parts: list[str] = []
    bad: list[int] = []
    pos = 0
    while True:
        try:
            parts.append(str(view[pos:], "utf-8"))
            break
        except UnicodeDecodeError as e:
            if len(bad) >= allowed:
                return None
            parts.append(str(view[pos:pos + e.start], "utf-8"))
            parts.append("\ufffd")
            bad.append(pos + e.start)
            pos += e.end
    return "".join(parts), bad


def _nul_offsets(data: bytes, most: int = 6) -> list[int]:
    """The offsets of the first ``most`` NUL bytes of ``data``."""
    out: list[int] = []
    pos = data.find(0)
    while pos >= 0 and len(out) < most:
        out.append(pos)
        pos = data.find(0, pos + 1)
    return out


def repair_note(name: str, data: bytes, bad: list[int], total: int, what: str, line: int | None = None
                ) -> SkippedInput:
    """The note of ``total`` bytes replaced by U+FFFD, the first at offsets ``bad`` of ``data`` (one source,
    or its ``line``)."""
    def line_of(pos: int) -> int:
        return data.count(b"\n", 0, pos) + 1

    first = bad[0]
    where = line if line is not None else line_of(first)
    column = first - data.rfind(b"\n", 0, first)
    more = ""
    if total > 1:
        lines = sorted({line_of(p) for p in bad[1:6]}) if line is None else []
        on = f", on line{'s' if len(lines) > 1 else ''} {', '.join(map(str, lines))}" if lines else ""
        more = f" (and {total - 1} more{on}{', ...' if total > 6 and lines else ''})"
    return SkippedInput(name, where, f"{what} 0x{data[first]:02X} at byte {column} of the line replaced by U+FFFD"
                                     f"{more}; the rest was read — re-save the file as UTF-8 to keep what was there",
                        "repaired")


def detect_encoding(data: bytes) -> str:
    """The name of the encoding :func:`decode` would use (for messages and tests)."""
    if not data:
        return "empty"
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return enc + "-bom"
    if b"\x00" in data:
        return _utf16_guess(data) or "binary"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    guess = _guess_legacy(data)
    return guess[0] if guess else "unknown"


def read_bytes(path: str | os.PathLike[str] | None, name: str | None = None) -> bytes:
    """The bytes of one source (``None`` or ``"-"`` = stdin), decompressed by its suffix and bounded in size;
    what cannot be read (missing, a folder, a FIFO or a device, too large) becomes SkippedInput.

    Separate from :func:`read_text` so readers that decode differently (HTML with a declared
    charset) still get the same error messages.
    """
    is_stdin = path is None or str(path) == "-"
    label = name if name is not None else ("-" if is_stdin else printable(str(path)))
    return read_input(None if is_stdin else Path(path), label)  # type: ignore[arg-type]


def read_text(path: str | os.PathLike[str] | None, name: str | None = None) -> str:
    """Read and :func:`decode` one file (``None`` or ``"-"`` = stdin).

    ``name`` is how the source is called in error messages (defaults to the path as given).
    OS errors become SkippedInput so callers have a single exception type to catch.
    """
    is_stdin = path is None or str(path) == "-"
    label = name if name is not None else ("-" if is_stdin else str(path))
    return decode(read_bytes(path, label), label)


def printable(name: str) -> str:
    """A file name as text that can be written anywhere: bytes that are not UTF-8 (kept by Python as lone
    surrogates) become ``\\xNN``, so one odd name cannot stop the writing of report.json or of ``extract``."""
    if name.isascii():
        return name
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _walk(root: Path) -> Iterator[Path]:
    """Files below ``root``, sorted, hidden entries skipped, each real folder visited once.

    Symbolic links to folders are followed (corpora are often assembled from links) but a
    folder already visited — by its resolved identity — is pruned, so link loops terminate.
    A folder that cannot be listed is yielded itself, in its place: the reader then says why
    (:func:`graphbuild.read.opening.open_input`), rather than the files in it going missing unsaid.
    """
    seen: set[tuple[int, int]] = set()
    unlisted: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True, onerror=lambda e: unlisted.append(
            Path(e.filename) if e.filename is not None else root)):
        yield from unlisted
        unlisted.clear()
        try:
            st = os.stat(dirpath)
            key = (st.st_dev, st.st_ino)
        except OSError:
            dirnames[:] = []
            continue
        if key in seen:
            dirnames[:] = []
            continue
        seen.add(key)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for f in sorted(filenames):
            if not f.startswith("."):
                yield Path(dirpath) / f
    yield from unlisted


def iter_files(paths: Iterable[str]) -> Iterator[tuple[str, Path | None]]:
    """(name as given, path) for every source: files, files below folders, '-' = stdin.

    Missing paths are yielded too (``read_text`` then reports them), so a typo in one
    argument is an error message, not a silent gap.  Order is deterministic: arguments in
    the order given, each folder's files sorted.
    """
    for name, path, _root in iter_files_with_root(paths):
        yield name, path


def iter_files_with_root(paths: Iterable[str]) -> Iterator[tuple[str, Path | None, Path | None]]:
    """Like :func:`iter_files` but also yields the input root folder, for stable relative ids.

    The root of a file named directly is its parent folder, so ``data/a.txt`` given alone or
    found under ``data/`` has the same relative path ``a.txt``.
    """
    for p in paths:
        if p == "-":
            yield "-", None, None
            continue
        path = Path(p)
        if path.is_dir():
            for f in _walk(path):
                yield printable(str(f)), f, path
        else:
            yield printable(p), path, path.parent
