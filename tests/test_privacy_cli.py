"""``python -m bot privacy scan``: JSON findings on standard output, no settings needed."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.privacy.cli import scan_stdin

ROOT = Path(__file__).resolve().parents[1]
TEXT = "Frau Jennifer Kowalski ist unter 0176 12345678 oder jennifer.k@web.de erreichbar."
IDENTIFIERS = ("Jennifer", "Kowalski", "0176", "12345678", "jennifer.k@web.de")


def _run(stdin: bytes) -> subprocess.CompletedProcess[bytes]:
    """Run the command with nothing in the environment but PATH."""
    return subprocess.run(
        [sys.executable, "-m", "bot", "privacy", "scan"],
        input=stdin,
        capture_output=True,
        cwd=ROOT,
        env={"PATH": os.environ.get("PATH", "")},
        timeout=120,
        check=False,
    )


@pytest.mark.slow
def test_scan_prints_findings_as_json_without_any_settings() -> None:
    """No token, database or .env: exit code 0 and a JSON list of kinds and offsets."""
    result = _run(TEXT.encode())
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    findings = json.loads(result.stdout)
    assert [(f["kind"], TEXT[f["start"] : f["end"]]) for f in findings] == [
        ("name", "Jennifer Kowalski"),
        ("phone", "0176 12345678"),
        ("email", "jennifer.k@web.de"),
    ]
    assert all(set(f) == {"kind", "start", "end"} for f in findings)


@pytest.mark.slow
def test_scan_never_prints_the_identifiers() -> None:
    """Neither standard output nor standard error repeats what was found."""
    result = _run(TEXT.encode())
    output = result.stdout.decode() + result.stderr.decode()
    for identifier in IDENTIFIERS:
        assert identifier not in output


def test_offsets_count_characters_and_bad_bytes_are_replaced() -> None:
    """Offsets are code points of the decoded text; invalid UTF-8 does not stop the check."""
    out = io.StringIO()
    text = "Ä\xff Mail: a.b@web.de".encode("utf-8", errors="surrogateescape")
    assert scan_stdin(io.BytesIO(text.replace(b"\xc3\xbf", b"\xff")), out) == 0
    assert json.loads(out.getvalue()) == [{"kind": "email", "start": 9, "end": 19}]


def test_clean_text_gives_an_empty_list() -> None:
    """A clean answer prints ``[]``."""
    out = io.StringIO()
    scan_stdin(io.BytesIO("Die Mutter wünscht sich Hilfe.".encode()), out)
    assert json.loads(out.getvalue()) == []
