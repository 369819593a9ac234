"""`credsim faceid`: the base-rate calculator of a 1:N face search system (a statistical model of
NIST's published error rates; no faces, no face recognition)."""

from __future__ import annotations

import math
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from credsim.errors import UserError

__all__ = ["register"]

out_console = Console()


def register(app: typer.Typer) -> None:
    """Add the `faceid` command to the `credsim` app."""
    app.command()(faceid)


def _parse_groups(items: list[str]) -> dict[str, tuple[float, float]]:
    groups = {}
    for item in items:
        parts = item.split(":")
        try:
            name, share, mult = parts[0], float(parts[1]), float(parts[2])
            if len(parts) != 3 or not name or share < 0 or mult < 0:
                raise ValueError
        except (ValueError, IndexError):
            raise UserError(
                f"--group {item!r}: expected NAME:SHARE:MULTIPLIER, e.g. --group women:0.49:2.9"
            ) from None
        if not share <= 1 or not mult < float("inf") or name in groups or name == "reference":
            raise UserError(
                f"--group {item!r}: a share of probes from 0 to 1, a finite multiplier, and a "
                "name used once and not 'reference' (the rest of the probes)"
            )
        groups[name] = (share, mult)
    total = sum(share for share, _ in groups.values())
    if total > 1 + 1e-9:
        raise UserError(
            f"--group: the shares sum to {total:g}; they are shares of all probes, at most 1 "
            "together (the rest are the reference group, multiplier 1)."
        )
    return groups


def _finite_or_null(value):
    """`value` with every infinite or NaN float replaced by None (JSON null)."""
    if isinstance(value, dict):
        return {k: _finite_or_null(v) for k, v in value.items()}
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def faceid(
    gallery: Annotated[float, typer.Option(help="faces in the gallery searched")] = 12e6,
    fmr: Annotated[float | None, typer.Option(help="per-comparison false-match rate")] = None,
    fpir_ref: Annotated[
        float, typer.Option(help="FPIR measured at --gallery-ref (used without --fmr)")
    ] = 0.003,
    gallery_ref: Annotated[float, typer.Option(help="gallery of --fpir-ref")] = 12e6,
    probes_per_day: Annotated[float, typer.Option(help="searches per day")] = 1e6,
    prevalence: Annotated[
        float, typer.Option(help="share of probes whose subject is really sought")
    ] = 0.001,
    fnir: Annotated[float, typer.Option(help="miss rate for sought subjects")] = 0.0023,
    group: Annotated[
        list[str] | None,
        typer.Option(help="NAME:SHARE:MULTIPLIER of the false-match rate (repeatable)"),
    ] = None,
    json_: Annotated[bool, typer.Option("--json", help="print one JSON object")] = False,
) -> None:
    """The base-rate calculator: false alerts per day from a 1:N face search system."""
    import json

    from credsim.sources.faceid import base_rates, fmr_from_fpir

    checks = {
        "--gallery": gallery > 0,
        "--probes-per-day": probes_per_day >= 0,
        "--prevalence": 0 <= prevalence <= 1,
        "--fnir": 0 <= fnir <= 1,
        "--fpir-ref": 0 < fpir_ref < 1,
        "--gallery-ref": gallery_ref > 0,
        "--fmr": fmr is None or 0 < fmr < 1,
    }
    finite = all(math.isfinite(v) for v in (gallery, gallery_ref, probes_per_day, fmr or 0.0))
    checks["--gallery, --gallery-ref, --probes-per-day"] = finite
    for flag, ok in checks.items():
        if not ok:
            raise UserError(f"{flag}: out of range (rates lie in 0..1, sizes above 0 and finite).")
    rate = fmr if fmr is not None else fmr_from_fpir(fpir_ref, gallery_ref)
    result = base_rates(gallery, rate, probes_per_day, prevalence, fnir, _parse_groups(group or []))
    if json_:
        # JSON has no Infinity or NaN: a figure that overflowed is reported as null.
        print(json.dumps(_finite_or_null(result), indent=2, allow_nan=False))
        return
    table = Table(title=f"1:N search of {gallery:,.0f} faces, {probes_per_day:,.0f} probes a day")
    for column in ("who", "FPIR", "false alerts/day", "true alerts/day", "share false"):
        table.add_column(column, justify="right")
    rows = {"everyone": result, **result.get("by_group", {})}
    for name, r in rows.items():
        table.add_row(
            name,
            f"{r['fpir']:.4g}",
            f"{r['false_alerts_per_day']:,.0f}",
            f"{r['true_alerts_per_day']:,.0f}",
            f"{r['false_alert_share']:.1%}",
        )
    out_console.print(table)
    out_console.print(f"per-comparison false-match rate {rate:.3g}")
