"""The term an undated list item borrows from the item before it ("Nghị quyết số 18-NQ/TW, 19-NQ/TW")."""

from __future__ import annotations

from graphbuild.domain.model import Mention


class ListHints:
    """The term of the nearest earlier item of the same list, in time linear in the article's mentions.

    An undated list item ("Nghị quyết số 18-NQ/TW, 19-NQ/TW") shares its type word and, as a
    rule, its period with the item before it: without this hint a catalogue entry of another
    term would capture the item.  "Before" is the nearest earlier mention of the same sentence
    and codes whose target has a term.  Undated mentions without an antecedent are resolved in
    text order, after every dated one, so a single forward sweep sees exactly the targets set
    before them; the rare others (an antecedent that was not found) scan back within their
    sentence only.
    """

    def __init__(self, mentions: list[Mention], targets: dict[int, str], terms: dict[str, str | None]) -> None:
        self.mentions, self.targets, self.terms = mentions, targets, terms
        self.swept = 0
        self.last: dict[tuple, str] = {}

    def _term_of(self, j: int) -> str | None:
        target = self.targets.get(j)
        return self.terms.get(target) if target else None

    def term(self, i: int) -> str | None:
        m = self.mentions[i]
        if m.form != "list" or m.date:
            return None
        key = (m.sentence, m.type_code, m.issuer_code)
        if m.antecedent is None and self.swept <= i:
            while self.swept < i:
                j, self.swept = self.swept, self.swept + 1
                term = self._term_of(j)
                if term:
                    prev = self.mentions[j]
                    self.last[(prev.sentence, prev.type_code, prev.issuer_code)] = term
            return self.last.get(key)
        for j in range(i - 1, -1, -1):
            prev = self.mentions[j]
            if prev.sentence != m.sentence:
                break
            if (prev.type_code, prev.issuer_code) == key[1:] and (term := self._term_of(j)):
                return term
        return None
