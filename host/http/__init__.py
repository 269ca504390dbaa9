"""The HTTP face (`wfm serve`): a JSON API with OpenAPI and pages over one ``Bridge``.

``build_app(bridge)`` is the ASGI app (a host may mount it in its own server);
``HttpServer(bridge, host=..., port=...)`` runs it; ``TokenStore`` manages tenant tokens.
"""

from wfm_bridge.host.http.app import build_app
from wfm_bridge.host.http.server import HttpServer
from wfm_bridge.host.http.tokens import TokenStore

__all__ = ["HttpServer", "TokenStore", "build_app"]
