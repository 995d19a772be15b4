"""Text analysis shared by the embedded engine: normalisation, Chinese/Latin tokens, synonym phrases.

Chinese has no spaces, so CJK runs become single characters and overlapping bigrams; a query
word of two or more characters must match all of its bigrams. Latin runs become lower-case words.
Synonym phrases (宝马 / BMW, 3系 / 3 series / 320Li) are folded into one group token `~N` on both sides.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

_LATIN = re.compile(r"[a-z0-9]+")
_CJK = re.compile(r"[\u3400-\u9fff]+")
_RUNS = re.compile(r"[a-z0-9]+|[\u3400-\u9fff]+")
MAX_QUERY_CHARS = 100


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch if ch.isprintable() else " " for ch in text)


def cjk_tokens(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


@lru_cache(maxsize=1 << 16)
def doc_tokens(text: str) -> frozenset[str]:
    """Index tokens: Latin words, CJK characters and bigrams.

    Cached: field values repeat across a catalogue (makes, series, cities, titles), and analysing each
    one afresh was most of the time an app process takes to load 100k documents at start-up."""
    out: set[str] = set()
    for run in _RUNS.findall(normalise(text)):
        if _CJK.fullmatch(run):
            out.update(run)
            out.update(cjk_tokens(run))
        else:
            out.add(run)
    return frozenset(out)


class Synonyms:
    """Groups of equivalent phrases; each group becomes the token `~<index>`."""

    def __init__(self, groups: Sequence[Sequence[str]]) -> None:
        self.groups = [tuple(dict.fromkeys(_compact(normalise(p)) for p in g if p.strip())) for g in groups]
        self._by_phrase: dict[str, set[str]] = {}
        for i, group in enumerate(self.groups):
            for phrase in group:
                self._by_phrase.setdefault(phrase, set()).add(f"~{i}")
        phrases = sorted(self._by_phrase, key=len, reverse=True)
        self._pattern = re.compile("|".join(_phrase_regex(p) for p in phrases)) if phrases else None
        self.for_field = lru_cache(maxsize=1 << 14)(self._for_field)  # per instance: see doc_tokens

    def _for_field(self, value: str) -> frozenset[str]:
        """Group tokens of a field whose whole value, or one of its words, is a known phrase."""
        norm = normalise(value)
        out = set(self._by_phrase.get(_compact(norm), ()))
        for run in _RUNS.findall(norm):
            out |= self._by_phrase.get(run, set())
        return frozenset(out)

    def extract(self, text: str) -> tuple[list[str], str]:
        """Group tokens found in a query, and the text left over."""
        if self._pattern is None:
            return [], text
        found: list[str] = []

        def take(m: re.Match[str]) -> str:
            tokens = self._by_phrase[_compact(m.group(0))]
            found.append("|".join(sorted(tokens)))
            return " "

        return found, self._pattern.sub(take, text)


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _phrase_regex(phrase: str) -> str:
    body = r"\s*".join(re.escape(ch) for ch in phrase)
    start = r"(?<![a-z0-9])" if _LATIN.match(phrase[0]) else ""
    end = r"(?![a-z0-9])" if _LATIN.match(phrase[-1]) else ""
    return start + body + end


def query_terms(text: str, synonyms: Synonyms) -> list[list[str]]:
    """A query as a conjunction of terms; each term is a list of alternative tokens.

    Group tokens come first (`~3`), then Latin words, then CJK bigrams (all must match).
    """
    norm = normalise(text[:MAX_QUERY_CHARS])
    groups, rest = synonyms.extract(norm)
    terms: list[list[str]] = [g.split("|") for g in groups]
    for run in _RUNS.findall(rest):
        if _CJK.fullmatch(run):
            terms.extend([t] for t in cjk_tokens(run))
        else:
            terms.append([run])
    return terms


def deletes(word: str) -> set[str]:
    """Every string one deletion away (SymSpell): two words within one edit share a delete or each other."""
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


@lru_cache(maxsize=4096)
def _edit_distance(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def typo_candidates(word: str, vocabulary: Iterable[str], index: dict[str, set[str]]) -> list[str]:
    """Latin vocabulary words within one edit (words of 4+ letters) or two edits (8+ letters)."""
    if len(word) < 4 or not word.isascii() or word.isdigit():
        return []
    budget = 2 if len(word) >= 8 else 1
    keys = {word, *deletes(word)}
    cands: set[str] = set()
    for key in keys:
        cands |= index.get(key, set())
    if budget == 2:
        cands |= {w for w in vocabulary if abs(len(w) - len(word)) <= 2 and w[:1] == word[:1]}
    return sorted(w for w in cands if w != word and _edit_distance(word, w) <= budget)
