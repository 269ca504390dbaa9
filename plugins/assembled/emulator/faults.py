"""Fault injection lives in ``wfm_bridge.plugins.emulation.faults`` (every emulator's); this
name stays for code that imported it from here."""

from wfm_bridge.plugins.emulation.faults import KINDS, Fault, FaultPlan

__all__ = ["KINDS", "Fault", "FaultPlan"]
