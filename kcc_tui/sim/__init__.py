"""`kcc simulate`: a discrete-event simulation of office days that drives the real domain code.

- `scenario`: scenario files (TOML) validated into typed settings, one-line errors;
- `citizens`: what is drawn about citizens (arrivals, needs), shared with the validation;
- `model`: the SimPy model (citizens, staff, coordinator) around `domain.ledger.Ledger`;
- `metrics`: KPIs per service and hour, and the accuracy of the wait estimates;
- `validate`: agreement with Erlang C and Little's law;
- `storewriter`: writing simulated days through the real store (`--store`);
- `fit`: a scenario learned from the store's history (`--fit`);
- `report`, `cli`: what `kcc simulate` prints, and the click command. See docs/simulation.md.
"""
