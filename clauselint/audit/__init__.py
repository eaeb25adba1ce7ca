"""Audits of a whole contract estate: resumable, streamed to a JSONL results file, locally or on Dask.

    sources ──plan (skip what is recorded and unchanged)──▶ engine (local processes | Dask) ──▶ one line per file
    results file ──summarize──▶ any report format

- `sources`: files, folders and globs (as the linter walks them) and fsspec URLs.
- `records` / `results_file`: the line written per file, and the append-only file that holds them.
- `stamp`: what decides a file's findings besides its content (versions, pack content, read options).
- `local_engine` / `dask_engine` (+ `worker`, what a Dask worker runs): each yields one outcome per file.
- `run`: plans, drives an engine and writes each outcome at once; `command`: the `clauselint audit` CLI.
- `summarize`: a results file back into a Report for the existing reporters.
"""
