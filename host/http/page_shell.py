"""The frame every page shares: navigation, notices and refusals, the embedded calendar.

Pages are server-rendered strings; every piece of text goes through ``escape`` (names,
emails, descriptions and error messages are data). The calendar is the very page
``wfm schedule --format html`` writes (host/render/html.py), embedded: its stylesheet goes
into the head and its body into the page, so the two faces draw a schedule the same way.
"""

from __future__ import annotations

from html import escape

from wfm_bridge.host.render import render_html
from wfm_bridge.ports.models import ScheduleView

SCRIPT_PATH = "/static/face.js"

SHELL_CSS = """
.wfm-nav { display: flex; gap: 16px; align-items: center; padding: 8px 0 10px;
  border-bottom: 1px solid #c8c8c8; margin-bottom: 12px; }
.wfm-nav a { color: #1a4f8b; text-decoration: none; font-weight: 600; }
.wfm-nav a.here { color: #1b1b1b; border-bottom: 2px solid #1b1b1b; }
.wfm-nav .who { margin-left: auto; color: #555; border: 0; padding: 0; }
.wfm-nav form { margin: 0; }
.wfm-form { display: flex; flex-wrap: wrap; gap: 10px 16px; align-items: flex-end;
  margin: 0 0 12px; padding: 10px 12px; background: #f6f7f9; border: 1px solid #dde1e6;
  border-radius: 6px; }
.wfm-form label { display: flex; flex-direction: column; gap: 3px; font-weight: 600; }
.wfm-form input, .wfm-form select, .wfm-form textarea, button { font: inherit; }
.wfm-form input[type=number] { width: 6em; }
.picks { display: flex; flex-wrap: wrap; gap: 4px 14px; width: 100%; font-weight: 400; }
.picks label { flex-direction: row; align-items: center; gap: 4px; font-weight: 400; }
button { padding: 4px 12px; border-radius: 4px; border: 1px solid #1a4f8b;
  background: #1a4f8b; color: #fff; cursor: pointer; }
button.quiet { background: #fff; color: #1a4f8b; }
button.danger { background: #a32020; border-color: #a32020; }
.notice, .refusal, .hint { padding: 8px 12px; border-radius: 6px; margin: 0 0 12px; }
.notice { background: #e6f4ea; border: 1px solid #7cc48f; }
.refusal { background: #fdecea; border: 1px solid #e0877d; }
.hint { background: #f6f7f9; border: 1px solid #dde1e6; }
.block[data-type="wfm-free-slot"] { cursor: pointer; outline: 2px dashed #2e7d32;
  outline-offset: -2px; }
.block.mine, .block.referenced { cursor: pointer; }
.block.referenced { outline: 2px dotted #111; outline-offset: -2px; }
dialog { border: 1px solid #888; border-radius: 8px; padding: 16px 20px; min-width: 360px; }
dialog form { display: flex; flex-direction: column; gap: 10px; }
dialog label { display: flex; flex-direction: column; gap: 3px; font-weight: 600; }
dialog .actions { display: flex; gap: 10px; justify-content: flex-end; }
table.booked { border-collapse: collapse; margin: 16px 0; }
table.booked td, table.booked th { border: 1px solid #ddd; padding: 4px 8px; text-align: left; }
"""


def embedded_calendar(view: ScheduleView, title: str) -> tuple[str, str]:
    """(stylesheet, body) of the calendar page ``render_html`` makes for ``view``."""
    page = render_html(view, title=title)
    _, found_style, rest = page.partition("<style>")
    css, found_end, rest = rest.partition("</style>")
    _, found_body, body = rest.partition("<body>")
    body, found_close, _ = body.partition("</body>")
    if not (found_style and found_end and found_body and found_close):
        raise RuntimeError("the calendar renderer's page has no <style> or <body>")
    return css, body


def nav(here: str, tenant: str, csrf: str) -> str:
    """The navigation bar: the two pages, the tenant, and sign out."""
    current = ' class="here" aria-current="page"'
    links = "".join(
        f'<a href="{path}"{current if path == here else ""}>{label}</a>'
        for path, label in (("/calendar", "Calendar"), ("/one-to-ones", "My 1-to-1s"))
    )
    return (
        f'<nav class="wfm-nav">{links}<span class="who">tenant <b>{escape(tenant)}</b></span>'
        f'<form method="post" action="/logout"><input type="hidden" name="csrf" '
        f'value="{escape(csrf)}"><button class="quiet" type="submit">Sign out</button></form>'
        "</nav>"
    )


def message(kind: str, text: str | None) -> str:
    """A notice (``notice``), a refusal (``refusal``) or a hint box; empty for no text."""
    if not text:
        return ""
    role = ' role="alert"' if kind == "refusal" else ' role="status"'
    return f'<p class="{kind}"{role}>{escape(text)}</p>'


def page(title: str, body: str, *, extra_css: str = "", script: bool = False) -> str:
    """A whole HTML page around ``body``."""
    js = f'<script src="{SCRIPT_PATH}" defer></script>' if script else ""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} · wfm-bridge</title><style>{extra_css}{SHELL_CSS}</style>"
        f"{js}</head><body>{body}</body></html>\n"
    )
