"""Parse one sample-contract source (docs/corpus-format.md) into a small document model.

Every error is a `SourceError` carrying the file and the 1-based line it concerns.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

KINDS = {
    "msa", "saas-tos", "consumer-tos", "reseller", "partner", "api-licence", "sdk-licence",
    "order-form", "dpa", "public-sector", "amendment", "aup", "exhibit", "schedule", "other",
}
META_KEYS = {
    "id", "title", "kind", "style", "role", "bundle", "header", "footer", "numbering",
    "pdf_columns", "pdf_hyphenate",
}
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class SourceError(Exception):
    """Bad markup: `path:line: message`."""

    def __init__(self, path: str | Path, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = str(path)
        self.line = line
        self.message = message


# --------------------------------------------------------------------------- model


@dataclass
class Span:
    """A run of text with one set of attributes. `fn` set: a footnote reference (text empty)."""

    text: str
    bold: bool = False
    italic: bool = False
    change: str | None = None  # None | "ins" | "del"
    fn: str | None = None


@dataclass(frozen=True)
class Comp:
    """One number inside a printed label: 7.2(b) has D1=7, D2=2, A=2."""

    kind: str  # ART D1 D2 D3 N A R
    value: int | None  # None: cannot be produced by Word numbering (e.g. "(ab)")
    fmt: str  # decimal | lowerLetter | lowerRoman | upperRoman
    text: str  # as written


@dataclass(frozen=True)
class Label:
    text: str  # printed label exactly as in the source, e.g. "7.2(b)" or "ARTICLE IV -"
    pieces: tuple  # literal strings and ints (index into comps), joined they give `text`
    comps: tuple[Comp, ...]

    @property
    def kind(self) -> str:
        return self.comps[-1].kind


@dataclass
class Block:
    kind: str  # title heading item para bullet table textbox pagebreak
    line: int
    spans: list[Span] = field(default_factory=list)
    level: int = 0  # heading level 1 | 2
    label: Label | None = None
    raw_text: str = ""  # heading: full text as typed (label included)
    rows: list[list[list[Span]]] = field(default_factory=list)  # table: rows of cells
    children: list["Block"] = field(default_factory=list)  # textbox paragraphs
    rest_spans: list[Span] | None = None  # labelled heading: the text after the label


@dataclass
class Contract:
    path: Path
    meta: dict
    blocks: list[Block]
    footnotes: dict[str, list[Span]]  # key -> text, in order of first reference
    notes: list[str] = field(default_factory=list)  # warnings (character substitutions)
    header: list[Span] = field(default_factory=list)  # running header ({page}/{pages} kept as text)
    footer: list[Span] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.meta["id"]


# --------------------------------------------------------------------------- characters

# Characters the PDF base-14 fonts (WinAnsi) cannot show, replaced in BOTH outputs so the
# DOCX and the PDF keep the same words. Anything else outside cp1252 becomes its NFKD base
# letters, or "?" as a last resort.
SUBSTITUTES = {
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2015": "\u2014", "\u2212": "-",
    "\u2264": "<=", "\u2265": ">=", "\u2260": "!=", "\u2192": "->", "\u2190": "<-",
    "\u2194": "<->", "\u21d2": "=>", "\u2032": "'", "\u2033": '"', "\u2713": "x", "\u2714": "x",
    "\u2610": "[ ]", "\u2611": "[x]", "\u2612": "[x]", "\u00d7": "\u00d7", "\u2248": "~",
    "\u2009": " ", "\u200a": " ", "\u2002": " ", "\u2003": " ", "\u202f": " ", "\u2007": " ",
    "\u200b": "", "\u200c": "", "\u200d": "", "\ufeff": "", "\u00ad": "",
    "\u2043": "-", "\u2219": "\u2022", "\u25cf": "\u2022", "\u25aa": "\u2022",
}


def _substitute(text: str, path, line: int, notes: list[str]) -> str:
    text = unicodedata.normalize("NFC", text)
    out = []
    for ch in text:
        if ch == "\t":
            out.append(" ")
            continue
        if ord(ch) < 32 or ch == "\x7f":
            raise SourceError(path, line, f"control character U+{ord(ch):04X} in the text")
        try:
            ch.encode("cp1252")
            out.append(ch)
            continue
        except UnicodeEncodeError:
            pass
        if ch in SUBSTITUTES:
            rep = SUBSTITUTES[ch]
        else:
            base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
            try:
                base.encode("cp1252")
                rep = base if base else "?"
            except UnicodeEncodeError:
                rep = "?"
        notes.append(f"{path}:{line}: note: U+{ord(ch):04X} {ch!r} is not in the PDF base fonts; "
                     f"written as {rep!r} in both DOCX and PDF")
        out.append(rep)
    return "".join(out)


# --------------------------------------------------------------------------- labels

_ROMAN_VALUES = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                 (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]


def to_roman(n: int) -> str:
    out = []
    for value, sym in _ROMAN_VALUES:
        while n >= value:
            out.append(sym)
            n -= value
    return "".join(out)


def roman_value(token: str) -> int | None:
    t = token.lower()
    if not t or any(c not in "ivxlcdm" for c in t):
        return None
    total, i = 0, 0
    vals = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
    while i < len(t):
        v = vals[t[i]]
        if i + 1 < len(t) and vals[t[i + 1]] > v:
            total += vals[t[i + 1]] - v
            i += 2
        else:
            total += v
            i += 1
    return total if to_roman(total) == t else None


def letter_value(token: str) -> int | None:
    """Word's lowerLetter: a..z, then aa..zz, aaa..: repeated letters."""
    if not token or not token.isalpha() or not token.islower() or len(set(token)) != 1:
        return None
    return (len(token) - 1) * 26 + ord(token[0]) - 96


