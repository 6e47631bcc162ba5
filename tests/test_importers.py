"""Importing MISP galaxy clusters and STIX 2.1 bundles."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import cybernexus as cx

MISP = {
    "name": "Threat Actor",
    "values": [
        {
            "value": "APT28",
            "uuid": "5b4ee3ea-eee3-4c8e-8323-85ae32658754",
            "meta": {
                "synonyms": ["Fancy Bear", "Sofacy", "APT28"],
                "country": "RU",
                "cfr-suspected-state-sponsor": "Russian Federation",
            },
        },
        {"value": "Lone Wolf", "uuid": "u2"},
    ],
}

STIX = {
    "type": "bundle",
    "id": "bundle--1",
    "objects": [
        {
            "type": "intrusion-set",
            "id": "intrusion-set--aaaa",
            "name": "Sandworm Team",
            "aliases": ["Sandworm", "Voodoo Bear"],
        },
        {"type": "intrusion-set", "id": "intrusion-set--old", "name": "Old", "revoked": True},
        {
            "type": "identity",
            "id": "identity--bbbb",
            "name": "Acme Power",
            "identity_class": "organization",
            "sectors": ["energy", "utilities"],
        },
        {
            "type": "location",
            "id": "location--cccc",
            "name": "Kyiv",
            "country": "ua",
            "region": "europe",
        },
        {"type": "malware", "id": "malware--dddd", "name": "Industroyer"},
    ],
}


def write(tmp_path: Path, name: str, data: Any) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_read_misp_galaxy(tmp_path: Path) -> None:
    """Clusters become entities with synonyms as aliases and uuid, country and sponsor attributes."""
    g = cx.read_misp_galaxy(write(tmp_path, "ta.json", MISP))
    assert g.ids == ["threat_actor:apt28", "threat_actor:lone-wolf"]
    apt28 = g["threat_actor:apt28"]
    assert apt28.aliases == ["APT28", "Fancy Bear", "Sofacy"]
    assert apt28.attrs == {
        "country": "RU",
        "misp_uuid": "5b4ee3ea-eee3-4c8e-8323-85ae32658754",
        "sponsor": "Russian Federation",
    }
    by_uuid = cx.read_misp_galaxy(write(tmp_path, "ta.json", MISP), kind="actor", id_from="uuid")
    assert by_uuid.ids[0] == "actor:5b4ee3ea-eee3-4c8e-8323-85ae32658754"
    (m,) = cx.Matcher(g).find("a Sofacy campaign")
    assert (m.entity_id, m.start, m.end) == ("threat_actor:apt28", 2, 8)


def test_read_stix(tmp_path: Path) -> None:
    """intrusion-set, identity and location objects become entities; others and revoked ones are skipped."""
    g = cx.read_stix(write(tmp_path, "bundle.json", STIX))
    assert g.ids == ["threat_actor:sandworm-team", "organization:acme-power", "location:kyiv"]
    assert g["threat_actor:sandworm-team"].aliases == ["Sandworm Team", "Sandworm", "Voodoo Bear"]
    assert g["organization:acme-power"].attrs == {
        "identity_class": "organization",
        "sectors": "energy utilities",
        "stix_id": "identity--bbbb",
    }
    assert g["location:kyiv"].attrs["country"] == "UA"
    merged = cx.Gazetteer.builtin().merge(g, on_conflict="union")
    found = [
        (m.text, m.entity_id) for m in cx.Matcher(merged).find("Voodoo Bear hit Acme Power in Kyiv")
    ]
    assert found == [
        ("Voodoo Bear", "threat_actor:sandworm"),
        ("Acme Power", "organization:acme-power"),
        ("Kyiv", "location:kyiv"),
    ]
    assert cx.read_stix(write(tmp_path, "list.json", STIX["objects"])).ids == g.ids


@pytest.mark.parametrize(
    ("reader", "content", "message"),
    [
        (cx.read_misp_galaxy, b"{", r"bad\.json:1: invalid JSON"),
        (cx.read_misp_galaxy, b'{"values": 3}', "not a MISP galaxy cluster file"),
        (cx.read_misp_galaxy, b'{"values": [{"uuid": "x"}]}', 'cluster 0 has no "value" string'),
        (cx.read_misp_galaxy, b'{"values": [{"value": " "}]}', "'name' is empty"),
        (cx.read_misp_galaxy, b'{"values": []}\xff', r"invalid UTF-8 at byte 14"),
        (cx.read_stix, b'{"type": "bundle"}', "not a STIX bundle"),
        (cx.read_stix, b'{"objects": [{"type": "malware", "name": "x"}]}', "no intrusion-set"),
        (
            cx.read_stix,
            b'{"objects": [{"type": "intrusion-set", "id": "i--1"}]}',
            r"object 0 \(i--1\) has no name",
        ),
    ],
)
def test_bad_files(tmp_path: Path, reader: Any, content: bytes, message: str) -> None:
    """Malformed files raise GazetteerError naming the file and the problem."""
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(cx.GazetteerError, match=message):
        reader(path)
    with pytest.raises(FileNotFoundError):
        reader(tmp_path / "missing.json")
