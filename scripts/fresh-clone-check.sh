#!/usr/bin/env bash
# The README's promise, checked: in a fresh clone, on a machine with Node and
# npm but no pnpm and no corepack, `npm run example` serves the example
# (started, asked with curl, stopped with Ctrl-C, exit 0), `npx hanoi --help`
# works, and `npm test` passes. pnpm and corepack are hidden from the PATH
# (shims that fail come first) and from npx (an empty global prefix). It
# clones the committed HEAD, and prints how long each command took.
#
#   scripts/fresh-clone-check.sh            # both commands
#   scripts/fresh-clone-check.sh --example  # npm run example only
#   scripts/fresh-clone-check.sh --cold     # also an empty pnpm store: every package downloaded
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
example_only=false
cold=false
for arg in "$@"; do
  case "$arg" in
    --example) example_only=true ;;
    --cold) cold=true ;;
    *) echo "usage: $0 [--example] [--cold]" >&2; exit 2 ;;
  esac
done

work="$(mktemp -d)"
example_pid=""
cleanup() {
  if [[ -n "$example_pid" ]] && kill -0 "$example_pid" 2>/dev/null; then kill -KILL -- "-$example_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

mkdir "$work/shims" "$work/npm-global"
for tool in pnpm pnpx corepack; do
  printf '#!/bin/sh\necho "%s: not installed" >&2\nexit 127\n' "$tool" >"$work/shims/$tool"
  chmod +x "$work/shims/$tool"
done
export PATH="$work/shims:$PATH"
export npm_config_prefix="$work/npm-global" # npx must not find a globally installed pnpm either
if $cold; then export XDG_DATA_HOME="$work/data"; fi # pnpm keeps its store under XDG_DATA_HOME
if pnpm --version >/dev/null 2>&1; then echo "pnpm is still on the PATH" >&2; exit 1; fi
echo "node $(node --version), npm $(npm --version), no pnpm; $(nproc) cores"

git clone -q "$repo" "$work/hanoi"
cd "$work/hanoi"

port="$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
started=$(date +%s)
PORT="$port" setsid npm run example >"$work/example.log" 2>&1 &
example_pid=$!
until grep -q 'Ctrl-C' "$work/example.log"; do
  if ! kill -0 "$example_pid" 2>/dev/null; then cat "$work/example.log"; echo "npm run example exited early" >&2; exit 1; fi
  if (($(date +%s) - started > 900)); then echo "npm run example: no banner after 15 minutes" >&2; exit 1; fi
  sleep 1
done
served=$(($(date +%s) - started))
url="http://127.0.0.1:$port"
[[ "$(curl -s -o /dev/null -w '%{http_code}' -H 'x-user-id: alice' "$url/dashboard")" == 200 ]]
[[ "$(curl -s -o /dev/null -w '%{http_code}' -H 'x-user-id: carol' "$url/dashboard")" == 404 ]]
kill -INT -- "-$example_pid"
code=0
wait "$example_pid" || code=$?
example_pid=""
if ((code != 0)); then cat "$work/example.log"; echo "npm run example exited with $code after Ctrl-C" >&2; exit 1; fi
if grep -qE 'ELIFECYCLE|ERR_PNPM|npm error' "$work/example.log"; then cat "$work/example.log"; exit 1; fi
echo "npm run example: served $url after ${served}s (alice 200, carol 404), Ctrl-C exit 0"

npx hanoi --help | head -1

if $example_only; then exit 0; fi
started=$(date +%s)
npm test
echo "npm test: passed in $(($(date +%s) - started))s"
