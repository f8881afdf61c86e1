"""Simulated remotelock API."""

from sandbox.remotelock.sim import RemoteLockSim

__all__ = ["RemoteLockSim"]
