"""One PDF from the report's parts, as if WeasyPrint had laid it out whole.

Each part was laid out alone and written without its internal links, anchors and outline
(``reports.pdf.render_part``): pypdf merges a part's named destinations one by one into a
sorted list, which took minutes for a thousand sites' anchors. The assembly adds them once
for the whole: the links (in a part or across parts, as from the overview tables to the
dossiers) as link annotations to explicit pages, every anchor as a named destination, the
headings as one outline tree, and the page numbers, "n / total", which no part could know.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    Fit,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    TextStringObject,
    TreeObject,
)

PX = 0.75  # PDF points per CSS pixel
FOOTER_SIZE = 9  # pt
FOOTER_RIGHT = 34.0  # pt from the page's right edge: the 12 mm margin of @page
FOOTER_BASELINE = 20.0  # pt from the bottom edge, inside the 15 mm margin
# Advance widths (1/1000 em) of Helvetica, a standard PDF font no file needs to embed, for the
# characters of a page number, so it can be right-aligned.
HELVETICA_WIDTHS = {**dict.fromkeys("0123456789", 556), " ": 278, "/": 278}
FONT = "ClinicAuditPageNumber"  # the stamp's name for Helvetica in each page's resources
PRODUCER = "clinic-audit (WeasyPrint, pypdf)"


@dataclass
class Layout:
    """What the assembly needs of a laid-out part (positions in CSS px from the top left)."""

    pages: int
    anchors: dict[str, tuple[int, float, float]] = field(default_factory=dict)
    # Internal links: (page, (x1, y1, x2, y2), anchor name).
    links: list[tuple[int, tuple[float, float, float, float], str]] = field(default_factory=list)
    bookmarks: list[tuple[int, str, int, float, float]] = field(default_factory=list)

    @classmethod
    def take(cls, pages: Sequence[Any]) -> Layout:
        """Take the internal links, anchors and bookmarks out of WeasyPrint's rendered
        ``pages`` (``Document.pages``), so the part's PDF is written without them."""
        layout = cls(len(pages))
        for index, page in enumerate(pages):
            for name, (x, y, *_) in page.anchors.items():
                layout.anchors.setdefault(name, (index, x, y))
            layout.bookmarks += [
                (level, label, index, x, y) for level, label, (x, y), _ in page.bookmarks
            ]
            layout.links += [
                (index, tuple(rect), target)
                for kind, target, rect, _ in page.links
                if kind == "internal"
            ]
            page.anchors.clear()
            page.bookmarks.clear()
            page.links[:] = [link for link in page.links if link[0] != "internal"]
        return layout


def assemble(parts: Sequence[tuple[Path, Layout]], path: Path) -> Path:
    """Join the PDFs of ``parts`` (in order) into ``path``, numbered, linked and outlined."""
    writer = PdfWriter()
    first: list[int] = []  # index of each part's first page in the whole
    anchors: dict[str, tuple[int, float, float]] = {}
    for part, layout in parts:
        first.append(len(writer.pages))
        writer.append(part, import_outline=False)
        for name, (page, x, y) in layout.anchors.items():
            anchors.setdefault(name, (first[-1] + page, x, y))
    metadata = PdfReader(parts[0][0]).metadata if parts else None
    if metadata and metadata.title:
        writer.add_metadata({"/Title": metadata.title, "/Producer": PRODUCER})
    for start, (_, layout) in zip(first, parts, strict=True):
        for page, (x1, y1, x2, y2), target in layout.links:
            if target in anchors:  # else WeasyPrint too would have dropped the link
                _link(writer, start + page, (x1, y1, x2, y2), anchors[target])
    _named_destinations(writer, anchors)
    _outline(
        writer,
        [
            (level, label, start + page, x, y)
            for start, (_, layout) in zip(first, parts, strict=True)
            for level, label, page, x, y in layout.bookmarks
        ],
    )
    _number_pages(writer)
    with path.open("wb") as f:
        writer.write(f)
    return path


