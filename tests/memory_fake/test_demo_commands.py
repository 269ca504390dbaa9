"""What memory_fake adds to the command line: `wfm demo reset` and the tour's refresh."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from wfm_bridge.plugins.memory_fake.cli import MARGIN, PROVIDER, refresh_for_tour
from wfm_bridge.plugins.memory_fake.store import demo_info, reset_demo
from wfm_bridge.ports.commands import CommandContext, CommandRegistry


def _where(data_dir: Path) -> CommandContext:
    return CommandContext(data_dir=data_dir, tenant="t", provider=PROVIDER)


def test_the_first_tour_seeds_quietly_and_a_current_seed_is_kept(tmp_path: Path) -> None:
    today = date.today()
    assert refresh_for_tour(_where(tmp_path), today) is None
    first = demo_info(tmp_path, "t")
    assert first is not None and first.first_day is not None and first.last_day is not None
    stamp = first.path.stat().st_mtime_ns

    assert refresh_for_tour(_where(tmp_path), today) is None
    assert first.path.stat().st_mtime_ns == stamp  # untouched


@given(offset=st.integers(min_value=-400, max_value=400))
def test_a_seed_that_no_longer_covers_the_tour_is_restored(offset: int) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as raw:  # hypothesis: a fresh directory per example
        data_dir = Path(raw)
        seeded = reset_demo(data_dir, "t")
        assert seeded.first_day is not None and seeded.last_day is not None
        today = seeded.first_day + timedelta(days=offset)
        current = seeded.first_day <= today <= seeded.last_day - MARGIN

        message = refresh_for_tour(_where(data_dir), today)

        assert (message is None) == current
        if message is not None:
            assert "restoring a fresh seed" in message


def test_the_plugin_registers_reset_on_the_host_demo_group_and_the_tour_setup() -> None:
    from wfm_bridge.plugins.memory_fake.plugin import wfm_register_commands

    class Demo:
        def __init__(self) -> None:
            self.names: list[str] = []

        def command(self, name: str) -> object:
            self.names.append(name)
            return lambda fn: fn

    demo = Demo()
    commands = CommandRegistry({"demo": demo})
    wfm_register_commands(commands)
    assert demo.names == ["reset"]
    assert commands.tour_setup(PROVIDER) is refresh_for_tour
    assert commands.groups()[0].name == "demo"  # adds no group of its own
