"""golive: every go-live checklist item as an executable check, and one GO / NO-GO decision."""

from golive import expect
from golive.checks import check
from golive.outcomes import CheckFailed, not_applicable, required, unverified

__all__ = ["check", "expect", "CheckFailed", "not_applicable", "required", "unverified"]
__version__ = "0.1.0"
