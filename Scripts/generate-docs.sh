#!/usr/bin/env bash
# Regenerates the man page and the shell completions from hcard's argument definitions, with
# swift-argument-parser's own tooling, into Docs/man and Docs/completions:
#   - Docs/man/hcard.1: the `generate-manual` package plugin (built in debug mode);
#   - Docs/completions/hcard.{bash,zsh,fish}: `hcard --generate-completion-script SHELL`.
# Run it after changing any command or option; the tests check that the committed completion
# scripts are those the current hcard prints, and that the man page names every command.
#
# Usage: bash Scripts/generate-docs.sh [--completions-only]
set -euo pipefail
cd "$(dirname "$0")/.."

mkdir -p Docs/man Docs/completions
swift build --product hcard
HCARD="$(swift build --show-bin-path)/hcard"
for shell in bash zsh fish; do
    "$HCARD" --generate-completion-script "$shell" > "Docs/completions/hcard.$shell"
done
echo "wrote Docs/completions/hcard.{bash,zsh,fish}"

if [ "${1:-}" != "--completions-only" ]; then
    swift package --allow-writing-to-package-directory generate-manual --configuration debug --output-directory Docs/man
    echo "wrote Docs/man/hcard.1 (read it with: man Docs/man/hcard.1)"
fi
