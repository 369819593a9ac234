"""Peak memory of credsim runs, measured and fitted by benchmarks/memory_model.py
(do not edit: run it again). See credsim.engine.memory for how the guard uses them."""

MEASURED = {
    "date": "2026-12-07",
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
    "fixed_bytes": {"loop": 133451776, "output": 337645568},
    "bytes_per_agent": {
        "loop": {
            "base": -31.7,
            "per_state_byte": 2.318,
            "per_twin_byte": 0.0,
            "days_fixed": 48383.0,
            "days": 0.0,
            "history": 13.6,
        },
        "output": {
            "base": 0.2,
            "per_state_byte": 1.035,
            "per_twin_byte": 0.0,
            "days_fixed": 26314.7,
            "days": 29.4,
            "history": 0.0,
        },
    },
    "warm_days": 110,
    "event_bytes_per_rate_day": 13.8,
    "event_bytes_history": 155.8,
    "event_buffer_cap_bytes": 47706112,
    "output_share_without_report": 1.011,
    "output_share_without_files": 1.163,
    "fixed_bytes_without_files": 156913502,
    "event_share_retained": 0.0,
    "population": {"fixed_bytes": 92058645, "bytes_per_agent": 11.1},
    "process_bytes": 202612736,
    "covered_bytes_per_agent": {"loop": 1.4, "output": 1.4},
    "shards_bytes_per_agent": 89.4,
    "shards_fixed_bytes": 337645568,
    "compare_bytes_per_agent": 330.5,
    "compare_fixed_bytes": 337645568,
}
