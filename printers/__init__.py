"""Ticket printers: what a ticket says (`layout`), how bytes reach a printer (`transport`),
how a printer is doing (`health`) and printing without blocking the caller (`service`).

Nothing is imported here, so `printers.settings` stays cheap for the config loader.
"""
