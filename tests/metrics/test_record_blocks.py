"""Per-record columns kept in blocks give what one growing array gives, across block edges."""

from __future__ import annotations

import numpy as np

from credsim.metrics import record_blocks
from credsim.metrics.record_blocks import RecordBlocks


def test_blocks_match_one_array_across_block_edges(monkeypatch):
    monkeypatch.setattr(record_blocks, "BLOCK_BITS", 4)
    monkeypatch.setattr(record_blocks, "BLOCK", 16)
    rng = np.random.default_rng(3)
    table = RecordBlocks({"who": ("int32", -1), "reach": ("uint8", 0)})
    who, reach = np.full(200, -1, np.int32), np.zeros(200, np.uint8)
    size = 0
    for _ in range(12):
        new = np.arange(size, size + int(rng.integers(0, 20)))
        size += new.shape[0]
        table.grow(size)
        values = rng.integers(0, 1000, new.shape[0]).astype(np.int32)
        table.put("who", new, values)
        who[new] = values
        at = rng.integers(0, max(size, 1), 30) if size else np.empty(0, np.int64)
        bits = rng.integers(0, 4, at.shape[0]).astype(np.uint8)
        table.or_at("reach", at, bits)  # positions repeat: every bit must stay
        np.bitwise_or.at(reach, at, bits)
    assert table.capacity >= size and len(table.blocks) == (size + 15) // 16
    whole = {
        name: np.concatenate([block[name] for block in table.chunks(size)])
        for name in ("who", "reach")
    }
    np.testing.assert_array_equal(whole["who"], who[:size])
    np.testing.assert_array_equal(whole["reach"], reach[:size])
    assert list(table.chunks(0)) == []
    at = rng.integers(0, size, 50)
    np.testing.assert_array_equal(table.take("who", at), who[at])
