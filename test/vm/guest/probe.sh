#!/bin/sh
# Print what the guest sees (a quick look when developing the harness).
uname -r
ls /sys/bus/cxl/devices
ls -l /dev/cxl
