"""Output formats of `wfm schedule`: json, an HTML calendar or an iCalendar file, to a file.

The terminal table stays in ``schedule_cmd``; this module writes the other formats to stdout
or, atomically, to ``--output FILE`` (a failed write leaves no half-written file). Renderers
are imported on use so ``wfm --help`` stays fast.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from wfm_bridge.ports.errors import InvalidInputError, WfmError

if TYPE_CHECKING:
    from wfm_bridge.ports.models import ScheduleView

FORMAT_HELP = (
    "table (terminal, default), json, html (a calendar page to open in a browser) "
    "or ics (iCalendar, for calendar apps)."
)


class ScheduleFormat(StrEnum):
    """How `wfm schedule` presents a schedule view."""

    TABLE = "table"
    JSON = "json"
    HTML = "html"
    ICS = "ics"


def choose_format(fmt: ScheduleFormat, as_json: bool, output: Path | None) -> ScheduleFormat:
    """The format asked for (``--json`` means json); refuse contradictions before any request."""
    if as_json and fmt not in (ScheduleFormat.TABLE, ScheduleFormat.JSON):
        raise InvalidInputError(f"--json contradicts --format {fmt}; give only one of them")
    chosen = ScheduleFormat.JSON if as_json else fmt
    if output is not None:
        if chosen is ScheduleFormat.TABLE:
            raise InvalidInputError("--output needs --format json, html or ics")
        parent = output.parent if str(output.parent) else Path(".")
        try:
            is_dir, parent_is_dir = output.is_dir(), parent.is_dir()
        except OSError as exc:  # e.g. a name too long for the file system
            raise InvalidInputError(
                f"--output cannot be used ({exc.strerror or exc}); give another file name"
            ) from None
        if is_dir:
            raise InvalidInputError(f"--output {output} is a directory; give a file name")
        if not parent_is_dir:
            raise InvalidInputError(f"--output: directory {parent} does not exist; create it")
    return chosen


def encode(
    view: ScheduleView, fmt: ScheduleFormat, stamp: datetime, busy: bool = False,
    host_name: str = "evaluagent",
) -> bytes:
    """``view`` in ``fmt`` (json, html or ics) as bytes; ``stamp`` is the ICS DTSTAMP,
    ``busy`` makes every ICS event block time, ``host_name`` brands meetings booked here."""
    if fmt is ScheduleFormat.JSON:
        from wfm_bridge.host.shapes import schedule_json

        data = schedule_json(view)
        return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode()
    from wfm_bridge.host.cli.vocabulary import working
    from wfm_bridge.host.render import render

    with working(f"rendering {fmt.value} ({len(view.employees)} employee(s), {view.days} days)"):
        return render(view, fmt.value, stamp=stamp, busy=busy, host_name=host_name)


def _write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one step (temporary file in the same directory)."""
    directory = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:64]}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise WfmError(f"could not write {path}: {exc.strerror or exc}; check the path") from exc
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)  # mkstemp makes 0600; a page to share gets the usual mode
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise WfmError(f"could not write {path}: {exc.strerror or exc}; check the path") from exc


def _zones(view: ScheduleView) -> str:
    if view.per_agent:
        return "each employee's own zone"
    return view.timezone


def emit(
    view: ScheduleView, fmt: ScheduleFormat, output: Path | None, stamp: datetime,
    busy: bool = False, host_name: str = "evaluagent",
) -> None:
    """Write ``view`` as ``fmt`` to ``output`` (or stdout) and say what was written."""
    data = encode(view, fmt, stamp, busy, host_name)
    if output is None:
        typer.echo(data.decode("utf-8"), nl=False)
    else:
        _write_atomically(output, data)
        typer.echo(
            f"wrote {output} ({fmt}: {len(view.employees)} employee(s), {view.days} days, "
            f"times in {_zones(view)})",
            err=True,
        )
