"""`python -m pywats_client` runs the `pywats-client` command line."""

from pywats_client._entry import main

main()
