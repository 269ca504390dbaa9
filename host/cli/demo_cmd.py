"""`wfm demo`: a guided tour on the embedded default; `wfm demo reset` restores the seed.

The tour runs the real commands in-process, printing each command line before its output, so
what a user sees is exactly what they would get typing them.
"""

from __future__ import annotations

import contextlib
import io
import json
from datetime import timedelta
from typing import Any

import typer

from wfm_bridge.host.cli.runtime import Runtime, runtime

demo_app = typer.Typer(
    help="A guided tour of wfm-bridge on the embedded demo organisation.",
    invoke_without_command=True,
)

AGENT = "ana.lee@example.com"
STEPS_NOTE = "Every step is a real `wfm` command; run any yourself (add --json for scripts)."


def register(app: typer.Typer) -> None:
    """Add the ``demo`` group."""
    app.add_typer(demo_app, name="demo")


def _global_args(rt: Runtime) -> list[str]:
    args: list[str] = []
    for option, key in (("--tenant", "tenant"), ("--provider", "provider"), ("--tz", "timezone")):
        if rt.overrides.get(key):
            args += [option, str(rt.overrides[key])]
    if rt.overrides.get("data_dir"):
        args += ["--home", str(rt.overrides["data_dir"])]
    base_url = (rt.overrides.get("provider_options") or {}).get("base_url")
    if base_url:
        args += ["--base-url", base_url]
    return args


class Tour:
    """Runs commands with the tour's global options and shows them like a terminal."""

    def __init__(self, rt: Runtime) -> None:
        self.prefix = _global_args(rt)
        self.step = 0

    def say(self, title: str, text: str = "") -> None:
        """A numbered heading and a line of explanation."""
        self.step += 1
        typer.secho(f"\n{self.step}. {title}", bold=True)
        if text:
            typer.echo(f"   {text}")

    def show(self, *args: str) -> int:
        """Run ``wfm ARGS`` and let its output through."""
        from wfm_bridge.host.cli.app import run

        typer.secho(f"\n$ wfm {' '.join(args)}", fg=typer.colors.CYAN)
        code = run([*self.prefix, *args])
        if code != 0:
            typer.secho(f"   (exit code {code})", fg=typer.colors.YELLOW)
        return code

    def capture(self, *args: str) -> Any:
        """Run ``wfm ARGS --json`` quietly and return its parsed output."""
        from wfm_bridge.host.cli.app import run
        from wfm_bridge.ports.errors import UnavailableError

        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = run([*self.prefix, *args, "--json"])
        if code != 0:
            raise UnavailableError(f"the demo step `wfm {' '.join(args)}` failed; see above")
        return json.loads(out.getvalue())


@demo_app.callback()
def tour(ctx: typer.Context) -> None:
    """Run the guided tour (no Assembled account needed)."""
    if ctx.invoked_subcommand is not None:
        return
    rt = runtime(ctx)
    _ensure_fresh_demo(rt)
    _preflight(rt)
    t = Tour(rt)
    typer.secho("wfm-bridge guided tour", bold=True)
    typer.echo(f"Provider: {rt.settings.provider}, tenant: {rt.settings.tenant}. {STEPS_NOTE}")

    t.say("Plugins", "Adapters come from plugins, discovered at start-up and chosen by name.")
    t.show("plugins")

    t.say(
        "Employee mapping",
        "Host agents link to WFM people by agent id, then email, then unique name.",
    )
    t.show("mapping", "show")
    t.say("Why is an employee not showing?", "`explain` checks every rule and says why not.")
    t.show("mapping", "explain", "sam.t@partner.example")

    t.say("A schedule", "One entry per date in the viewer's time zone; days off stay empty.")
    t.show("schedule", AGENT, "--days", "7")

    day = _tomorrow(rt)
    t.say("Free time for a 1:1", f"Start times on {day} where {AGENT} has nothing booked.")
    t.show("slots", AGENT, "--from", day, "--days", "1", "--minutes", "30")
    slots = t.capture("slots", AGENT, "--from", day, "--days", "3", "--minutes", "30")["slots"]
    if slots:
        _meeting_steps(t, slots[0]["start"])
    else:
        typer.echo("   (no free slot in the next three days: skipping the booking steps)")

    t.say("QA scores to the WFM system", "Scores go out hourly; here we record some and export.")
    t.show("scores", "seed")
    t.show("export", "run")
    t.say("Nothing doubled", "A second run right after sends nothing new.")
    t.show("export", "run")
    t.show("export", "status")

    typer.secho("\nNext steps", bold=True)
    typer.echo(
        "   wfm schedule EMAIL --days 14 --format html --output schedule.html\n"
        "   wfm emulator serve --seed demo --key sk_live_demo   (an Assembled look-alike)\n"
        "   wfm demo reset   (restore the demo organisation)\n"
        "   wfm --help"
    )


def _preflight(rt: Runtime) -> None:
    """Fail in one line before the first step when no step could run (bad --tz, no key)."""
    from wfm_bridge.core.day_grid import parse_zone

    parse_zone(rt.settings.timezone)
    _ = rt.tenant.provider  # fails early (no key, bad provider) before the tour starts


def _meeting_steps(t: Tour, start: str) -> None:
    t.say("Book a 1:1", "Created in the WFM as a `Meeting`; nothing else is touched.")
    description = "Coaching on the refund call"
    meeting = t.capture(
        "meetings",
        "book",
        AGENT,
        "--start",
        start,
        "--minutes",
        "30",
        "--description",
        description,
    )
    typer.secho(
        f"\n$ wfm meetings book {AGENT} --start {start} --minutes 30 --description {description!r}",
        fg=typer.colors.CYAN,
    )
    when = f"{meeting['start']} - {meeting['end']}"
    typer.echo(f"booked {meeting['id']}: {meeting['title']} ({when})")
    t.say("It shows in the schedule", "Marked as created here.")
    t.show("schedule", AGENT, "--start", start[:10], "--days", "7")
    t.say("Cancel it", "Deletes exactly that one activity, by id.")
    t.show("meetings", "cancel", meeting["id"])
    t.show("meetings", "list")


def _tomorrow(rt: Runtime) -> str:
    from wfm_bridge.core.day_grid import parse_zone, today_in

    zone = parse_zone(rt.settings.timezone)
    return (today_in(rt.bridge.clock, zone) + timedelta(days=1)).isoformat()


def _ensure_fresh_demo(rt: Runtime) -> None:
    """Reseed the embedded demo when its 10 weeks no longer cover today."""
    if rt.settings.provider != "memory_fake":
        return
    from wfm_bridge.plugins.memory_fake.store import demo_info, reset_demo

    info = demo_info(rt.settings.data_dir, rt.settings.tenant)
    today = rt.bridge.clock.now().date()
    if (
        info is not None
        and info.first_day is not None
        and info.last_day is not None
        and info.first_day <= today <= info.last_day - timedelta(days=14)
    ):
        return
    if info is not None:
        typer.echo("The demo organisation's 10 weeks have passed: restoring a fresh seed.")
    reset_demo(rt.settings.data_dir, rt.settings.tenant)


@demo_app.command("reset")
def reset(ctx: typer.Context) -> None:
    """Restore the embedded demo organisation to its seed (memory_fake provider)."""
    from wfm_bridge.plugins.memory_fake.store import reset_demo

    rt = runtime(ctx)
    info = reset_demo(rt.settings.data_dir, rt.settings.tenant)
    typer.echo(
        f"demo organisation restored for tenant {rt.settings.tenant!r}: {info.agents} agents, "
        f"{info.activities} activities from {info.first_day} to {info.last_day}"
    )
