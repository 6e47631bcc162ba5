"""Read your own threat-intelligence data into a :class:`~cybernexus.Gazetteer`.

* :func:`read_misp_galaxy` reads a MISP galaxy cluster file (``threat-actor.json``, your own clusters);
* :func:`read_stix` reads a STIX 2.1 bundle (``intrusion-set``, ``threat-actor``, ``identity`` and ``location``
  objects).

Both return a Gazetteer that you can match on its own or merge with the built-in one::

    mine = cx.read_stix("feed.json")
    matcher = cx.Matcher(cx.Gazetteer.builtin().merge(mine, on_conflict="union"))

Ids are ``<kind>:<slug of the name>`` unless ``id_from="uuid"`` is given, which keeps the source's uuid
(``threat_actor:<uuid>``) so that repeated imports of renamed objects keep their id.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

from cybernexus._core import Gazetteer
from cybernexus.errors import GazetteerError

__all__ = ["read_misp_galaxy", "read_stix"]

IdFrom = Literal["name", "uuid"]

#: STIX object types read by :func:`read_stix`, and the kind each becomes.
STIX_KINDS: dict[str, str] = {
    "intrusion-set": "threat_actor",
    "threat-actor": "threat_actor",
    "identity": "organization",
    "location": "location",
}


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


def _load_json(path: str | os.PathLike[str]) -> Any:
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise GazetteerError(f"{file}: invalid UTF-8 at byte {err.start}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise GazetteerError(f"{file}:{err.lineno}: invalid JSON: {err.msg}") from None
    except RecursionError:
        raise GazetteerError(f"{file}: invalid JSON: nested too deeply") from None


def _strings(value: Any, where: str) -> list[str]:
    """A string or a list of strings (``None``: none); anything else is an error naming ``where``, not a silent
    drop."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        for j, v in enumerate(value):
            if not isinstance(v, str):
                raise GazetteerError(f"{where}[{j}] must be a string, got {type(v).__name__}")
        return value
    raise GazetteerError(
        f"{where} must be a string or a list of strings, got {type(value).__name__}"
    )


def _check_options(id_from: object, kind: object = "threat_actor") -> None:
    if id_from not in ("name", "uuid"):
        raise ValueError(f"id_from must be 'name' or 'uuid', got {id_from!r}")
    if not isinstance(kind, str):
        raise TypeError(f"kind must be a str, got {type(kind).__name__}")


def _records(
    items: Iterable[tuple[str, str, str, list[str], dict[str, str]]], id_from: IdFrom
) -> list[dict[str, Any]]:
    """Records from (kind, uuid, name, aliases, attrs), with unique ids."""
    records: list[dict[str, Any]] = []
    taken: set[str] = set()
    for kind, uuid, name, aliases, attrs in items:
        base = f"{kind}:{uuid if id_from == 'uuid' and uuid else _slug(name)}"
        # "Foo", "Foo" and "Foo 2" are foo, foo-2 and then foo-2-2: a suffix never takes an id a later name has.
        rid, n = base, 1
        while rid in taken:
            n += 1
            rid = f"{base}-{n}"
        taken.add(rid)
        seen = {name.strip()}
        clean = []
        for a in aliases:
            a = a.strip()
            if a and a not in seen:
                seen.add(a)
                clean.append(a)
        records.append(
            {
                "id": rid,
                "kind": kind,
                "name": name.strip(),
                "aliases": clean,
                "attrs": {k: v for k, v in attrs.items() if v},
            }
        )
    return records


