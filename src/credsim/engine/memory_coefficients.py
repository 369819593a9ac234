"""Peak memory of credsim runs, measured and fitted by benchmarks/memory_model.py
(do not edit: run it again). See credsim.engine.memory for how the guard uses them."""

MEASURED = {
    "date": "2026-12-06",
    "credsim": "0.1.0",
    "python": "3.11.7",
    "machine": "x86_64, 2 cores",
    "how": "RSS above the process once its scenario is loaded (VmHWM, reset per phase), each case "
    "in a fresh process; sizes 20,000, 60,000, 200,000, 500,000, 1,000,000 and 4,000,000 "
    "and 10,000,000 agents (bytes per agent between the largest two: the default with and "
    "without its twin, everything; raised to cover 120-day runs of the default and "
    "national-steady there; fixed bytes the most any size needs), 10 days, events off; "
    "plug-ins switched off one at a time at 1,000,000",
}

COEFFICIENTS = {
    "fixed_bytes": {"loop": 199040425, "output": 338029909},
    "bytes_per_agent": {
        "loop": {
            "base": 7.7,
            "per_state_byte": 1.315,
            "per_twin_byte": 1.458,
            "days_fixed": 58497.6,
            "days": 0.0,
            "history": 0.0,
        },
        "output": {
            "base": 2.9,
            "per_state_byte": 0.907,
            "per_twin_byte": 1.249,
            "days_fixed": 49971.2,
            "days": 26.8,
            "history": 0.0,
        },
    },
    "warm_days": 110,
    "event_bytes_per_rate_day": 16.4,
    "event_bytes_history": 161.4,
    "event_buffer_cap_bytes": 41668608,
    "output_share_without_report": 0.93,
    "output_share_without_files": 0.931,
    "fixed_bytes_without_files": 199040425,
    "event_share_retained": 0.0,
    "population": {"fixed_bytes": 92058645, "bytes_per_agent": 11.1},
    "process_bytes": 202932224,
    "covered_bytes_per_agent": {"loop": 8.7, "output": 0.0},
    "shards_bytes_per_agent": 82.1,
    "shards_fixed_bytes": 338029909,
    "compare_bytes_per_agent": 279.4,
    "compare_fixed_bytes": 338029909,
}
