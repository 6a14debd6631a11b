"""Imports of historical recognition lists (XLSX, XLS, CSV)."""
