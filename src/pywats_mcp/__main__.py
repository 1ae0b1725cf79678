"""`python -m pywats_mcp`: the same as the `pywats-mcp` command."""

from pywats_mcp._entry import main

main()
