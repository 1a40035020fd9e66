"""golive's sandbox: the bundled reference target system with injectable production faults.

Shares no code with golive in either direction; golive only starts it as a process.
Run ``python -m sandbox --help``; see sandbox/README.md.
"""
