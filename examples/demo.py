"""End-to-end demo (grows with the project): see README."""

import pywats

print(f"pywats {pywats.__version__}: the SDK core and report model are being built; no demo yet.")
