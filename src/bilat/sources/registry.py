"""Every source ``bilat fetch all`` can load, in one list (name, mirror folder, loader).

Each entry names the mirror folder that holds the source (``<mirror>/<folder>``) and the
fetch function as ``"module:function"``; the function is imported only when used and is
called as ``fn(store=store, mirror=mirror, on_bad_rows=on_bad_rows)``, returning a list of
ingest results (anything with a ``summary()`` method) or one such result.
Source modules add their own line here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    """One loadable source: its ``bilat fetch`` name, mirror folder and fetch function."""

    name: str
    folder: str
    loader: str  #: ``"bilat.sources.module:function"``
    pillar: str  #: events | votes | material | texts


SOURCES: list[Entry] = [
    Entry("unvotes", "unga", "bilat.sources.unvotes:fetch_unvotes", "votes"),
    Entry("icews", "icews", "bilat.sources.icews:fetch_icews", "events"),
    Entry("icews-dyad-year", "icews-dyad-year",
          "bilat.sources.icews_dyad_year:fetch_icews_dyad_year", "events"),
    Entry("icews-tkg", "icews-tkg", "bilat.sources.icews_tkg:fetch_icews_tkg", "events"),
    Entry("undl-scrape", "unga/undl-scrape-2021",
          "bilat.sources.undl_scrape:fetch_undl_scrape", "votes"),
    Entry("idealpoints", "unga/voeten-2024", "bilat.sources.idealpoints:fetch_idealpoints",
          "votes"),
    Entry("unsc-vetoes", "unga/unsc-vetoes-2022",
          "bilat.sources.unsc_vetoes:fetch_unsc_vetoes", "votes"),
    Entry("trade", "trade_cow", "bilat.sources.trade_cow:fetch_cow_trade", "material"),
    Entry("trade-imf", "trade_imf_dots", "bilat.sources.imf_dots:fetch_dots", "material"),
    Entry("arms", "arms_sipri", "bilat.sources.arms_sipri:fetch_sipri", "material"),
    Entry("alliances", "alliances_atop", "bilat.sources.alliances_atop:fetch_atop", "material"),
    Entry("igos", "igo_cow", "bilat.sources.igo_cow:fetch_igo", "material"),
    Entry("exercises", "exercises_mme", "bilat.sources.exercises_mme:fetch_mme", "material"),
    Entry("energy", "energy_ei", "bilat.sources.energy_ei:fetch_energy", "material"),
    Entry("engagements", "diplomacy_chinavitae",
          "bilat.sources.engagements_chinavitae:fetch_engagements", "material"),
    # one line per source, added by the source's module author:
    Entry("readouts", "texts/readouts", "bilat.sources.readout_pairs:fetch_readout_pairs", "texts"),
    Entry("xwlb", "texts/xwlb", "bilat.text.corpus:fetch_xwlb", "texts"),
    Entry("xwlb-json", "texts/xwlb-2018-2019", "bilat.text.corpus:fetch_xwlb_json", "texts"),
    Entry("kremlin", "texts/kremlin-en-2021-2022", "bilat.text.corpus:fetch_kremlin", "texts"),
    Entry("ungdc", "texts/ungdc", "bilat.text.corpus:fetch_ungdc", "texts"),
]


def load(entry: Entry):  # type: ignore[no-untyped-def]
    """The fetch function of ``entry`` (imported lazily)."""
    import importlib

    module, _, func = entry.loader.partition(":")
    return getattr(importlib.import_module(module), func)
