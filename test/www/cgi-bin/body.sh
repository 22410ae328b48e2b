#!/bin/sh
# Reads exactly CONTENT_LENGTH bytes of body; prints their count and digest.
printf 'Content-Type: text/plain\r\n\r\n'
head -c "${CONTENT_LENGTH:-0}" | { sum=$(md5sum | cut -d' ' -f1); echo "md5 $sum"; }
