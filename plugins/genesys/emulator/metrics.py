"""External metrics (``/api/v2/employeeperformance/externalmetrics``): definitions, and daily
values per user per metric written in batches of at most 100 items.

A ``Total`` item (the default type) sets the day's value (an upsert: sending it again changes
nothing); a ``Cumulative`` item adds its value and count to the day's; a ``null`` value
deletes the day's data. Items that cannot be applied come back in ``unprocessedEntities``
with a message and code while the valid ones of the same batch are applied.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from wfm_bridge.plugins.genesys.emulator.directory import Org
from wfm_bridge.plugins.genesys.emulator.ledger import Ledger, WireDict
from wfm_bridge.plugins.genesys.emulator.responses import Rejected, iso

MAX_ITEMS = 100
UNITS = ("Seconds", "Percent", "Number", "Currency")
OBJECTIVES = ("HigherIsBetter", "LowerIsBetter", "TargetArea")
TYPES = ("Total", "Cumulative")


def definition_wire(
    metric_id: str, name: str, unit: str = "Percent", precision: int = 2, enabled: bool = True
) -> WireDict:
    """An ``ExternalMetricDefinition``."""
    if unit not in UNITS:
        raise Rejected(400, f"unit must be one of {', '.join(UNITS)}")
    return {
        "id": metric_id,
        "name": name,
        "unit": unit,
        "precision": precision,
        "defaultObjectiveType": "HigherIsBetter",
        "retentionMonths": 24,
        "enabled": enabled,
        "inUse": False,
        "selfUri": f"/api/v2/employeeperformance/externalmetrics/definitions/{metric_id}",
    }


class Metrics:
    """Definitions and data (not locked by itself)."""

    def __init__(self, org: Org, ledger: Callable[[], Ledger], wall: Callable[[], float]) -> None:
        self.org = org
        self._ledger = ledger
        self._wall = wall
        self.definitions: dict[str, WireDict] = {}
        self.data: dict[tuple[str, str, str], WireDict] = {}  # (user, metric, day) -> value

    def clear(self) -> None:
        """Forget definitions and data."""
        self.definitions.clear()
        self.data.clear()

    def define(self, body: Any) -> WireDict:
        """``POST .../externalmetrics/definitions``."""
        if not isinstance(body, dict) or not isinstance(body.get("name"), str):
            raise Rejected(400, "name is required")
        if any(d["name"] == body["name"] for d in self.definitions.values()):
            raise Rejected(400, f"An external metric named {body['name']!r} already exists")
        precision = body.get("precision", 2)
        if not isinstance(precision, int) or not 0 <= precision <= 5:
            raise Rejected(400, "precision must be an integer between 0 and 5")
        definition = definition_wire(
            str(uuid.uuid4()),
            body["name"],
            body.get("unit", "Percent"),
            precision,
            bool(body.get("enabled", True)),
        )
        if body.get("defaultObjectiveType") in OBJECTIVES:
            definition["defaultObjectiveType"] = body["defaultObjectiveType"]
        self.definitions[definition["id"]] = definition
        return dict(definition)

    def write(self, body: Any) -> WireDict:
        """``POST .../externalmetrics/data``: at most 100 items; 400 for a malformed batch."""
        items = body.get("items") if isinstance(body, dict) else None
        if not isinstance(items, list) or not items:
            raise Rejected(400, "items must be a non-empty list")
        if len(items) > MAX_ITEMS:
            raise Rejected(400, f"At most {MAX_ITEMS} items may be written per request")
        if not all(isinstance(i, dict) for i in items):
            raise Rejected(400, "every item must be an object")
        self._ledger().metric_writes.append([dict(i) for i in items])
        processed, unprocessed = [], []
        for item in items:
            problem = self._problem(item)
            if problem is not None:
                unprocessed.append({**item, "message": problem[1], "code": problem[0]})
                continue
            processed.append(self._apply(item))
        return {"processedEntities": processed, "unprocessedEntities": unprocessed}

    def _user_of(self, item: WireDict) -> WireDict | None:
        if item.get("userId") is not None:
            return self.org.user(item["userId"])
        email = item.get("userEmail")
        matches = [u for u in self.org.users.values() if u.get("email") == email]
        return matches[0] if len(matches) == 1 else None

    def _problem(self, item: WireDict) -> tuple[str, str] | None:
        if (item.get("userId") is None) == (item.get("userEmail") is None):
            return "invalid.user", "Provide either userId or userEmail, but not both"
        user = self._user_of(item)
        if user is None or user["state"] == "deleted":
            return "user.not.found", "The user does not exist"
        definition = self.definitions.get(item.get("metricId"))  # type: ignore[arg-type]
        if definition is None:
            return "metric.not.found", "The external metric definition does not exist"
        if not definition["enabled"]:
            return "metric.disabled", "The external metric definition is disabled"
        try:
            date.fromisoformat(str(item.get("dateOccurred")))
        except ValueError:
            return "invalid.date", "dateOccurred must be a date as yyyy-MM-dd"
        if item.get("type", "Total") not in TYPES:
            return "invalid.type", "type must be Total or Cumulative"
        value, count = item.get("value"), item.get("count")
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            return "invalid.value", "value must be a number or null"
        if count is not None and (isinstance(count, bool) or not isinstance(count, int)):
            return "invalid.count", "count must be an integer"
        return None

    def _apply(self, item: WireDict) -> WireDict:
        user = self._user_of(item)
        assert user is not None
        key = (user["id"], str(item["metricId"]), str(item["dateOccurred"]))
        kind = item.get("type", "Total")
        value, count = item.get("value"), item.get("count")
        stored = self.data.get(key)
        if value is None:
            self.data.pop(key, None)
            total_value, total_count = None, 0
        elif kind == "Cumulative" and stored is not None:
            total_value = stored["value"] + value
            total_count = stored["count"] + (0 if count is None else count)
        else:
            total_value, total_count = value, 1 if count is None else count
        if value is not None:
            if total_count <= 0:
                self.data.pop(key, None)
            else:
                self.data[key] = {"value": total_value, "count": total_count}
                self.definitions[key[1]]["inUse"] = True
                self.definitions[key[1]]["dateLastRefreshed"] = iso(self._wall())
        return {
            **{k: item[k] for k in ("userId", "userEmail") if item.get(k) is not None},
            "metricId": key[1],
            "dateOccurred": key[2],
            "value": value,
            "count": count if count is not None else (1 if value is not None else 0),
            "type": kind,
            "totalValue": total_value,
            "totalCount": total_count,
        }
