"""Write a run folder as `ansible-runner worker` would have streamed it, for the benchmarks.

    python tests/bench/stream_of_run.py IDENT_DIR OUT.jsonl

The layout is the worker's, record for record: `starting` (with an `env`), `running`, one
line per event file in counter order (its bytes as they are: runner's `json.dumps`), the
final status, `{"zipfile": N}` with the base64 of a zip of `rc`, `status`, `stdout`,
`stderr` and an empty `job_events/`, and `{"eof": true}` on the same line. Generated data
for timing only; the tests use streams from real `ansible-runner worker` runs.
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import os
import sys
import zipfile
from pathlib import Path


def event_names(job_events: Path) -> list[str]:
    names = [n for n in os.listdir(job_events) if n.endswith(".json") and "-" in n]
    return sorted(names, key=lambda n: int(n.split("-", 1)[0]))


def write_stream(ident_dir: Path, out: Path) -> int:
    """Write the stream; return how many events it holds."""
    ident = ident_dir.name
    status = (ident_dir / "status").read_text().strip() if (ident_dir / "status").is_file() else ""
    names = event_names(ident_dir / "job_events")
    with open(out, "wb") as fh:
        starting = {
            "status": "starting",
            "runner_ident": ident,
            "command": ["ansible-playbook", "-i", "/runner/inventory", "site.yml"],
            "env": {"PATH": "/usr/bin:/bin", "HOME": "/runner", "SECRET_TOKEN": "not-to-be-shown"},
            "cwd": "/runner/project",
        }
        fh.write(json.dumps(starting).encode() + b"\n")
        fh.write(json.dumps({"status": "running", "runner_ident": ident}).encode() + b"\n")
        folder = ident_dir / "job_events"
        for name in names:
            data = (folder / name).read_bytes().strip()
            fh.write(data.replace(b"\n", b" ") + b"\n")
        fh.write(json.dumps({"status": status or "successful", "runner_ident": ident}).encode())
        fh.write(b"\n")
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for extra in ("rc", "status", "stdout", "stderr"):
                if (ident_dir / extra).is_file():
                    archive.write(ident_dir / extra, arcname=extra)
            archive.writestr("job_events/", b"")
        data = buf.getvalue()
        fh.write(json.dumps({"zipfile": len(data)}).encode() + b"\n")
        fh.write(base64.b64encode(data))
        fh.write(json.dumps({"eof": True}).encode() + b"\n")
    return len(names)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ident_dir", type=Path)
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    n = write_stream(args.ident_dir, args.out)
    print(f"{args.out}: {n:,} events", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
