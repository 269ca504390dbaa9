"""`wfm demo`: a guided tour on the embedded default (`wfm demo reset` comes from memory_fake).

The tour runs the real commands in-process, printing each command line before its output, so
what a user sees is exactly what they would get typing them. It knows no plugin: a provider's
plugin says how its demo data is made ready (``CommandRegistry.add_tour_setup``).
"""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any

import typer

from wfm_bridge.host.cli.runtime import Runtime, runtime

if TYPE_CHECKING:
    from wfm_bridge.host.plugins import DiscoveredPlugins

# How the tour runs one `wfm` command line: ``run_cli(argv, plugins)`` returns the exit code.
RunCli = Callable[[list[str], "DiscoveredPlugins | None"], int]

AGENT = "ana.lee@example.com"
STEPS_NOTE = "Every step is a real `wfm` command; run any yourself (add --json for scripts)."


def build_demo_app(run_cli: RunCli) -> typer.Typer:
    """A fresh ``demo`` group whose tour runs each step with ``run_cli``."""
    demo_app = typer.Typer(
        help="A guided tour of wfm-bridge on the embedded demo organisation.",
        invoke_without_command=True,
    )

    @demo_app.callback()
    def tour(
        ctx: typer.Context,
        as_json: bool = typer.Option(
            False, "--json", help="JSON output: every step's command, exit code and JSON "
            "output (the narration goes to stderr)."
        ),
    ) -> None:
        """Run the guided tour (no Assembled account needed)."""
        if ctx.invoked_subcommand is not None:
            return
        rt = runtime(ctx)
        if not as_json:
            _tour(ctx, rt, run_cli)
            return
        import sys

        from wfm_bridge.host.cli.vocabulary import envelope, print_json

        steps: list[dict[str, Any]] = []
        with contextlib.redirect_stdout(sys.stderr):
            _tour(ctx, rt, run_cli, steps)
        settings = rt.settings
        print_json(envelope(steps, provider=settings.provider, tenant=settings.tenant))

    return demo_app


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

    def __init__(
        self, rt: Runtime, run_cli: RunCli, steps: list[dict[str, Any]] | None = None
    ) -> None:
        self.prefix = _global_args(rt)
        self.plugins = rt.plugins  # every step reuses this invocation's discovery
        self.run_cli = run_cli
        self.step = 0
        self.steps = steps  # `wfm demo --json`: each step run with --json, recorded here

    def say(self, title: str, text: str = "") -> None:
        """A numbered heading and a line of explanation."""
        self.step += 1
        typer.secho(f"\n{self.step}. {title}", bold=True)
        if text:
            typer.echo(f"   {text}")

    def show(self, *args: str) -> int:
        """Run ``wfm ARGS`` and let its output through."""
        typer.secho(f"\n$ wfm {' '.join(args)}", fg=typer.colors.CYAN)
        if self.steps is not None:
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                code = self.run_cli([*self.prefix, *args, "--json"], self.plugins)
            self._record(args, code, out.getvalue())
        else:
            code = self.run_cli([*self.prefix, *args], self.plugins)
        if code != 0:
            typer.secho(f"   (exit code {code})", fg=typer.colors.YELLOW)
        return code

    def capture(self, *args: str) -> Any:
        """Run ``wfm ARGS --json`` quietly and return its parsed output."""
        from wfm_bridge.ports.errors import UnavailableError

        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = self.run_cli([*self.prefix, *args, "--json"], self.plugins)
        self._record(args, code, out.getvalue())
        if code != 0:
            raise UnavailableError(f"the demo step `wfm {' '.join(args)}` failed; see above")
        return json.loads(out.getvalue())

    def _record(self, args: tuple[str, ...], code: int, out: str) -> None:
        if self.steps is None:
            return
        try:
            output = json.loads(out) if out.strip() else None
        except ValueError:
            output = None
        command = " ".join(["wfm", *args, "--json"])
        self.steps.append({"command": command, "exit_code": code, "output": output})


