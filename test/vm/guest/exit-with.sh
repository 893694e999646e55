#!/bin/sh
# Harness self-test: print to both streams, then exit with $1, or hang when $1 is "hang".
echo "to stdout $1"
echo "to stderr $1" >&2
[ "$1" = hang ] && exec sleep 100000
exit "$1"
