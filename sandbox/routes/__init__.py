"""HTTP routes, grouped by concern; flavors pick which of them a sandbox serves."""
