"""What the window shows about the open texts — word counts and headings, problems, and
where stills are used — worked out from one parse per text, in a worker process
(`worker`) so that a long recap never holds up the keyboard (`inspector` holds the work
itself, the same in either process)."""

from recapdesk.core.inspection.inspector import (
    InspectionJob,
    InspectionResult,
    Inspector,
    TextInspection,
    large_note,
)

__all__ = ["InspectionJob", "InspectionResult", "Inspector", "TextInspection", "large_note"]
