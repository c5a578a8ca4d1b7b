"""`python -m recapdesk`."""

from recapdesk.cli import run

run()
