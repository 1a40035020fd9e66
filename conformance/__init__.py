"""The conformance tier (issue 8 §9): golive run against real open-source servers, unmodified."""
