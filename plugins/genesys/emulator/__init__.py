"""A stateful Genesys Cloud look-alike for tests, benchmarks and demos (loopback only).

``Emulator`` (emulator.py) holds config, state (``GenesysState``, with its ledger), faults,
OAuth tokens and the rate limit; ``server.EmulatorServer`` serves it over HTTP;
``seed.seed_demo`` loads the shared demo organisation. Shapes and status codes follow the
official Python SDK (``purecloudplatformclientv2``), which the tests use as the judge.

Endpoints: ``POST /oauth/token``; ``GET /api/v2/users``; under
``/api/v2/workforcemanagement``: ``GET businessunits``, ``GET businessunits/{id}``,
``GET businessunits/{id}/activitycodes``, ``GET businessunits/{id}/managementunits``,
``GET managementunits/{id}/users``, ``POST businessunits/{id}/agentschedules/search``;
``GET|POST /api/v2/coaching/appointments``, ``GET|DELETE /api/v2/coaching/appointments/{id}``;
``GET|POST /api/v2/employeeperformance/externalmetrics/definitions``, ``GET .../{id}``,
``POST .../externalmetrics/data``; ``GET /_downloads/{token}`` (download links).

What the docs and the SDK settle (followed as such): the token answer ``{access_token,
token_type: "bearer", expires_in}`` for Basic ``client_id:client_secret`` and
``grant_type=client_credentials``; ``ErrorBody`` errors (``message``, ``code``, ``status``);
``pageSize``/``pageNumber`` listings with ``total``/``pageCount``/``nextUri``; list query
parameters comma-joined; the schedule search answering ``BuAsyncAgentSchedulesSearchResponse``
with the result inline, a ``downloadUrl``, or ``Processing`` + ``operationId`` (``forceAsync``
/ ``forceDownloadService`` force the last two); coaching appointments and external-metric
batches as their SDK models; ``addToSchedule`` putting appointments in agents' schedules.

Our assumptions (the docs and the SDK are silent; each is configurable or easy to change):

- Tokens live ``expires_in`` = 86399 s; an unknown, missing or expired bearer token is 401
  ``bad.credentials``; a bad client id or secret at ``/oauth/token`` is 401 ``invalid_client``,
  another grant type 400 ``unsupported_grant_type``.
- The rate limit is at most 300 requests in any 60 s per access token (a sliding window);
  the 429 carries ``Retry-After`` (whole seconds until a request leaves the window) and the
  message "Rate limit exceeded the maximum. Retry the request in [N] seconds". Token
  requests and download links are not rate limited.
- ``GET /api/v2/users``: ``state`` defaults to ``active`` (``any`` lists every state), sorted
  by name; ``pageSize`` 25 by default, at most 500; at most 100 ``id`` values.
- Schedule search: a window of at most 42 days and at most 500 ``userIds`` (omitted: every
  agent of the business unit); users who are not agents of the business unit are left out;
  every shift overlapping the window is returned whole, never clipped; agents without shifts
  are listed with no shifts. Answers with more than 500 shifts come as a ``downloadUrl``
  (no bearer token needed, valid 1 h). A ``Processing`` answer's result is published on
  topic ``v2.workforcemanagement.businessunits.{id}.agentschedules.search`` as
  ``{operationId, businessUnitId, downloadUrl}``; the emulator keeps the events for
  ``GET /_emulator/notifications`` (it has no WebSocket notification channel).
- Each agent's working day is one shift whose activities do not overlap; full-day time off
  is a shift holding one ``TimeOff`` activity (no ``fullDayTimeOffMarkers``).
- Coaching: create answers 201; ``dateStart`` is rounded down to the minute; name, dateStart,
  lengthInMinutes (1-1440) and a non-empty attendeeIds of active users are required; the
  facilitator must be an active user who is not an attendee. ``addToSchedule`` adds one
  activity with the business unit's ``settings.coaching.defaultActivityCode`` (description =
  the appointment name) to the schedule of each attendee and of the facilitator who is an
  agent of a management unit, into the shift it overlaps (other activities untouched), else
  into a new shift; delete answers 200 with ``{id, selfUri}``, removes exactly those
  activities, and a later GET or DELETE is 404. Listing: ``userIds`` (at most 100) match any
  relationship unless ``relationships`` says which; ``interval`` keeps appointments starting
  in it (``intervalCondition=Overlaps``: overlapping it), zone-less times read as UTC; sorted
  by start; ``pageSize`` 25 by default, at most 100.
- External metrics: definitions are created with 200; ``data`` takes 1-100 items (else 400);
  an item names the user by ``userId`` or ``userEmail`` (exactly one); invalid items come back
  in ``unprocessedEntities`` (``message``, ``code``) while the valid ones are applied (200).
"""
