"""``python -m silkpost.cli``: the ``silkpost`` command without its script (a venv's bin)."""

from silkpost.cli import main

if __name__ == "__main__":
    main()
