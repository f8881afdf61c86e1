"""Faithful simulators of the ButterflyMX, RemoteLock and Butlr APIs, on one aiohttp port."""
