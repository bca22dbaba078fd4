"""Output: tables in several formats, Vega-Lite charts, self-contained HTML reports."""