def to_letters(n: int) -> str:
    return chr(97 + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_value(value: int, fmt: str) -> str:
    if fmt == "decimal":
        return str(value)
    if fmt == "lowerLetter":
        return to_letters(value)
    if fmt == "lowerRoman":
        return to_roman(value)
    if fmt == "upperRoman":
        return to_roman(value).upper()
    raise ValueError(fmt)


class LabelContext:
    """Tells (i) the roman numeral from (i) the letter after (h), as a reader would."""

    def __init__(self) -> None:
        self.last_letter: int | None = None
        self.last_roman: int | None = None

    def alpha_comp(self, token: str) -> Comp:
        lv, rv = letter_value(token), roman_value(token)
        if rv is not None and lv is not None:  # one-letter ambiguity: i v x l c d m
            if self.last_letter is not None and lv == self.last_letter + 1:
                rv = None
            elif token in ("l", "c", "d", "m") and not (self.last_roman is not None and rv == self.last_roman + 1):
                rv = None
        if rv is not None:
            self.last_roman = rv
            return Comp("R", rv, "lowerRoman", token)
        self.last_letter = lv
        self.last_roman = None
        return Comp("A", lv, "lowerLetter", token)

    def reset(self) -> None:
        self.last_letter = self.last_roman = None


_ITEM_RE = re.compile(
    r"""^(?P<label>
        \d{1,3}(?:\.\d{1,3}){0,2}\.?(?:\([a-z]{1,5}\))+
      | \d{1,3}\.\d{1,3}(?:\.\d{1,3})?\.?
      | \d{1,3}\.
      | (?:\([a-z]{1,5}\))+
      | [a-z]{1,5}\.
      | \d{1,3}\)
    )[ \t]+(?P<rest>\S.*)$""",
    re.X,
)
_HEAD_NUM_RE = re.compile(r"^(?P<label>\d{1,3}(?:\.\d{1,3}){0,2}\.?)[ \t]+(?P<rest>\S.*)$")
_HEAD_ART_RE = re.compile(
    r"^(?P<word>ARTICLE|Article|SECTION|Section|CLAUSE|Clause|PART|Part)[ ](?P<num>[IVXLC]{1,7}|\d{1,3})"
    r"(?P<dot>\.?)(?P<sep>[ \t]*[-\u2013\u2014:][ \t]*|[ \t]+)(?P<rest>\S.*)$"
)


def _decimal_comps(text: str) -> tuple[list, list[Comp]]:
    pieces: list = []
    comps: list[Comp] = []
    parts = text.split(".")
    for i, part in enumerate(parts):
        if part == "":
            pieces.append(".")  # trailing dot
            continue
        if i > 0 and parts[i - 1] != "":
            pieces.append(".")
        pieces.append(len(comps))
        comps.append(Comp(("D1", "D2", "D3")[len(comps)], int(part), "decimal", part))
    return pieces, comps


def parse_item_label(line: str, ctx: LabelContext) -> tuple[Label, str] | None:
    """(label, rest) for a numbered paragraph, else None."""
    m = _ITEM_RE.match(line)
    if not m:
        return None
    label, rest = m.group("label"), m.group("rest")
    pieces: list = []
    comps: list[Comp] = []
    if label[0].isdigit():
        if label.endswith(")") and "(" not in label:  # 1)
            ctx.reset()
            return Label(label, (0, ")"), (Comp("N", int(label[:-1]), "decimal", label[:-1]),)), rest
        head, _, tail = label.partition("(")
        pieces, comps = _decimal_comps(head)
        tail = "(" + tail if tail else ""
    else:
        tail = label
    if tail:
        if tail.startswith("("):
            tokens = re.findall(r"\(([a-z]+)\)", tail)
            if any(letter_value(t) is None and roman_value(t) is None for t in tokens):
                return None
            if comps:  # 7.2(b): the decimal part opens a new clause
                ctx.reset()
            for t in tokens:
                pieces += ["(", len(comps), ")"]
                comps.append(ctx.alpha_comp(t))
        else:  # a. / iv.
            token = tail[:-1]
            if letter_value(token) is None and roman_value(token) is None:
                return None
            pieces = [0, "."]
            comps = [ctx.alpha_comp(token)]
    lab = Label(label, tuple(_merge(pieces)), tuple(comps))
    if lab.kind.startswith("D"):
        ctx.reset()
    return lab, rest


def _merge(pieces: list) -> list:
    out: list = []
    for p in pieces:
        if isinstance(p, str) and out and isinstance(out[-1], str):
            out[-1] += p
        else:
            out.append(p)
    return out


def parse_heading_label(text: str) -> tuple[Label, str] | None:
    m = _HEAD_ART_RE.match(text)
    if m:
        num = m.group("num")
        if num.isdigit():
            comp = Comp("ART", int(num), "decimal", num)
        else:
            rv = roman_value(num)
            if rv is None:
                return None
            comp = Comp("ART", rv, "upperRoman", num)
        sep = m.group("sep").strip()
        tail = m.group("dot") + (" " + sep if sep else "")
        pieces = [m.group("word") + " ", 0] + ([tail] if tail else [])
        label_text = m.group("word") + " " + num + tail
        return Label(label_text, tuple(pieces), (comp,)), m.group("rest")
    m = _HEAD_NUM_RE.match(text)
    if m:
        pieces, comps = _decimal_comps(m.group("label"))
        return Label(m.group("label"), tuple(_merge(pieces)), tuple(comps)), m.group("rest")
    return None


# --------------------------------------------------------------------------- inline markup

_INLINE_RE = re.compile(r"\*\*|\*|\{\+\+|\+\+\}|\{--|--\}|\[\^([^\]\s]+)\]")


def parse_inline(text: str, path, line: int, notes: list[str], *, allow_fn: bool = True) -> list[Span]:
    """Split one line of text into Spans. Raises SourceError for unbalanced markup."""
    text = _substitute(text, path, line, notes)
    text = re.sub(r" {2,}", " ", text)
    spans: list[Span] = []
    bold = italic = False
    bold_at = italic_at = change_at = change_from = 0
    change: str | None = None
    buf: list[str] = []

    def flush():
        if buf:
            s = "".join(buf)
            buf.clear()
            last = spans[-1] if spans else None
            if last and last.fn is None and (last.bold, last.italic, last.change) == (bold, italic, change):
                last.text += s
            else:
                spans.append(Span(s, bold, italic, change))

    pos = 0
    for m in _INLINE_RE.finditer(text):
        tok = m.group(0)
        before = text[m.start() - 1] if m.start() > 0 else ""
        after = text[m.end()] if m.end() < len(text) else ""
        buf.append(text[pos:m.start()])
        pos = m.end()
        col = m.start() + 1
        if tok in ("**", "*"):
            can_open = after != "" and not after.isspace()
            can_close = before != "" and not before.isspace()
            is_open = bold if tok == "**" else italic
            if is_open and can_close:
                flush()
                if tok == "**":
                    bold = False
                else:
                    italic = False
            elif not is_open and can_open:
                flush()
                if tok == "**":
                    bold, bold_at = True, col
                else:
                    italic, italic_at = True, col
            else:
                buf.append(tok)
        elif tok in ("{++", "{--"):
            if change:
                raise SourceError(path, line, f"'{tok}' at column {col} inside another tracked change")
            flush()
            change, change_at, change_from = ("ins" if tok == "{++" else "del"), col, len(spans)
        elif tok in ("++}", "--}"):
            want = "ins" if tok == "++}" else "del"
            if change != want:
                raise SourceError(path, line, f"'{tok}' at column {col} closes nothing")
            flush()
            if not any(s.text.strip() or s.fn for s in spans[change_from:]):
                raise SourceError(path, line, f"empty tracked change at column {change_at}")
            change = None
        else:  # footnote reference
            if not allow_fn:
                raise SourceError(path, line, f"footnote reference {tok} at column {col} is not allowed here")
            if change == "del":
                raise SourceError(path, line, f"footnote reference {tok} at column {col} inside a deletion")
            flush()
            spans.append(Span("", bold, italic, change, fn=m.group(1)))
    buf.append(text[pos:])
    flush()
    if bold:
        raise SourceError(path, line, f"'**' at column {bold_at} is never closed")
    if italic:
        raise SourceError(path, line, f"'*' at column {italic_at} is never closed")
    if change:
        raise SourceError(path, line, f"tracked change opened at column {change_at} is never closed")
    return [s for s in spans if s.text or s.fn]


def plain_text(spans: list[Span], accepted: bool = True) -> str:
    """The text as read with changes accepted (deletions out)."""
    return "".join(s.text for s in spans if not (accepted and s.change == "del"))


# --------------------------------------------------------------------------- file


def _front_matter(path: Path, lines: list[str]) -> tuple[dict, int]:
    if not lines or lines[0].strip() != "---":
        raise SourceError(path, 1, "the file must start with a '---' YAML front-matter block")
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        raise SourceError(path, 1, "the front matter is never closed with '---'")
    text = "\n".join(lines[1:end])
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark else 1
        raise SourceError(path, line, f"bad YAML front matter: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, dict):
        raise SourceError(path, 2, "the front matter must be a YAML mapping")
    key_lines = {}
    for key_node, _ in getattr(node, "value", []):
        key_lines[key_node.value] = key_node.start_mark.line + 2

    def err(key, msg):
        raise SourceError(path, key_lines.get(key, 1), msg)

    for key in data:
        if key not in META_KEYS:
            err(key, f"unknown front-matter key {key!r} (known: {', '.join(sorted(META_KEYS))})")
    for key in ("id", "title", "kind", "style", "role"):
        if key not in data or data[key] in (None, ""):
            raise SourceError(path, 1, f"front matter lacks {key!r}")
    meta = dict(data)
    if not isinstance(meta["id"], str) or not ID_RE.match(meta["id"]):
        err("id", "id must be lowercase letters, digits and hyphens")
    if meta["id"] != path.stem:
        err("id", f"id {meta['id']!r} differs from the file name {path.stem!r}")
    if not isinstance(meta["title"], str):
        err("title", "title must be a string")
    if meta["kind"] not in KINDS:
        err("kind", f"kind {meta['kind']!r} is not one of {', '.join(sorted(KINDS))}")
    if meta["style"] not in ("us", "uk"):
        err("style", "style must be us or uk")
    if meta["role"] not in ("main", "attachment"):
        err("role", "role must be main or attachment")
    bundle = meta.get("bundle") or []
    if not isinstance(bundle, list) or not all(isinstance(b, str) and ID_RE.match(b) for b in bundle):
        err("bundle", "bundle must be a list of ids")
    if bundle and meta["role"] != "main":
        err("bundle", "only a main document has a bundle")
    meta["bundle"] = bundle
    for key in ("header", "footer"):
        if meta.get(key) is not None and not isinstance(meta[key], str):
            err(key, f"{key} must be a string")
        meta[key] = meta.get(key) or ""
    meta["numbering"] = meta.get("numbering") or "manual"
    if meta["numbering"] not in ("manual", "auto"):
        err("numbering", "numbering must be manual or auto")
    meta["pdf_columns"] = meta.get("pdf_columns", 1)
    if meta["pdf_columns"] not in (1, 2) or isinstance(meta["pdf_columns"], bool):
        err("pdf_columns", "pdf_columns must be 1 or 2")
    meta["pdf_hyphenate"] = meta.get("pdf_hyphenate", False)
    if not isinstance(meta["pdf_hyphenate"], bool):
        err("pdf_hyphenate", "pdf_hyphenate must be true or false")
    meta["_key_lines"] = key_lines
    return meta, end + 1


def _strip_comments(body: str, path, first_line: int) -> str:
    def repl(m):
        return "\n" * m.group(0).count("\n")

    out = re.sub(r"[ \t]*<!--.*?-->", repl, body, flags=re.S)
    if "<!--" in out:
        line = first_line + out[: out.index("<!--")].count("\n")
        raise SourceError(path, line, "'<!--' comment is never closed with '-->'")
    return out


_SEP_CELL = re.compile(r"^\s*:?-+:?\s*$")


def _split_row(line: str, path, lineno: int) -> list[str]:
    s = line.strip()
    if not s.startswith("|"):
        raise SourceError(path, lineno, "a table row must start with '|'")
    s = s[1:]
    if s.endswith("|") and not s.endswith("\\|"):
        s = s[:-1]
    cells = re.split(r"(?<!\\)\|", s)
    return [c.replace("\\|", "|").strip() for c in cells]


def parse_file(path: Path) -> Contract:
    raw = path.read_text(encoding="utf-8")
    if raw.startswith("\ufeff"):
        raw = raw[1:]
    lines = raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    meta, body_start = _front_matter(path, lines)
    notes: list[str] = []
    body = _strip_comments("\n".join(lines[body_start:]), path, body_start + 1)
    blines = body.split("\n")
    blocks: list[Block] = []
    footnotes_def: dict[str, tuple[int, list[Span]]] = {}
    ctx = LabelContext()
    textbox: Block | None = None
    prev_kind: str | None = None  # kind of the block on the previous non-blank line
    i = 0

    def add(block: Block):
        (textbox.children if textbox is not None else blocks).append(block)

    while i < len(blines):
        lineno = body_start + 1 + i
        line = blines[i].rstrip()
        stripped = line.strip()
        if not stripped:
            prev_kind = None
            i += 1
            continue
        if re.fullmatch(r":::\s*textbox", stripped):
            if textbox is not None:
                raise SourceError(path, lineno, "a text box inside a text box")
            textbox = Block("textbox", lineno)
            prev_kind = None
            i += 1
            continue
        if stripped == ":::":
            if textbox is None:
                raise SourceError(path, lineno, "':::' closes no text box")
            if not textbox.children:
                raise SourceError(path, textbox.line, "empty text box")
            blocks.append(textbox)
            textbox = None
            prev_kind = None
            i += 1
            continue
        if stripped.startswith(":::"):
            raise SourceError(path, lineno, f"unknown fence {stripped!r} (only '::: textbox' and ':::')")
        if stripped.startswith("|"):
            rows_raw = []
            while i < len(blines) and blines[i].strip().startswith("|"):
                rows_raw.append((body_start + 1 + i, blines[i]))
                i += 1
            if len(rows_raw) < 2:
                raise SourceError(path, lineno, "a table needs a header row and a '|---|' line")
            header = _split_row(rows_raw[0][1], path, rows_raw[0][0])
            sep = _split_row(rows_raw[1][1], path, rows_raw[1][0])
            if not all(_SEP_CELL.match(c) for c in sep):
                raise SourceError(path, rows_raw[1][0], "the second line of a table must be like |---|---|")
            if len(sep) != len(header):
                raise SourceError(path, rows_raw[1][0], f"{len(sep)} columns in the '|---|' line, {len(header)} in the header")
            table = Block("table", lineno)
            for n, (ln, row_line) in enumerate(rows_raw):
                if n == 1:
                    continue
                cells = _split_row(row_line, path, ln)
                if len(cells) != len(header):
                    raise SourceError(path, ln, f"{len(cells)} cells in a table of {len(header)} columns")
                table.rows.append([parse_inline(c, path, ln, notes) for c in cells])
            add(table)
            prev_kind = "table"
            continue
        i += 1
        if stripped == "<pagebreak>":
            if textbox is not None:
                raise SourceError(path, lineno, "<pagebreak> inside a text box")
            blocks.append(Block("pagebreak", lineno))
            prev_kind = None
            continue
        if "<pagebreak>" in stripped:
            raise SourceError(path, lineno, "<pagebreak> must stand alone on its line")
        m = re.match(r"^(#{1,6})[ \t]+(\S.*)$", stripped)
        if m or stripped.startswith("#"):
            if not m or len(m.group(1)) > 3:
                raise SourceError(path, lineno, "a heading is '# ', '## ' or '### ' followed by text")
            level = len(m.group(1))
            text = m.group(2).strip()
            if level == 1:
                add(Block("title", lineno, spans=parse_inline(text, path, lineno, notes), raw_text=text))
            else:
                ctx.reset()
                block = Block("heading", lineno, level=level - 1, raw_text=text,
                              spans=parse_inline(text, path, lineno, notes))
                parsed = parse_heading_label(text)
                if parsed:
                    block.label = parsed[0]
                    block.rest_spans = parse_inline(parsed[1], path, lineno, notes)
                add(block)
            prev_kind = "heading"
            continue
        m = re.match(r"^\[\^([^\]\s]+)\]:[ \t]*(.*)$", stripped)
        if m:
            key = m.group(1)
            if key in footnotes_def:
                raise SourceError(path, lineno, f"footnote [^{key}] defined twice (first on line {footnotes_def[key][0]})")
            if not m.group(2).strip():
                raise SourceError(path, lineno, f"footnote [^{key}] has no text")
            footnotes_def[key] = (lineno, parse_inline(m.group(2).strip(), path, lineno, notes, allow_fn=False))
            prev_kind = "footnote"
            continue
        if prev_kind in ("para", "item", "bullet", "footnote"):
            if not _ITEM_RE.match(stripped) and not stripped.startswith("- "):
                raise SourceError(path, lineno, "a paragraph must be one line: join this line to the one "
                                  "before, or put a blank line between them")
        m = re.match(r"^-[ \t]+(\S.*)$", stripped)
        if m:
            add(Block("bullet", lineno, spans=parse_inline(m.group(1), path, lineno, notes)))
            prev_kind = "bullet"
            continue
        parsed = parse_item_label(stripped, ctx)
        if parsed:
            label, rest = parsed
            add(Block("item", lineno, label=label, spans=parse_inline(rest, path, lineno, notes)))
            prev_kind = "item"
            continue
        add(Block("para", lineno, spans=parse_inline(stripped, path, lineno, notes)))
        prev_kind = "para"
    if textbox is not None:
        raise SourceError(path, textbox.line, "'::: textbox' is never closed with ':::'")

    # footnotes: every reference defined, every definition used once, no refs in text boxes
    order: list[str] = []
    ref_line: dict[str, int] = {}

    def visit(block_list, in_box=False):
        for b in block_list:
            span_lists = [b.spans] + [c for row in b.rows for c in row]
            for spans in span_lists:
                for s in spans:
                    if s.fn is None:
                        continue
                    if in_box:
                        raise SourceError(path, b.line, f"footnote reference [^{s.fn}] inside a text box")
                    if s.fn not in footnotes_def:
                        raise SourceError(path, b.line, f"footnote [^{s.fn}] is never defined")
                    if s.fn in ref_line:
                        raise SourceError(path, b.line, f"footnote [^{s.fn}] is referenced twice "
                                          f"(first on line {ref_line[s.fn]})")
                    ref_line[s.fn] = b.line
                    order.append(s.fn)
            visit(b.children, True)

    visit(blocks)
    for key, (ln, _) in footnotes_def.items():
        if key not in ref_line:
            raise SourceError(path, ln, f"footnote [^{key}] is never referenced")
    if not any(b.kind != "pagebreak" for b in blocks):
        raise SourceError(path, body_start + 1, "the body is empty")
    running = {}
    for key in ("header", "footer"):
        line = meta["_key_lines"].get(key, 1)
        running[key] = parse_inline(meta[key], path, line, notes, allow_fn=False) if meta[key] else []
        for span in running[key]:
            if re.search(r"\{(?!pages?\})[a-z]*\}", span.text):
                raise SourceError(path, line, f"{key}: only {{page}} and {{pages}} are substituted")
    del meta["_key_lines"]
    return Contract(path, meta, blocks, {k: footnotes_def[k][1] for k in order}, notes,
                    running["header"], running["footer"])


def column_weights(rows: list[list[list[Span]]]) -> list[float]:
    """Relative table column widths from the longest text in each column (DOCX and PDF alike)."""
    ncols = len(rows[0])
    longest = [max(len(plain_text(row[c])) for row in rows) for c in range(ncols)]
    raw = [min(max(n, 8), 60) for n in longest]
    total = sum(raw)
    return [r / total for r in raw]
