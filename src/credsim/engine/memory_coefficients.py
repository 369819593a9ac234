"""Peak memory of credsim runs, measured and fitted by benchmarks/memory_model.py
(do not edit: run it again). See credsim.engine.memory for how the guard uses them."""

MEASURED = {
    "date": "2026-12-05",
    "credsim": "0.1.0",
    "python": "3.11.7",
    "machine": "x86_64, 2 cores",
    "how": "RSS above the process once its scenario is loaded (VmHWM, reset per phase), each case "
    "in a fresh process; sizes 20,000, 60,000, 200,000, 500,000, 1,000,000 and 4,000,000 "
    "and 10,000,000 agents (bytes per agent from the largest two, split by the runs at a "
    "million; fixed bytes the most any size needs), 10 days, events off; plug-ins switched "
    "off one at a time at 1,000,000",
}

COEFFICIENTS = {
    "fixed_bytes": {"loop": 111817976, "output": 266114779},
    "bytes_per_agent": {
        "loop": {
            "base": 2.8,
            "per_state_byte": 1.115,
            "per_twin_byte": 1.351,
            "days_fixed": 46008.9,
            "days": 0.0,
            "history": 61.9,
        },
        "output": {
            "base": 35.2,
            "per_state_byte": 3.3,
            "per_twin_byte": -0.085,
            "days_fixed": 25044.1,
            "days": 7.2,
            "history": 0.5,
        },
    },
    "warm_days": 110,
    "event_bytes_per_rate_day": 171.6,
    "event_bytes_history": 114.3,
    "event_buffer_cap_bytes": 169824256,
    "output_share_without_report": 1.012,
    "output_share_without_files": 1.283,
    "fixed_bytes_without_files": 143053123,
    "event_share_retained": 0.283,
    "population": {"fixed_bytes": 65683456, "bytes_per_agent": 12.2},
    "process_bytes": 200851456,
    "shards_bytes_per_agent": 200.7,
    "shards_fixed_bytes": 266114779,
    "compare_bytes_per_agent": 236.2,
    "compare_fixed_bytes": 266114779,
}
