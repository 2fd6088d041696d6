"""The API does what its OpenAPI description says: schemathesis's CLI against the real server.

Every phase (examples, coverage, fuzzing, stateful) and every check, a fixed seed and a few
examples per operation, within 90 s, so that the test ends in under two minutes on a busy
machine and says the same each time. The project's schemathesis.toml allows 422 only on the
operations whose bodies carry rules no schema can state (it says which, and why).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from jobs_support import environment, free_port, start, stop, wait_for
from webfixtures import PASSWORD, _seeded_copy

SEED = "20261201"
ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(
    shutil.which("schemathesis", path=str(Path(sys.executable).parent)) is None,
    reason="schemathesis is not installed (the dev extra)",
)


def _answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/openapi.json", timeout=5):
            return True
    except OSError:
        return False


def _token(port: int, login: str) -> str:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/token",
        data=json.dumps({"login": login, "password": PASSWORD}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["token"]


def test_schemathesis_finds_no_failure_against_the_live_server(tmp_path: Path):
    database = tmp_path / "docgen.sqlite"
    _seeded_copy(database)
    port = free_port()
    server = start(
        ["waitress", f"--listen=127.0.0.1:{port}", "--call", "docgen:create_app"],
        environment(database, tmp_path / "instance"),
        tmp_path / "server.log",
    )
    try:
        wait_for(lambda: _answers(port), 60, "the server answers")
        token = _token(port, "director")
        run = subprocess.run(
            [
                str(Path(sys.executable).parent / "schemathesis"),
                "--config-file",
                str(ROOT / "schemathesis.toml"),
                "run",
                f"http://127.0.0.1:{port}/api/openapi.json",
                "--header",
                f"Authorization: Bearer {token}",
                "--phases",
                "examples,coverage,fuzzing,stateful",
                "--checks",
                "all",
                "--seed",
                SEED,
                "--max-examples",
                "3",
                "--max-time",
                "90",
                "--workers",
                "1",
                "--no-color",
                "--generation-database",
                "none",
                # Revoking the run's own token would leave every later request at 401.
                "--exclude-operation-id",
                "revoke_token_delete",
            ],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=240,
        )
    finally:
        stop(server)
    summary = run.stdout[run.stdout.rfind("SUMMARY") :]
    assert summary, run.stdout[-6000:] + run.stderr[-3000:]
    # Every check passes: no 5xx, answers match their schemas and statuses, 405 with Allow for
    # undeclared methods, created records readable where Location points, schema-valid requests
    # accepted (or refused for stored records, 409) and schema-violating ones refused.
    assert re.findall(r"❌ (ST\d+) ", summary) == [], run.stdout[-12000:]
    assert run.returncode == 0, run.stdout[-12000:]
    selected = re.search(r"Selected: (\d+)/", summary)
    tested = re.search(r"Tested: (\d+)", summary)
    assert selected and tested and tested.group(1) == selected.group(1), summary
