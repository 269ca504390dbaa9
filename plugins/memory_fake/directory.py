"""InMemoryEmployeeDirectory: the EmployeeDirectory port over a list of employees."""

from __future__ import annotations

from collections.abc import Iterable

from wfm_bridge.ports.models import Employee


def normalise_email(email: str) -> str:
    """An email as the directory compares it: trimmed and case-folded."""
    return email.strip().casefold()


class InMemoryEmployeeDirectory:
    """Fake EmployeeDirectory: keeps the given order; looks emails up in a dict index."""

    def __init__(self, employees: Iterable[Employee]) -> None:
        self._employees = list(employees)
        self._by_email: dict[str, Employee] = {}
        for employee in self._employees:
            if employee.email and employee.email.strip():
                # the first employee with an email wins, like a unique index would
                self._by_email.setdefault(normalise_email(employee.email), employee)

    def list_employees(self) -> list[Employee]:
        """Every employee, in the order given."""
        return list(self._employees)

    def find_by_email(self, email: str) -> Employee | None:
        """The employee with this email (trimmed, case-insensitive), or None."""
        return self._by_email.get(normalise_email(email))
