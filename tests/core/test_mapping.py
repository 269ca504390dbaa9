"""Employee mapping: rule precedence, reasons, explain, and the 24 h per-tenant cache."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from core_world import make_world, person
from hypothesis import given
from hypothesis import strategies as st

from wfm_bridge.ports.errors import InvalidInputError
from wfm_bridge.ports.models import Employee, MappingRule, MappingStatus, ProviderPerson

ANA = person("p1", "a1", "Ana", "Lee", "ana.lee@example.com")


def emp(
    host_id: str, name: str = "", email: str | None = None, agent_id: str | None = None
) -> Employee:
    return Employee(host_id=host_id, name=name, email=email, agent_id=agent_id)


# --- examples ------------------------------------------------------------------------


def test_agent_id_wins_over_email_and_name() -> None:
    other = person("p2", "a2", "Bo", "Kim", "bo@example.com")
    world = make_world([ANA, other])
    m = world.mapper().map_employee(emp("h1", "Bo Kim", "bo@example.com", agent_id="a1"))
    assert (m.status, m.rule, m.person) == (MappingStatus.MAPPED, MappingRule.AGENT_ID, ANA)


def test_email_is_trimmed_and_case_insensitive() -> None:
    spaced = person("p3", "a3", "Maria", "Garcia", "maria.garcia@example.com ")
    world = make_world([ANA, spaced])
    m = world.mapper().map_employee(emp("h1", "Someone Else", "  Maria.Garcia@Example.COM"))
    assert (m.rule, m.person) == (MappingRule.EMAIL, spaced)


def test_name_is_whitespace_and_case_normalised() -> None:
    world = make_world([ANA])
    m = world.mapper().map_employee(emp("h1", "  ana   LEE ", "ana@elsewhere.example"))
    assert (m.rule, m.person) == (MappingRule.NAME, ANA)


def test_ambiguous_name_is_unmapped_with_reason() -> None:
    twins = [person("p1", "a1", "Sam", "Taylor"), person("p2", "a2", "Sam", "Taylor")]
    world = make_world(twins)
    m = world.mapper().map_employee(emp("h1", "Sam Taylor", "sam@partner.example"))
    assert m.status is MappingStatus.UNMAPPED and m.person is None
    assert m.reason is not None and m.reason.startswith("ambiguous name 'Sam Taylor'")


def test_inactive_never_maps_and_says_so_with_the_provider_name() -> None:
    gone = person("p1", "a1", "Yuki", "Tanaka", "yuki@example.com", active=False)
    world = make_world([gone])
    m = world.mapper().map_employee(emp("h1", "Yuki Tanaka", "yuki@example.com", "a1"))
    assert m.status is MappingStatus.UNMAPPED
    assert m.reason is not None and m.reason.startswith("inactive in memory_fake")


def test_inactive_duplicate_does_not_block_the_active_person() -> None:
    old = person("p1", "a1", "Ana", "Lee", "ana.lee@example.com", active=False)
    new = person("p2", "a9", "Ana", "Lee", "ana.lee@example.com")
    world = make_world([old, new])
    m = world.mapper().map_employee(emp("h1", "Ana Lee", "ana.lee@example.com", "a1"))
    assert (m.rule, m.person) == (MappingRule.EMAIL, new)


def test_people_without_agent_id_never_map() -> None:
    boss = person("p1", None, "Olivia", "Hart", "olivia@example.com")
    world = make_world([boss])
    m = world.mapper().map_employee(emp("h1", "Olivia Hart", "olivia@example.com"))
    assert m.status is MappingStatus.UNMAPPED
    assert m.reason is not None and "not an agent" in m.reason


def test_no_match_reason_says_what_to_do() -> None:
    m = make_world([ANA]).mapper().map_employee(emp("h1", "Noah Fischer", "noah@example.com"))
    assert m.reason is not None and "wfm mapping refresh" in m.reason


def test_map_all_keeps_directory_order_and_map_email_falls_back_to_bare_email() -> None:
    employees = [emp("h2", "Zed", "zed@example.com"), emp("h1", "Ana Lee", "ANA.LEE@example.com")]
    world = make_world([ANA], employees)
    mapper = world.mapper()
    assert [m.employee.host_id for m in mapper.map_all()] == ["h2", "h1"]
    assert mapper.map_email(" ana.lee@EXAMPLE.com ").employee.host_id == "h1"
    stranger = mapper.map_email("  new@example.com ")
    assert stranger.employee == Employee(host_id="new@example.com", email="new@example.com")
    with pytest.raises(InvalidInputError):
        mapper.map_email("   ")


def test_explain_gives_each_rule_verdict_closest_email_and_cache_time() -> None:
    world = make_world([ANA, person("p2", "a2", "Bo", "Kim", "bo.kim@example.com")])
    ex = world.mapper().explain("ana.le@example.com")
    by_rule = {c.rule: c for c in ex.checks}
    assert [c.rule for c in ex.checks] == [
        MappingRule.AGENT_ID,
        MappingRule.EMAIL,
        MappingRule.NAME,
    ]
    assert not any(c.matched for c in ex.checks)
    assert by_rule[MappingRule.AGENT_ID].detail == "the employee has no agent id"
    assert "closest memory_fake email: ana.lee@example.com" in by_rule[MappingRule.EMAIL].detail
    assert by_rule[MappingRule.NAME].detail == "the employee has no name"
    assert ex.outcome.status is MappingStatus.UNMAPPED
    assert ex.cache_refreshed_at == world.clock.now()


def test_explain_marks_later_matching_rules_as_not_used_and_names_inactive() -> None:
    gone = person("p9", "a9", "Old", "Timer", "old@example.com", active=False)
    world = make_world([ANA, gone], [emp("h1", "Ana Lee", "ana.lee@example.com", "a9")])
    ex = world.mapper().explain("ana.lee@example.com")
    by_rule = {c.rule: c for c in ex.checks}
    assert ex.outcome.rule is MappingRule.EMAIL
    assert "inactive in memory_fake" in by_rule[MappingRule.AGENT_ID].detail
    assert by_rule[MappingRule.EMAIL].matched
    assert by_rule[MappingRule.NAME].matched
    assert "not used: the email rule matched first" in by_rule[MappingRule.NAME].detail


def test_refresh_forces_a_fetch_and_new_people_appear() -> None:
    world = make_world([], [emp("h1", "Ana Lee", "ana.lee@example.com")])
    mapper = world.mapper()
    assert mapper.map_all()[0].status is MappingStatus.UNMAPPED
    world.backend.people[ANA.person_id] = ANA
    assert mapper.map_all()[0].status is MappingStatus.UNMAPPED  # still cached
    world.clock.advance(60)
    assert mapper.refresh() == world.clock.now() == mapper.refreshed_at()
    assert mapper.map_all()[0].status is MappingStatus.MAPPED
    assert world.backend.calls["list_people"] == 2


def test_a_refresh_by_another_process_reaches_a_long_lived_mapper() -> None:
    world = make_world([], [emp("h1", "Ana Lee", "ana.lee@example.com")])
    worker = world.mapper()
    assert worker.map_all()[0].status is MappingStatus.UNMAPPED
    world.backend.people[ANA.person_id] = ANA
    world.mapper().refresh()  # e.g. `wfm mapping refresh` from the shell
    assert worker.map_all()[0].status is MappingStatus.MAPPED
    assert world.backend.calls["list_people"] == 2


def test_cache_is_per_tenant_and_survives_new_mapper_instances() -> None:
    world = make_world([ANA])
    assert world.mapper().refreshed_at() is None
    world.mapper().map_all()
    world.mapper().map_all()
    assert world.backend.calls["list_people"] == 1
    world.tenant = "other"
    world.mapper().map_all()
    assert world.backend.calls["list_people"] == 2
    assert {ns for ns, _, _ in world.cache.writes} == {"acme:mapping", "other:mapping"}


def test_unreadable_cache_entry_is_refetched() -> None:
    world = make_world([ANA], [emp("h1", "", "ana.lee@example.com")])
    world.mapper().map_all()
    world.cache.set("acme:mapping", "snapshot", {"format": 1, "fetched_at": "x"}, None)
    world.cache.delete("acme:mapping", "stamp")
    assert world.mapper().map_all()[0].status is MappingStatus.MAPPED
    assert world.backend.calls["list_people"] == 2


def test_ten_thousand_each_side_maps_quickly() -> None:
    people = [
        person(f"p{i}", f"a{i}", f"First{i}", f"Last{i}", f"u{i}@x.example") for i in range(10_000)
    ]
    employees = [
        emp(f"h{i}", f"first{i}  last{i}", f"U{i}@X.example " if i % 2 else None)
        for i in range(10_000)
    ]
    world = make_world(people, employees)
    began = time.perf_counter()
    result = world.mapper().map_all()
    assert time.perf_counter() - began < 5  # quadratic would take minutes
    assert all(m.status is MappingStatus.MAPPED for m in result)
    assert sum(m.rule is MappingRule.NAME for m in result) == 5_000


# --- properties ----------------------------------------------------------------------

AGENT_IDS = st.sampled_from(["a1", "a2", "a3", " a1 "])
EMAILS = st.sampled_from(["x@e.com", " X@E.com", "y@e.com", "Y@e.COM  ", "z@e.com"])
NAMES = st.sampled_from(["Ana Lee", "ana  lee", " ANA LEE ", "Bo Kim", "Cy", ""])


@st.composite
def provider_people(draw: st.DrawFn) -> list[ProviderPerson]:
    n = draw(st.integers(0, 8))
    out = []
    for i in range(n):
        first, _, last = draw(NAMES).strip().partition(" ")
        out.append(
            person(
                f"p{i}",
                draw(st.none() | AGENT_IDS),
                first,
                last,
                draw(st.none() | EMAILS),
                active=draw(st.booleans()),
            )
        )
    return out


@st.composite
def directories(draw: st.DrawFn) -> list[Employee]:
    n = draw(st.integers(0, 8))
    return [
        emp(f"h{i}", draw(NAMES), draw(st.none() | EMAILS), draw(st.none() | AGENT_IDS))
        for i in range(n)
    ]


def _keys(e_or_p: Employee | ProviderPerson) -> list[tuple[MappingRule, str]]:
    """The oracle's keys: written independently of core.people_index."""
    name = e_or_p.name
    return [
        (MappingRule.AGENT_ID, (e_or_p.agent_id or "").strip()),
        (MappingRule.EMAIL, (e_or_p.email or "").strip().lower()),
        (MappingRule.NAME, " ".join(name.split()).lower()),
    ]


