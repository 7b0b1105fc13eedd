"""Workbook and CSV import and export in the template's shape (DESIGN.md, "Import template")."""
