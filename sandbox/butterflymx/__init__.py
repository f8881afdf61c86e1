"""Simulated butterflymx API."""

from sandbox.butterflymx.sim import ButterflyMXSim

__all__ = ["ButterflyMXSim"]
