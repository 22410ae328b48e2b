#!/bin/sh
i=0; while [ $i -lt 3000 ]; do echo "secret body line $i"; i=$((i+1)); done
