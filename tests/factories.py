"""A small office built in code, so domain and store tests do not depend on config.toml."""

from __future__ import annotations

from datetime import UTC, datetime

from kcc_tui.domain.office import Office, Post, Routing, Service, Staff, Topic

# A Tuesday morning in Brussels (UTC+1 in winter): 09:00 local.
T0 = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
PIN_HASH = "scrypt$16384$8$1$AAAA$AAAA"  # never verified in these tests: pin_ok is passed in


def make_office(**routing: object) -> Office:
    def svc(code: str, prefix: str, target: float, mean: float, **kw: object) -> Service:
        return Service(code=code, prefix=prefix, names={"nl": code.title()},
                       target_wait_min=target, mean_service_min=mean, **kw)

    return Office(
        name="Stad Test",
        services={
            "eid": svc("eid", "A", 15, 10),
            "rijbewijs": svc("rijbewijs", "B", 20, 12, priority_allowed=True),
            "afhalen": svc("afhalen", "E", 5, 3, daily_cap=50),
        },
        posts={
            "l1": Post(id="l1", name="Loket 1", services={"eid": 1, "rijbewijs": 1}),
            "l2": Post(id="l2", name="Loket 2", services={"eid": 1, "rijbewijs": 1}),
            "l3": Post(id="l3", name="Loket 3", services={"rijbewijs": 1}),
            "snel": Post(id="snel", name="Snelbalie", kind="quick", services={"afhalen": 1}),
            "tel": Post(id="tel", name="Telefoon", kind="phone"),
        },
        staff={
            sid: Staff(id=sid, name=sid.title(), pin_hash=PIN_HASH, role=role)
            for sid, role in [("an", "staff"), ("bo", "staff"), ("cas", "staff"),
                              ("dirk", "staff"), ("eva", "staff"), ("coord", "coordinator")]
        },
        topics={
            "eid-lost": Topic(code="eid-lost", label="eID verloren"),
            "wait": Topic(code="wait", label="Te lang gewacht", kind="complaint"),
        },
        routing=Routing(**routing),  # type: ignore[arg-type]
    )


def make_big_office(posts: int = 8) -> Office:
    """Every post serves every service: for concurrency tests."""
    base = make_office()
    everything = {code: 1.0 for code in base.services}
    return base.model_copy(update={
        "services": {k: v.model_copy(update={"daily_cap": None}) for k, v in base.services.items()},
        "posts": {f"p{i}": Post(id=f"p{i}", name=f"Loket {i}", services=everything)
                  for i in range(1, posts + 1)},
        "staff": {f"s{i}": Staff(id=f"s{i}", name=f"Staff {i}", pin_hash=PIN_HASH)
                  for i in range(1, posts + 1)}
        | {"coord": Staff(id="coord", name="Coord", pin_hash=PIN_HASH, role="coordinator")},
    })
