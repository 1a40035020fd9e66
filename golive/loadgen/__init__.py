"""Load generation: Locust runs as a subprocess (gevent must never load into pytest's process)."""
