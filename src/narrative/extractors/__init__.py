"""Feeds → pages → clean article text. Pure parsing; only `fetch` touches the network (through an injected httpx.Client)."""
