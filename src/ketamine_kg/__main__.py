"""``python -m ketamine_kg`` runs the CLI."""

from ketamine_kg.cli import main

if __name__ == "__main__":
    main()
