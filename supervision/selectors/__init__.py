"""supervision selectors, split by subject (stats for the dashboard, lists for pages and the API)."""
