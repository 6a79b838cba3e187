"""supervision services, split by subject; callers import from the submodules."""
