"""Body nodes of the graph: a generic body (Bộ Chính trị), or a scoped one in one province (Tỉnh ủy Huế)."""

from __future__ import annotations

from dataclasses import dataclass

from graphbuild.resolve.catalogue import catalogue
from graphbuild.text.fold import slug
from graphbuild.text.lexicon import Body

# A body node before it has a local name: (body id, province for scoped bodies else None).
BodyKey = tuple[str, str | None]


def body_key(body_id: str, province: str | None) -> BodyKey:
    """The key of a body node: scoped bodies (Tỉnh ủy) get one per province, the others none."""
    return (body_id, province if province and catalogue().bodies[body_id].scoped else None)


def body_local(key: BodyKey) -> str:
    body_id, prov = key
    return f"{body_id}_{slug(prov)}" if prov else body_id


def body_parent(key: BodyKey) -> BodyKey | None:
    parent = catalogue().bodies[key[0]].parent
    return body_key(parent, key[1]) if parent else None


def body_label(key: BodyKey) -> str:
    name = catalogue().bodies[key[0]].name
    return f"{name} {key[1]}" if key[1] else name


def is_ancestor(a: BodyKey, b: BodyKey | None) -> bool:
    """True when body ``a`` is ``b`` or one of its ancestors (a text naming the committee for a Politburo text)."""
    seen = 0
    while b and seen < 20:
        if a == b:
            return True
        b = body_parent(b)
        seen += 1
    return False


@dataclass
class BodyRecord:
    """A body node of the graph: a generic body, or a scoped one in one province."""

    local: str
    info: Body
    province: str | None  # canonical province name
    parent: str | None  # local of the parent body node

    @property
    def label(self) -> str:
        return f"{self.info.name} {self.province}" if self.province else self.info.name

    def merge(self, other: BodyRecord) -> BodyRecord:
        """Two records of one body node are equal by construction (they derive from the lexicon): keep one."""
        return self
