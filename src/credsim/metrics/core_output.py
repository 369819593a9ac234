"""What the core metric writes out: its daily timeseries by group, and the headline figures of
summary.json (the whole population's and each group's), in people, not agents."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from credsim.engine import World
    from credsim.metrics.groups import Groups

__all__ = ["CoreOutput"]


class CoreOutput:
    """Methods of the core metric that write its figures out. The metric holds `world`,
    `groups`, `k`, `flows`, `stocks`, `sanctioned`, `final_sizes`, `totals_by_kind`, `by_source`,
    `score_series`, `hists`, `blocked_code`, `refused_wrongful_by`, `wrongful_reasons` and
    `but_for`, and the harm figures (`_harms`, credsim.metrics.harm)."""

    world: World
    groups: Groups
    k: int

    def timeseries(self) -> pd.DataFrame:
        """One row per day and group; counts are people."""
        days, groups = self.world.days, self.groups
        frame = {
            "day": np.repeat(np.arange(days, dtype=np.int32), groups.size),
            "dimension": np.tile([b for b, _ in groups.keys], days),
            "group_name": np.tile([label for _, label in groups.keys], days),
        }
        for name, values in {**self.flows, **self.stocks}.items():
            frame[name] = (values * self.k).ravel()
        if self.but_for is None:  # not computed: no number rather than a zero
            for name in ("sanctioned_wrongful", "refused_wrongful", "listed_new_wrongful"):
                frame[name] = np.full(days * groups.size, np.nan)
        for name, series in self.score_series.items():
            frame[f"score_mean.{name}"] = np.concatenate(series["mean"])
            frame[f"score_gini.{name}"] = np.concatenate(series["gini"])
            for i, (grade, _) in enumerate(self.world.scores[name].grades):
                frame[f"grade_share.{name}.{grade}"] = np.stack(series["grades"])[:, :, i].ravel()
        return pd.DataFrame(frame)

    def summary(self) -> dict:
        """Headline figures at the end of the run (people, not agents)."""
        k, last = self.k, self.world.days - 1
        total = {name: round(v[:, 0].sum() * k) for name, v in self.flows.items()}
        out: dict = {
            "citizens": int(self.final_sizes[0] * k),
            "days": self.world.days,
            "people_per_agent": k,
            "acts_total": total["acts"],
            "acts_by_kind": {a: c * k for a, c in sorted(self.totals_by_kind["acts"].items())},
            "records_total": total["records"],
            "records_by_kind": {
                r: c * k for r, c in sorted(self.totals_by_kind["records"].items())
            },
            "records_by_source": {
                name: {what: c * k for what, c in row.items()}
                for name, row in sorted(self.by_source.items())
            },
            "records_misattributed": total["records_misattributed"],
            "records_fabricated": total["records_fabricated"],
            "listed_total": total["listed_new"],
            "delisted_total": total["delisted"],
            "sanctioned": int(self.sanctioned[0] * k),
            "but_for": self.but_for is not None,
            **self._harms(0),
            **{name: total[name] for name in self.blocked_code.values()},
        }
        if self.but_for is not None:
            out["refused_wrongful"] = total["refused_wrongful"]
            out["refused_wrongful_by_kind"] = {
                m: c * k for m, c in sorted(self.refused_wrongful_by.items())
            }
            out["sanctioned_wrongful_reasons"] = self.wrongful_reasons
        policies = {}
        for name, series in self.score_series.items():
            grades = [g for g, _ in self.world.scores[name].grades]
            shares = series["grades"][last][0] if grades else []
            policies[name] = {
                "score_mean": _num(series["mean"][last][0]),
                "score_gini": _num(series["gini"][last][0]),
                "grade_shares": {g: _num(s) for g, s in zip(grades, shares, strict=True)},
            }
        if policies:
            primary = next(iter(policies))
            out["primary_policy"] = primary
            out.update(policies[primary])
            out["policies"] = policies
        out["by_group"] = self._by_group(last)
        return out

    def _by_group(self, last: int) -> dict:
        k = self.k
        sizes = self.final_sizes
        primary = next(iter(self.score_series), None)
        by: dict = {}
        for i, (trait, label) in enumerate(self.groups.keys):
            if trait == "all":
                continue
            row = {
                "citizens": int(sizes[i] * k),
                "sanctioned": int(self.sanctioned[i] * k),
                **self._harms(i),
                "records_misattributed": int(self.flows["records_misattributed"][:, i].sum() * k),
            }
            for name, info in self.world.scores.items():
                if info.territory is not None or info.min_age > 0:  # who has a score
                    row[f"scored.{name}"] = int(self.hists[name].hist[i].sum() * k)
            if primary is not None:
                series = self.score_series[primary]
                row["score_mean"] = _num(series["mean"][last][i])
                grades = [g for g, _ in self.world.scores[primary].grades]
                if grades:
                    shares = series["grades"][last][i]
                    row["grade_shares"] = {g: _num(s) for g, s in zip(grades, shares, strict=True)}
            by.setdefault(trait, {})[label] = row
        return by


def _num(x: float) -> float | None:
    """A JSON-safe float, rounded to 10 significant digits so the file reads well."""
    x = float(x)
    return None if np.isnan(x) else float(f"{x:.10g}")
