"""Simulated remotelock API."""

from concierge.sandbox.remotelock.sim import RemoteLockSim

__all__ = ["RemoteLockSim"]