def _destination(writer: PdfWriter, page: int, x: float, y: float) -> ArrayObject:
    """``[page /XYZ left top 0]`` for a point in CSS px from the page's top left."""
    height = float(writer.pages[page].mediabox.height)
    return ArrayObject(
        [
            writer.pages[page].indirect_reference,
            NameObject("/XYZ"),
            FloatObject(x * PX),
            FloatObject(height - y * PX),
            NumberObject(0),
        ]
    )


def _named_destinations(writer: PdfWriter, anchors: dict[str, tuple[int, float, float]]) -> None:
    """Every anchor as a named destination (``report.pdf#site-12``), in one sorted name tree."""
    names = ArrayObject()
    for name in sorted(anchors):
        names += [TextStringObject(name), _destination(writer, *anchors[name])]
    tree = DictionaryObject({NameObject("/Names"): names})
    writer.root_object[NameObject("/Names")] = DictionaryObject({NameObject("/Dests"): tree})


def _link(
    writer: PdfWriter,
    page: int,
    rect: tuple[float, float, float, float],
    target: tuple[int, float, float],
) -> None:
    height = float(writer.pages[page].mediabox.height)
    x1, y1, x2, y2 = rect
    rect_pdf = (x1 * PX, height - y2 * PX, x2 * PX, height - y1 * PX)
    writer.add_annotation(
        page,
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Link"),
                NameObject("/Rect"): ArrayObject(FloatObject(v) for v in rect_pdf),
                NameObject("/Border"): ArrayObject([NumberObject(0)] * 3),
                NameObject("/Dest"): _destination(writer, *target),
            }
        ),
    )


def _outline(writer: PdfWriter, bookmarks: list[tuple[int, str, int, float, float]]) -> None:
    """Headings as one outline tree: each under the last heading of a higher level."""
    open_items: list[tuple[int, IndirectObject]] = []
    for level, label, page, x, y in bookmarks:
        while open_items and open_items[-1][0] >= level:
            open_items.pop()
        parent: TreeObject | IndirectObject | None = open_items[-1][1] if open_items else None
        height = float(writer.pages[page].mediabox.height)
        item = writer.add_outline_item(
            title=label,
            page_number=page,
            parent=parent,
            fit=Fit.xyz(left=x * PX, top=height - y * PX),
        )
        open_items.append((level, item))


def _number_pages(writer: PdfWriter) -> None:
    """Stamp "n / total" at the bottom right of every page, in the margin the template keeps.

    The page's own content is wrapped in ``q``/``Q`` so the stamp is drawn in the page's
    untransformed coordinates, whatever state the content leaves behind.
    """
    total = len(writer.pages)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    # A stream must be an indirect object, and pypdf has no public call that adds one.
    save = writer._add_object(_stream(b"q\n"))
    for number, page in enumerate(writer.pages, start=1):
        label = f"{number} / {total}"
        width = sum(HELVETICA_WIDTHS[c] for c in label) * FOOTER_SIZE / 1000
        x = float(page.mediabox.right) - FOOTER_RIGHT - width
        y = float(page.mediabox.bottom) + FOOTER_BASELINE
        stamp = (
            f"\nQ\nBT /{FONT} {FOOTER_SIZE} Tf 0.4 0.4 0.47 rg {x:.2f} {y:.2f} Td ({label}) Tj ET\n"
        ).encode("ascii")
        resources = cast(DictionaryObject, page[NameObject("/Resources")].get_object())
        fonts = resources.setdefault(NameObject("/Font"), DictionaryObject()).get_object()
        fonts[NameObject(f"/{FONT}")] = font
        contents = page[NameObject("/Contents")]
        existing = contents.get_object()
        page[NameObject("/Contents")] = ArrayObject(
            [
                save,
                *(existing if isinstance(existing, ArrayObject) else [contents]),
                writer._add_object(_stream(stamp)),
            ]
        )


def _stream(data: bytes) -> DecodedStreamObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    return stream
