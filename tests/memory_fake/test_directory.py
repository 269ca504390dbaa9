"""InMemoryEmployeeDirectory: stable order and email look-up as the port promises."""

from __future__ import annotations

from wfm_bridge.plugins.memory_fake.demo import demo_employees
from wfm_bridge.plugins.memory_fake.directory import InMemoryEmployeeDirectory
from wfm_bridge.ports.directory import EmployeeDirectory
from wfm_bridge.ports.models import Employee


def test_it_is_an_employee_directory_that_keeps_the_given_order() -> None:
    employees = [Employee(host_id=f"e{n}", email=f"e{n}@example.com") for n in (3, 1, 2)]
    directory = InMemoryEmployeeDirectory(employees)

    assert isinstance(directory, EmployeeDirectory)
    assert directory.list_employees() == employees


def test_find_by_email_trims_and_ignores_case() -> None:
    directory = InMemoryEmployeeDirectory(demo_employees())

    found = directory.find_by_email("  maria.garcia@EXAMPLE.com ")

    assert found is not None and found.email == "Maria.Garcia@Example.COM"
    assert directory.find_by_email("nobody@example.com") is None
    assert directory.find_by_email("   ") is None


def test_employees_without_email_are_listed_but_never_found_and_first_email_wins() -> None:
    no_email = Employee(host_id="e0")
    first = Employee(host_id="e1", email="dup@example.com")
    second = Employee(host_id="e2", email="DUP@example.com")
    directory = InMemoryEmployeeDirectory([no_email, first, second])

    assert directory.list_employees() == [no_email, first, second]
    assert directory.find_by_email("dup@example.com") == first
    assert directory.find_by_email("") is None


def test_the_list_handed_out_is_a_copy() -> None:
    directory = InMemoryEmployeeDirectory(demo_employees())
    directory.list_employees().clear()

    assert len(directory.list_employees()) == 41
