"""A stateful Assembled look-alike for tests, benchmarks and demos (loopback only).

``Emulator`` holds config, state (``EmulatorState``, with its ledger) and faults;
``EmulatorServer`` serves it over HTTP; ``seed``/``seed_demo`` load data.
Heavy imports (starlette, uvicorn) happen in the submodules, not here.
"""
