"""`python -m recapdesk`."""

import sys

from recapdesk.cli import main

sys.exit(main())
