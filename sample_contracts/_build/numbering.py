"""`numbering: auto`: Word list numbering that prints exactly the labels written in the source.

Levels: the label kinds present in the document, in the order ARTICLE / 7. / 7.2 / 7.2.1 / 1) /
(a) / (i), become ilvl 0, 1, 2 ... (so `7.`, `7.2`, `(a)`, `(i)` give "%1." decimal, "%1.%2"
decimal, "(%3)" lowerLetter, "(%4)" lowerRoman).

Every list instance (w:num) has its own w:abstractNum, so instances never share counters. The
planner walks the numbered paragraphs in document order and simulates Word's counters (a level
starts at its w:start, counts up by one, and restarts when any shallower level of the same list
is used). A paragraph joins the current list when Word would print exactly its label there;
otherwise a new list starts whose w:start values make it so. A parent number in a label
("7" in "7.2") is a %N reference when that level of the list is live and shows the same number,
else it is literal text in w:lvlText; so every label comes out exactly as written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from xml.sax.saxutils import escape

CANONICAL = ("ART", "D1", "D2", "D3", "N", "A", "R")
# indentation steps by label kind (DOCX and PDF): clause numbers flush, (a) one step, (i) two
INDENT_STEPS = {"ART": 0, "D1": 0, "D2": 0, "D3": 0, "N": 1, "A": 1, "R": 2}
BULLET_NUM_ID = 1


@dataclass
class _Instance:
    num_id: int
    formats: dict = field(default_factory=dict)  # ilvl -> (lvlText, numFmt, isLgl)
    starts: dict = field(default_factory=dict)  # ilvl -> start
    counters: dict = field(default_factory=dict)  # ilvl -> current value | None


class NumberingPlan:
    def __init__(self, kinds_present: set[str]) -> None:
        order = [k for k in CANONICAL if k in kinds_present]
        self.level_of = {k: i for i, k in enumerate(order)}
        self.kind_of = dict(enumerate(order))
        self.instances: list[_Instance] = []
        self.current: _Instance | None = None

    def break_list(self) -> None:
        """The next numbered paragraph starts a new list (used around text boxes)."""
        self.current = None

    def place(self, label) -> tuple[int, int]:
        """(numId, ilvl) for a paragraph printed with `label`."""
        if self.current is not None:
            hit = self._try(self.current, label)
            if hit is not None:
                return hit
        self.current = _Instance(num_id=BULLET_NUM_ID + 1 + len(self.instances))
        self.instances.append(self.current)
        hit = self._try(self.current, label)
        assert hit is not None
        return hit

    def _try(self, inst: _Instance, label) -> tuple[int, int] | None:
        level = self.level_of[label.kind]
        last = len(label.comps) - 1
        want = label.comps[last].value
        counters = dict(inst.counters)
        current = counters.get(level)
        new_start = None
        if current is None:
            if level in inst.starts:
                value = inst.starts[level]
            else:
                value = want if want is not None else 1
                new_start = value
        else:
            value = current + 1
        if want is not None and value != want:
            return None
        counters[level] = value
        for lvl in list(counters):
            if lvl > level:
                counters[lvl] = None
        text = []
        legal = False  # w:isLgl: the level shows every number in Arabic ("ARTICLE IV" -> "4.1")
        all_decimal = all(c.fmt == "decimal" for c in label.comps)
        for piece in label.pieces:
            if isinstance(piece, str):
                text.append(piece)
                continue
            comp = label.comps[piece]
            if piece == last:
                text.append(f"%{level + 1}" if want is not None else comp.text)
                continue
            ref = None
            candidates = [self.level_of.get(comp.kind)]
            if comp.kind == "D1":  # "1.1" under "ARTICLE 1" / "ARTICLE I"
                candidates.append(self.level_of.get("ART"))
            for k in candidates:
                if k is None or k == level or counters.get(k) != comp.value:
                    continue
                shown = inst.formats.get(k, (None, None, False))[1]
                if shown == comp.fmt:
                    ref = k
                    break
                if all_decimal and shown in ("upperRoman", "lowerRoman", "lowerLetter"):
                    ref, legal = k, True
                    break
            text.append(f"%{ref + 1}" if ref is not None else comp.text)
        fmt = ("".join(text), label.comps[last].fmt, legal)
        if level in inst.formats and inst.formats[level] != fmt:
            return None
        inst.formats[level] = fmt
        if new_start is not None:
            inst.starts[level] = new_start
        inst.counters = counters
        return inst.num_id, level

    # ------------------------------------------------------------------ XML

    def xml(self, with_bullets: bool) -> str:
        abstracts, nums = [], []
        if with_bullets:
            abstracts.append(_abstract(0, {}, {}, bullet=True))
            nums.append(f'<w:num w:numId="{BULLET_NUM_ID}"><w:abstractNumId w:val="0"/></w:num>')
        for inst in self.instances:
            aid = inst.num_id - BULLET_NUM_ID
            abstracts.append(_abstract(aid, inst.formats, inst.starts, self.kind_of))
            nums.append(f'<w:num w:numId="{inst.num_id}"><w:abstractNumId w:val="{aid}"/></w:num>')
        return "".join(abstracts) + "".join(nums)


def _abstract(aid: int, formats: dict, starts: dict, kind_of: dict | None = None, bullet: bool = False) -> str:
    out = [f'<w:abstractNum w:abstractNumId="{aid}"><w:nsid w:val="{0x5C1A0000 + aid:08X}"/>'
           f'<w:multiLevelType w:val="{"hybridMultilevel" if bullet else "multilevel"}"/>']
    for lvl in range(9):
        text, num_fmt, legal = formats.get(lvl, (f"%{lvl + 1}.", "decimal", False) if not bullet
                                           else ("\u2022", "bullet", False))
        steps = INDENT_STEPS.get((kind_of or {}).get(lvl, ""), lvl)
        left = 720 * (steps + 1) if not bullet else 720 + 360 * lvl
        hanging = 720 if not bullet else 360
        rpr = '<w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman"/></w:rPr>' if bullet else ""
        out.append(
            f'<w:lvl w:ilvl="{lvl}"><w:start w:val="{starts.get(lvl, 1)}"/><w:numFmt w:val="{num_fmt}"/>'
            f'{"<w:isLgl/>" if legal else ""}<w:suff w:val="tab"/><w:lvlText w:val="{escape(text, {chr(34): "&quot;"})}"/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:tabs><w:tab w:val="num" w:pos="{left}"/></w:tabs><w:ind w:left="{left}" w:hanging="{hanging}"/></w:pPr>'
            f"{rpr}</w:lvl>"
        )
    out.append("</w:abstractNum>")
    return "".join(out)