def read_misp_galaxy(
    path: str | os.PathLike[str], *, kind: str = "threat_actor", id_from: IdFrom = "name"
) -> Gazetteer:
    """A Gazetteer from a MISP galaxy cluster file: one entity per cluster value.

    Args:
        path: A cluster JSON file (an object with a ``values`` list).
        kind: The kind of every entity (default ``"threat_actor"``).
        id_from: ``"name"`` (``threat_actor:apt28``) or ``"uuid"`` (the cluster's uuid).

    The cluster's ``value`` is the name, ``meta.synonyms`` the aliases (with the default case policy); the
    attributes are ``misp_uuid``, ``country`` (``meta.country``) and ``sponsor``
    (``meta.cfr-suspected-state-sponsor``, as written).

    Raises:
        FileNotFoundError: the file does not exist.
        GazetteerError: the file is not JSON or not a cluster file, or a cluster is invalid.
    """
    _check_options(id_from, kind)
    data = _load_json(path)
    values = data.get("values") if isinstance(data, Mapping) else None
    if not isinstance(values, list):
        raise GazetteerError(f'{path}: not a MISP galaxy cluster file (no "values" list)')
    items = []
    for i, cluster in enumerate(values):
        if not isinstance(cluster, Mapping) or not isinstance(cluster.get("value"), str):
            raise GazetteerError(f'{path}: cluster {i} has no "value" string')
        meta = cluster.get("meta") if isinstance(cluster.get("meta"), Mapping) else {}
        assert isinstance(meta, Mapping)
        where = f"{path}: cluster {i} ({cluster['value']!r}): meta"
        attrs = {
            "misp_uuid": str(cluster.get("uuid") or ""),
            "country": ", ".join(_strings(meta.get("country"), f"{where}.country")),
            "sponsor": ", ".join(
                _strings(
                    meta.get("cfr-suspected-state-sponsor"), f"{where}.cfr-suspected-state-sponsor"
                )
            ),
        }
        items.append(
            (
                kind,
                str(cluster.get("uuid") or ""),
                cluster["value"],
                _strings(meta.get("synonyms"), f"{where}.synonyms"),
                attrs,
            )
        )
    return Gazetteer.from_records(_records(items, id_from))


def read_stix(path: str | os.PathLike[str], *, id_from: IdFrom = "name") -> Gazetteer:
    """A Gazetteer from a STIX 2.1 bundle (or a plain list of STIX objects).

    ``intrusion-set`` and ``threat-actor`` objects become ``threat_actor`` entities (``name`` and ``aliases``),
    ``identity`` objects ``organization`` entities (with ``identity_class`` and ``sectors``), and ``location``
    objects ``location`` entities (with ``country`` and ``region``). Objects of other types are ignored;
    revoked objects are skipped. The STIX id is kept in the ``stix_id`` attribute.

    Raises:
        FileNotFoundError: the file does not exist.
        GazetteerError: the file is not JSON, holds no STIX objects, or an object has no name.
    """
    _check_options(id_from)
    data = _load_json(path)
    if isinstance(data, Mapping) and isinstance(data.get("objects"), list):
        objects = data["objects"]
    elif isinstance(data, list):
        objects = data
    else:
        raise GazetteerError(f'{path}: not a STIX bundle (no "objects" list)')
    items = []
    for i, obj in enumerate(objects):
        kind = obj.get("type") if isinstance(obj, Mapping) else None
        if not isinstance(kind, str) or kind not in STIX_KINDS or obj.get("revoked"):
            continue
        where = f"{path}: object {i} ({obj.get('id', '?')})"
        name = obj.get("name")
        if kind == "location" and name is None:
            # A location's name is optional in STIX: its country code or region names it. The code is written in
            # capitals, so that it matches as the acronym it is ("RU"), not as the letters "ru" in any case.
            country = obj.get("country")
            name = country.strip().upper() if isinstance(country, str) and country.strip() else None
            name = name or obj.get("region")
            if not isinstance(name, str) or not name.strip():
                warnings.warn(
                    f"{where}: a location with no name, country or region, skipped", stacklevel=2
                )
                continue
        if not isinstance(name, str) or not name.strip():
            raise GazetteerError(f"{where} has no name")
        stix_id = str(obj.get("id") or "")
        uuid = stix_id.split("--", 1)[-1] if "--" in stix_id else ""
        attrs = {"stix_id": stix_id}
        if kind == "identity":
            attrs["identity_class"] = str(obj.get("identity_class") or "")
            attrs["sectors"] = " ".join(_strings(obj.get("sectors"), f"{where}: sectors"))
        if kind == "location":
            attrs["country"] = str(obj.get("country") or "").upper()
            attrs["region"] = str(obj.get("region") or "")
        aliases = _strings(obj.get("aliases"), f"{where}: aliases") + _strings(
            obj.get("x_mitre_aliases"), f"{where}: x_mitre_aliases"
        )
        items.append((STIX_KINDS[kind], uuid, name, aliases, attrs))
    if not items:
        raise GazetteerError(
            f"{path}: no intrusion-set, threat-actor, identity or location objects"
        )
    return Gazetteer.from_records(_records(items, id_from))
