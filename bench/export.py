"""Time one client's full data export (zip with JSON, CSVs and the journey PDF) and the journey PDF alone.

    .venv/bin/python bench/export.py [--database-url URL] [--repeat 3]

Uses the longest-staying active client of the first synthetic practice (bench/make_practice.py):
the five-year history. Calls the same functions the "Download my data" button calls
(``dataprivacy.services.export_build`` and ``journey_pdf``) in this process, and prints the
best and worst of ``--repeat`` runs, the zip size and the rows per section, as JSON.
"""

import argparse
import json
import logging
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import database_url, setup_django  # noqa: E402
from bench.make_practice import longest_staying_client  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    setup_django(database_url(args.database_url))
    logging.getLogger("weasyprint").setLevel(logging.WARNING)  # it logs every page it lays out
    # Django is set up at run time (bench.common.setup_django), so models are imported once it is.
    from django.core.management import call_command
    from django.db import connection

    from dataprivacy import registry
    from dataprivacy.services import export_build, journey_pdf

    call_command("migrate", verbosity=0, interactive=False)
    client = longest_staying_client()
    export_times, pdf_times, size, sections = [], [], 0, {}
    for _ in range(args.repeat):
        began = time.perf_counter()
        data = export_build(client=client)
        export_times.append(time.perf_counter() - began)
        size = len(data)
        sections = registry.collect(client)
        began = time.perf_counter()
        journey_pdf(client, sections)
        pdf_times.append(time.perf_counter() - began)
    result = {
        "database": connection.vendor,
        "client_since": client.created_at.date().isoformat(),
        "rows": {name: len(rows) for name, rows in sections.items()},
        "export_seconds": {"best": round(min(export_times), 2), "worst": round(max(export_times), 2)},
        "journey_pdf_seconds": {"best": round(min(pdf_times), 2), "worst": round(max(pdf_times), 2)},
        "zip_bytes": size,
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
