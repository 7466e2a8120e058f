"""The quick schema check (fastjsonschema) must give the same verdict as
jsonschema on any document: a file it passes is never looked at again."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from budget_site.validation import _validator, schema_accepts
from budget_site.yaml_reader import read_yaml

from conftest import ROOT, examples

REFERENCE = read_yaml(ROOT / "data/2023/230001.yaml").data

REPLACEMENTS = st.sampled_from([
    None, "", " ", "\n", "x", "２０２３", "../x", "230001", -1, 0, 1, 100, 101, 2023, 1.5, Decimal("1.005"),
    Decimal("-0.01"), Decimal("100.00"), True, False, [], [""], {}, {"extra": 1}, ["x", 1],
])


def paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += paths(value, (*prefix, index))
    return found


PATHS = paths(REFERENCE)


def jsonschema_accepts(data: Any) -> bool:
    return not any(True for _ in _validator().iter_errors(data))


def test_the_reference_is_valid_for_both():
    assert schema_accepts(REFERENCE) and jsonschema_accepts(REFERENCE)


@settings(max_examples=examples(400))
@given(st.lists(st.tuples(st.sampled_from(PATHS), st.sampled_from(["set", "delete", "add"]), REPLACEMENTS),
                min_size=1, max_size=3))
def test_quick_check_agrees_with_jsonschema(changes):
    data = copy.deepcopy(REFERENCE)
    for path, action, value in changes:
        parent = data
        try:
            for part in path[:-1]:
                parent = parent[part]
            if action == "set":
                parent[path[-1]] = value
            elif action == "delete":
                del parent[path[-1]]
            elif isinstance(parent, dict):
                parent["unknown_field"] = value
            else:
                parent.append(value)
        except (KeyError, IndexError, TypeError, AttributeError):
            continue  # an earlier change removed or replaced this path (with None, say)
    assert schema_accepts(data) == jsonschema_accepts(data)
