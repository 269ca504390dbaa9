"""Runs one export exactly as the CLI wires it, optionally SIGKILLing itself mid-run.

Usage: ``python kill_export.py HOME BATCH_SIZE [KILL_AFTER_PUSH]``. With ``KILL_AFTER_PUSH``
= n, the process kills itself with SIGKILL right after the provider acknowledged the n-th
push and before the checkpoint moves: the worst moment for "nothing lost, nothing doubled".
Prints the report as JSON when it survives.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    """Export once for the default tenant of data directory ``argv[0]``."""
    from wfm_bridge.core.export import ExportPolicy
    from wfm_bridge.host.bridge import Bridge
    from wfm_bridge.host.settings import Settings

    home, batch_size = Path(argv[0]), int(argv[1])
    kill_after = int(argv[2]) if len(argv) > 2 else None
    pushes = 0

    def kill_between_push_and_checkpoint(step: str) -> None:
        nonlocal pushes
        if step == "pushed":
            pushes += 1
            if pushes == kill_after:
                os.kill(os.getpid(), signal.SIGKILL)

    bridge = Bridge(Settings.from_env(data_dir=home))
    use_case = bridge.tenant("default").export(
        policy=ExportPolicy(batch_size=batch_size), on_step=kill_between_push_and_checkpoint
    )
    print(json.dumps(use_case.run().as_dict()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
