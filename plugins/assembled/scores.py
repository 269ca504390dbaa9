"""QA score push: the configurable field mapping from ``ScorePush`` to Assembled's payload.

The endpoint is not publicly documented (assembled-api.md, "Unknown"), so path, envelope and
fields are configuration. ``scores_fields`` is a comma-separated list of ``wire=source`` pairs,
where ``source`` is a ``ScorePush`` field (times become unix seconds) or a quoted literal:

    conversation_external_id=evaluation_id,agent_id=agent_id,score=score,
    max_score=max_score,scored_at=evaluated_at,rubric=scorecard,source='evaluagent'

``evaluation_id`` must be mapped: it is the external id Assembled upserts by, which is what
makes re-sending a batch safe. ``scores_time_format`` says how times travel: ``unix``
(seconds, the default), ``unix_ms`` or ``iso8601`` (UTC, e.g. ``2024-06-10T09:00:00Z``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from wfm_bridge.plugins.assembled.wire import to_unix
from wfm_bridge.ports.errors import InvalidInputError
from wfm_bridge.ports.models import ScorePush

SOURCES = frozenset(ScorePush.model_fields)
TIME_FORMATS = ("unix", "unix_ms", "iso8601")


@dataclass(frozen=True)
class ScoreMapping:
    """Wire field name -> ScorePush field name, or a literal value."""

    fields: tuple[tuple[str, str, bool], ...]  # (wire name, source or literal, is_literal)
    envelope: str
    time_format: str = "unix"

    @classmethod
    def parse(cls, spec: str, envelope: str, time_format: str = "unix") -> ScoreMapping:
        """Parse ``wire=source`` pairs; ``InvalidInputError`` says what is wrong."""
        fields: list[tuple[str, str, bool]] = []
        for raw in spec.split(","):
            pair = raw.strip()
            if not pair:
                continue
            wire, sep, source = (p.strip() for p in pair.partition("="))
            if not sep or not wire or not source:
                raise InvalidInputError(
                    f"scores_fields entry {pair!r} must look like wire_name=source"
                )
            if len(source) >= 2 and source[0] == source[-1] and source[0] in "'\"":
                fields.append((wire, source[1:-1], True))
            elif source in SOURCES:
                fields.append((wire, source, False))
            else:
                raise InvalidInputError(
                    f"scores_fields: unknown source {source!r} for {wire!r}; use one of "
                    f"{', '.join(sorted(SOURCES))} or a quoted literal"
                )
        wires = [w for w, _, _ in fields]
        if len(set(wires)) != len(wires):
            raise InvalidInputError("scores_fields maps the same wire field twice")
        if not any(s == "evaluation_id" and not lit for _, s, lit in fields):
            raise InvalidInputError(
                "scores_fields must map evaluation_id (the id Assembled upserts by)"
            )
        if not envelope:
            raise InvalidInputError("scores_envelope must not be empty")
        if time_format not in TIME_FORMATS:
            raise InvalidInputError(
                f"scores_time_format {time_format!r} is not one of {', '.join(TIME_FORMATS)}"
            )
        return cls(tuple(fields), envelope, time_format)

    def body(self, scores: Sequence[ScorePush]) -> dict[str, object]:
        """The JSON body for one batch."""
        return {self.envelope: [self._one(s) for s in scores]}

    def _one(self, score: ScorePush) -> dict[str, object]:
        item: dict[str, object] = {}
        for wire, source, literal in self.fields:
            value: object = source if literal else getattr(score, source)
            item[wire] = self._time(value) if isinstance(value, datetime) else value
        return item

    def _time(self, when: datetime) -> object:
        if self.time_format == "iso8601":
            return when.astimezone(UTC).isoformat().replace("+00:00", "Z")
        if self.time_format == "unix_ms":
            return round(when.timestamp() * 1000)
        return to_unix(when)
