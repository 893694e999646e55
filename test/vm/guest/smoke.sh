#!/bin/sh
# The chain works: cxld runs under the guest kernel, the kernel shows memdevs, ndctl lists them.
set -e
echo "== cxld --version"
cxld/bin/cxld --version
echo "== /sys/bus/cxl/devices"
ls /sys/bus/cxl/devices
echo "== cxl list -M"
cxl list -M
