"""Every error code the backend can send has a message in both languages of the UI.

The codes are collected from the source with `ast`, so a new one cannot be added without its words:
- `code="..."` keywords (ApiError and its family, the domain's own refusals such as OfferRefused);
- string defaults of parameters named `code` (`OfferRefused(message, code="invalid_offer")`), and string
  arguments passed in the position of a `code: str` parameter (`self.error("rate_limited", …)` on the socket,
  `error_response("not_found", …)`, the middleware's `_reject(send, 413, "payload_too_large", …)`);
- class attributes `code = "..."` (the ApiError family);
- the values of `*_CODES` tables (starlette's HTTP errors mapped to codes) and their `.get` fallback;
- a code held in a variable is followed to the function that produced it (`refusal = await trading_refusal(…)`),
  whose string returns are codes too, through any function it delegates to;
- WebSocket close reasons (`close(code=4003, reason="origin_not_allowed")`, `close_soon(4008, "slow_consumer")`),
  which a client may show when its socket is closed.

The frontend's messages are the `error.<code>` keys of `frontend/src/lib/i18n-messages.ts` and the features'
`i18n.ts` files, read per locale block (an `…En` / `en` object and a `…Zh` / `zhCN` object).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SRC = ROOT / "src"
FRONTEND = ROOT / "frontend" / "src"
CODE = re.compile(r"^[a-z][a-z0-9_]*$")
# Not codes: parameters named `code` that hold a status (close codes are ints) are skipped by annotation.
_CLOSE_FUNCS = {"close", "close_soon"}


@dataclass
class Collected:
    codes: dict[str, set[str]] = field(default_factory=dict)  # code -> where it was seen
    unresolved: list[str] = field(default_factory=list)

    def add(self, code: str, where: str) -> None:
        if CODE.match(code):
            self.codes.setdefault(code, set()).add(where)
        else:
            self.unresolved.append(f"{where}: {code!r} is not a code")


def _modules() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        yield str(path.relative_to(ROOT)), ast.parse(path.read_text(encoding="utf-8"))


def _is_str_annotation(node: ast.expr | None) -> bool:
    return node is not None and "str" in ast.unparse(node) and "int" not in ast.unparse(node)


def _callee(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _is_codes_lookup(call: ast.Call) -> bool:
    """`_HTTP_CODES.get(status, "http_error")`: the table's values are collected with the table."""
    func = call.func
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "get"
        and isinstance(func.value, ast.Name)
        and func.value.id.endswith("_CODES")
        and len(call.args) == 2
    )


def _is_logging(call: ast.Call) -> bool:
    func = call.func
    return (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id in {"log", "logger", "logging"}
    )


