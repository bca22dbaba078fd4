"""The local web app (``bilat serve``): pages over the store, every figure linked to its evidence.

``create_app(store)`` returns the Starlette ASGI application; see :mod:`bilat.web.app`.
Needs the ``web`` extra (``pip install 'bilat[web]'``).
"""

from bilat.web.app import create_app

__all__ = ["create_app"]
