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
    "fixed_bytes": {"loop": 140037197, "output": 347465045},
    "bytes_per_agent": {
        "loop": {
            "base": 9.1,
            "per_state_byte": 1.319,
            "per_twin_byte": 1.184,
            "days_fixed": 56558.2,
            "days": 0.0,
            "history": 103.7,
        },
        "output": {
            "base": 20.5,
            "per_state_byte": 3.709,
            "per_twin_byte": -0.286,
            "days_fixed": 72658.0,
            "days": 0.0,
            "history": 14.7,
        },
    },
    "warm_days": 110,
    "event_bytes_per_rate_day": 152.2,
    "event_bytes_history": 144.5,
    "event_buffer_cap_bytes": 164311040,
    "output_share_without_report": 1.038,
    "output_share_without_files": 1.239,
    "fixed_bytes_without_files": 140037197,
    "event_share_retained": 0.569,
    "population": {"fixed_bytes": 64148821, "bytes_per_agent": 12.3},
    "process_bytes": 200421376,
    "shards_bytes_per_agent": 176.0,
    "shards_fixed_bytes": 347465045,
    "compare_bytes_per_agent": 199.6,
    "compare_fixed_bytes": 347465045,
}
