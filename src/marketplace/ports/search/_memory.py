"""The embedded engine's in-memory index: numpy columns for filters, facets and sorts, postings for text.

Slots are reused after deletion; `alive` masks them out. Filters are boolean masks (a few
microseconds per 100k documents), facet counts are `bincount`s of the masked code columns and
sorting uses `argpartition` for the page only, so a query costs O(n) vector work, not Python loops.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from marketplace.ports.search.analysis import Synonyms, deletes, doc_tokens, query_terms, typo_candidates
from marketplace.ports.search.base import KEYWORD_FIELDS, SORTS, TEXT_FIELDS, SearchQuery, SearchResult

_NUMERIC = ("year", "price_fen", "mileage_km", "transfers", "published_at")
_SYN_FIELDS = ("make", "make_en", "model", "model_en", "series")
Mask = npt.NDArray[np.bool_]


class MemoryIndex:
    def __init__(self, synonyms: Synonyms, capacity: int = 1024) -> None:
        self._syn = synonyms
        self._cap = capacity
        self.alive: Mask = np.zeros(capacity, dtype=np.bool_)
        self.accident: Mask = np.zeros(capacity, dtype=np.bool_)
        self.num = {f: np.zeros(capacity, dtype=np.int64) for f in _NUMERIC}
        self.codes = {f: np.zeros(capacity, dtype=np.int32) for f in KEYWORD_FIELDS}
        self.values: dict[str, list[str]] = {f: [""] for f in KEYWORD_FIELDS}  # code 0 = empty
        self._code_of: dict[str, dict[str, int]] = {f: {"": 0} for f in KEYWORD_FIELDS}
        self.docs: list[dict[str, Any] | None] = [None] * capacity
        self.version: dict[int, int] = {}
        self._slot: dict[int, int] = {}
        self._free: list[int] = list(range(capacity - 1, -1, -1))
        self._tokens: list[frozenset[str]] = [frozenset()] * capacity
        self._postings: dict[str, set[int]] = {}
        self._arrays: dict[str, npt.NDArray[np.int64]] = {}
        self._typo_index: dict[str, set[str]] = {}
        self._latin: set[str] = set()

    def __len__(self) -> int:
        return len(self._slot)

    # --- writes ----------------------------------------------------------------------------
    def put(self, doc: dict[str, Any]) -> None:
        doc_id = int(doc["id"])
        slot = self._slot.get(doc_id)
        if slot is None:
            slot = self._take_slot()
            self._slot[doc_id] = slot
        else:
            self._unlink_tokens(slot)
        self.version[doc_id] = int(doc["version"])
        self.docs[slot] = doc
        self.alive[slot] = True
        self.accident[slot] = bool(doc.get("accident"))
        for f in _NUMERIC:
            self.num[f][slot] = int(doc.get(f) or 0)
        for f in KEYWORD_FIELDS:
            self.codes[f][slot] = self._code(f, str(doc.get(f) or ""))
        tokens: set[str] = set()
        for f in TEXT_FIELDS:
            tokens |= doc_tokens(str(doc.get(f) or ""))
        for f in _SYN_FIELDS:
            tokens |= self._syn.for_field(str(doc.get(f) or ""))
        if doc.get("year"):
            tokens.add(str(doc["year"]))
        self._tokens[slot] = frozenset(tokens)
        for tok in tokens:
            self._postings.setdefault(tok, set()).add(slot)
            self._arrays.pop(tok, None)
            if tok.isascii() and tok.isalpha() and len(tok) >= 3 and tok not in self._latin:
                self._latin.add(tok)
                for key in (tok, *deletes(tok)):
                    self._typo_index.setdefault(key, set()).add(tok)

    def remove(self, doc_id: int) -> None:
        slot = self._slot.pop(doc_id, None)
        self.version.pop(doc_id, None)
        if slot is None:
            return
        self._unlink_tokens(slot)
        self.alive[slot] = False
        self.docs[slot] = None
        self._free.append(slot)

    def _unlink_tokens(self, slot: int) -> None:
        for tok in self._tokens[slot]:
            posting = self._postings.get(tok)
            if posting is not None:
                posting.discard(slot)
                self._arrays.pop(tok, None)
        self._tokens[slot] = frozenset()

    def _take_slot(self) -> int:
        if not self._free:
            self._grow()
        return self._free.pop()

    def _grow(self) -> None:
        old, new = self._cap, self._cap * 2
        self.alive = np.concatenate([self.alive, np.zeros(old, dtype=np.bool_)])
        self.accident = np.concatenate([self.accident, np.zeros(old, dtype=np.bool_)])
        for f in _NUMERIC:
            self.num[f] = np.concatenate([self.num[f], np.zeros(old, dtype=np.int64)])
        for f in KEYWORD_FIELDS:
            self.codes[f] = np.concatenate([self.codes[f], np.zeros(old, dtype=np.int32)])
        self.docs.extend([None] * old)
        self._tokens.extend([frozenset()] * old)
        self._free.extend(range(new - 1, old - 1, -1))
        self._cap = new

    def _code(self, f: str, value: str) -> int:
        table = self._code_of[f]
        code = table.get(value)
        if code is None:
            code = table[value] = len(self.values[f])
            self.values[f].append(value)
        return code

    # --- reads -----------------------------------------------------------------------------
    def _posting(self, token: str) -> npt.NDArray[np.int64]:
        arr = self._arrays.get(token)
        if arr is None:
            arr = np.fromiter(self._postings.get(token, ()), dtype=np.int64)
            self._arrays[token] = arr
        return arr

    def _text_mask(self, text: str) -> tuple[Mask, npt.NDArray[np.float64]]:
        mask = self.alive.copy()
        score = np.zeros(self._cap, dtype=np.float64)
        for alternatives in query_terms(text, self._syn):
            term = np.zeros(self._cap, dtype=np.bool_)
            for tok in alternatives:
                if tok in self._postings:
                    term[self._posting(tok)] = True
            exact = term.copy()
            if not exact.any() and len(alternatives) == 1:
                for cand in typo_candidates(alternatives[0], self._latin, self._typo_index):
                    term[self._posting(cand)] = True
            mask &= term
            score += exact * 1.0 + term * 1.0
        return mask, score

    def search(self, q: SearchQuery) -> SearchResult:
        score: npt.NDArray[np.float64] | None = None
        if q.text.strip():
            mask, score = self._text_mask(q.text)
        else:
            mask = self.alive.copy()
        for f, wanted in q.filters.items():
            codes = [self._code_of[f][v] for v in wanted if v in self._code_of[f]]
            if len(codes) == 1:
                mask &= self.codes[f] == codes[0]
            else:  # a lookup table indexed by code: one gather instead of np.isin's sort
                table = np.zeros(len(self.values[f]), dtype=np.bool_)
                table[codes] = True
                mask &= table[self.codes[f]]
        for f, (lo, hi) in q.ranges.items():
            col = self.num[f]
            if lo is not None:
                mask &= col >= lo
            if hi is not None:
                mask &= col <= hi
        if q.no_accident:
            mask &= ~self.accident
        if q.ids:
            only = np.zeros(self._cap, dtype=np.bool_)
            only[[self._slot[i] for i in q.ids if i in self._slot]] = True
            mask &= only
        slots = np.flatnonzero(mask)
        facets: dict[str, dict[str, int]] = {}
        for f in q.facets:
            counts = np.bincount(self.codes[f][slots], minlength=len(self.values[f]))
            names = self.values[f]
            facets[f] = {names[c]: int(counts[c]) for c in np.flatnonzero(counts) if names[c]}
        page = self._page(slots, q, score)
        return SearchResult([dict(self.docs[s] or {}) for s in page], int(slots.size), facets)

    def _page(self, slots: npt.NDArray[np.int64], q: SearchQuery, score: npt.NDArray[np.float64] | None) -> list[int]:
        end = q.offset + q.limit
        if slots.size == 0 or q.limit == 0 or q.offset >= slots.size:
            return []
        field, desc = SORTS[q.sort]
        newest = self.num["published_at"][slots].astype(np.float64)
        if field:
            primary = self.num[field][slots].astype(np.float64)
            key = -primary if desc else primary
            # ties by newest first: scaled so it never outweighs a unit of the primary key
            key = key - newest / (newest.max() + 1.0) * 0.5
        elif score is not None:
            key = -(score[slots] + newest / (newest.max() + 1.0) * 0.5)
        else:
            key = -newest
        if end < slots.size:
            part = np.argpartition(key, end - 1)[:end]
            order = part[np.lexsort((slots[part], key[part]))]
        else:
            order = np.lexsort((slots, key))
        return [int(s) for s in slots[order[q.offset : end]]]
