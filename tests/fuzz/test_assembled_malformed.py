"""AssembledProvider fed malformed answers over httpx.MockTransport: every call either returns
what its port promises or raises a WfmError (ProviderResponseError, UnavailableError,
AuthError, NotFoundError...), never any other exception.

Answers are generated per endpoint: a valid body mutated (fields of the wrong type, missing,
extra), arbitrary JSON, truncated bodies, bytes that are not JSON or not UTF-8, huge maps,
huge numbers, deep nesting; every status from 100 to 599 (3xx with and without Location);
wrong or lying Content-Type / Content-Encoding; odd Retry-After values; dropped connections.
A call may need several answers (retries, paging): a script of answers is played in order,
its last one repeating. The provider runs on a fake clock, so retries cost no time.
"""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from assembled.support import T0, mock_provider
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from wfm_bridge.plugins.assembled.provider import AssembledProvider
from wfm_bridge.plugins.vendor_http.retry import MAX_RETRY_AFTER, retry_after_seconds
from wfm_bridge.ports.errors import (
    AuthError,
    InvalidInputError,
    OutcomeUnknownError,
    ProviderResponseError,
    RateLimitedError,
    UnavailableError,
    WfmError,
)
from wfm_bridge.ports.models import (
    Activity,
    ActivityType,
    BookedOneToOne,
    OneToOne,
    ProviderPerson,
    QaScore,
    ScorePush,
)
from wfm_bridge.ports.registry import CallBudget

START = int(T0.timestamp())
PERSON = {"id": "p1", "agent_id": "a1", "first_name": "Ana", "last_name": "Lee",
          "email": "ana@example.com", "timezone": "America/Chicago", "teams": ["t"],
          "deleted": False, "staffable": True, "created_at": 1700000000}
TYPE = {"id": "t1", "name": "Meeting", "short_name": "MTG", "productive": False,
        "background_color": "#4a90d9", "font_color": "#ffffff"}
ACTIVITY = {"id": "act1", "agent_id": "a1", "type_id": "t1", "start_time": START + 3600,
            "end_time": START + 7200, "description": "QA coaching",
            "id_with_timestamps": f"act1-{START + 3600}-{START + 7200}"}
NEW = OneToOne(reference="mtg-1", agent_id="a1", start=T0 + timedelta(hours=1),
               end=T0 + timedelta(hours=2), title="One To One")
BOOKED = BookedOneToOne(id="act1", reference="mtg-1", agent_id="a1", start=NEW.start,
                        end=NEW.end)
TYPES_PATH = "/v0/activity_types"  # booking looks the Meeting type up first: answered validly
SCORE = ScorePush(evaluation_id="e1", agent_id="a1", score=8, max_score=10, scorecard="s",
                  evaluated_at=T0, updated_at=T0)


def _list_of(kind: type) -> Callable[[Any], bool]:
    return lambda got: isinstance(got, list) and all(isinstance(x, kind) for x in got)


# endpoint -> (the call, a valid answer body to mutate, what a successful result looks like)
ENDPOINTS: dict[str, tuple[Callable[[AssembledProvider], Any], Any, Callable[[Any], bool]]] = {
    "check_credentials": (
        lambda p: p.check_credentials(),
        {"people": {"p1": PERSON}, "total": 1, "limit": 1, "offset": 0},
        lambda got: got is None,
    ),
    "list_people": (
        lambda p: p.list_people(),
        {"people": {"p1": PERSON, "p2": {**PERSON, "id": "p2", "agent_id": None}}, "total": 2},
        _list_of(ProviderPerson),
    ),
    "list_activity_types": (
        lambda p: p.list_activity_types(),
        {"activity_types": {"t1": TYPE, "t2": {**TYPE, "id": "t2", "name": "Shift"}}},
        _list_of(ActivityType),
    ),
    "activities": (  # 9 days in 7-day slices: two requests, answers handed over as they arrive
        lambda p: [a for b in p.activities(["a1", "a2"], T0, T0 + timedelta(days=9))
                   for a in b.activities],
        {"activities": {ACTIVITY["id_with_timestamps"]: ACTIVITY}, "activity_types": {"t1": TYPE}},
        _list_of(Activity),
    ),
    "book": (lambda p: p.book(NEW), ACTIVITY, lambda got: isinstance(got, BookedOneToOne)),
    "cancel": (lambda p: p.cancel(BOOKED), {"activities": []}, lambda got: got is None),
    "push": (lambda p: p.push([SCORE]), {}, lambda got: got is None),
}

