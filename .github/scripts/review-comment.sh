#!/usr/bin/env bash
# Writes the pull request's review comment: the access diff of the stack's topology against the
# base revision, the Mermaid graph and the access matrix of the proposed topology. Sets
# `access-widened=true|false` in $GITHUB_OUTPUT when run in GitHub Actions.
# Usage: review-comment.sh BASE_REV OUTPUT_FILE [STACK]   (from the repository root; STACK defaults to dev)
set -uo pipefail

if [ "$#" -lt 2 ] || [ "$#" -gt 3 ]; then
  echo "usage: $0 BASE_REV OUTPUT_FILE [STACK]" >&2
  exit 2
fi
base=$1 out=$2 stack=${3:-dev}
topology=$(python - "$stack" <<'PY'
import sys
from mesh_components.stack_config import StackConfigError, topology_path
try:
    print(topology_path(sys.argv[1]).as_posix())
except StackConfigError as error:
    sys.exit(f"review-comment: {error}")
PY
) || exit 2
errors=$(mktemp)
graph=$(mktemp)
trap 'rm -f "$errors" "$graph"' EXIT

fenced() {  # fenced LANGUAGE FILE
  printf '```%s\n' "$1"
  cat "$2"
  printf '```\n'
}

{
  echo "## color-mesh review"
  echo
  diff_text=$(python -m mesh_components diff "$base:$topology" "$topology" 2>"$errors")
  status=$?
  case $status in
    0 | 3) printf '%s\n' "$diff_text" ;;
    1) echo "**The topology does not validate**, so no access diff:"; echo; fenced text "$errors" ;;
    *) echo "**No access diff**: the base revision's topology could not be read:"; echo; fenced text "$errors" ;;
  esac
  echo
  echo "### Mesh graph: \`$topology\`"
  echo
  if python -m mesh_components graph "$topology" >"$graph" 2>"$errors"; then
    fenced mermaid "$graph"
    echo
    echo "<details><summary>Access matrix</summary>"
    echo
    python -m mesh_components access "$topology" 2>&1
    echo
    echo "</details>"
  else
    fenced text "$errors"
  fi
} >"$out"

widened=false
[ "$status" -eq 3 ] && widened=true
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  echo "access-widened=$widened" >>"$GITHUB_OUTPUT"
fi
echo "access widened: $widened" >&2