def _tour(
    ctx: typer.Context, rt: Runtime, run_cli: RunCli, steps: list[dict[str, Any]] | None = None
) -> None:
    _prepare_demo_data(ctx, rt)
    _preflight(rt)
    t = Tour(rt, run_cli, steps)
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
    t.say(
        "Free time for a 1:1",
        f"Start times on {day} inside {AGENT}'s shift, in her own time zone, ranked.",
    )
    t.show("slots", AGENT, "--from", day, "--days", "1", "--minutes", "30")
    found = t.capture("slots", AGENT, "--from", day, "--days", "3", "--minutes", "30")
    slots = found["items"]
    if slots:
        best = min(slots, key=lambda s: s["rank"])["start"]
        _meeting_steps(t, best)
        _off_duty_step(t, best, found["timezone"], rt.bridge.clock.now())
    else:
        typer.echo("   (no free slot in the next three days: skipping the booking steps)")

    t.say("QA scores to the WFM system", "Scores go out hourly; here we record some and export.")
    t.show("scores", "seed")
    t.show("export", "run")
    t.say("Nothing doubled", "A second run right after sends nothing new.")
    t.show("export", "run")
    t.show("export", "status")

    typer.secho("\nNext steps", bold=True)
    hints = ["wfm schedule EMAIL --days 14 --format html --output schedule.html"]
    if _has_command(ctx, "emulator", "serve"):  # plugin commands, when installed
        hints.append(
            "wfm emulator serve --seed demo --key sk_live_demo   (an Assembled look-alike)"
        )
    if _has_command(ctx, "demo", "reset"):
        hints.append("wfm demo reset   (restore the demo organisation)")
    typer.echo("\n".join(f"   {hint}" for hint in [*hints, "wfm --help"]))


def _has_command(ctx: typer.Context, *path: str) -> bool:
    """Whether ``wfm PATH...`` exists in this invocation's command tree."""
    root = ctx.find_root()
    command: Any = root.command
    for name in path:
        command = command.get_command(root, name) if hasattr(command, "get_command") else None
        if command is None:
            return False
    return True


def _preflight(rt: Runtime) -> None:
    """Fail in one line before the first step when no step could run (bad --tz, no key)."""
    from wfm_bridge.core.day_grid import parse_zone

    parse_zone(rt.settings.timezone)
    _ = rt.tenant.provider  # fails early (no key, bad provider) before the tour starts


def _meeting_steps(t: Tour, start: str) -> None:
    t.say("Book a 1:1", "Created in the WFM system; nothing else is touched.")
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


def _off_duty_step(t: Tour, slot: str, zone_name: str, now: datetime) -> None:
    """A booking at 03:00 in the agent's own zone: refused, naming off duty (exit 2)."""
    from wfm_bridge.core.day_grid import parse_zone

    zone = parse_zone(zone_name)
    local = datetime.fromisoformat(slot).astimezone(zone)
    night = datetime.combine(local.date(), time(3), zone)
    while night <= now:
        night += timedelta(days=1)
    t.say(
        "Off duty is refused",
        f"03:00 {zone.key} is outside {AGENT}'s shift: the booking is refused with exit code "
        "2, naming why (--force would book it off schedule, still deleting nothing).",
    )
    t.show("meetings", "book", AGENT, "--start", night.isoformat(), "--minutes", "30")


def _tomorrow(rt: Runtime) -> str:
    from wfm_bridge.core.day_grid import parse_zone, today_in

    zone = parse_zone(rt.settings.timezone)
    return (today_in(rt.bridge.clock, zone) + timedelta(days=1)).isoformat()


def _prepare_demo_data(ctx: typer.Context, rt: Runtime) -> None:
    """Let the provider's plugin refresh its demo data (e.g. reseed when its weeks passed)."""
    commands = rt.plugins.commands if rt.plugins is not None else None
    setup = commands.tour_setup(rt.settings.provider) if commands is not None else None
    if commands is None or setup is None:
        return
    message = setup(commands.context(ctx), rt.bridge.clock.now().date())
    if message:
        typer.echo(message)
