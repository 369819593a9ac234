"""Peak memory of credsim runs, measured and fitted by benchmarks/memory_model.py
(do not edit: run it again). See credsim.engine.memory for how the guard uses them."""

MEASURED = {
    "date": "2026-12-05",
    "credsim": "0.1.0",
    "python": "3.11.7",
    "machine": "x86_64, 2 cores",
    "how": "RSS above the process once its scenario is loaded (VmHWM, reset per phase), each case "
    "in a fresh process; sizes 20,000, 60,000, 200,000, 500,000, 1,000,000 agents (bytes "
    "per agent from the three largest, fixed bytes the most any needs), 10 days, events "
    "off; plug-ins switched off one at a time at 1,000,000",
}

COEFFICIENTS = {
    "fixed_bytes": {"loop": 72924906, "output": 225962682},
    "bytes_per_agent": {
        "loop": {
            "base": 39.2,
            "per_state_byte": 1.159,
            "per_twin_byte": 1.047,
            "days_fixed": 53933.5,
            "days": 0.0,
            "history": 104.2,
        },
        "output": {
            "base": 103.8,
            "per_state_byte": 3.481,
            "per_twin_byte": 1.082,
            "days_fixed": 51659.8,
            "days": 0.0,
            "history": 53.1,
        },
    },
    "warm_days": 110,
    "event_bytes_per_rate_day": 212.8,
    "event_bytes_history": 101.0,
    "event_buffer_cap_bytes": 161607680,
    "output_share_without_report": 0.54,
    "output_share_without_files": 1.421,
    "fixed_bytes_without_files": 154093020,
    "event_share_retained": 0.441,
    "population": {"fixed_bytes": 64148821, "bytes_per_agent": 12.3},
    "process_bytes": 228945920,
    "shards_bytes_per_agent": 105.2,
    "shards_fixed_bytes": 225962682,
    "compare_bytes_per_agent": 160.3,
    "compare_fixed_bytes": 225962682,
}
