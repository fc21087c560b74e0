"""The memflux package's unittest suite. Run it against a built library:

    MEMFLUX_LIB=/path/to/libmemflux.so python3 -m unittest discover -s memflux/tests -t .

from libs/python (ffi's Go test TestPython does exactly this with a fresh build).
"""
