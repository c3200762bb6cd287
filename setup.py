"""The one compiled part: the router's search in C, built by every install (editable or wheel).

Everything else about the package is in pyproject.toml.
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("silkpost.network._router", ["src/silkpost/network/_router.c"],
                             extra_compile_args=["-O2"])])
