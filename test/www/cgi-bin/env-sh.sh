#!/usr/bin/env sh
printf "Content-Type: text/plain\r\n\r\nvia env\n"
