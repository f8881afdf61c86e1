"""Simulated Butlr API."""

from sandbox.butlr.sim import ButlrSim

__all__ = ["ButlrSim"]
