"""The after-action report as a PDF, made on the server (reportlab, with the Song typeface
every PDF reader carries for Chinese, so no font file ships with us)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from gridwork.web.pages import labels

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

BODY = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13, wordWrap="CJK")
SMALL = ParagraphStyle("small", parent=BODY, fontSize=8.5, leading=11)
HEADING = ParagraphStyle("h2", parent=BODY, fontSize=13, leading=18, spaceBefore=8, spaceAfter=4)
TITLE = ParagraphStyle("h1", parent=BODY, fontSize=17, leading=22, spaceAfter=8)
MAX_ROWS = 2000  # rows per table; the page lists the rest


def _p(text: object, style: ParagraphStyle = BODY) -> Paragraph:
    return Paragraph(escape(str(text)), style)


def _table(head: list[str], rows: list[list[object]], widths: list[float]) -> Table:
    data = [[_p(h, SMALL) for h in head]] + [[_p(c, SMALL) for c in row] for row in rows]
    table = Table(data, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef6")),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa5b1")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _status(translate: Callable[..., str], need: dict[str, Any]) -> str:
    label = labels.STATUS.get(need["status"] or "")
    return translate(label) if label else ""


def after_action_pdf(
    report: dict[str, Any],
    service: list[dict[str, Any]],
    needs: list[dict[str, Any]],
    gettext: Callable[..., str],
    when: Callable[[datetime | None], str],
) -> bytes:
    """The report (facts, coverage by grid, needs and how they were met, service, timeline)
    in the reader's language."""
    _ = gettext
    kind = _(labels.KIND.get(report["kind"], report["kind"]))
    story: list[Any] = [
        _p(f"{_('After-action report')}: #{report['id']} {kind}", TITLE),
    ]
    reached = f"{report['vulnerable_done']} / {report['vulnerable']}"
    if report["hours_to_reach_vulnerable"] is not None:
        reached += " · " + _("all within %(h)s hours", h=report["hours_to_reach_vulnerable"])
    facts = [
        (_("Units"), ", ".join(report["area_codes"])),
        (_("Started"), when(report["started_at"])),
        (_("Ended"), when(report["ended_at"]) if report["ended_at"] else _("still active")),
        (_("Households checked"), f"{report['done']} / {report['total']}"),
        (_("Vulnerable reached"), reached),
        (_("Needs found"), str(report["needs_help"])),
        (_("Unreachable"), str(report["unreachable"])),
    ]
    story.append(_table(["", ""], [list(f) for f in facts], [45, 125]))
    story += [Spacer(1, 4 * mm), _p(_("Coverage by grid"), HEADING)]
    story.append(
        _table(
            [
                _("Grid"),
                _("Checked"),
                _("Vulnerable reached"),
                _("Safe"),
                _("Needs help"),
                _("Unreachable"),
            ],
            [
                [
                    f"{g['name']} {g['code']}",
                    f"{g['done']} / {g['total']}",
                    f"{g['vulnerable_done']} / {g['vulnerable']}",
                    g["safe"],
                    g["needs_help"],
                    g["unreachable"],
                ]
                for g in report["grids"][:MAX_ROWS]
            ],
            [55, 25, 30, 20, 20, 20],
        )
    )
    story += [Spacer(1, 4 * mm), _p(_("Needs and how they were met"), HEADING)]
    if needs:
        story.append(
            _table(
                [_("Grid"), _("Need"), _("Case"), _("Status")],
                [
                    [
                        n["grid_code"],
                        n["need"] or "",
                        n["reference"] or "",
                        _status(_, n),
                    ]
                    for n in needs[:MAX_ROWS]
                ],
                [35, 85, 30, 20],
            )
        )
    else:
        story.append(_p(_("No needs were found.")))
    story += [Spacer(1, 4 * mm), _p(_("Service during the emergency"), HEADING)]
    if service:
        story.append(
            _table(
                [
                    _("Worker"),
                    _("Checks"),
                    _("Vulnerable reached"),
                    _("Needs found"),
                    _("From – to"),
                    _("Commendations"),
                ],
                [
                    [
                        w["username"],
                        w["checks"],
                        w["vulnerable"],
                        w["needs_found"],
                        f"{when(w['first'])} – {when(w['last'])}",
                        "; ".join(f"★ {c['note']} ({c['by']})" for c in w["commendations"]),
                    ]
                    for w in service[:MAX_ROWS]
                ],
                [25, 15, 22, 18, 45, 45],
            )
        )
    else:
        story.append(_p(_("No checks recorded yet.")))
    story += [Spacer(1, 4 * mm), _p(_("Timeline"), HEADING)]
    story.append(
        _table(
            [_("Time"), _("What"), _("By"), _("Detail")],
            [
                [
                    when(e["at"]),
                    _(labels.EMERGENCY_LOG.get(e["action"], e["action"])),
                    e["actor_label"],
                    e["detail"] or "",
                ]
                for e in report["timeline"]
            ],
            [38, 22, 25, 85],
        )
    )
    out = BytesIO()
    SimpleDocTemplate(
        out,
        pagesize=A4,
        title=f"{_('After-action report')} #{report['id']}",
        author="gridwork",
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
    ).build(story)
    return out.getvalue()
