"""Rows and bytes per client-year, from a synthetic practice on PostgreSQL (docs/scale.md, the capacity model).

    .venv/bin/python bench/sizes.py [--database-url postgres://…] [--top 25] [--json out.json]

For every table of the database: its rows (an exact ``count(*)``) and its size on disk with indexes and
TOAST (``pg_total_relation_size``), each divided by the client-years the database holds. A client-year
is one client in care for a year: the sum over clients of the time from their ``created_at`` to the end
of their care span (``care_status_since`` for a client whose care ended or paused, today for an active
one), which is how ``bench/make_practice.py`` writes their history. Run ``VACUUM ANALYZE`` first for
sizes that do not count dead rows (the script does, unless ``--no-vacuum``). Prints a Markdown table
(the largest tables first, the rest summed) and the totals.
"""

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import database_url, is_postgres  # noqa: E402

CLIENT_YEARS_SQL = """
SELECT sum(EXTRACT(EPOCH FROM (
           CASE WHEN care_status = 'active' THEN now()
                ELSE GREATEST(care_status_since::timestamptz, created_at) END
           - created_at)) / (365.25 * 86400)),
       count(*),
       count(DISTINCT practice_id)
  FROM practice_client
"""
TABLES_SQL = """
SELECT c.relname, pg_total_relation_size(c.oid)
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p') AND n.nspname = 'public'
"""


def measure(url: str, *, vacuum: bool = True) -> dict:
    import psycopg  # imported here: the script's options come first
    from psycopg import sql

    with psycopg.connect(url, autocommit=True) as conn:
        if vacuum:
            conn.execute("VACUUM ANALYZE")
        client_years, clients, practices = conn.execute(CLIENT_YEARS_SQL).fetchone()
        client_years = float(client_years or 0)
        tables = []
        for name, size in conn.execute(TABLES_SQL).fetchall():
            (rows,) = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(name))).fetchone()
            tables.append({"table": name, "rows": rows, "bytes": size})
    if not client_years:
        raise SystemExit("No clients in this database: make a practice first (bench/make_practice.py).")
    for table in tables:
        table["rows_per_client_year"] = round(table["rows"] / client_years, 1)
        table["bytes_per_client_year"] = round(table["bytes"] / client_years)
    tables.sort(key=lambda t: -t["bytes"])
    total_rows = sum(t["rows"] for t in tables)
    total_bytes = sum(t["bytes"] for t in tables)
    return {
        "database": url.rsplit("@", 1)[-1],
        "practices": practices,
        "clients": clients,
        "client_years": round(client_years, 1),
        "total_rows": total_rows,
        "total_bytes": total_bytes,
        "rows_per_client_year": round(total_rows / client_years, 1),
        "bytes_per_client_year": round(total_bytes / client_years),
        "tables": tables,
    }


def markdown(found: dict, top: int) -> str:
    lines = [
        f"{found['practices']} practices, {found['clients']} clients, {found['client_years']} client-years; "
        f"{found['total_rows']:,} rows, {found['total_bytes'] / 2**20:,.1f} MiB "
        f"(tables, indexes and TOAST).",
        "",
        "| table | rows | MiB | rows per client-year | KiB per client-year |",
        "|---|---:|---:|---:|---:|",
    ]

    def row(name, rows, size, per_rows, per_bytes):
        return f"| {name} | {rows:,} | {size / 2**20:,.2f} | {per_rows:,.1f} | {per_bytes / 1024:,.1f} |"

    for table in found["tables"][:top]:
        lines.append(
            row(
                table["table"],
                table["rows"],
                table["bytes"],
                table["rows_per_client_year"],
                table["bytes_per_client_year"],
            )
        )
    rest = found["tables"][top:]
    if rest:
        rows, size = sum(t["rows"] for t in rest), sum(t["bytes"] for t in rest)
        lines.append(
            row(f"the other {len(rest)} tables", rows, size, rows / found["client_years"], size / found["client_years"])
        )
    lines.append(
        row(
            "**all**",
            found["total_rows"],
            found["total_bytes"],
            found["rows_per_client_year"],
            found["bytes_per_client_year"],
        )
    )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--no-vacuum", action="store_true")
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    url = database_url(args.database_url)
    if not is_postgres(url):
        raise SystemExit("bench/sizes.py reads PostgreSQL's relation sizes: give a postgres:// --database-url")
    found = measure(url, vacuum=not args.no_vacuum)
    print(markdown(found, args.top))
    if args.json:
        Path(args.json).write_text(json.dumps(found, indent=2))


if __name__ == "__main__":
    main()
