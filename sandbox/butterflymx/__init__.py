"""Simulated butterflymx API."""

from concierge.sandbox.butterflymx.sim import ButterflyMXSim

__all__ = ["ButterflyMXSim"]
