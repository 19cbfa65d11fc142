#!/usr/bin/env python3
"""Generate the eCabinet demo meeting documents (assets/demo/*.pdf).

The three PDFs are the documents attached to the three items of the demo
meeting agenda. They are *sample documents*: every text in them was written
for this project and every figure is fictional ("số liệu minh hoạ").

Requirements (pinned, see requirements.txt):
    fpdf2==2.8.9   (pulls in fonttools, used for font subsetting)

Usage (from anywhere):
    python3 -m venv /tmp/ecabinet-assets-venv
    /tmp/ecabinet-assets-venv/bin/pip install -r assets/demo/requirements.txt
    /tmp/ecabinet-assets-venv/bin/python assets/demo/generate.py

The output is deterministic: fixed creation date, fixed /ID, subset fonts
(DejaVu Serif, copied in assets/fonts/). Running the script twice gives
byte-identical files, and rewrites assets/demo/manifest.json.

The product never runs this script; the generated PDFs are committed.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import fpdf
from fpdf import FPDF, FontFace
from fpdf.errors import FPDFException

HERE = Path(__file__).resolve().parent
FONT_DIR = HERE.parent / "fonts"
sys.path.insert(0, str(HERE))
sys.dont_write_bytecode = True  # keep assets/demo free of __pycache__

import content_01_bao_cao as doc01  # noqa: E402
import content_02_nghi_dinh as doc02  # noqa: E402
import content_03_de_an as doc03  # noqa: E402

FPDF2_VERSION = "2.8.9"

# Layout (mm). Margins follow the usual Vietnamese administrative layout
# (wide left binding margin).
LEFT, RIGHT, TOP, BOTTOM = 30.0, 20.0, 22.0, 22.0
BODY_SIZE = 12.5
BODY_LH = 1.45  # line height factor for body text
TABLE_SIZE = 10
PARA_GAP = 1.8  # mm after a paragraph
INDENT = 10.0  # first-line indent

RED = (170, 20, 20)
GREY = (110, 110, 110)
HEAD_FILL = (235, 228, 210)


def nfc(text: str) -> str:
    """All text is stored precomposed (NFC) so extraction/search is stable."""
    return unicodedata.normalize("NFC", text)


@dataclass
class DocSpec:
    file: str
    title: str
    agenda_position: int
    subject: str
    keywords: str
    created: datetime
    mark: str  # printed in the header of every page
    build: object  # callable(pdf) drawing the document
    info: dict = field(default_factory=dict)


class DemoPDF(FPDF):
    def __init__(self, spec: DocSpec):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.spec = spec
        for style, name in (
            ("", "DejaVuSerif.ttf"),
            ("B", "DejaVuSerif-Bold.ttf"),
            ("I", "DejaVuSerif-Italic.ttf"),
            ("BI", "DejaVuSerif-BoldItalic.ttf"),
        ):
            self.add_font("DejaVuSerif", style, str(FONT_DIR / name))
        self.set_margins(LEFT, TOP, RIGHT)
        self.set_auto_page_break(True, BOTTOM)
        self.set_title(nfc(spec.title))
        self.set_author(nfc("eCabinet — tài liệu mẫu"))
        self.set_subject(nfc(spec.subject))
        self.set_keywords(nfc(spec.keywords))
        self.set_creator("eCabinet assets/demo/generate.py")
        self.set_producer(f"fpdf2 {FPDF2_VERSION}")
        self.set_lang("vi")
        self.set_creation_date(spec.created)
        self.set_display_mode(zoom="fullwidth", layout="continuous")
        self.set_text_color(0, 0, 0)
        self.set_font("DejaVuSerif", "", BODY_SIZE)
        self.no_header_on_first = False

    # -- deterministic /ID -------------------------------------------------
    def file_id(self):  # noqa: D401 - fpdf2 hook
        digest = hashlib.md5(self.spec.file.encode("utf-8")).hexdigest().upper()
        return f"<{digest}><{digest}>"

    # -- page furniture ------------------------------------------------------
    def header(self):
        self.set_y(10)
        self.set_font("DejaVuSerif", "I", 8)
        self.set_text_color(*GREY)
        self.cell(0, 4, nfc("eCabinet · phiên họp mẫu"), align="L")
        self.set_x(LEFT)
        self.set_font("DejaVuSerif", "B", 8.5)
        self.set_text_color(*RED)
        self.cell(0, 4, nfc(self.spec.mark), align="R")
        self.set_draw_color(*GREY)
        self.set_line_width(0.15)
        self.line(LEFT, 15, self.w - RIGHT, 15)
        self.set_text_color(0, 0, 0)
        self.set_draw_color(0, 0, 0)
        self.set_font("DejaVuSerif", "", BODY_SIZE)
        self.set_y(TOP)

    def footer(self):
        self.set_y(-15)
        self.set_draw_color(*GREY)
        self.set_line_width(0.15)
        self.line(LEFT, self.get_y() - 1, self.w - RIGHT, self.get_y() - 1)
        self.set_font("DejaVuSerif", "", 8.5)
        self.set_text_color(*GREY)
        self.cell(0, 5, nfc(self.spec.info.get("footer_left", "")), align="L")
        self.set_x(LEFT)
        self.set_text_color(0, 0, 0)
        self.set_font("DejaVuSerif", "", 9.5)
        self.cell(0, 5, f"Trang {self.page_no()}/{{nb}}", align="R")
        self.set_font("DejaVuSerif", "", BODY_SIZE)

    # -- helpers -------------------------------------------------------------
    @property
    def epw_(self) -> float:
        return self.w - LEFT - RIGHT

    def ensure_space(self, mm: float) -> None:
        if self.get_y() + mm > self.page_break_trigger:
            self.add_page()

    def rich(self, par, text: str, base: str = "") -> None:
        """Write text with **bold** and *italic* spans into a paragraph."""
        for token in re.split(r"(\*\*[^*]+\*\*|\*[^*]+\*)", nfc(text)):
            if not token:
                continue
            style = base
            if token.startswith("**"):
                token, style = token[2:-2], "".join(sorted(set(base + "B")))
            elif token.startswith("*"):
                token, style = token[1:-1], "".join(sorted(set(base + "I")))
            style = "BI" if set(style) == {"B", "I"} else style
            self.set_font("DejaVuSerif", style, self.font_size_pt)
            par.write(token)
        self.set_font("DejaVuSerif", base, self.font_size_pt)

    def para(self, text, *, style="", size=BODY_SIZE, align="J", indent=INDENT,
             left=0.0, gap=PARA_GAP, bullet="", lh=BODY_LH, color=None):
        self.set_font("DejaVuSerif", style, size)
        if color:
            self.set_text_color(*color)
        # text_columns starts at the current x when it lies inside the column
        self.set_x(LEFT + left)
        with self.text_columns(text_align=align, line_height=lh,
                               l_margin=LEFT + left, r_margin=RIGHT) as cols:
            kwargs = dict(first_line_indent=indent, bottom_margin=gap)
            if bullet:
                kwargs = dict(indent=5, bullet_string=bullet, bullet_r_margin=2,
                              bottom_margin=gap)
            with cols.paragraph(**kwargs) as par:
                self.rich(par, text, style)
        self.set_x(LEFT)
        self.set_text_color(0, 0, 0)
        self.set_font("DejaVuSerif", "", BODY_SIZE)

    def heading(self, text, level=1, *, align="L", size=None, section=True,
                before=3.0, after=1.5, keep=30.0):
        text = nfc(text)
        self.ensure_space(keep)
        if self.get_y() > TOP + 1:
            self.ln(before)
        if section:
            self.start_section(text.replace("\n", " "), level=max(0, level - 1),
                               strict=False)
        style = {0: "B", 1: "B", 2: "B", 3: "BI"}.get(level, "B")
        size = size or {0: 13.5, 1: 12.5, 2: 12.5, 3: 12.5}.get(level, BODY_SIZE)
        self.set_font("DejaVuSerif", style, size)
        self.multi_cell(0, size * 0.3528 * 1.45, text, align=align,
                        new_x="LMARGIN", new_y="NEXT")
        self.ln(after)
        self.set_font("DejaVuSerif", "", BODY_SIZE)

    def centered(self, text, style="B", size=BODY_SIZE, after=0.0, lh=1.4):
        self.set_font("DejaVuSerif", style, size)
        self.multi_cell(0, size * 0.3528 * lh, nfc(text), align="C",
                        new_x="LMARGIN", new_y="NEXT")
        if after:
            self.ln(after)
        self.set_font("DejaVuSerif", "", BODY_SIZE)

    def note(self, text):
        """Framed italic notice (used to flag demo data)."""
        self.ln(1)
        self.set_font("DejaVuSerif", "I", 10)
        self.set_draw_color(*RED)
        self.set_line_width(0.3)
        self.set_fill_color(252, 245, 240)
        self.multi_cell(0, 5, nfc(text), border=1, align="J", fill=True,
                        padding=(2, 3, 2, 3), new_x="LMARGIN", new_y="NEXT")
        self.set_draw_color(0, 0, 0)
        self.ln(3)
        self.set_font("DejaVuSerif", "", BODY_SIZE)

    def table_block(self, spec: dict):
        """spec: {caption, widths, align (per column 'L'/'C'/'R'), rows, note}"""
        rows = [[nfc(str(c)) for c in row] for row in spec["rows"]]
        aligns = spec.get("align") or ["L"] * len(rows[0])
        # keep short tables on one page; long ones just need a decent start
        estimate = 16 + 6.5 * len(rows) * spec.get("size", TABLE_SIZE) / TABLE_SIZE
        self.ensure_space(estimate if estimate < 140 else 50)
        if spec.get("caption"):
            self.ln(1)
            self.set_font("DejaVuSerif", "B", 10.5)
            self.multi_cell(0, 5.2, nfc(spec["caption"]), align="C",
                            new_x="LMARGIN", new_y="NEXT")
            self.ln(1)
        if spec.get("unit"):
            self.set_font("DejaVuSerif", "I", 9)
            self.multi_cell(0, 4.5, nfc(spec["unit"]), align="R",
                            new_x="LMARGIN", new_y="NEXT")
        self.set_font("DejaVuSerif", "", spec.get("size", TABLE_SIZE))
        self.set_draw_color(90, 90, 90)
        self.set_line_width(0.2)
        head = FontFace(emphasis="BOLD", fill_color=HEAD_FILL)
        with self.table(
            col_widths=spec["widths"],
            text_align=aligns,
            headings_style=head,
            line_height=spec.get("size", TABLE_SIZE) * 0.3528 * 1.3,
            padding=(1.0, 1.5, 1.0, 1.5),
            repeat_headings=1,
            align="LEFT",
            v_align="MIDDLE",
            width=self.epw_,
        ) as table:
            for i, row in enumerate(rows):
                r = table.row()
                bold_row = i > 0 and spec.get("bold_rows") and i in spec["bold_rows"]
                for j, cell in enumerate(row):
                    if i == 0:
                        r.cell(cell, align="C")
                    elif bold_row:
                        r.cell(cell, style=FontFace(emphasis="BOLD"))
                    else:
                        r.cell(cell)
        self.set_draw_color(0, 0, 0)
        if spec.get("note"):
            self.ln(1)
            self.set_font("DejaVuSerif", "I", 9)
            self.multi_cell(0, 4.5, nfc(spec["note"]), align="L",
                            new_x="LMARGIN", new_y="NEXT")
        self.ln(3)
        self.set_font("DejaVuSerif", "", BODY_SIZE)

    # -- official header (Nghị định 30/2020/NĐ-CP style) ---------------------
    def official_header(self, org_lines, number, place_date, draft=False):
        y0 = self.get_y()
        left_w, right_w = 62.0, self.epw_ - 62.0
        # left column: issuing body
        self.set_xy(LEFT, y0)
        for i, line in enumerate(org_lines):
            # a (text, style) tuple sets the style; a plain string is bold
            line, style = line if isinstance(line, tuple) else (line, "B")
            self.set_font("DejaVuSerif", style, 11)
            self.set_x(LEFT)
            self.cell(left_w, 5.4, nfc(line), align="C", new_x="LMARGIN", new_y="NEXT")
        ly = self.get_y() + 0.6
        self.set_line_width(0.3)
        self.line(LEFT + left_w / 2 - 12, ly, LEFT + left_w / 2 + 12, ly)
        # right column: Quốc hiệu, Tiêu ngữ
        x = LEFT + left_w
        self.set_xy(x, y0)
        self.set_font("DejaVuSerif", "B", 10.5)
        self.cell(right_w, 5.4, nfc("CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"), align="C",
                  new_x="LEFT", new_y="NEXT")
        self.set_font("DejaVuSerif", "B", 11.5)
        motto = nfc("Độc lập - Tự do - Hạnh phúc")
        self.cell(right_w, 5.6, motto, align="C", new_x="LEFT", new_y="NEXT")
        mw = self.get_string_width(motto)
        my = self.get_y() + 0.6
        self.line(x + (right_w - mw) / 2, my, x + (right_w + mw) / 2, my)
        # second row: number (left) and place/date (right) on the same line
        row_y = max(ly, my) + 3.0
        self.set_xy(LEFT, row_y)
        self.set_font("DejaVuSerif", "", 11)
        self.cell(left_w, 5.4, nfc(number), align="C")
        self.set_xy(x, row_y)
        self.set_font("DejaVuSerif", "I", 11)
        self.cell(right_w, 5.4, nfc(place_date), align="C")
        left_end = row_y + 5.4
        self.set_y(left_end + 2)
        if draft:
            self.set_font("DejaVuSerif", "B", 12)
            self.set_text_color(*RED)
            self.set_draw_color(*RED)
            self.set_line_width(0.5)
            w = self.get_string_width(nfc("DỰ THẢO")) + 8
            self.set_x(LEFT + 4)
            self.cell(w, 8, nfc("DỰ THẢO"), border=1, align="C")
            self.set_font("DejaVuSerif", "I", 9)
            self.set_x(LEFT + 4 + w + 3)
            self.cell(0, 8, nfc("(tài liệu mẫu — không có giá trị pháp lý)"), align="L")
            self.set_text_color(0, 0, 0)
            self.set_draw_color(0, 0, 0)
            self.ln(10)
        self.set_font("DejaVuSerif", "", BODY_SIZE)
        self.ln(4)

    def title_block(self, kind, lines, rule=True):
        self.centered(kind, "B", 14, lh=1.5)
        for line in lines:
            self.centered(line, "B", 12.5, lh=1.45)
        if rule:
            y = self.get_y() + 1.5
            self.set_line_width(0.3)
            self.line(self.w / 2 - 25 + (LEFT - RIGHT) / 2, y, self.w / 2 + 25 + (LEFT - RIGHT) / 2, y)
            self.set_y(y + 5)
        else:
            self.ln(4)

    def signature(self, recipients, role_lines, name="[Họ và tên]", stamp_note="(Chữ ký số)"):
        self.ensure_space(max(40, 8 + 5 * len(recipients)))
        self.ln(4)
        y0 = self.get_y()
        left_w = 80
        self.set_font("DejaVuSerif", "BI", 10.5)
        self.set_x(LEFT)
        self.cell(left_w, 5.5, nfc("Nơi nhận:"), new_x="LMARGIN", new_y="NEXT")
        self.set_font("DejaVuSerif", "", 9.5)
        for r in recipients:
            self.set_x(LEFT)
            self.multi_cell(left_w, 4.6, nfc("- " + r), align="L",
                            new_x="LMARGIN", new_y="NEXT")
        left_end = self.get_y()
        x = LEFT + left_w
        w = self.epw_ - left_w
        self.set_xy(x, y0)
        self.set_font("DejaVuSerif", "B", 12)
        for line in role_lines:
            self.cell(w, 6, nfc(line), align="C", new_x="LEFT", new_y="NEXT")
        self.set_font("DejaVuSerif", "I", 10)
        self.set_text_color(*GREY)
        self.cell(w, 12, nfc(stamp_note), align="C", new_x="LEFT", new_y="NEXT")
        self.set_text_color(0, 0, 0)
        self.set_xy(x, self.get_y() + 6)
        self.set_font("DejaVuSerif", "B", 12)
        self.cell(w, 6, nfc(name), align="C", new_x="LEFT", new_y="NEXT")
        self.set_y(max(left_end, self.get_y()) + 2)
        self.set_font("DejaVuSerif", "", BODY_SIZE)

    # -- markup --------------------------------------------------------------
    def render(self, markup: str, tables: dict | None = None):
        """Render a small line-based markup.

        `# x` part heading (centred), `## x` heading, `### x` sub-heading,
        `#C a|b` centred multi-line part heading (Chương),
        `=B x` / `=I x` / `= x` centred line, `- x` / `+ x` list items,
        `! x` italic paragraph, `> x` framed notice, `@table key`,
        `@pagebreak`, `@space n`; any other non-empty line is a paragraph.
        """
        tables = tables or {}
        lines = [x.strip() for x in markup.strip("\n").splitlines() if x.strip()]
        for i, line in enumerate(lines):
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            # keep a heading with the next heading and its first lines
            keep = 48.0 if nxt.startswith("#") else 30.0
            if line.startswith("#C "):
                parts = [x.strip() for x in line[3:].split("|")]
                self.ensure_space(keep)
                self.ln(4)
                self.start_section(nfc(" ".join(parts)), level=0, strict=False)
                for part in parts:
                    self.centered(part, "B", 12.5, lh=1.45)
                self.ln(2)
            elif line.startswith("### "):
                self.heading(line[4:], 3, keep=keep)
            elif line.startswith("## "):
                self.heading(line[3:], 2, keep=keep)
            elif line.startswith("# "):
                self.heading(line[2:], 0, align="C", before=5, after=3, keep=keep)
            elif line.startswith("=B "):
                self.centered(line[3:], "B", 12.5)
            elif line.startswith("=I "):
                self.centered(line[3:], "I", 12)
            elif line.startswith("= "):
                self.centered(line[2:], "", 12)
            elif line.startswith("- "):
                self.para(line[2:], bullet="-", left=INDENT - 5, gap=1.2)
            elif line.startswith("+ "):
                self.para(line[2:], bullet="+", left=INDENT + 2, gap=1.0)
            elif line.startswith("! "):
                self.para(line[2:], style="I")
            elif line.startswith("> "):
                self.note(line[2:])
            elif line.startswith("@table "):
                self.table_block(tables[line[7:].strip()])
            elif line == "@pagebreak":
                self.add_page()
            elif line.startswith("@space "):
                self.ln(float(line[7:]))
            else:
                self.para(line)


def render_toc(pdf: DemoPDF, outline):
    pdf.set_xy(LEFT, TOP)
    pdf.set_font("DejaVuSerif", "B", 14)
    pdf.cell(0, 10, nfc("MỤC LỤC"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    for section in outline:
        if section.level > 1:
            continue
        indent = (0, 6, 12)[section.level]
        pdf.set_font("DejaVuSerif", ("B", "", "I")[section.level], 10.5)
        page = str(section.page_number)
        name = section.name
        avail = pdf.epw_ - indent - 14
        while pdf.get_string_width(name) > avail:
            name = name[:-2].rstrip() + "…"
        link = pdf.add_link(page=section.page_number)
        pdf.set_x(LEFT + indent)
        pdf.cell(avail, 6.2, name, link=link)
        pdf.cell(14, 6.2, page, align="R", link=link, new_x="LMARGIN", new_y="NEXT")


DOCS = [doc01, doc02, doc03]


def build_all() -> list[dict]:
    if fpdf.__version__ != FPDF2_VERSION:
        print(f"warning: fpdf2 {fpdf.__version__} installed, {FPDF2_VERSION} pinned; "
              "output will not be byte-identical to the committed PDFs", file=sys.stderr)
    manifest = []
    for mod in DOCS:
        spec = DocSpec(**mod.SPEC, build=mod.build)
        out = HERE / spec.file
        # A ToC must reserve an exact number of pages: try 1, 2, 3...
        for toc_pages in range(1, 6):
            pdf = DemoPDF(spec)
            pdf.toc_pages = toc_pages
            mod.build(pdf, render_toc)
            try:
                pdf.output(str(out))
                break
            except FPDFException as exc:
                if "page breaks" not in str(exc):
                    raise
        else:
            raise RuntimeError("could not fit the table of contents")
        data = out.read_bytes()
        manifest.append(
            {
                "file": spec.file,
                "title": nfc(spec.title),
                "agenda_position": spec.agenda_position,
                "pages": pdf.pages_count,
                "sha256": hashlib.sha256(data).hexdigest(),
                "bytes": len(data),
            }
        )
        print(f"{spec.file}: {pdf.pages_count} pages, {len(data)} bytes")
    manifest.sort(key=lambda m: m["agenda_position"])
    (HERE / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return manifest


if __name__ == "__main__":
    build_all()
