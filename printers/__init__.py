"""Ticket printers: what a ticket says (`layout`), how bytes reach a printer (`transport`),
how a printer is doing (`health`) and printing without blocking the caller (`service`).

Nothing heavy is imported here, so `printers.settings` stays cheap for the config loader.
"""

import logging

# A library's logger: records reach whatever handlers the application configured, and never
# Python's last-resort handler (a raw "message" line on stderr of a CLI command).
logging.getLogger(__name__).addHandler(logging.NullHandler())
