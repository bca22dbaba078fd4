"""Competing hypotheses weighed against the evidence: the partnership report.

``bilat.assess.report(store, "RUS", "CHN", …)`` returns a :class:`~bilat.assess.report.Report`
(evidence per pillar, ACH matrix and scores, words against deeds, coverage, bottom line).
The module of the same name is ``sys.modules["bilat.assess.report"]``; the package attribute
``report`` is the function.
"""

from __future__ import annotations

from bilat.assess.report import Report, report  # noqa: E402  (rebinds the name to the function)

__all__ = ["Report", "report"]
