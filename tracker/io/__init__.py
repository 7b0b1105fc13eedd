"""Workbook and CSV import and export in the template's shape (docs/template.md)."""
