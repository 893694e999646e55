#!/bin/sh
# Print one line per CXL object the guest kernel shows, for the harness tests:
#   memdev NAME ram=SIZE pmem=SIZE serial=SERIAL lsa=BYTES devnode=yes|no
#   port NAME depth=N        (depth from the root port: host bridge 1, switch 2)
#   endpoint NAME memdev=NAME
D=/sys/bus/cxl/devices
for m in $(ls $D | grep '^mem[0-9]'); do
    pmem=0; [ -e $D/$m/pmem/size ] && pmem=$(cat $D/$m/pmem/size)
    node=no; [ -c /dev/cxl/$m ] && node=yes
    echo "memdev $m ram=$(cat $D/$m/ram/size) pmem=$pmem serial=$(cat $D/$m/serial) lsa=$(cat $D/$m/label_storage_size) devnode=$node"
done
for p in $(ls $D | grep '^port[0-9]'); do
    depth=0; dir=$(readlink -f $D/$p)
    while [ "$(basename "$dir")" != "$(basename "$(readlink -f $D/root0)")" ]; do
        case $(basename "$dir") in port[0-9]*) depth=$((depth + 1)) ;; esac
        dir=$(dirname "$dir")
    done
    echo "port $p depth=$depth"
done
for e in $(ls $D | grep '^endpoint[0-9]'); do
    echo "endpoint $e memdev=$(basename "$(readlink -f $D/$e/uport)")"
done
