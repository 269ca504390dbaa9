"""The EmployeeDirectory port: the host's own employees (QA platform agents)."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from wfm_bridge.ports.models import Employee


@runtime_checkable
class EmployeeDirectory(Protocol):
    """The host-side employees of one tenant."""

    def list_employees(self) -> list[Employee]:
        """Every employee of the tenant, in a stable order."""
        ...

    def find_by_email(self, email: str) -> Employee | None:
        """The employee with this email (trimmed, case-insensitive), or None."""
        ...
