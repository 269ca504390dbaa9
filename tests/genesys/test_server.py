"""The serve entry point: ``main()`` starts a seeded emulator that answers, ``prepare``
refuses bad options with typed errors and never echoes a secret the user chose."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import httpx
import pytest

from wfm_bridge.plugins.genesys.emulator.server import prepare
from wfm_bridge.ports.errors import InvalidInputError

from .support import TODAY


def test_main_serves_the_demo_until_interrupted() -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    argv = [sys.executable, "-m", "wfm_bridge.plugins.genesys.emulator.server", "--port", "0",
            "--client-id", "cid", "--client-secret", "top-secret"]  # fmt: skip
    process = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(3)]
        assert lines[0].startswith("seeded the demo organisation")
        url = lines[1].split(" on ")[1].split()[0]
        token = httpx.post(
            url + "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=("cid", "top-secret"),
        ).json()["access_token"]
        users = httpx.get(url + "/api/v2/users", headers={"Authorization": f"Bearer {token}"})
        assert users.status_code == 200 and users.json()["total"] == 41
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert "top-secret" not in "".join(lines) + out + err


def test_main_refuses_bad_options_in_one_line() -> None:
    from wfm_bridge.plugins.genesys.emulator.server import main

    assert main(["--seed", "huge", "--port", "0"]) == 2


@pytest.mark.parametrize(
    "options",
    [
        {"seed": "huge"},
        {"port": 70000},
        {"latency": -1.0},
        {"client_id": "only-the-id"},
        {"client_id": " ", "client_secret": "x"},
    ],
)
def test_prepare_refuses_bad_options(options: dict[str, object]) -> None:
    with pytest.raises(InvalidInputError):
        settings = {"port": 0, "today": TODAY, "echo": lambda _: None, **options}
        prepare(**settings)  # type: ignore[arg-type]


def test_prepare_prints_the_demo_secret_only_when_it_chose_it() -> None:
    said: list[str] = []
    server = prepare(port=0, seed="empty", echo=said.append)
    server.stop()
    assert any(line.startswith("client secret: ") for line in said)
    said.clear()
    server = prepare(port=0, seed="empty", client_id="id", client_secret="mine", echo=said.append)
    server.stop()
    assert "mine" not in "\n".join(said) and "<SECRET>" in "\n".join(said)
