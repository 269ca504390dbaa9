"""The boundary: what the use cases need, as Protocols, DTOs, errors and hook specs."""

from wfm_bridge.ports.hookspecs import hookimpl

__all__ = ["hookimpl"]
