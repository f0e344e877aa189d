"""The pure domain of kcc: no I/O, no Textual, no database. Deterministic given a clock."""
