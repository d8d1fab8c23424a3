"""Office procedures handbook: YAML procedures, records and roles → checked model → site, charts, PDFs."""

__version__ = "0.1.0"
