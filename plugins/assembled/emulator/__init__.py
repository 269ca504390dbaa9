"""A stateful Assembled look-alike for tests, benchmarks and demos (loopback only).

``Emulator`` holds config, state (``EmulatorState``, with its ledger) and faults;
``EmulatorServer`` serves it over HTTP; ``seed``/``seed_demo`` load data.
Heavy imports (starlette, uvicorn) happen in the submodules, not here.

What it follows from the documentation (assembled-api.md; the official Go client): id-keyed
maps, unix seconds, HTTP Basic with the key as user name; ``allow_conflicts`` false (the
default) deletes the agent's overlapping activities; the window delete (``DELETE
/v0/activities``) removes only time inside the window: activities inside go, partial overlaps
are trimmed, an enclosing activity is split (12-18 minus 14-16 leaves 12-14 and 16-18); it
answers 400 for unknown agent ids; the bulk endpoint is one transaction and deletes by id;
productive activity types carry a non-empty ``channels`` list and are never ``timeoff``;
``include_activity_types`` / ``include_agents`` add the ``activity_types`` / ``agents`` maps
to an activities answer; 401 for an unknown key; 429 over the per-key rate limit.

Our assumptions, where the documentation is silent (a test that depends on one of these
depends on a guess; the plugin treats the same points as unknown or configuration):

- error bodies are ``{"message": "..."}`` JSON, for every error status;
- unknown routes (and known paths with another method) answer 404 with that JSON body;
- the rate limit is a token bucket per key (``rate``/s, ``burst``), 429 carries
  ``Retry-After`` in whole seconds (at least 1) unless ``retry_after_on_limit`` is off;
- a split's part after the window becomes a new activity (a new ``id``); the part before
  keeps the id;
- ``GET /v0/activities`` with unknown agent ids answers 200 with no activities for them, and
  ignores ``limit``/``offset`` (as reported by public clients); no maximum window;
- ``include_agents`` maps ``agent_id`` -> Person for the agents in the answer;
  ``include_activity_types`` adds every type; flags are true for ``true`` or ``1``;
- a 400 from the bulk endpoint means "nothing was applied" (one transaction);
- ``/v0/people`` pages 100 by default, at most 500;
- the QA-score endpoint (path and envelope are configuration, default
  ``POST /v0/qa_scores/bulk``) upserts by ``conversation_external_id`` and answers 202; a
  real account may answer 200, or 403/404/405 when the plan lacks it;
- the channels of productive types are ``phone``, ``email`` and ``chat``;
- teams: ``GET /v0/teams`` answers ``{"teams": {"<id>": {"id", "name"}}}`` (keyed by id like
  every collection; no paging), and a person's ``teams`` lists the ids of its teams
  (assembled-api.md shows ``teams: ["uuid"]`` on Person but not the teams endpoint).
"""
