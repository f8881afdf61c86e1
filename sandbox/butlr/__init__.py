"""Simulated Butlr API."""

from concierge.sandbox.butlr.sim import ButlrSim

__all__ = ["ButlrSim"]
