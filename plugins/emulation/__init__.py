"""What every vendor's emulator shares, whichever vendor it imitates: injected faults
(``faults``), the gate in front of the API as ASGI middleware (``gate``: latency, faults,
the ledger's request counters), the ``/_emulator`` admin routes (``admin``), JSON in and out
(``responses``) and the request counters of a ledger (``ledger``).

A vendor's emulator (``plugins/<vendor>/emulator``) brings what is its own: its routes, its
auth and rate-limit check, its error body, its state. It uses these modules rather than
another vendor's. Heavy imports (starlette) happen in the submodules, not here.
"""
