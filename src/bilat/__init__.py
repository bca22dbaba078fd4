"""bilat: how deep is a bilateral strategic partnership, and where do the two sides disagree?

The Python API returns pandas DataFrames / Arrow tables and plain dataclasses; the ``bilat``
command is a thin layer over it.
"""

from bilat.errors import BilatError
from bilat.store import Store, open_store

__version__ = "0.1.0"

__all__ = ["BilatError", "Store", "__version__", "open_store"]
