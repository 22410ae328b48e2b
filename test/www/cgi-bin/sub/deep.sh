#!/bin/sh
printf 'Content-Type: text/plain\r\n\r\n'
echo "deep SCRIPT_NAME=$SCRIPT_NAME PATH_INFO=$PATH_INFO"