def oracle(
    employee: Employee, people: list[ProviderPerson]
) -> tuple[MappingRule | None, ProviderPerson | None, set[str]]:
    """Naive quadratic reference: first rule whose key picks exactly one active agent."""
    failures: set[str] = set()
    for rule, key in _keys(employee):
        if not key:
            continue
        same = [p for p in people if dict(_keys(p))[rule] == key and p.agent_id]
        active = [p for p in same if p.active]
        if len(active) == 1:
            return rule, active[0], failures
        failures.add("ambiguous" if active else "inactive" if same else "none")
    return None, None, failures


@given(provider_people(), directories())
def test_mapping_precedence_matches_the_naive_reference(
    people: list[ProviderPerson], employees: list[Employee]
) -> None:
    world = make_world(people, employees)
    result = world.mapper().map_all()
    assert [m.employee for m in result] == employees
    for mapping in result:
        rule, expected, failures = oracle(mapping.employee, people)
        assert mapping.rule == rule
        assert mapping.person == expected
        if expected is None:
            assert mapping.status is MappingStatus.UNMAPPED and mapping.reason
            if "inactive" in failures:
                assert mapping.reason.startswith("inactive in memory_fake")
            elif "ambiguous" in failures:
                assert mapping.reason.startswith("ambiguous")
        else:
            assert mapping.status is MappingStatus.MAPPED and mapping.reason is None
            assert expected.active and expected.agent_id
    assert world.backend.calls["list_people"] == 1


@given(st.lists(st.integers(0, 30 * 3600), min_size=1, max_size=12))
def test_cached_people_are_reused_until_24h_pass_then_fetched_once(steps: list[int]) -> None:
    world = make_world([ANA], [emp("h1", "", "ana.lee@example.com")])
    mapper = world.mapper()
    mapper.map_all()
    fetched_at, expected_calls = world.clock.now(), 1
    for seconds in steps:
        world.clock.advance(seconds)
        if world.clock.now() - fetched_at >= timedelta(hours=24):
            fetched_at, expected_calls = world.clock.now(), expected_calls + 1
        mapper.map_all()
        mapper.map_email("ana.lee@example.com")
        world.mapper().map_all()  # another process sharing the cache behaves the same
        assert world.backend.calls["list_people"] == expected_calls
        assert mapper.refreshed_at() == fetched_at
