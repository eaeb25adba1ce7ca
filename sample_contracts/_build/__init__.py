"""Helpers for sample_contracts/build.py: source parsing, DOCX writer, PDF writer."""