def _str(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


class _Index:
    """Functions by name, and which positional slot of each holds a `code: str`."""

    def __init__(self, modules: list[tuple[str, ast.Module]]) -> None:
        self.functions: dict[str, list[ast.FunctionDef | ast.AsyncFunctionDef]] = {}
        self.code_slot: dict[str, int] = {}
        self.classes_with_code_init: dict[str, int] = {}
        self.constants: dict[str, set[str]] = {}  # module-level NAME = "literal", for codes named `module.NAME`
        for _, module in modules:
            for stmt in module.body:
                if isinstance(stmt, ast.Assign) and (text := _str(stmt.value)) is not None:
                    for target in stmt.targets:
                        if isinstance(target, ast.Name):
                            self.constants.setdefault(target.id, set()).add(text)
            for node in ast.walk(module):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    self.functions.setdefault(node.name, []).append(node)
                if isinstance(node, ast.ClassDef):
                    for item in node.body:
                        if isinstance(item, ast.FunctionDef) and item.name == "__init__":
                            slot = self._slot(item)
                            if slot is not None:
                                self.classes_with_code_init[node.name] = slot
            for fns in self.functions.values():
                for fn in fns:
                    slot = self._slot(fn)
                    if slot is not None and fn.name != "__init__":
                        self.code_slot[fn.name] = slot

    @staticmethod
    def _slot(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> int | None:
        # An error's code travels with a message; a `code` without one is something else (a VIN's year code).
        args = [a for a in fn.args.posonlyargs + fn.args.args if a.arg not in {"self", "cls"}]
        if "message" not in {a.arg for a in args}:
            return None
        for i, a in enumerate(args):
            if a.arg == "code" and _is_str_annotation(a.annotation):
                return i
        return None

    def returns_of(self, name: str, seen: set[str] | None = None) -> tuple[set[str], list[str]]:
        """String constants a function (by name) may return, following calls it returns."""
        seen = seen if seen is not None else set()
        if name in seen:
            return set(), []
        seen.add(name)
        found: set[str] = set()
        problems: list[str] = []
        fns = self.functions.get(name)
        if not fns:
            return set(), [f"function {name!r} not found"]
        for fn in fns:
            for node in ast.walk(fn):
                if isinstance(node, ast.Return) and node.value is not None:
                    got, bad = self._values(node.value, seen)
                    found |= got
                    problems += bad
        return found, problems

    def _values(self, expr: ast.expr, seen: set[str]) -> tuple[set[str], list[str]]:
        if isinstance(expr, ast.Await):
            expr = expr.value
        text = _str(expr)
        if text is not None:
            return {text}, []
        if isinstance(expr, ast.Constant) and expr.value is None:
            return set(), []
        if isinstance(expr, ast.IfExp):
            a, pa = self._values(expr.body, seen)
            b, pb = self._values(expr.orelse, seen)
            return a | b, pa + pb
        if isinstance(expr, ast.Call) and _is_codes_lookup(expr):
            return ({text} if (text := _str(expr.args[1])) is not None else set()), []
        if isinstance(expr, ast.Call) and (name := _callee(expr)):
            return self.returns_of(name, seen)
        return set(), [f"cannot follow {ast.unparse(expr)!r}"]


def _enclosing_functions(module: ast.Module) -> Iterator[tuple[ast.FunctionDef | ast.AsyncFunctionDef, ast.AST]]:
    for fn in ast.walk(module):
        if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in ast.walk(fn):
                yield fn, node


def _resolve_name(
    index: _Index, fn: ast.FunctionDef | ast.AsyncFunctionDef, name: str, where: str, out: Collected
) -> None:
    params = {a.arg for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs}
    if name in params:
        return  # passed through: its callers are collected where they pass a literal
    sources = [
        node.value
        for node in ast.walk(fn)
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
    ] + [node.value for node in ast.walk(fn) if isinstance(node, ast.NamedExpr) and node.target.id == name]
    if not sources:
        out.unresolved.append(f"{where}: cannot see where {name!r} comes from")
    for value in sources:
        got, bad = index._values(value, set())
        for code in got:
            out.add(code, where)
        out.unresolved += [f"{where}: {name} = {problem}" for problem in bad]


def _code_argument(
    index: _Index, fn: ast.FunctionDef | ast.AsyncFunctionDef, arg: ast.expr, where: str, out: Collected
) -> None:
    text = _str(arg)
    if text is not None:
        out.add(text, where)
    elif isinstance(arg, ast.Name):
        _resolve_name(index, fn, arg.id, where, out)
    elif isinstance(arg, ast.Attribute) and arg.attr in {"code", "reason", "closing"}:
        pass  # an exception's own code (or a socket's close reason), collected where it is raised or set
    elif isinstance(arg, ast.Attribute) and arg.attr in index.constants:
        for code in index.constants[arg.attr]:
            out.add(code, where)
    elif isinstance(arg, ast.Constant) and arg.value is None:
        pass
    else:
        out.unresolved.append(f"{where}: cannot follow code {ast.unparse(arg)!r}")


def collect_backend_codes() -> Collected:
    modules = list(_modules())
    index = _Index(modules)
    out = Collected()
    for path, module in modules:
        # module-level tables of codes
        for node in ast.walk(module):
            if (
                isinstance(node, ast.Assign)
                and isinstance(node.value, ast.Dict)
                and any(isinstance(t, ast.Name) and t.id.endswith("_CODES") for t in node.targets)
            ):
                for v in node.value.values:
                    if (text := _str(v)) is not None:
                        out.add(text, f"{path}:{node.lineno}")
            if isinstance(node, ast.ClassDef):
                for item in node.body:
                    if (
                        isinstance(item, ast.Assign)
                        and any(isinstance(t, ast.Name) and t.id == "code" for t in item.targets)
                        and (text := _str(item.value)) is not None
                    ):
                        out.add(text, f"{path}:{item.lineno}")
        for fn, node in _enclosing_functions(module):
            where = f"{path}:{getattr(node, 'lineno', fn.lineno)}"
            if node is fn:
                all_args = fn.args.posonlyargs + fn.args.args
                defaults = list(zip(all_args[len(all_args) - len(fn.args.defaults) :], fn.args.defaults, strict=True))
                defaults += [(a, d) for a, d in zip(fn.args.kwonlyargs, fn.args.kw_defaults, strict=True) if d]
                for a, d in defaults:
                    if a.arg == "code" and (text := _str(d)) is not None:
                        out.add(text, where)
            if not isinstance(node, ast.Call) or _is_logging(node):
                continue
            name = _callee(node)
            if _is_codes_lookup(node) and (text := _str(node.args[1])) is not None:
                out.add(text, where)
            if name in _CLOSE_FUNCS:
                reason = next((k.value for k in node.keywords if k.arg == "reason"), None)
                if reason is None and name == "close_soon" and len(node.args) == 2:
                    reason = node.args[1]
                if reason is not None:
                    _code_argument(index, fn, reason, where, out)
                continue  # their `code` is the numeric close code
            for kw in node.keywords:
                if kw.arg == "code":
                    _code_argument(index, fn, kw.value, where, out)
            slot = index.code_slot.get(name or "") if name not in index.classes_with_code_init else None
            if slot is None and name in index.classes_with_code_init:
                slot = index.classes_with_code_init[name]
            if slot is not None and len(node.args) > slot:
                _code_argument(index, fn, node.args[slot], where, out)
    return out


_BLOCK = re.compile(r"^export const (\w+)(?:\s*:[^=]+)?\s*=\s*\{$", re.M)


def frontend_error_messages(prefix: str = "error.") -> dict[str, set[str]]:
    """`<prefix><code>` keys per locale ('en', 'zh-CN') over the core messages and every feature's i18n.ts."""
    key = re.compile(r"^\s*'(" + re.escape(prefix) + r"[a-z0-9_.]+)'\s*:", re.M)
    found: dict[str, set[str]] = {"en": set(), "zh-CN": set()}
    files = [FRONTEND / "lib" / "i18n-messages.ts", *sorted((FRONTEND / "features").glob("*/i18n.ts"))]
    for path in files:
        text = path.read_text(encoding="utf-8")
        starts = list(_BLOCK.finditer(text))
        for i, m in enumerate(starts):
            end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
            name = m.group(1)
            locale = "zh-CN" if name.lower().endswith(("zh", "zhcn")) else "en" if name.lower().endswith("en") else None
            if locale is None:
                continue
            found[locale] |= {k.removeprefix(prefix) for k in key.findall(text, m.end(), end)}
    return found


def test_the_collector_finds_codes_of_every_kind() -> None:
    codes = collect_backend_codes().codes
    # One of each way a code is written, so a collector that silently stopped seeing a kind would fail here.
    for code in [
        "validation_error",  # class attribute of the ApiError family
        "offer_too_low",  # a domain refusal's code= keyword
        "invalid_offer",  # a parameter default
        "not_a_member",  # returned by accounts' trading_refusal, raised as code=refusal
        "not_an_auction_house",  # returned by auctions' house_refusal
        "method_not_allowed",  # starlette's HTTP errors table
        "internal_error",  # error_response("internal_error", …)
        "rate_limited",  # the socket's self.error("rate_limited", …)
        "slow_consumer",  # a socket close reason
        "origin_not_allowed",  # close(code=4003, reason=…)
    ]:
        assert code in codes, code


def test_every_error_code_has_a_message_in_both_languages() -> None:
    collected = collect_backend_codes()
    assert collected.unresolved == [], "codes the collector cannot follow (make them literals or extend it)"
    messages = frontend_error_messages()
    missing = {
        locale: sorted(f"{code}  ({sorted(collected.codes[code])[0]})" for code in collected.codes if code not in keys)
        for locale, keys in messages.items()
    }
    assert missing == {"en": [], "zh-CN": []}


def _literals(node: ast.expr) -> list[str | None]:
    """A literal, or each branch of a conditional expression of literals (None for anything else)."""
    if isinstance(node, ast.IfExp):
        return _literals(node.body) + _literals(node.orelse)
    return [_str(node)]


def collect_audit_actions() -> dict[str, str]:
    """The first argument of every `audit("…", …)` call: the actions the admin's audit log shows."""
    actions: dict[str, str] = {}
    for path, module in _modules():
        for node in ast.walk(module):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "audit" and node.args:
                for text in _literals(node.args[0]):
                    assert text is not None, f"{path}:{node.lineno}: an audit action must be a literal"
                    actions.setdefault(text, f"{path}:{node.lineno}")
    return actions


def test_every_audit_action_is_shown_in_words_in_both_languages() -> None:
    actions = collect_audit_actions()
    assert {"login.failed", "roles.changed", "consignment.created"} <= actions.keys()
    messages = frontend_error_messages("audit.action.")
    missing = {
        locale: sorted(f"{a}  ({where})" for a, where in actions.items() if a not in keys)
        for locale, keys in messages.items()
    }
    assert missing == {"en": [], "zh-CN": []}
