"""Butlr's v2 resource routes, one module per resource."""
