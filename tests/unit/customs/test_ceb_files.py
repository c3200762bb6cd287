"""The files around a CEB export: bags and names read from CSV, messages written whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from silkpost.customs.ceb import files
from silkpost.customs.ceb.files import read_bags, read_names, write_whole
from silkpost.errors import InvalidRequest

BAG = "CNURCAKZALAAAUN61001001110012"


def test_bags_are_s9_ids_by_reference() -> None:
    data = f"\ufeffreference,receptacle\nD-1,{BAG.lower()}\n\nD-2,{BAG}\n".encode()
    assert read_bags(data) == {"D-1": BAG, "D-2": BAG}


@pytest.mark.parametrize(("data", "said"), [
    (b"ref,bag\nD-1,x\n", "header must name the columns reference, receptacle"),
    (f"reference,receptacle\nD-1,{BAG[:-1]}\n".encode(), "line 2:"),
    (b"reference,receptacle\nD-1\n", "line 2: 1 cells"),
    (b"reference,receptacle\n\xff\xfe\n", "not UTF-8"),
])
def test_a_bad_bag_file_is_one_error_naming_the_option(data: bytes, said: str) -> None:
    with pytest.raises(InvalidRequest) as caught:
        read_bags(data)
    assert caught.value.field == "--bags" and said in caught.value.detail


def test_names_need_both_columns() -> None:
    assert read_names("code,name\n3301968E2U,义乌某电商企业\n".encode()) == {
        "3301968E2U": "义乌某电商企业"}
    with pytest.raises(InvalidRequest) as caught:
        read_names(b"code,name\n3301968E2U,\n")
    assert caught.value.field == "--names"


def test_a_message_is_written_whole(tmp_path: Path) -> None:
    target = write_whole(tmp_path, "CEB303Message_A.xml", b"<x/>")
    assert target.read_bytes() == b"<x/>"
    assert [p.name for p in tmp_path.iterdir()] == ["CEB303Message_A.xml"]


def test_a_failed_write_leaves_nothing_behind(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    def full_disk(src: str, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", full_disk)
    with pytest.raises(OSError, match="No space left"):
        write_whole(tmp_path, "CEB303Message_A.xml", b"<x/>")
    assert list(tmp_path.iterdir()) == []
