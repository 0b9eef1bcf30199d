from curate.text.jsonleaves import map_leaves


def test_every_leaf_is_mapped_and_the_shape_kept():
    doc = {"a": [1, "x", {"b": None, "c": [2.5, True]}], "d": {}}
    assert map_leaves(doc, lambda v: f"<{v}>") == {"a": ["<1>", "<x>", {"b": "<None>", "c": ["<2.5>", "<True>"]}],
                                                   "d": {}}
    assert map_leaves("plain", str.upper) == "PLAIN"
