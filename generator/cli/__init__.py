"""The thin command-line layer: typer commands that map flags onto the Python API."""
