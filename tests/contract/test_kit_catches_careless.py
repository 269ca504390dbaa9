"""The kit catches careless providers, and its pytest plugin stays out of everyone else's way.

Each careless provider (tests/contract/careless.py) is run through the kit with ``pytester``,
from the same ~20-line test file a vendor writes; it must fail the test naming its mistake.
"""

from __future__ import annotations

import pytest

VENDOR_FILE = """
import pytest
from wfm_bridge.testing import ProviderConformance
from contract.careless import CARELESS, harness_of

factory = harness_of(CARELESS[{variant!r}])


@pytest.fixture
def wfm_harness(tmp_path):
    with factory(tmp_path) as harness:
        yield harness


class TestCareless(ProviderConformance):
    pass
"""

# the test that must fail, and the other tests the same mistake may also fail
CAUGHT_BY = {
    "trims_overlaps": (
        "test_booking_over_existing_activities_deletes_and_trims_nothing",
        {  # the trimmed activity stays trimmed after the 1:1 is cancelled
            "test_cancel_removes_exactly_that_booking",
            "test_cancelling_a_booking_already_gone_is_not_found",
            "test_a_reference_booked_twice_is_found_twice_and_each_copy_cancels_alone",
            "test_a_facilitator_with_a_schedule_holds_the_booking_too_and_cancel_removes_both",
        },
    ),
    "loses_last_page": (  # the 1:1 tests with a facilitator read his person id from people
        "test_people_come_back_from_every_page_each_exactly_once",
        {
            "test_people_carry_their_team_from_every_page",
            "test_a_facilitator_with_a_schedule_holds_the_booking_too_and_cancel_removes_both",
            "test_a_facilitator_without_a_schedule_leaves_other_calendars_alone",
        },
    ),
    "clips_only_the_start": (
        "test_activities_are_clipped_to_the_window",
        {
            "test_listing_equals_the_overlapping_activities_clipped",
            "test_batches_hand_each_activity_over_once_and_withdraw_only_earlier_ids",
            "test_a_window_crossing_a_dst_change_keeps_local_wall_times",
        },
    ),
    "logs_the_key": ("test_no_call_logs_or_shows_a_secret_field", set()),
}


def _failed(pytester: pytest.Pytester) -> tuple[set[str], int]:
    recorder = pytester.inline_run("-p", "no:cacheprovider")
    passed, _skipped, failed = recorder.listoutcomes()
    return {r.nodeid.split("::")[-1].split("[")[0] for r in failed}, len(passed)


@pytest.mark.parametrize("variant", sorted(CAUGHT_BY))
def test_the_kit_fails_the_test_that_names_the_mistake(
    pytester: pytest.Pytester, variant: str
) -> None:
    pytester.makepyfile(test_vendor=VENDOR_FILE.format(variant=variant))

    failed, passed = _failed(pytester)

    target, may_also_fail = CAUGHT_BY[variant]
    assert target in failed
    assert failed <= {target} | may_also_fail
    assert passed >= 20  # the rest of the kit still passes: only the mistake is reported


def test_the_careful_provider_passes_the_same_file(pytester: pytest.Pytester) -> None:
    careful = VENDOR_FILE.replace(
        "harness_of(CARELESS[{variant!r}])", "harness_of(InMemoryProvider)"
    ).replace(
        "import pytest\n",
        "import pytest\nfrom wfm_bridge.plugins.memory_fake.provider import InMemoryProvider\n",
        1,
    )
    pytester.makepyfile(test_vendor=careful)

    failed, passed = _failed(pytester)

    assert failed == set() and passed >= 25


def test_the_plugin_is_inert_for_a_project_that_does_not_opt_in(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_plain="def test_plain():\n    assert True\n")

    fixtures = pytester.runpytest("--fixtures", "-p", "no:cacheprovider")
    run = pytester.runpytest("-p", "no:cacheprovider")

    assert "wfm_harness" not in fixtures.stdout.str() and "harness" not in fixtures.stdout.str()
    run.assert_outcomes(passed=1)


def test_a_module_that_opts_in_without_a_harness_gets_a_usage_error(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        test_vendor="from wfm_bridge.testing import ReadsSuite\n\n"
        "class TestForgot(ReadsSuite):\n    pass\n"
    )

    result = pytester.runpytest("-p", "no:cacheprovider")

    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*define a `wfm_harness` fixture*"])
