"""plans selectors, split by subject (quota, blocks, enterprises, plans, inspections)."""
