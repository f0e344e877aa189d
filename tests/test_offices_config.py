"""`[office] id` and the installation file (offices.toml): every mistake is one line naming the
file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest
from offices_kit import installation, kcc, office_config

from kcc_tui.cli.common import Env
from kcc_tui.cli.offices import home_office
from kcc_tui.config import ConfigError, load_settings
from kcc_tui.config.installation import load_installation
from kcc_tui.domain.office_id import derived_id


def test_the_office_id_is_a_code_and_derived_from_the_name_when_left_out(
        tmp_path: Path) -> None:
    assert load_settings(office_config(tmp_path, "noord")).office.id == "noord"
    assert derived_id("Stad Leiebrugge — Klantencontactcenter") == "stad-leiebrugge"
    assert derived_id("Deelgemeente Sint-Andriës") == "deelgemeente-sint-andries"
    assert derived_id("— ★ —") == "office"
    bad = office_config(tmp_path, "x")
    bad.write_text(bad.read_text().replace('id = "x"', 'id = "Noord Kantoor"'))
    with pytest.raises(ConfigError) as err:
        load_settings(bad)
    assert str(err.value) == (f'{bad}: office.id: expected a code of lowercase letters, digits, '
                              '"-" or "_" (at most 32), found "Noord Kantoor"')


def test_an_installation_lists_offices_with_their_own_configs_and_stores(
        tmp_path: Path) -> None:
    inst = load_installation(installation(tmp_path))
    assert list(inst.offices) == ["stadhuis", "noord"]
    assert inst.store_of("noord") == tmp_path / "noord" / "kcc.db"


def test_offices_on_one_server_each_have_a_database_of_their_own(tmp_path: Path) -> None:
    """[store] url wins over path for an office of an installation, as for one office; two
    offices in the same database are refused (another user or password is the same one)."""
    server = "postgresql://kcc@127.0.0.1:5999"
    urls = {"stadhuis": f"{server}/stadhuis", "noord": f"{server}/noord"}
    inst = load_installation(installation(tmp_path, urls=urls))
    assert [inst.store_of(oid) for oid in inst.offices] == list(urls.values())
    urls["noord"] = "postgresql://other:secret@127.0.0.1:5999/stadhuis"
    with pytest.raises(ConfigError) as err:
        load_installation(installation(tmp_path, urls=urls))
    assert str(err.value).endswith(
        'offices.noord.config: expected a store of its own, found [store] url '
        '"postgresql://other:***@127.0.0.1:5999/stadhuis", the store of office "stadhuis" too')


def test_the_coordinator_starts_on_its_office_s_database(tmp_path: Path) -> None:
    """`kcc --config noord.toml coordinator --offices ...` binds the app to noord's database
    (not to the config file the pepper sits beside); without --config, the first office."""
    urls = {oid: f"postgresql://kcc@127.0.0.1:5999/{oid}" for oid in ("stadhuis", "noord")}
    inst = load_installation(installation(tmp_path, urls=urls))
    settings, db = home_office(Env(str(tmp_path / "noord.toml"), None, False), inst)
    assert (settings.office.id, db) == ("noord", urls["noord"])
    settings, db = home_office(Env(None, None, False), inst)
    assert (settings.office.id, db) == ("stadhuis", urls["stadhuis"])


@pytest.mark.parametrize(("text", "expected"), [
    ("", "offices: expected at least one office"),
    ('[office.a]\nconfig = "a.toml"\n', 'unknown key "office"'),
    ('[offices."Noord"]\nconfig = "noord.toml"\n', 'offices.Noord: expected an office id'),
    ('[offices.noord]\nconfg = "noord.toml"\n', 'unknown key "confg" (did you mean "config"?)'),
    ('[offices.noord]\n', "offices.noord.config: expected the path of the office's config"),
    ('[offices.zuid]\nconfig = "noord.toml"\n',
     'offices.zuid.config: expected the config of office "zuid", found office "noord"'),
    ('[offices.noord]\nconfig = "noord.toml"\n[offices.tweede]\nconfig = "tweede.toml"\n',
     'offices.tweede.config: expected a store of its own'),
    ('[offices.noord]\nconfig = "missing.toml"\n', "missing.toml: file not found"),
])
def test_a_wrong_installation_is_one_line(tmp_path: Path, text: str, expected: str) -> None:
    office_config(tmp_path, "noord")
    second = office_config(tmp_path, "tweede")  # ... with office noord's store
    second.write_text(second.read_text().replace(str(tmp_path / "tweede"),
                                                 str(tmp_path / "noord")))
    path = tmp_path / "offices.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as err:
        load_installation(path)
    assert expected in str(err.value) and "\n" not in str(err.value)


def test_the_cli_reports_a_bad_installation_with_exit_code_2(tmp_path: Path) -> None:
    path = tmp_path / "offices.toml"
    path.write_text("[offices.noord]\n")
    out = kcc("report", "--offices", str(path))
    assert out.returncode == 2
    assert out.stderr.splitlines()[-1].startswith(f"kcc: {path}: offices.noord.config")
    env = {"PATH": "/usr/bin:/bin", "KCC_OFFICES": str(path), "HOME": str(tmp_path)}
    out = kcc("coordinator", env=env)
    assert out.returncode == 2 and "offices.noord.config" in out.stderr


def test_the_installation_comes_from_kcc_offices_and_binds_no_other_office(
        tmp_path: Path) -> None:
    import os

    path = installation(tmp_path)
    for oid in ("stadhuis", "noord"):
        assert kcc("--config", str(tmp_path / f"{oid}.toml"), "init").returncode == 0
    env = {**os.environ, "KCC_OFFICES": str(path)}
    out = kcc("report", "--json", env=env)
    assert out.returncode == 0, out.stderr
    assert '"office_id": "noord"' in out.stdout
    # the pane starts on an office of the installation, never on another one
    other = office_config(tmp_path, "zuid")
    out = kcc("--config", str(other), "coordinator", env=env)
    assert out.returncode == 2
    assert out.stderr.splitlines()[-1] == (f'kcc: office "zuid" of {other} is not in {path} '
                                           "(offices: stadhuis, noord)")
    out = kcc("--db", str(tmp_path / "x.db"), "report", env=env)
    assert out.returncode == 2 and "--db names one office's store" in out.stderr