# --- generated answers -------------------------------------------------------------------------

json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=20),
    st.sampled_from(["", " ", "2024-06-10T09:00:00Z", "-1", "1e400", "\uff49\uff44"]),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                               max_size=4),
    max_leaves=12,
)


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place inside ``doc`` a value can be replaced or removed."""
    found = [prefix]
    if isinstance(doc, dict):
        for key, value in doc.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(doc, list):
        for i, value in enumerate(doc):
            found += _paths(value, (*prefix, i))
    return found


@st.composite
def mutated(draw: st.DrawFn, valid: Any) -> Any:
    """``valid`` with 1-3 changes: a value of another type, a key removed, a key added."""
    doc = copy.deepcopy(valid)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_paths(doc)))
        if not path:
            return draw(json_values)
        parent = doc
        for step in path[:-1]:
            parent = parent[step]
        how = draw(st.sampled_from(["replace", "replace", "remove", "add"]))
        if how == "replace":
            parent[path[-1]] = draw(json_values)
        elif how == "remove":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.text(max_size=10))] = draw(json_values)
        else:
            parent.append(draw(json_values))
    return doc


def huge_map(valid: Any) -> bytes:
    """The valid answer with its id-keyed map grown to 20,000 entries (and a matching total)."""
    doc = copy.deepcopy(valid) if isinstance(valid, dict) else {}
    for key, value in list(doc.items()):
        if isinstance(value, dict) and value and all(isinstance(v, dict) for v in value.values()):
            item = next(iter(value.values()))
            doc[key] = {f"k{i}": {**item, "id": f"{item.get('id', 'x')}-{i}"}
                        for i in range(20_000)}
    if "total" in doc:
        doc["total"] = 20_000
    return json.dumps(doc).encode()


def bodies(valid: Any) -> st.SearchStrategy[bytes]:
    """Answer bodies for an endpoint whose valid answer is ``valid``."""
    text = json.dumps(valid).encode()
    return st.one_of(
        mutated(valid).map(lambda d: json.dumps(d).encode()),
        mutated(valid).map(lambda d: json.dumps(d).encode()),
        json_values.map(lambda d: json.dumps(d).encode()),
        st.integers(0, max(0, len(text) - 1)).map(lambda n: text[:n]),  # truncated
        st.binary(max_size=64),
        st.sampled_from([
            b"", b" ", b"null", b"[]", b"{}", b"<html>502 Bad Gateway</html>",
            b'{"total": 1e999, "people": {}}', b'{"total": NaN, "people": {}}',
            b'{"total": ' + b"9" * 5000 + b', "people": {}}',
            b'{"people": {"p": {"id": "\xff\xfe"}}, "total": 1}',
            b"\xef\xbb\xbf" + text,  # a UTF-8 byte-order mark
            text.decode().encode("utf-16"),
            b"[" * 50_000 + b"]" * 50_000,
            text + b" trailing garbage",
            json.dumps({"x": "y" * 1_000_000}).encode(),
            huge_map(valid),
        ]),
    )


STATUSES = st.one_of(
    st.just(200), st.just(200),
    st.sampled_from([200, 201, 202, 204, 206, 100, 101, 199, 300, 301, 302, 304, 307, 308, 400,
                     401, 403, 404, 405, 409, 410, 418, 422, 429, 500, 502, 503, 504, 599]),
    st.integers(100, 599),
)
HEADERS = st.fixed_dictionaries({}, optional={
    "Content-Type": st.sampled_from(["application/json", "text/html", "text/plain",
                                     "application/json; charset=utf-16",
                                     "application/json; charset=bogus", "", "*/*"]),
    "Content-Encoding": st.sampled_from(["gzip", "deflate", "br", "zstd", "identity",
                                         "x-bogus", "gzip, gzip"]),
    "Retry-After": st.sampled_from(["0", "1", "3.5", "-1", "inf", "nan", "1e400",
                                    "1000000000000", "soon", "Wed, 21 Oct 2015 07:28:00 GMT",
                                    "Fri, 31 Dec 9999 23:59:59 GMT",
                                    "Mon, 01 Jan 99999999999999999999 00:00:00 GMT"]),
    "Location": st.sampled_from(["https://api.assembledhq.com/v0/people", "http://evil.example",
                                 "", "/relative"]),
})
DROPS = st.sampled_from([httpx.ReadTimeout, httpx.RemoteProtocolError, httpx.ConnectError,
                         httpx.WriteError, httpx.PoolTimeout, httpx.ReadError])

Answer = tuple[int, bytes, dict[str, str]] | type[httpx.TransportError]


def answers(valid: Any) -> st.SearchStrategy[Answer]:
    """One answer: mostly a response, sometimes a dropped connection."""
    response = st.tuples(STATUSES, bodies(valid), HEADERS)
    return st.one_of(response, response, response, response, DROPS)


class Script:
    """A thread-safe MockTransport handler playing ``answers`` in order, the last repeating."""

    def __init__(self, script: list[Answer]) -> None:
        self.script = script
        self.seen = 0
        self._lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            item = self.script[min(self.seen, len(self.script) - 1)]
            self.seen += 1
        if isinstance(item, type):
            raise item("scripted", request=request)
        status, body, headers = item
        return httpx.Response(status, content=body, headers=headers)


ANSWERS = {name: answers(valid) for name, (_, valid, _) in ENDPOINTS.items()}


def call_with(name: str, script: list[Answer], budget: CallBudget) -> tuple[Any, Script]:
    """Run endpoint ``name`` against ``script``; the result, or the exception it raised."""
    call = ENDPOINTS[name][0]
    handler = Script(script)
    types = json.dumps({"activity_types": {"t1": TYPE}}).encode()

    def route(request: httpx.Request) -> httpx.Response:
        if name == "book" and request.url.path == TYPES_PATH:
            return httpx.Response(200, content=types)
        return handler(request)

    provider = mock_provider(route, budget=budget, page_size="5")
    try:
        return call(provider), handler
    except Exception as exc:  # judged by the caller: only WfmError is allowed
        return exc, handler
    finally:
        provider.close()


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[str, list[Answer], CallBudget]:
    """An endpoint, the answers it gets, and the retry budget of the call."""
    name = draw(st.sampled_from(sorted(ENDPOINTS)))
    script = draw(st.lists(ANSWERS[name], min_size=1, max_size=4))
    budget = draw(st.sampled_from([CallBudget.INTERACTIVE, CallBudget.BACKGROUND]))
    return name, script, budget


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(scenarios())
def test_malformed_answers_give_the_promised_result_or_a_wfm_error(
    scenario: tuple[str, list[Answer], CallBudget],
) -> None:
    name, script, budget = scenario
    got, handler = call_with(name, script, budget)

    if isinstance(got, BaseException):
        assert isinstance(got, WfmError), f"{name}: {type(got).__name__}: {got}"
        assert str(got).strip()  # a message the CLI can print
    else:
        assert ENDPOINTS[name][2](got), f"{name} returned {got!r}"
    first = script[0]
    if not isinstance(first, type) and first[0] in (401, 403) and len(script) == 1 \
            and "Content-Encoding" not in first[2]:
        assert isinstance(got, AuthError) and handler.seen == 1  # never retried


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_each_endpoint_accepts_its_valid_answer(name: str) -> None:
    """The baseline the mutations start from is really valid (so mutations mean something)."""
    _, valid, promised = ENDPOINTS[name]
    got, _ = call_with(name, [(200, json.dumps(valid).encode(), {})], CallBudget.INTERACTIVE)
    assert promised(got), got


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_a_huge_map_is_still_a_result_or_a_typed_error(name: str) -> None:
    valid = ENDPOINTS[name][1]
    got, _ = call_with(name, [(200, huge_map(valid), {})], CallBudget.INTERACTIVE)
    assert isinstance(got, WfmError) or ENDPOINTS[name][2](got)
    if name == "list_people":
        assert isinstance(got, list) and len(got) == 20_000


# --- what the fuzzing found, pinned --------------------------------------------------------


def test_a_body_that_does_not_match_its_content_encoding_is_an_unreadable_answer() -> None:
    """httpx.DecodingError is not a TransportError: it escaped the client untranslated."""
    garbled: Answer = (200, b'{"activity_types": {}}', {"Content-Encoding": "gzip"})
    got, handler = call_with("list_activity_types", [garbled], CallBudget.INTERACTIVE)
    assert isinstance(got, UnavailableError) and "DecodingError" in str(got)
    assert handler.seen == 3  # a read: retried like a dropped answer
    got, handler = call_with("book", [garbled], CallBudget.INTERACTIVE)
    assert isinstance(got, OutcomeUnknownError) and handler.seen == 1  # a write: read back


def test_an_error_body_in_a_charset_it_is_not_is_still_quoted_safely() -> None:
    """``response.text`` raised UnicodeError for a utf-16 label on a body without a BOM."""
    answer: Answer = (400, b'{"', {"Content-Type": "application/json; charset=utf-16"})
    got, _ = call_with("list_activity_types", [answer], CallBudget.INTERACTIVE)
    assert isinstance(got, InvalidInputError) and "400" in str(got)


@pytest.mark.parametrize(
    "value", ["inf", "1e400", "1000000000000", "Fri, 31 Dec 9999 23:59:59 GMT",
              "Mon, 01 Jan 99999999999999999999 00:00:00 GMT"],
)
def test_an_absurd_retry_after_is_a_rate_limit_error_with_a_real_date(value: str) -> None:
    """timedelta(seconds=inf) and dates past 9999 raised OverflowError."""
    got, _ = call_with("list_activity_types", [(429, b"", {"Retry-After": value})],
                       CallBudget.INTERACTIVE)
    assert isinstance(got, RateLimitedError)
    assert got.retry_at is None or got.retry_at <= T0 + timedelta(seconds=MAX_RETRY_AFTER)


def test_retry_after_is_capped_at_a_day_and_nan_is_ignored() -> None:
    assert retry_after_seconds("inf", T0) == MAX_RETRY_AFTER
    assert retry_after_seconds("1e400", T0) == MAX_RETRY_AFTER
    assert retry_after_seconds("nan", T0) is None
    assert retry_after_seconds("Mon, 01 Jan 99999999999999999999 00:00:00 GMT", T0) is None
    assert retry_after_seconds("7", T0) == 7.0


@pytest.mark.parametrize("times", [(1, 10**15), (-(10**15), 10), (0, 2**63)])
def test_a_created_activity_outside_the_calendar_is_a_provider_error(
    times: tuple[int, int],
) -> None:
    """datetime.fromtimestamp raised ValueError/OverflowError."""
    body = json.dumps({**ACTIVITY, "start_time": times[0], "end_time": times[1]}).encode()
    got, _ = call_with("book", [(200, body, {})], CallBudget.INTERACTIVE)
    assert isinstance(got, ProviderResponseError) and "years 1-9999" in str(got)


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("list_people", {"people": {"p": {**PERSON, "id": ""}}, "total": 1}),
        ("list_activity_types", {"activity_types": {"t": {**TYPE, "id": ""}}}),
    ],
)
def test_an_empty_id_is_a_provider_error(name: str, body: Any) -> None:
    """The port's DTOs refused it with a pydantic ValidationError."""
    got, _ = call_with(name, [(200, json.dumps(body).encode(), {})], CallBudget.INTERACTIVE)
    assert isinstance(got, ProviderResponseError) and "empty id" in str(got)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf")])
def test_scores_without_a_json_form_never_reach_the_wire(bad: float) -> None:
    """httpx refuses NaN/inf in a JSON body with ValueError, mid-export."""
    with pytest.raises(ValidationError):
        ScorePush(**{**SCORE.model_dump(), "score": bad})
    with pytest.raises(ValidationError):
        ScorePush(**{**SCORE.model_dump(), "max_score": bad})
    with pytest.raises(ValidationError):
        QaScore(evaluation_id="e", agent_email="a@b.c", score=bad, max_score=10,
                evaluated_at=T0, updated_at=T0)
