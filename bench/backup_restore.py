"""Time ``manage.py backup`` and ``manage.py restore --verify`` on a database made by bench/make_practice.py.

    .venv/bin/python bench/backup_restore.py --database-url sqlite:////path/practice.sqlite3 [--repeat 2]

Runs the real commands as subprocesses (as cron would) and prints wall times, the row count and the
sealed file's size as JSON on the last line. Backups go to a temporary folder that is removed after.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(env, *args):
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    return time.monotonic() - started, result.stdout


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="tending-bench-backup-") as folder:
        env = {**os.environ, "DATABASE_URL": args.database_url, "TENDING_VAR_DIR": folder, "LOG_LEVEL": "WARNING"}
        runs = []
        for _ in range(args.repeat):
            backup_s, out = _run(env, "backup", "--dir", folder)
            target = out.strip().splitlines()[-1]
            manifest = json.loads((Path(target) / "manifest.json").read_text())
            restore_s, verified = _run(env, "restore", target, "--verify")
            runs.append(
                {
                    "backup_wall_s": round(backup_s, 2),
                    "backup_inside_s": manifest["seconds"],
                    "restore_verify_wall_s": round(restore_s, 2),
                    "rows": sum(t["rows"] for t in manifest["tables"].values()),
                    "tables": len(manifest["tables"]),
                    "sealed_bytes": manifest["bytes"],
                    "verified": "Verified against the manifest" in verified,
                }
            )
    print(json.dumps({"database": args.database_url.split("@")[-1], "runs": runs}))


if __name__ == "__main__":
    main()
