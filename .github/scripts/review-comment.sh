#!/usr/bin/env bash
# Writes the pull request's review: the stack review (`diff --stack`: its settings and the topology
# file it names, at the base revision against the working tree), the Mermaid graph and the access
# matrix. Sets `access-widened=true|false` in $GITHUB_OUTPUT when run in GitHub Actions.
#
# Fails closed: access-widened is false only when the review ran and found nothing that widens. An
# invalid working tree, an unreadable base, an unknown revision: all true.
#
# OUTPUT_FILE is the comment, kept within GitHub's 65,536-character limit: the verdict and the changes
# first; the diagram and the matrix only when they fit, a summary of the mesh otherwise. FULL_FILE
# (default OUTPUT_FILE with .full.md) has everything, for the job summary and the artifact.
# Usage: review-comment.sh BASE_REV OUTPUT_FILE [STACK [FULL_FILE]]   (STACK defaults to dev)
set -uo pipefail

if [ "$#" -lt 2 ] || [ "$#" -gt 4 ]; then
  echo "usage: $0 BASE_REV OUTPUT_FILE [STACK [FULL_FILE]]" >&2
  exit 2
fi
base=$1 out=$2 stack=${3:-dev} full=${4:-${2%.md}.full.md}
comment_limit=60000  # GitHub's limit is 65,536 characters; room for the marker and the workflow's lines
diff_limit=45000     # the verdict and the changes always fit in the comment

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fenced() {  # fenced LANGUAGE FILE
  printf '```%s\n' "$1"
  cat "$2"
  printf '```\n'
}

review() {  # review [--max-chars N]: the stack review, or why there is none
  local text status
  text=$(python -m mesh_components diff --stack "$stack" --base "$base" "$@" 2>"$work/errors")
  status=$?
  echo "$status" >"$work/status"
  case $status in
    0 | 3) printf '%s\n' "$text" ;;
    1) echo "**The working tree does not validate**, so it cannot be reviewed (counted as widened):"; echo
       fenced text "$work/errors" ;;
    *) echo "**No review**: the stack or the base revision could not be read (counted as widened):"; echo
       fenced text "$work/errors" ;;
  esac
}

mesh() {  # the diagram and the matrix of the working tree's topology
  echo "### Mesh graph: stack \`$stack\`"
  echo
  if python -m mesh_components graph --stack "$stack" >"$work/graph" 2>"$work/graph-errors"; then
    fenced mermaid "$work/graph"
    echo
    echo "<details><summary>Access matrix</summary>"
    echo
    python -m mesh_components access --stack "$stack" 2>&1
    echo
    echo "</details>"
  else
    fenced text "$work/graph-errors"
  fi
}

{ echo "## color-mesh review"; echo; review; echo; mesh; } >"$full"
status=$(cat "$work/status")

{ echo "## color-mesh review"; echo; review --max-chars "$diff_limit"; echo; } >"$out"
if grep -q "not shown here; the full review lists them all" "$out"; then
  printf '%s\n\n' "_The full review is in the job summary and in the \`color-mesh-review\` artifact._" >>"$out"
fi
mesh >"$work/mesh"
if [ $(($(wc -c <"$out") + $(wc -c <"$work/mesh"))) -le "$comment_limit" ]; then
  cat "$work/mesh" >>"$out"
else
  {
    echo "### Mesh: stack \`$stack\`"
    echo
    summary=$(python -m mesh_components validate --stack "$stack" 2>/dev/null) || summary="(does not validate)"
    echo "$summary"
    echo
    echo "The diagram and the access matrix are too large for a comment: they are in the job summary"
    echo "and in the \`color-mesh-review\` artifact, with the full review."
  } >>"$out"
fi

widened=true
[ "$status" -eq 0 ] && widened=false
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  echo "access-widened=$widened" >>"$GITHUB_OUTPUT"
fi
echo "access widened: $widened" >&2
