"""Writes the partner-file samples: CSV and NDJSON the way partners' own systems save them.

- ``kazpost-semicolon-windows1251.csv``: a Russian/Kazakh Excel's "CSV": ``;`` between cells,
  Windows-1251, CRLF line ends, places written in Russian (``Алматы``), times with offsets.
  Import: ``silkpost import data/samples/kazpost-semicolon-windows1251.csv --encoding windows-1251``
- ``china-tab-gb18030.csv``: tab-separated, GB18030, places in Chinese (``霍尔果斯``).
  Import: ``silkpost import data/samples/china-tab-gb18030.csv --encoding gb18030``
- ``naive-times-almaty.csv``: UTF-8 with a BOM, times without a UTC offset, taken in Almaty.
  Import: ``silkpost import data/samples/naive-times-almaty.csv --timezone Asia/Almaty``
- ``place-names.ndjson``: UN/LOCODEs replaced by place names in en, ru and zh.
  Import: ``silkpost import data/samples/place-names.ndjson``
- ``kazpost-profile.csv``: the partner's own columns (``ШПИ``, ``Операция``…), operation codes,
  place names, office indexes and ``dd.mm.yyyy hh:mm`` local times, described once by
  ``profiles/kazpost.toml``. Import: ``silkpost partner profile KAZPOST
  data/samples/profiles/kazpost.toml``, then ``silkpost import
  data/samples/kazpost-profile.csv --partner KAZPOST``

Run: python data/samples/make_partner_files.py (writes next to itself).
"""

from __future__ import annotations

import json
from pathlib import Path

from silkpost.domain import s10

HERE = Path(__file__).parent
HEADER = ["object_id", "code", "occurred_at", "location", "office", "source"]


def _ids(first: int) -> list[str]:
    return list(s10.id_range("CA", "CN", first, 3))


def main() -> None:
    """Write the five samples."""
    kz = [[i, code, at, "Алматы", "KZALAA", "Казпочта"] for i in _ids(32_000_001)
          for code, at in (("EMD", "2026-11-21T09:15:00+05:00"),
                           ("EDC", "2026-11-21T14:40:00+05:00"))]
    (HERE / "kazpost-semicolon-windows1251.csv").write_bytes(
        "".join(";".join(row) + "\r\n" for row in [HEADER, *kz]).encode("windows-1251"))
    cn = [[i, code, at, "霍尔果斯", "CNHRS-XS", "中国邮政"] for i in _ids(32_000_101)
          for code, at in (("EMC", "2026-11-19T08:00:00+08:00"),
                           ("EXX", "2026-11-19T12:30:00+08:00"))]
    (HERE / "china-tab-gb18030.csv").write_bytes(
        "".join("\t".join(row) + "\n" for row in [HEADER, *cn]).encode("gb18030"))
    naive = [[i, code, at, "KZALA", "KZALAA", "kazpost-excel"] for i in _ids(32_000_201)
             for code, at in (("EMD", "2026-11-21T09:15:00"), ("EDD", "2026-11-21 17:05"))]
    (HERE / "naive-times-almaty.csv").write_bytes(
        "".join(",".join(row) + "\r\n" for row in [HEADER, *naive]).encode("utf-8-sig"))
    named = [{"object_id": i, "code": "EMD", "occurred_at": "2026-11-21T09:15:00+05:00",
              "location": place, "source": "partner"}
             for i, place in zip(_ids(32_000_301), ("Almaty", "Алматы", "阿拉木图"),
                                 strict=True)]
    own = [[i, op, at, "Алматы МПО", "050000"] for i in _ids(32_000_401)
           for op, at in (("ПОСТУПЛЕНИЕ_МПО", "21.11.2026 09:15"),
                          ("ВЫПУСК_ТАМОЖНЯ", "21.11.2026 14:40"),
                          ("СОРТИРОВКА", "21.11.2026 17:05"))]
    own_header = ["ШПИ", "Операция", "Дата операции", "Место", "Индекс ОПС"]
    (HERE / "kazpost-profile.csv").write_bytes(
        "".join(";".join(row) + "\r\n" for row in [own_header, *own]).encode("windows-1251"))
    (HERE / "place-names.ndjson").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in named), encoding="utf-8")


if __name__ == "__main__":
    main()
