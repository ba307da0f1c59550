"""Migrations keep what the data means: codes used before an upgrade stay used, and back again."""

import sqlite3
from pathlib import Path

from insikt_common.migrations import downgrade, upgrade
from survey_api.prestart import MIGRATIONS


def test_used_codes_move_to_their_round_unit_and_back(tmp_path: Path) -> None:
    path = tmp_path / "survey.db"
    url = f"sqlite:///{path}"
    upgrade(MIGRATIONS, url, "0003")
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO unit VALUES ('U1', 'Enhet', 'hvb', '0580', 'org')")
        db.execute("INSERT INTO unit VALUES ('U2', 'Enhet 2', 'hvb', '0580', 'org')")
        db.execute(
            "INSERT INTO survey_round VALUES ('R', 'T', 'Q', '2026-01-01', '2026-12-31', 'open', 5, 'org', 1, 'codes')"
        )
        db.executemany("INSERT INTO round_unit VALUES ('R', ?, NULL)", [("U1",), ("U2",)])
        codes = [("c", "U1", 1), ("a", "U1", 0), ("b", "U1", 1), ("d", "U2", 0)]
        db.executemany("INSERT INTO access_code VALUES (?, 'R', ?, '2026-01-02', ?)", codes)

    upgrade(MIGRATIONS, url)
    with sqlite3.connect(path) as db:
        ordinals = dict(db.execute("SELECT code_hash, ordinal FROM access_code").fetchall())
        used = dict(db.execute("SELECT unit_id, codes_used FROM round_unit").fetchall())
    assert ordinals == {"a": 0, "b": 1, "c": 2, "d": 0}
    assert used == {"U1": "011", "U2": "0"}

    downgrade(MIGRATIONS, url, "0003")
    with sqlite3.connect(path) as db:
        back = db.execute("SELECT code_hash, unit_id, used FROM access_code ORDER BY code_hash").fetchall()
    assert back == [("a", "U1", 0), ("b", "U1", 1), ("c", "U1", 1), ("d", "U2", 0)]
