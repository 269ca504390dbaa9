"""The ``wfm`` command line: global options, command groups, and one-line errors.

Each invocation discovers plugins once, before the command tree is built (so plugin commands
show in `wfm --help`), warns once on stderr about each plugin that failed, and hands the same
``DiscoveredPlugins`` to the rest of the invocation (``Runtime.plugins``).

Errors never show a traceback unless ``--debug``: a ``WfmError`` prints ``error: <message>``
and exits with its code (2 for bad input, 1 otherwise); usage errors exit 2. With ``--json``
the error is also printed on stdout as ``{"error": {...}}`` (``vocabulary.error_json``), and
every `wfm ...` command a message quotes carries the global options given.
"""

from __future__ import annotations

import contextlib
import os
import sys
import traceback
from collections.abc import Iterable
from pathlib import Path

import typer
from typer._click import exceptions as click_exc  # typer vendors click

from wfm_bridge.host.cli import commands
from wfm_bridge.host.cli.runtime import Runtime
from wfm_bridge.host.plugins import DiscoveredPlugins, discover_plugins
from wfm_bridge.host.settings import PluginSettings


def discover_cli_plugins(
    blocked: Iterable[str] | None = None, extra_plugins: Iterable[object] = ()
) -> DiscoveredPlugins:
    """Discover plugins with their commands (blocked: ``WFM_BLOCK_PLUGINS`` by default)."""
    return discover_plugins(
        PluginSettings().blocked_plugins if blocked is None else blocked,
        extra_plugins,
        commands=commands.host_commands(run),
    )


def build_app(plugins: DiscoveredPlugins) -> typer.Typer:
    """The ``wfm`` command tree: the host's commands and those ``plugins`` contributed."""
    app = typer.Typer(
        name="wfm",
        help="wfm-bridge: QA platform <-> workforce management (Assembled and more, via plugins).",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    app.callback()(global_options)
    found = plugins.commands  # None when discovered without commands (as a library host does)
    commands.register(app, found if found is not None else commands.host_commands(run))
    return app


def global_options(
    ctx: typer.Context,
    tenant: str = typer.Option(None, "--tenant", help="Tenant (customer org). Default: default."),
    provider: str = typer.Option(
        None, "--provider", help="WFM provider plugin. Default: memory_fake (embedded demo)."
    ),
    base_url: str = typer.Option(None, "--base-url", help="Provider base URL (e.g. emulator)."),
    timezone: str = typer.Option(None, "--tz", help="Viewer's IANA time zone. Default: UTC."),
    home: Path = typer.Option(None, "--home", help="Data directory. Default: $WFM_HOME."),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks on errors."),
    log_level: str = typer.Option(
        None, "--log-level", help="DEBUG, INFO, WARNING (default), ERROR; or $WFM_LOG_LEVEL."
    ),
) -> None:
    """Global options apply to every command."""
    from wfm_bridge.host.logging_setup import configure_logging

    configure_logging(log_level)  # secrets are redacted from every log record
    overrides: dict[str, object] = {
        "tenant": tenant,
        "provider": provider,
        "timezone": timezone,
        "data_dir": home,
    }
    if base_url:
        overrides["provider_options"] = {"base_url": base_url}
    rt = ctx.obj if isinstance(ctx.obj, Runtime) else Runtime()  # made by run()
    rt.overrides.update(overrides)
    rt.debug = debug
    ctx.obj = rt


def _fail(
    message: str, code: int, rt: Runtime | None = None, category: str = "error"
) -> int:
    from wfm_bridge.host.cli.vocabulary import error_json, given_options, safe_text, with_options

    if rt is not None:  # hints quote the options given, which may hold any character
        message = with_options(message, given_options(rt.overrides))
    line = " ".join(safe_text(message).split()) or "unexpected failure"
    if rt is not None and rt.as_json:
        typer.echo(error_json(category, line, code))
    _warn(f"error: {line}")
    return code


def _warn(line: str) -> None:
    """One line on stderr."""
    # backslashreplace: a message quoting undecodable input must still print, on one line
    typer.echo(line.encode("utf-8", "backslashreplace").decode("utf-8"), err=True)


def _undecodable(args: list[str]) -> str | None:
    """The first argument or WFM_* variable holding bytes that are not UTF-8, if any.

    Python keeps such bytes as lone surrogates; let through, they break pydantic models and
    every print of the value, so they are refused once, here."""
    named = [(f"argument {a.encode('utf-8', 'backslashreplace').decode()}", a) for a in args]
    named += [(f"${k}", v) for k, v in os.environ.items() if k.startswith("WFM_")]
    for name, value in named:
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return name
    return None


def run(argv: list[str] | None = None, plugins: DiscoveredPlugins | None = None) -> int:
    """Run the CLI with ``argv``; return the exit code (never raises for expected errors).

    ``plugins`` (e.g. the tour's own, for each of its steps) skips discovery and its warnings.
    """
    from wfm_bridge.host.logging_setup import register_patterns
    from wfm_bridge.ports.errors import WfmError

    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args or os.environ.get("WFM_DEBUG") == "1"
    undecodable = _undecodable(args)
    if undecodable is not None:
        return _fail(f"{undecodable} is not valid UTF-8 text; retype it (check the terminal's "
                     "encoding)", 2)
    rt = Runtime(as_json="--json" in (args[: args.index("--")] if "--" in args else args))
    try:
        if plugins is None:
            plugins = discover_cli_plugins()
            for failure in plugins.failures:
                _warn(failure.warning)
        rt.plugins = plugins
        register_patterns(plugins.registry.secret_patterns())  # redacted from every log line
        command = typer.main.get_command(build_app(plugins))
        result = command.main(args=args, prog_name="wfm", standalone_mode=False, obj=rt)
        return result if isinstance(result, int) else 0
    except WfmError as exc:
        if debug:
            traceback.print_exc()
        return _fail(str(exc), exc.exit_code, rt, exc.category)
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        return _fail("aborted", 1)
    except click_exc.NoArgsIsHelpError as exc:
        typer.echo(exc.ctx.get_help() if exc.ctx else "see `wfm --help`")
        return 0
    except click_exc.ClickException as exc:
        return _fail(f"{exc.format_message()} (see `wfm --help`)", 2, rt, "usage")
    except KeyboardInterrupt:
        return _fail("interrupted", 130)
    except Exception as exc:
        if debug:
            traceback.print_exc()
        return _fail(
            f"unexpected {type(exc).__name__}: {exc}; rerun with --debug and report it", 1, rt
        )
    finally:
        with contextlib.suppress(Exception):  # closing connections never changes the outcome
            rt.close()


def main() -> None:
    """Console-script entry point."""
    sys.exit(run())
