"""``python -m bot privacy scan``: check text from standard input, print findings as JSON.

Needs no settings, token or database. Prints only kinds and offsets, never the text.
"""

from __future__ import annotations

import json
import sys
from typing import BinaryIO, TextIO


def scan_stdin(stdin: BinaryIO | None = None, stdout: TextIO | None = None) -> int:
    """Read UTF-8 text, print ``[{"kind": …, "start": …, "end": …}, …]``; exit code 0.

    Offsets count characters (code points) of the decoded text, as :func:`bot.privacy.scan`
    reports them. Bytes that are not UTF-8 are replaced, so offsets stay meaningful.
    """
    from bot.privacy import scan

    source = stdin if stdin is not None else sys.stdin.buffer
    target = stdout if stdout is not None else sys.stdout
    text = source.read().decode("utf-8", errors="replace")
    findings = [
        {"kind": finding.kind, "start": finding.start, "end": finding.end}
        for finding in scan(text)
    ]
    target.write(json.dumps(findings) + "\n")
    return 0
